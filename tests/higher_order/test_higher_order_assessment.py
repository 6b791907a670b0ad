"""Assessment, IPMA and the report of a fit with higher-order constructs (Sarstedt et al. 2019)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import acsi
from acsi.assessment import assess
from acsi.cli import main
from acsi.compare.ipma import ipma
from acsi.core.reliability import composite_reliability
from acsi.errors import ParameterError
from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.spec.builders import higher_order, model, path, reflective
from acsi.spec.yaml_io import write_yaml

COMPONENTS = ("T", "R", "E")


def _spec(mode: str = "reflective", scale: tuple[float, float] | None = (1, 7)) -> acsi.ModelSpec:
    return model(
        reflective("X", "x1", "x2", "x3"),
        reflective("T", "t1", "t2", "t3"),
        reflective("R", "r1", "r2", "r3"),
        reflective("E", "e1", "e2", "e3"),
        reflective("Y", "y1", "y2", "y3"),
        higher_order("Q", *COMPONENTS, mode=mode),
        paths=[path("X", "Q"), path("Q", "Y")],
        scale=scale,
    )


@pytest.fixture(scope="module")
def rated():  # noqa: ANN201
    population = SecondOrderPopulation(
        _spec(),
        paths={"X -> Q": 0.5, "Q -> Y": 0.6},
        second_order_loadings={"Q -> T": 0.8, "Q -> R": 0.7, "Q -> E": 0.6},
        loadings={"*": 0.8, "t1": 0.7, "r2": 0.9},
    )
    return population.draw(300, seed=2, scale=(1, 7))


def _quiet_assess(result: acsi.FitResult, **options: object) -> acsi.Assessment:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repeated indicators: d_G undefined on the singular correlation matrix
        return assess(result, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("approach", ["two-stage-embedded", "two-stage-disjoint"])
def test_two_stage_assessment_measures_the_hoc_by_its_stage_two_loadings_on_the_component_scores(rated, approach) -> None:
    result = acsi.fit(_spec(), rated, higher_order=approach)
    assessment = assess(result)
    hoc = assessment.higher_order["constructs"]["Q"]  # type: ignore[index]
    loadings = np.array([result.loadings[("Q", f"{c}.score")] for c in COMPONENTS])
    assert list(hoc["loadings"]) == list(COMPONENTS)
    assert np.allclose(list(hoc["loadings"].values()), loadings, rtol=0, atol=1e-12)
    assert hoc["rho_c"] == pytest.approx(composite_reliability(loadings), abs=1e-12)
    assert hoc["rho_c"] == pytest.approx(assessment.rho_c["Q"], abs=1e-12)
    assert hoc["ave"] == pytest.approx(float(np.mean(loadings**2)), abs=1e-12)
    assert hoc["rho_a"] == pytest.approx(assessment.rho_a["Q"], abs=1e-12)
    assert {"X", "Y"} <= set(assessment.htmt.columns) and "Q" in assessment.htmt.index  # HOC vs other constructs


def test_two_stage_assessment_assesses_the_components_on_stage_one(rated) -> None:
    result = acsi.fit(_spec(), rated, higher_order="two-stage-disjoint")
    assessment = assess(result)
    first = assessment.first_stage
    assert first is not None
    assert set(COMPONENTS) <= set(first.htmt.index)  # HTMT among the first-order constructs
    assert first.rho_c["T"] == pytest.approx(assess(result.first_stage).rho_c["T"], abs=1e-12)  # type: ignore[arg-type]
    out = json.loads(json.dumps(assessment.to_dict(), allow_nan=False))
    assert out["higher_order"]["approach"] == "two-stage-disjoint"
    assert "T" in out["first_stage"]["rho_c"] and "flags" not in out["first_stage"]


def test_repeated_indicators_assessment_takes_the_hoc_loadings_from_its_paths_to_the_components(rated) -> None:
    result = acsi.fit(_spec(), rated, higher_order="repeated-indicators")
    assessment = _quiet_assess(result)
    hoc = assessment.higher_order["constructs"]["Q"]  # type: ignore[index]
    paths = result.to_dict()["paths"]
    assert hoc["loadings"] == pytest.approx({c: paths[f"Q -> {c}"] for c in COMPONENTS}, abs=1e-12)
    assert hoc["rho_c"] == pytest.approx(composite_reliability(np.array(list(hoc["loadings"].values()))), abs=1e-12)
    assert hoc["rho_a"] is None  # the HOC is not a weighted sum of its components' scores here
    assert assessment.first_stage is None


def test_overlapping_blocks_of_repeated_indicators_are_not_flagged(rated) -> None:
    assessment = _quiet_assess(acsi.fit(_spec(), rated, higher_order="repeated-indicators"))
    assert assessment.htmt.loc["Q", "T"] > 0.9  # copies of T's items: high by construction
    flags = " ".join(assessment.flags())
    assert "HTMT of T and Q" not in flags and "HTMT of Q and T" not in flags
    assert "Q.t1" not in flags and "AVE of Q " not in flags


def test_reflective_formative_hoc_is_assessed_by_its_weights_and_their_vif(rated) -> None:
    result = acsi.fit(_spec("composite"), rated, higher_order="two-stage-disjoint")
    hoc = assess(result).higher_order["constructs"]["Q"]  # type: ignore[index]
    assert hoc["type"] == "reflective-formative"
    assert hoc["weights"] == pytest.approx({c: result.weights[("Q", f"{c}.score")] for c in COMPONENTS}, abs=1e-12)
    assert all(v >= 1.0 for v in hoc["vif"].values())
    assert hoc["rho_c"] is None and hoc["ave"] is None and hoc["rho_a"] is None


def test_blindfolding_of_a_two_stage_fit_assesses_the_stage_two_model(rated) -> None:
    result = acsi.fit(_spec(), rated, higher_order="two-stage-disjoint")
    q2 = assess(result, blindfolding=True).q_squared
    assert q2 is not None and set(q2.index) == {"Q", "Y"}
    assert 0.0 < q2["Y"] < 1.0


def test_prediction_measures_of_repeated_indicators_are_refused_naming_the_measure(rated) -> None:
    result = acsi.fit(_spec(), rated, higher_order="repeated-indicators")
    with pytest.raises(ParameterError, match=r"Q² \(blindfolding\) is not defined for a repeated-indicators fit"):
        _quiet_assess(result, blindfolding=True)
    with pytest.raises(ParameterError, match="PLSpredict is not defined"):
        _quiet_assess(result, predict_folds=5)


def test_ipma_uses_the_index_of_the_higher_order_construct(rated) -> None:
    result = acsi.fit(_spec(), rated, higher_order="two-stage-embedded")
    out = ipma(result, "Y").to_dict()
    assert out["constructs"]["Q"]["performance"] == pytest.approx(result.index.to_dict()["Q"], abs=1e-9)  # type: ignore[union-attr]
    assert out["constructs"]["Q"]["importance"] == pytest.approx(result.to_dict()["paths"]["Q -> Y"], abs=1e-9)


@pytest.fixture()
def files(tmp_path, rated):  # noqa: ANN001, ANN201
    spec_file, data_file = tmp_path / "hoc.yaml", tmp_path / "hoc.csv"
    write_yaml(_spec(), spec_file)
    rated.to_csv(data_file, index=False)
    return str(spec_file), str(data_file)


def _strict(text: str) -> dict:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))


def test_cli_assess_of_a_higher_order_spec_writes_the_hoc_measures_and_stage_one(files, capsys) -> None:
    assert main(["assess", *files, "--higher-order", "two-stage-embedded", "--json", "-"]) == 0
    out = _strict(capsys.readouterr().out)
    assert set(out["higher_order"]["constructs"]["Q"]["loadings"]) == set(COMPONENTS)
    assert "T" in out["first_stage"]["htmt"]


def test_cli_ipma_maps_a_higher_order_construct_and_refuses_groups(files, capsys) -> None:
    assert main(["ipma", *files, "--target", "Y", "--json", "-"]) == 0
    assert "Q" in _strict(capsys.readouterr().out)["ipma"]["constructs"]
    assert main(["ipma", *files, "--target", "Y", "--group", "x1"]) == 2
    assert "does not take higher-order constructs" in capsys.readouterr().err


def test_cli_compare_refuses_a_higher_order_spec_by_name(files, capsys) -> None:
    assert main(["compare", *files, "--group", "x1"]) != 0
    assert "acsi compare does not take higher-order constructs ('Q')" in capsys.readouterr().err


def test_cli_report_of_a_higher_order_spec_shows_the_hoc_measures(files, tmp_path) -> None:
    page = tmp_path / "report.html"
    assert main(["report", *files, "--out", str(page), "--quiet"]) == 0
    html = page.read_text()
    assert "Higher-order constructs (two-stage-disjoint" in html
    assert 'data-key="assessment|higher_order|constructs|Q|loadings|T"' in html


def test_cbsem_second_order_loadings_give_the_hoc_reliability_at_population_exact_data() -> None:
    truth = {"T": 0.8, "R": 0.7, "E": 0.6}
    population = SecondOrderPopulation(
        _spec(scale=None),
        paths={"X -> Q": 0.5, "Q -> Y": 0.6},
        second_order_loadings={f"Q -> {c}": value for c, value in truth.items()},
        loadings={"*": 0.8},
    )
    result = acsi.fit(_spec(scale=None), population.draw(300, seed=1, exact=True), method="cbsem")
    hoc = _quiet_assess(result).higher_order["constructs"]["Q"]  # type: ignore[index]
    assert hoc["loadings"] == pytest.approx(truth, abs=1e-6)
    assert hoc["rho_c"] == pytest.approx(composite_reliability(np.array([0.8, 0.7, 0.6])), abs=1e-6)
    assert hoc["ave"] == pytest.approx((0.64 + 0.49 + 0.36) / 3, abs=1e-6)
