"""Fitting higher-order constructs: approaches, known-truth recovery, the 0-100 index, the CLI."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import acsi
from acsi.cli import main
from acsi.errors import ParameterError
from acsi.estimators.higher_order import APPROACHES
from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.spec.builders import higher_order, model, path, reflective
from acsi.spec.yaml_io import write_yaml

TRUE_PATHS = {"X -> Q": 0.5, "Q -> Y": 0.6}
SECOND_ORDER = {"Q -> T": 0.8, "Q -> R": 0.7, "Q -> E": 0.6}


def _spec(scale: tuple[float, float] | None = None) -> acsi.ModelSpec:
    return model(
        reflective("X", "x1", "x2", "x3"),
        reflective("T", "t1", "t2", "t3"),
        reflective("R", "r1", "r2", "r3"),
        reflective("E", "e1", "e2", "e3"),
        reflective("Y", "y1", "y2", "y3"),
        higher_order("Q", "T", "R", "E"),
        paths=[path("X", "Q"), path("Q", "Y")],
        scale=scale,
    )


@pytest.fixture(scope="module")
def population() -> SecondOrderPopulation:
    return SecondOrderPopulation(
        _spec(), paths=TRUE_PATHS, second_order_loadings=SECOND_ORDER, loadings={"*": 0.8, "t1": 0.7, "r2": 0.9}
    )


@pytest.fixture(scope="module")
def exact(population: SecondOrderPopulation):  # noqa: ANN201
    return population.draw(300, seed=1, exact=True)


@pytest.fixture(scope="module")
def rated(population: SecondOrderPopulation):  # noqa: ANN201
    return population.draw(300, seed=2, scale=(1, 7))


def _paths(result: acsi.FitResult) -> dict[str, float]:
    return {key: value for key, value in result.to_dict()["paths"].items() if key in TRUE_PATHS}


@pytest.mark.parametrize("approach", ["two-stage-embedded", "two-stage-disjoint"])
def test_plsc_two_stage_recovers_the_second_order_paths_at_population_exact_data(exact, approach: str) -> None:
    result = acsi.fit(_spec(), exact, method="plsc", higher_order=approach)
    assert _paths(result) == pytest.approx(TRUE_PATHS, abs=1e-6)


@pytest.mark.parametrize("method", ["pls", "gsca"])
@pytest.mark.parametrize("approach", APPROACHES)
def test_composite_methods_attenuate_the_paths_of_a_second_order_factor(exact, approach: str, method: str) -> None:
    # PLS and GSCA scores are composites with measurement error: paths to and from the HOC are biased to zero.
    paths = _paths(acsi.fit(_spec(), exact, method=method, higher_order=approach))
    for key, truth in TRUE_PATHS.items():
        assert 0.6 * truth < paths[key] < truth - 0.05


def test_repeated_indicators_adds_the_component_paths_and_copies_the_indicators(exact) -> None:
    result = acsi.fit(_spec(), exact, higher_order="repeated-indicators")
    out = result.to_dict()
    assert set(out["paths"]) == {"Q -> T", "Q -> R", "Q -> E", "X -> Q", "Q -> Y"}
    assert list(out["loadings"]["Q"]) == [f"Q.{i}" for c in "tre" for i in (f"{c}1", f"{c}2", f"{c}3")]
    assert out["higher_order"]["constructs"]["Q"] == {"type": "reflective-reflective", "components": ["T", "R", "E"]}


def test_reflective_formative_repeated_indicators_draws_the_paths_into_a_mode_b_construct(exact) -> None:
    formative = model(*_spec().constructs, higher_order("Q", "T", "R", "E", mode="composite"), paths=_spec().paths)
    result = acsi.fit(formative, exact, higher_order="repeated-indicators")
    assert {"T -> Q", "R -> Q", "E -> Q"} <= set(result.to_dict()["paths"])
    assert result.spec.construct("Q").mode.weighting == "B"
    assert result.to_dict()["r_squared"]["Q"] > 0.99  # the components explain the HOC: the antecedent's path is near 0
    assert "[higher-order: repeated-indicators]" in str(result.summary())


def test_the_two_stage_index_of_the_higher_order_construct_weights_its_components_indices(rated) -> None:
    result = acsi.fit(_spec((1, 7)), rated, higher_order="two-stage-embedded")
    first = result.to_dict()["higher_order"]["first_stage"]["index"]
    table = result.index.table.set_index("indicator")
    weighted = sum(table.loc[f"{c}.score", "weight"] * first[c] for c in ("T", "R", "E"))
    assert result.index.to_dict()["Q"] == pytest.approx(weighted, abs=1e-9)
    assert 0.0 < result.index.to_dict()["Q"] < 100.0


def test_repeated_indicators_index_of_the_higher_order_construct_lies_between_its_components(rated) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = acsi.fit(_spec((1, 7)), rated, higher_order="two-stage-embedded")
    first = result.to_dict()["higher_order"]["first_stage"]["index"]
    values = [first[c] for c in ("T", "R", "E")]
    repeated = acsi.fit(_spec((1, 7)), rated, higher_order="repeated-indicators").index.to_dict()["Q"]
    assert min(values) <= repeated <= max(values)


def test_cbsem_recovers_the_second_order_factor_model_at_population_exact_data(exact) -> None:
    out = acsi.fit(_spec(), exact, method="cbsem").to_dict()
    standardized = out["standardized"]["paths"]
    assert standardized == pytest.approx(TRUE_PATHS | SECOND_ORDER, abs=1e-6)
    assert out["fit_indices"]["chisq"] == pytest.approx(0.0, abs=1e-6)
    assert out["standardized"]["loadings"]["T"] == pytest.approx({"t1": 0.7, "t2": 0.8, "t3": 0.8}, abs=1e-6)
    assert out["higher_order"]["approach"] == "second-order-factor"


def test_cbsem_scores_of_the_second_order_factor_have_unit_variance(exact) -> None:
    scores = acsi.fit(_spec(), exact, method="cbsem").scores
    assert np.allclose(scores.std(ddof=0), 1.0, rtol=0, atol=1e-6)


def test_cbsem_refuses_an_approach_and_a_reflective_formative_higher_order_construct(exact) -> None:
    with pytest.raises(ParameterError, match="second-order factors"):
        acsi.fit(_spec(), exact, method="cbsem", higher_order="two-stage-disjoint")
    formative = model(*_spec().constructs, higher_order("Q", "T", "R", "E", mode="composite"), paths=_spec().paths)
    with pytest.raises(NotImplementedError, match="reflective-formative higher-order construct 'Q'"):
        acsi.fit(formative, exact, method="cbsem")


@pytest.mark.parametrize("options", [{"objective": "DWLS", "ordinal": "auto"}, {"ordinal": "auto"}])
def test_cbsem_second_order_with_ordinal_items_is_refused_before_semopy_runs(exact, options: dict) -> None:
    with pytest.raises(NotImplementedError, match="not implemented for second-order models"):
        acsi.fit(_spec(), exact, method="cbsem", **options)


def test_an_approach_without_higher_order_constructs_is_refused(exact) -> None:
    spec = model(reflective("X", "x1", "x2"), reflective("Y", "y1", "y2"), paths=[path("X", "Y")])
    with pytest.raises(ParameterError, match="declares no higher-order construct"):
        acsi.fit(spec, exact, higher_order="repeated-indicators")


def test_pairwise_moments_cannot_feed_an_approach(exact) -> None:
    holed = exact.copy()
    holed.iloc[0, 0] = np.nan
    data = acsi.prepare(_spec(), holed, missing="pairwise")
    with pytest.raises(ParameterError, match="complete rows"):
        acsi.fit(_spec(), data)


def test_other_data_than_a_frame_or_prepared_data_is_refused() -> None:
    with pytest.raises(ParameterError, match="got list"):
        acsi.fit(_spec(), [[1.0, 2.0]], higher_order="repeated-indicators")  # type: ignore[arg-type]


def test_prepared_complete_data_give_the_same_fit_as_the_frame(exact) -> None:
    from_frame = acsi.fit(_spec(), exact, higher_order="two-stage-disjoint")
    from_prepared = acsi.fit(_spec(), acsi.prepare(_spec(), exact), higher_order="two-stage-disjoint")
    assert np.allclose(from_frame.path_matrix, from_prepared.path_matrix, rtol=0, atol=1e-12)


def test_cli_fit_with_higher_order_writes_the_approach_and_first_stage_in_strict_json(tmp_path, rated, capsys) -> None:
    spec_file, data_file = tmp_path / "hoc.yaml", tmp_path / "hoc.csv"
    write_yaml(_spec((1, 7)), spec_file)
    rated.to_csv(data_file, index=False)
    assert main(["fit", str(spec_file), str(data_file), "--higher-order", "two-stage-embedded", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert out["higher_order"]["approach"] == "two-stage-embedded"
    assert set(out["higher_order"]["first_stage"]["index"]) == {"X", "T", "R", "E", "Q", "Y"}  # embedded: Q too
    assert "Q" in out["index"]


def test_cli_fit_with_cbsem_fits_the_second_order_factor(tmp_path, exact, capsys) -> None:
    spec_file, data_file = tmp_path / "hoc.yaml", tmp_path / "hoc.csv"
    write_yaml(_spec(), spec_file)
    exact.to_csv(data_file, index=False)
    assert main(["fit", str(spec_file), str(data_file), "--method", "cbsem", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert out["higher_order"]["approach"] == "second-order-factor"
    assert out["standardized"]["paths"]["Q -> Y"] == pytest.approx(0.6, abs=1e-5)


def test_command_line_approaches_are_the_library_approaches() -> None:
    from acsi.cli.options import HIGHER_ORDER_APPROACHES

    assert HIGHER_ORDER_APPROACHES == APPROACHES
