"""Missing-data treatments on data with known truth (acsi.simulate) and known missingness.

The complete data are an *exact* draw from the ACSI population (sample covariance equal to
the population matrix, all means 5 on a 0-10 scale), so the complete-data PLS estimates
equal the population PLS values and every index is exactly 50. Cells of the quality,
satisfaction and loyalty indicators are then deleted

* completely at random (MCAR, 20% per indicator), or
* at random (MAR): the deletion probability rises with the always-observed
  ``exp_overall`` answer, ``P = logistic(-1 + 1.5 (x - 5))``.

EM (FIML on the saturated model) recovers the truth under both; pairwise deletion under MCAR
only; listwise deletion biases the index under MAR; mean replacement attenuates loadings
and paths under both. The counts of each treatment are checked too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core.missing import conditional_means, em_moments, pairwise_moments
from acsi.simulate import acsi_population
from acsi.spec.model import Scale

from ._tolerances import EXACT, INDEX_RECOVERY, MISSING_RECOVERY, NUMERIC

N = 20_000
AFFECTED = ("qual_", "sat_", "loy_")


@pytest.fixture(scope="module")
def population():
    population = acsi_population()
    spec = population.spec.with_scales({i: Scale(0, 10) for i in population.spec.indicators}, overwrite=True)
    complete = population.draw(N, seed=7, exact=True) + 5.0
    return spec, complete, acsi.fit(spec, complete)


def _delete(frame: pd.DataFrame, pattern: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = frame.copy()
    if pattern == "MCAR":
        probability = np.full(len(frame), 0.2)
    else:
        probability = 1.0 / (1.0 + np.exp(-(-1.0 + 1.5 * (frame["exp_overall"].to_numpy() - 5.0))))
    for column in frame.columns:
        if column.startswith(AFFECTED):
            out.loc[rng.random(len(frame)) < probability, column] = np.nan
    return out


@pytest.fixture(scope="module")
def fits(population):
    spec, complete, _ = population
    out = {}
    for pattern, seed in (("MCAR", 11), ("MAR", 12)):
        data = _delete(complete, pattern, seed)
        out[pattern] = (data, {t: acsi.fit(spec, data, missing=t) for t in ("listwise", "mean", "pairwise", "em")})
    return out


def _errors(result, truth) -> tuple[float, float, float]:
    paths = float(np.max(np.abs(result.path_coefficients - truth.path_coefficients)))
    loadings = float(np.max(np.abs(result.loadings - truth.loadings)))
    index = float(np.max(np.abs(np.array(list(result.index.to_dict().values())) - 50.0)))
    return paths, loadings, index


def test_the_complete_exact_draw_is_the_truth(population) -> None:
    _, complete, truth = population
    np.testing.assert_allclose(list(truth.index.to_dict().values()), 50.0, **NUMERIC)
    assert complete.notna().all().all()


@pytest.mark.parametrize("pattern", ["MCAR", "MAR"])
def test_em_recovers_paths_loadings_and_index(population, fits, pattern: str) -> None:
    _, _, truth = population
    em = fits[pattern][1]["em"]
    np.testing.assert_allclose(em.path_coefficients, truth.path_coefficients, **MISSING_RECOVERY)
    np.testing.assert_allclose(em.loadings, truth.loadings, **MISSING_RECOVERY)
    np.testing.assert_allclose(list(em.index.to_dict().values()), 50.0, **INDEX_RECOVERY)


def test_pairwise_recovers_the_truth_under_mcar(population, fits) -> None:
    _, _, truth = population
    pairwise = fits["MCAR"][1]["pairwise"]
    np.testing.assert_allclose(pairwise.path_coefficients, truth.path_coefficients, **MISSING_RECOVERY)
    np.testing.assert_allclose(pairwise.loadings, truth.loadings, **MISSING_RECOVERY)
    np.testing.assert_allclose(list(pairwise.index.to_dict().values()), 50.0, **INDEX_RECOVERY)


def test_listwise_deletion_biases_the_index_under_mar(population, fits) -> None:
    _, _, truth = population
    _, _, index_error = _errors(fits["MAR"][1]["listwise"], truth)
    assert index_error > 8 * INDEX_RECOVERY["atol"]  # observed about 9 index points


def test_mean_replacement_attenuates_loadings_and_paths(population, fits) -> None:
    _, _, truth = population
    for pattern in ("MCAR", "MAR"):
        paths, loadings, _ = _errors(fits[pattern][1]["mean"], truth)
        assert paths > 3 * MISSING_RECOVERY["atol"] and loadings > 3 * MISSING_RECOVERY["atol"], pattern


def test_pairwise_and_available_case_means_are_biased_under_mar(population, fits) -> None:
    _, _, truth = population
    paths, _, index = _errors(fits["MAR"][1]["pairwise"], truth)
    assert paths > 2 * MISSING_RECOVERY["atol"] and index > 4 * INDEX_RECOVERY["atol"]


@pytest.mark.parametrize("pattern", ["MCAR", "MAR"])
def test_each_treatment_reports_its_counts(fits, pattern: str) -> None:
    data, results = fits[pattern]
    holes = data.isna()
    n_incomplete = int(holes.any(axis=1).sum())
    n_cells = int(holes.to_numpy().sum())
    for treatment, result in results.items():
        missing = result.to_dict()["missing"]
        assert missing["treatment"] == treatment
        assert missing["rows"] == N and missing["incomplete_rows"] == n_incomplete and missing["cells_missing"] == n_cells
        assert missing["by_indicator"]["sat_overall"]["missing"] == int(holes["sat_overall"].sum())
        if treatment == "listwise":
            assert missing["rows_dropped"] == n_incomplete == result.n_dropped and result.n_obs == N - n_incomplete
            assert missing["cells_imputed"] == 0
        else:
            assert missing["rows_dropped"] == 0 and missing["cells_imputed"] == n_cells and result.n_obs == N
        assert (missing["em_iterations"] is not None) == (treatment == "em")


def test_complete_data_give_identical_results_with_every_treatment(population) -> None:
    spec, complete, truth = population
    for treatment in ("listwise", "mean", "pairwise", "em"):
        result = acsi.fit(spec, complete, missing=treatment)
        np.testing.assert_allclose(result.path_coefficients, truth.path_coefficients, **EXACT)
        assert result.to_dict()["missing"]["cells_missing"] == 0


# ---------------------------------------------------------------- the kernels
def test_em_on_complete_data_is_the_sample_mean_and_covariance() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    result = em_moments(X)
    np.testing.assert_allclose(result.mean, X.mean(axis=0), **EXACT)
    np.testing.assert_allclose(result.covariance, np.cov(X, rowvar=False, bias=True), **EXACT)
    assert result.converged and result.n_iter <= 2  # the start has zero covariances


def test_em_matches_the_closed_form_for_monotone_missingness() -> None:
    """Bivariate normal, y missing for some rows: the ML estimates have a closed form
    (Little & Rubin 2002, section 7.2): regress y on x among complete rows, then
    mu_y = b0 + b1 mean(x), s_yy = s_e + b1^2 s_xx, s_xy = b1 s_xx (all divisor n)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=500)
    y = 0.6 * x + rng.normal(scale=0.8, size=500)
    y[x > 0.7] = np.nan  # MAR on x
    X = np.column_stack([x, y])
    observed = ~np.isnan(y)
    xc, yc = x[observed], y[observed]
    b1 = np.cov(xc, yc, bias=True)[0, 1] / np.var(xc)
    b0 = yc.mean() - b1 * xc.mean()
    s_e = np.var(yc - b0 - b1 * xc)
    mean_x, s_xx = x.mean(), np.var(x)
    want_mean = np.array([mean_x, b0 + b1 * mean_x])
    want_cov = np.array([[s_xx, b1 * s_xx], [b1 * s_xx, s_e + b1**2 * s_xx]])
    result = em_moments(X, tol=1e-13, max_iter=10_000)
    assert result.converged
    np.testing.assert_allclose(result.mean, want_mean, **NUMERIC)
    np.testing.assert_allclose(result.covariance, want_cov, **NUMERIC)


def test_pairwise_moments_equal_per_pair_correlations() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 3))
    X[rng.random((300, 3)) < 0.2] = np.nan
    mean, covariance, pairs = pairwise_moments(X)
    frame = pd.DataFrame(X)
    np.testing.assert_allclose(mean, frame.mean().to_numpy(), **EXACT)
    sd = frame.std(ddof=0).to_numpy()
    np.testing.assert_allclose(covariance / np.outer(sd, sd), frame.corr().to_numpy(), **EXACT)
    assert pairs[0, 1] == int((frame[0].notna() & frame[1].notna()).sum())


def test_conditional_means_fill_only_missing_cells_by_regression() -> None:
    mean = np.array([1.0, 2.0])
    covariance = np.array([[1.0, 0.5], [0.5, 2.0]])
    X = np.array([[2.0, np.nan], [np.nan, 4.0], [0.0, 1.0], [np.nan, np.nan]])
    filled = conditional_means(X, mean, covariance)
    np.testing.assert_allclose(filled, [[2.0, 2.5], [1.5, 4.0], [0.0, 1.0], [1.0, 2.0]], **EXACT)
    assert np.isnan(X).sum() == 4  # input untouched
