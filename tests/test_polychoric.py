"""Polychoric / polyserial correlations (acsi.core.polychoric) and the bivariate normal they rest on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from acsi.core import bivariate_normal, polychoric

HERE = Path(__file__).parent / "reference_ordinal"
ITEMS = ["CUEX1", "CUEX2", "CUEX3", "CUSA1", "CUSA2", "CUSA3", "CUSL1", "CUSL2", "CUSL3"]
#: lavaan prints 3 decimals; the stored values have 6, so agreement is asked to half a unit of the 3rd.
LAVAAN = 5e-4


def mobi_five_levels(reference: Path) -> pd.DataFrame:
    """mobi's nine CUEX/CUSA/CUSL items cut to 5 levels (ceiling(x / 2)) and CUSCO kept continuous, as lavaan_ordinal.R."""
    frame = pd.read_csv(reference / "data" / "mobi.csv")[[*ITEMS, "CUSCO"]]
    frame[ITEMS] = np.ceil(frame[ITEMS] / 2).astype(int)
    return frame


@pytest.mark.parametrize("r", [-0.99, -0.93, -0.6, 0.0, 0.4, 0.92, 0.95, 0.999])
def test_bivariate_normal_cdf_matches_scipy(r: float) -> None:
    h = np.array([-2.1, -0.3, 0.0, 0.7, 1.9])
    k = np.array([0.4, -1.2, 0.0, 2.2, -0.5])
    ours = bivariate_normal.cdf(h, k, np.full(5, r))
    theirs = [stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([a, b]) for a, b in zip(h, k)]
    np.testing.assert_allclose(ours, theirs, atol=1e-7)


def test_bivariate_normal_cdf_with_an_infinite_bound_is_the_margin() -> None:
    value = bivariate_normal.cdf(np.array([np.inf, 0.3]), np.array([0.5, -np.inf]), np.array([0.7, 0.97]))
    np.testing.assert_allclose(value, [stats.norm.cdf(0.5), 0.0], atol=1e-12)


def test_thresholds_are_normal_quantiles_of_the_cumulative_shares() -> None:
    codes = np.array([0] * 10 + [1] * 30 + [2] * 60)
    np.testing.assert_allclose(polychoric.thresholds(codes, 3), stats.norm.ppf([0.1, 0.4]), atol=1e-12)


def test_polychoric_and_polyserial_correlations_match_lavaan_lavcor(reference: Path) -> None:
    frame = mobi_five_levels(reference)
    expected = pd.read_csv(HERE / "lavcor.csv", index_col=0).loc[frame.columns, frame.columns]
    result = polychoric.mixed_correlation(frame.to_numpy(float), np.array([True] * 9 + [False]))
    np.testing.assert_allclose(result.matrix, expected.to_numpy(), atol=LAVAAN)
    assert result.converged.all() and not result.boundary.any()


def test_polychoric_variances_match_the_diagonal_of_lavaans_wlsmv_gamma(reference: Path) -> None:
    values = mobi_five_levels(reference)[ITEMS].to_numpy()
    codes = np.column_stack([polychoric.category_codes(values[:, j])[0] for j in range(9)])
    rows, cols = np.triu_indices(9, 1)
    pairs = np.column_stack([rows, cols])
    fit, _ = polychoric.polychoric(codes, pairs)
    expected = pd.read_csv(HERE / "wlsmv_gamma_correlations.csv")
    assert list(expected["pair"]) == [f"{ITEMS[i]}~~{ITEMS[j]}" for i, j in pairs]
    gamma = polychoric.polychoric_gamma(codes, pairs, fit.rho, rows_at_once=100)  # three chunks of rows
    np.testing.assert_allclose(np.diag(gamma), expected["gamma"], atol=1e-5)
    assert np.all(np.linalg.eigvalsh(gamma) > 0)


def test_polychoric_of_a_population_exact_table_is_the_population_correlation() -> None:
    # counts proportional to the cell probabilities (rounded to 1e-6 of the total): both steps are then exact
    rho, cuts_a, cuts_b = 0.72, np.array([-1.2, -0.1, 0.9, 1.6]), np.array([-0.4, 0.5])
    a = np.concatenate([[-np.inf], cuts_a, [np.inf]])[:, None]
    b = np.concatenate([[-np.inf], cuts_b, [np.inf]])[None, :]
    corners = bivariate_normal.cdf(a, b, np.full((a.size, b.size), rho))
    cells = corners[1:, 1:] - corners[:-1, 1:] - corners[1:, :-1] + corners[:-1, :-1]
    counts = np.rint(cells * 1e6).astype(int)
    i, j = np.indices(cells.shape)
    codes = np.column_stack([np.repeat(i.ravel(), counts.ravel()), np.repeat(j.ravel(), counts.ravel())])
    fit, taus = polychoric.polychoric(codes, np.array([[0, 1]]))
    np.testing.assert_allclose(taus[0], cuts_a, atol=1e-4)
    assert fit.rho[0] == pytest.approx(rho, abs=1e-4)


def test_polychoric_recovers_the_correlation_of_discretised_normals() -> None:
    rng = np.random.default_rng(7)
    rho = 0.6
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=20_000)
    codes = np.column_stack([np.digitize(z[:, 0], [-1.5, -0.5, 0.3, 1.1]), np.digitize(z[:, 1], [-0.8, 0.0, 1.4])])
    fit, _ = polychoric.polychoric(codes, np.array([[0, 1]]))
    pearson = np.corrcoef(codes, rowvar=False)[0, 1]
    assert abs(fit.rho[0] - rho) < 0.02  # standard error about 0.006 at n = 20,000
    assert abs(pearson - rho) > 0.04  # the codes' Pearson correlation is attenuated


def test_polyserial_recovers_the_correlation_of_a_discretised_normal_with_a_continuous_one() -> None:
    rng = np.random.default_rng(11)
    rho = -0.45
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=20_000)
    codes = np.digitize(z[:, 0], [-1.0, 0.2, 0.9])[:, None]
    fit = polychoric.polyserial(codes, 3 + 2 * z[:, 1:], np.array([[0, 0]]))
    assert abs(fit.rho[0] - rho) < 0.02
    assert fit.converged.all()


def test_perfectly_ordered_items_end_at_the_boundary() -> None:
    codes = np.repeat(np.arange(3), 20)
    fit, _ = polychoric.polychoric(np.column_stack([codes, codes]), np.array([[0, 1]]))
    assert fit.boundary[0] and not fit.converged[0]
    assert fit.rho[0] == pytest.approx(polychoric.RHO_LIMIT, abs=1e-12)
