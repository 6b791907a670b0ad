"""Ordinal indicators in the spec and the estimators: OrdPLS, OrdPLSc and CB-SEM (ULS) on polychoric correlations."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core.polychoric import mixed_correlation
from acsi.errors import OrdinalCorrelationWarning, ParameterError, SpecError
from acsi.estimators.pls import PLSPM
from acsi.simulate import PopulationModel
from acsi.spec.yaml_io import spec_from_dict, spec_to_dict
from tests.test_polychoric import HERE, ITEMS, LAVAAN, mobi_five_levels

MODEL = """
CUEX =~ CUEX1 + CUEX2 + CUEX3
CUSA =~ CUSA1 + CUSA2 + CUSA3
CUSL =~ CUSL1 + CUSL2 + CUSL3
CUSA ~ CUEX
CUSL ~ CUSA
"""


@pytest.fixture(scope="module")
def mobi(reference: Path) -> pd.DataFrame:
    return mobi_five_levels(reference)[ITEMS]


def _spec(ordinal: tuple[str, ...] = ()) -> acsi.ModelSpec:
    spec = acsi.load_spec(MODEL)
    return acsi.ModelSpec(constructs=spec.constructs, paths=spec.paths, ordinal=ordinal)


# ---------------------------------------------------------------------------- spec
def test_yaml_ordinal_list_takes_indicators_and_whole_constructs() -> None:
    spec = spec_from_dict(
        {
            "constructs": {"Q": {"indicators": ["q1", "q2"]}, "S": {"indicators": ["s1", "s2"]}},
            "paths": ["Q -> S"],
            "ordinal": ["Q", "s2"],
        }
    )
    assert spec.ordinal == ("q1", "q2", "s2")
    assert spec_from_dict(spec_to_dict(spec)) == spec


def test_python_builder_declares_ordinal_indicators() -> None:
    from acsi.spec.builders import model, reflective

    assert model(reflective("Q", "q1", "q2"), ordinal=["q2"]).ordinal == ("q2",)


def test_an_ordinal_name_that_is_no_indicator_is_refused() -> None:
    with pytest.raises(SpecError, match="'nope' is declared ordinal"):
        spec_from_dict({"constructs": {"Q": {"indicators": ["q1", "q2"]}}, "ordinal": ["nope"]})


# ---------------------------------------------------------------------------- agreement with lavaan
@pytest.mark.parametrize(("objective", "lavaan"), [("ULS", "ulsmv"), ("DWLS", "wlsmv")])
def test_cbsem_on_polychoric_correlations_matches_lavaan(mobi: pd.DataFrame, objective: str, lavaan: str) -> None:
    expected = pd.read_csv(HERE / f"{lavaan}_standardized.csv").rename(columns={"est.std": "est_std"})
    result = acsi.fit(_spec(tuple(ITEMS)), mobi, method="cbsem", objective=objective).to_dict()
    for row in expected.itertuples():
        if row.op == "=~":
            ours = result["standardized"]["loadings"][row.lhs][row.rhs]
        else:
            ours = result["standardized"]["paths"][f"{row.rhs} -> {row.lhs}"]
        assert ours == pytest.approx(row.est_std, abs=LAVAAN), (row.lhs, row.op, row.rhs)


@pytest.mark.parametrize(("objective", "lavaan"), [("ULS", "ulsmv"), ("DWLS", "wlsmv")])
def test_cbsem_robust_standard_errors_match_lavaan(mobi: pd.DataFrame, objective: str, lavaan: str) -> None:
    expected = pd.read_csv(HERE / f"{lavaan}_estimates.csv")
    result = acsi.fit(_spec(tuple(ITEMS)), mobi, method="cbsem", objective=objective).to_dict()
    for row in expected.itertuples():
        if row.op == "=~":
            est, se = result["loadings"][row.lhs][row.rhs], result["std_errors"]["loadings"][row.lhs][row.rhs]
        else:
            key = f"{row.rhs} -> {row.lhs}"
            est, se = result["paths"][key], result["std_errors"]["paths"][key]
        assert (est, se) == pytest.approx((row.est, row.se), abs=LAVAAN), (row.lhs, row.op, row.rhs)


ONE_FACTOR = "F =~ " + " + ".join(ITEMS)


@pytest.mark.parametrize("model", ["three", "one"])
@pytest.mark.parametrize(("objective", "lavaan"), [("ULS", "ULSMV"), ("DWLS", "WLSMV")])
def test_cbsem_fit_measures_match_lavaan(mobi: pd.DataFrame, model: str, objective: str, lavaan: str) -> None:
    expected = pd.read_csv(HERE / "fit_measures.csv").query("model == @model and estimator == @lavaan")
    spec = acsi.load_spec(MODEL if model == "three" else ONE_FACTOR)
    ours = acsi.fit(spec, mobi, method="cbsem", objective=objective, ordinal="auto").fit_indices
    for row in expected.itertuples():
        value = ours[row.measure.replace(".", "_")]
        if np.isnan(row.value):  # lavaan has no p value for the unscaled ULS statistic
            assert np.isnan(value), row.measure
        else:
            assert value == pytest.approx(row.value, abs=LAVAAN), row.measure


def test_cbsem_refuses_wlsmv_with_continuous_indicators_and_ml_with_ordinal_ones(mobi: pd.DataFrame) -> None:
    with pytest.raises(NotImplementedError, match="all-ordinal models only"):
        acsi.fit(_spec(tuple(ITEMS[:-1])), mobi, method="cbsem", objective="DWLS")
    with pytest.raises(ParameterError, match="objective='DWLS'"):
        acsi.fit(_spec(tuple(ITEMS)), mobi, method="cbsem")


# ---------------------------------------------------------------------------- the estimators
def test_ordpls_runs_pls_on_the_polychoric_matrix_and_keeps_the_index_on_the_raw_scale(mobi: pd.DataFrame) -> None:
    result = acsi.fit(_spec(), mobi, method="pls", ordinal="auto", scale=(1, 5))
    assert result.settings["ordinal_indicators"] == tuple(ITEMS)
    assert result.to_dict()["ordinal_indicators"] == ITEMS
    assert "9 ordinal indicators through polychoric correlations" in str(result.summary())
    polychoric = mixed_correlation(mobi.to_numpy(float), np.ones(9, dtype=bool)).matrix
    weights = result.standardized_weights
    block = np.repeat(np.arange(3), 3)
    W = np.zeros((9, 3))
    W[np.arange(9), block] = weights
    np.testing.assert_allclose(result.construct_correlation_matrix, W.T @ polychoric @ W, atol=1e-10)
    # the index: 100 sum w (mean - 1) / sum w (5 - 1) with w the raw-scale weights w_std / sd
    sd = mobi.std(ddof=0).to_numpy()
    raw = weights / sd
    means = mobi.mean().to_numpy()
    for b, name in enumerate(("CUEX", "CUSA", "CUSL")):
        w = raw[block == b]
        assert result.index.values[b] == pytest.approx(100 * w @ (means[block == b] - 1) / (w.sum() * 4), abs=1e-9), name
    pearson = acsi.fit(_spec(), mobi, method="pls", ordinal="none", scale=(1, 5))
    assert "ordinal_indicators" not in pearson.settings and "ordinal_indicators" not in pearson.to_dict()
    assert np.abs(result.path_matrix - pearson.path_matrix).max() > 0.01


def test_declared_is_the_default_and_auto_finds_few_level_integer_items(mobi: pd.DataFrame) -> None:
    declared = acsi.fit(_spec(("CUEX1", "CUEX2")), mobi, method="plsc")
    assert declared.settings["ordinal_indicators"] == ("CUEX1", "CUEX2")
    ten_point = mobi.assign(CUSL1=mobi["CUSL1"] * 2 - (mobi.index % 2))  # 10 levels: stays interval
    auto = acsi.fit(_spec(), ten_point, method="plsc", ordinal="auto")
    assert "CUSL1" not in auto.settings["ordinal_indicators"] and "CUSL2" in auto.settings["ordinal_indicators"]


def test_ordinal_refuses_imputed_values_and_methods_without_it(mobi: pd.DataFrame) -> None:
    holes = mobi.astype(float)
    holes.iloc[0, 0] = np.nan
    with pytest.raises(ParameterError, match="need complete answers"):
        acsi.fit(_spec(tuple(ITEMS)), holes, method="pls", missing="mean")
    with pytest.raises(NotImplementedError, match="does not handle ordinal indicators"):
        acsi.fit(_spec(tuple(ITEMS)), mobi, method="gsca")
    with pytest.raises(ParameterError, match="does not use ordinal"):
        acsi.fit(_spec(), mobi, method="gsca", ordinal="auto")
    with pytest.raises(ParameterError, match="no raw scale"):
        acsi.fit(_spec(tuple(ITEMS)), mobi, method="pls", raw=True)


def test_an_unchosen_level_inside_the_range_is_reported(mobi: pd.DataFrame) -> None:
    gap = mobi.assign(CUEX1=mobi["CUEX1"].replace(3, 4))
    with pytest.warns(OrdinalCorrelationWarning, match=r"'CUEX1': level\(s\) 3 never chosen"):
        acsi.fit(_spec(("CUEX1",)), gap, method="pls")


def test_perfectly_ordered_items_are_reported_at_the_boundary(mobi: pd.DataFrame) -> None:
    twins = mobi.assign(CUEX2=mobi["CUEX1"])
    with pytest.warns(OrdinalCorrelationWarning, match="'CUEX1' and 'CUEX2' ends at the boundary"):
        result = acsi.fit(_spec(("CUEX1", "CUEX2")), twins, method="pls")
    assert any("ends at the boundary" in message for message in result.warnings)


def test_bootstrap_of_ordpls_refits_every_resample(mobi: pd.DataFrame) -> None:
    spec = _spec(tuple(ITEMS))
    boot = acsi.bootstrap(PLSPM(), spec, mobi, n_boot=5, seed=1)
    assert boot.engine == "refit"
    with pytest.raises(ParameterError, match="PLSPM only, on Pearson correlations"):
        acsi.bootstrap(PLSPM(), spec, mobi, n_boot=5, seed=1, engine="batched")


# ---------------------------------------------------------------------------- known truth
TRUTH = {"CUEX -> CUSA": 0.5, "CUSA -> CUSL": 0.6}
LOADINGS = np.repeat([0.7, 0.8, 0.75], 3)


@pytest.fixture(scope="module")
def five_point() -> pd.DataFrame:
    """20,000 answers on 1-5 from the common-factor population (the generator's own discretisation)."""
    population = PopulationModel(_spec(), paths=TRUTH, loadings={"CUEX": 0.7, "CUSA": 0.8, "CUSL": 0.75})
    return population.draw(20_000, seed=3, scale=(1, 5))


def _loading_error(result: acsi.FitResult) -> float:
    return float(np.abs(result.cross_loading_matrix[np.arange(9), np.repeat(np.arange(3), 3)] - LOADINGS).max())


def test_ordplsc_recovers_the_population_from_five_point_items_better_than_plsc_on_the_codes(five_point: pd.DataFrame) -> None:
    ordinal = acsi.fit(_spec(), five_point, method="plsc", ordinal="auto")
    codes = acsi.fit(_spec(), five_point, method="plsc", ordinal="none")
    np.testing.assert_allclose([ordinal.to_dict()["paths"][k] for k in TRUTH], list(TRUTH.values()), atol=0.03)
    assert _loading_error(ordinal) < 0.03 < 0.06 < _loading_error(codes)  # codes: loadings of the coarse answers, attenuated


def test_cbsem_wlsmv_recovers_the_population_from_five_point_items(five_point: pd.DataFrame) -> None:
    result = acsi.fit(_spec(), five_point, method="cbsem", objective="DWLS", ordinal="auto").to_dict()["standardized"]
    np.testing.assert_allclose([result["paths"][k] for k in TRUTH], list(TRUTH.values()), atol=0.03)
    loadings = [value for block in result["loadings"].values() for value in block.values()]
    np.testing.assert_allclose(loadings, LOADINGS, atol=0.02)


def test_cli_fit_takes_the_ordinal_flag(mobi: pd.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from acsi.cli import main

    data = tmp_path / "mobi5.csv"
    mobi.to_csv(data, index=False)
    model = tmp_path / "model.lav"
    model.write_text(MODEL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OrdinalCorrelationWarning)
        assert main(["fit", str(model), str(data), "--method", "plsc", "--ordinal", "auto", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = acsi.fit(_spec(), mobi, method="plsc", ordinal="auto").to_dict()["paths"]
    assert out["paths"] == pytest.approx(expected, abs=1e-12)
