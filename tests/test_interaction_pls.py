"""Moderation in PLS: product-indicator, orthogonalised and two-stage interaction terms, their
bootstrap, simple slopes, known-truth recovery and the refusals of methods that do not carry them
(CB-SEM's product indicators: ``tests/test_cbsem_interaction.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.errors import ParameterError
from acsi.inference import bootstrap, resample_indices
from acsi.inference.simple_slopes import simple_slopes
from acsi.report.slope_plot import plot_simple_slopes
from acsi.simulate.interaction import InteractionPopulation
from acsi.spec import parse_syntax

from ._tolerances import RESAMPLE

TEXT = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nC ~ A + B + A:B"
SPEC = parse_syntax(TEXT)
PATHS = {"A -> C": 0.4, "B -> C": 0.3}
APPROACHES = ("product-indicator", "orthogonal", "two-stage")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    population = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=0.3)
    return population.draw(300, seed=5)


@pytest.mark.parametrize("approach", APPROACHES)
def test_every_approach_gives_the_interaction_a_unit_variance_score_and_a_path_keyed_a_colon_b(
    sample: pd.DataFrame, approach: str
) -> None:
    result = acsi.fit(SPEC, sample, interactions=approach)
    assert result.constructs[-1] == "A:B" and result.settings["interactions"] == approach
    np.testing.assert_allclose(result.scores.std(ddof=1).to_numpy(), 1.0, rtol=0, atol=1e-9)
    paths = result.to_dict()["paths"]
    assert set(paths) == {"A -> C", "B -> C", "A:B -> C"} and paths["A:B -> C"] > 0.1


def test_a_fitted_spec_refits_with_another_approach(sample: pd.DataFrame) -> None:
    first = acsi.fit(SPEC, sample, interactions="product-indicator")
    again = acsi.fit(first.spec, sample, interactions="two-stage")
    assert again.indicators[-1] == "A*B"
    assert again.to_dict()["paths"] == pytest.approx(acsi.fit(SPEC, sample).to_dict()["paths"], abs=1e-12)


def test_product_indicators_are_products_of_the_standardised_indicators(sample: pd.DataFrame) -> None:
    result = acsi.fit(SPEC, sample, interactions="product-indicator")
    z = (sample - sample.mean()) / sample.std(ddof=0)
    column = result.indicators.index("a2:b3")
    np.testing.assert_allclose(result.indicator_values[:, column], z.a2 * z.b3, rtol=0, atol=1e-12)


def test_orthogonalised_products_are_uncorrelated_with_every_main_indicator_of_the_term(sample: pd.DataFrame) -> None:
    result = acsi.fit(SPEC, sample, interactions="orthogonal")
    values = pd.DataFrame(result.indicator_values, columns=result.indicators)
    products = [c for c in values if ":" in c]
    main = [c for c in values if c[0] in "ab" and ":" not in c]
    assert len(products) == 9
    assert np.abs(values.corr().loc[products, main].to_numpy()).max() < 1e-10


@pytest.mark.parametrize("approach", APPROACHES)
def test_with_single_indicators_every_approach_is_the_regression_on_the_standardised_product(approach: str) -> None:
    """Error-free single indicators: the construct scores are the standardised indicators, so each
    approach is the least-squares regression of z_c on z_a, z_b and the standardised z_a z_b
    (orthogonalising changes the product's correlation with z_a, z_b and hence its coefficient's meaning)."""
    spec = parse_syntax("A =~ a1\nB =~ b1\nC =~ c1\nC ~ A + B + A:B")
    frame = InteractionPopulation(spec, PATHS, {"A:B -> C": 0.25}, loadings=1.0, exogenous_correlations=0.3).draw(400, seed=4)
    z = ((frame - frame.mean()) / frame.std(ddof=0)).to_numpy()
    product = z[:, 0] * z[:, 1]
    if approach == "orthogonal":
        design = np.column_stack([np.ones(len(z)), z[:, :2]])
        product = product - design @ np.linalg.lstsq(design, product, rcond=None)[0]
    X = np.column_stack([z[:, 0], z[:, 1], (product - product.mean()) / product.std()])
    expected = np.linalg.lstsq(X, z[:, 2], rcond=None)[0]
    paths = acsi.fit(spec, frame, interactions=approach).to_dict()["paths"]
    np.testing.assert_allclose([paths["A -> C"], paths["B -> C"], paths["A:B -> C"]], expected, rtol=0, atol=1e-10)


def test_two_stage_recovers_the_interaction_without_measurement_error_at_large_n() -> None:
    spec = parse_syntax("A =~ a1\nB =~ b1\nC =~ c1\nC ~ A + B + A:B")
    population = InteractionPopulation(spec, PATHS, {"A:B -> C": 0.25}, loadings=1.0, exogenous_correlations=0.3)
    paths = acsi.fit(spec, population.draw(20_000, seed=1), interactions="two-stage").to_dict()["paths"]
    # error-free indicators: PLS is consistent here; sampling sd of each path about 0.007 at this n
    for key, truth in population.true_paths().items():
        assert paths[key] == pytest.approx(truth, abs=0.025), key


def test_two_stage_with_measurement_error_is_attenuated_by_the_reliabilities_of_the_scores() -> None:
    """PLS composites are not consistent: with A, B uncorrelated the interaction path shrinks to
    about ``g sqrt(rho_A rho_B rho_C)``, rho the reliability ``(w' lambda)^2`` of each composite."""
    population = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8)
    result = acsi.fit(SPEC, population.draw(20_000, seed=2), interactions="two-stage")
    weights = np.asarray(result.standardized_weights)
    rho = {c: float(weights[result.block == b].sum() * 0.8) ** 2 for b, c in enumerate(result.constructs) if c != "A:B"}
    expected = 0.25 * np.sqrt(rho["A"] * rho["B"] * rho["C"])  # about 0.19: PLS recovers about 77% of 0.25
    got = result.to_dict()["paths"]["A:B -> C"]
    assert got == pytest.approx(expected, abs=0.02) and got < 0.25 - 0.03


def test_consistent_pls_recovers_the_interaction_despite_measurement_error() -> None:
    """PLSc with the latent-product correction of Dijkstra & Schermelleh-Engel (2014) is consistent
    where PLS is not (the test above): at n = 20,000 the sampling sd of each path is about 0.01."""
    population = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=0.3)
    result = acsi.fit(SPEC, population.draw(20_000, seed=2), method="plsc")
    paths = result.to_dict()["paths"]
    for key, truth in population.true_paths().items():
        assert paths[key] == pytest.approx(truth, abs=0.03), key
    assert result.r_squared["C"] == pytest.approx(population.r_squared()["C"], abs=0.03)
    assert result.settings["interactions"] == "two-stage" and result.model_fit is None


@pytest.mark.parametrize(("method", "approach"), [("pls", "product-indicator"), ("pls", "two-stage"), ("plsc", "two-stage")])
def test_each_bootstrap_resample_rebuilds_the_interaction_from_its_own_rows(method: str, approach: str) -> None:
    # loadings 0.7 and n = 500: no PLSc resample is inadmissible (at 0.8 / 300 about one in four has a loading > 1)
    frame = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.7, exogenous_correlations=0.3).draw(500, seed=5)
    result = acsi.fit(SPEC, frame, method=method, interactions=approach)
    boot = bootstrap(result, n_boot=4, seed=9)
    column = boot.keys.index(("A:B -> C",))
    for r, rows in enumerate(resample_indices(4, len(frame), 9)):
        refit = acsi.fit(SPEC, frame.iloc[rows].reset_index(drop=True), method=method, interactions=approach)
        assert boot.replicates[r, column] == pytest.approx(refit.to_dict()["paths"]["A:B -> C"], abs=RESAMPLE["atol"])


def test_simple_slopes_are_the_main_path_plus_the_interaction_path_times_the_moderator_level(sample: pd.DataFrame) -> None:
    result = acsi.fit(SPEC, sample)
    boot = bootstrap(result, n_boot=60, seed=2)
    table = simple_slopes(result, "A:B", "C", bootstrap=boot)
    paths = result.to_dict()["paths"]
    np.testing.assert_allclose(table.slope, paths["A -> C"] + paths["A:B -> C"] * np.array([-1, 0, 1]), rtol=0, atol=1e-12)
    assert (table.ci_lower < table.slope).all() and (table.slope < table.ci_upper).all()
    middle = table.iloc[1]  # at the moderator's mean the slope is the main path, with its interval
    ci = boot.to_dict()["ci"]["paths"]["A -> C"]
    assert (middle.ci_lower, middle.ci_upper) == pytest.approx(tuple(ci), abs=1e-12)
    swapped = simple_slopes(result, "A:B", "C", focal="B")
    assert swapped.slope.iloc[1] == pytest.approx(paths["B -> C"], abs=1e-12)


def test_the_slope_chart_is_written_in_the_format_of_its_suffix(sample: pd.DataFrame, tmp_path: Path) -> None:
    result = acsi.fit(SPEC, sample)
    table = simple_slopes(result, "A:B", "C")
    written = plot_simple_slopes(table, tmp_path / "slopes.png", moderator_effect=result.to_dict()["paths"]["B -> C"])
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_refusals_name_what_is_not_available(sample: pd.DataFrame) -> None:
    with pytest.raises(NotImplementedError, match="not implemented yet"):
        acsi.fit(SPEC, sample, method="plsc", interactions="product-indicator")
    with pytest.raises(NotImplementedError, match="method='cbsem'"):
        acsi.fit(SPEC, sample, method="cbsem", interactions="two-stage")
    with pytest.raises(ParameterError, match="complete rows"):
        acsi.fit(SPEC, sample, missing="mean")
    with pytest.raises(ParameterError, match="no interaction term"):
        acsi.fit(parse_syntax("A =~ a1 + a2\nC =~ c1 + c2\nC ~ A"), sample, interactions="two-stage")
    with pytest.raises(ParameterError, match="interactions"):
        acsi.fit(SPEC, sample, interactions="latent")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="not an interaction path"):
        simple_slopes(acsi.fit(SPEC, sample), "A:B", "B")


def test_cli_fit_with_interactions_writes_the_interaction_path_its_interval_and_simple_slopes(
    sample: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "model.lav").write_text(TEXT)
    sample.to_csv(tmp_path / "data.csv", index=False)
    args = ["fit", str(tmp_path / "model.lav"), str(tmp_path / "data.csv"), "--interactions", "orthogonal"]
    chart = tmp_path / "slopes.svg"
    assert (
        main([*args, "--bootstrap", "40", "--seed", "1", "--json", str(tmp_path / "out.json"), "--slope-plot", str(chart)]) == 0
    )
    assert chart.read_text().lstrip().startswith("<?xml") and "<svg" in chart.read_text()
    assert "Simple slopes" in capsys.readouterr().out
    payload = json.loads((tmp_path / "out.json").read_text())
    lower, upper = payload["ci"]["paths"]["A:B -> C"]
    assert lower < payload["paths"]["A:B -> C"] < upper
    assert [row["moderator_sd"] for row in payload["simple_slopes"]["A:B -> C"]] == [-1.0, 0.0, 1.0]
    assert main([*args, "--method", "cbsem"]) != 0
    err = capsys.readouterr().err
    assert "not implemented" in err and "Traceback" not in err


def test_the_generator_gives_unit_variance_constructs_and_the_implied_r_squared() -> None:
    spec = parse_syntax("A =~ a1\nB =~ b1\nC =~ c1\nC ~ A + B + A:B")
    population = InteractionPopulation(spec, PATHS, {"A:B -> C": 0.25}, loadings=1.0, exogenous_correlations=0.3)
    assert population.r_squared()["C"] == pytest.approx(0.16 + 0.09 + 2 * 0.4 * 0.3 * 0.3 + 0.25**2, abs=1e-12)
    frame = population.draw(50_000, seed=3)
    np.testing.assert_allclose(frame.var().to_numpy(), 1.0, rtol=0, atol=0.03)
    product = (frame.a1 * frame.b1 - 0.3) / np.sqrt(1 + 0.3**2)
    assert np.corrcoef(product, frame.a1)[0, 1] == pytest.approx(0.0, abs=0.02)
