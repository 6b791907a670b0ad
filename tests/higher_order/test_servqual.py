"""SERVQUAL: derived disconfirmation indicators, gap tables with intervals, SERVPERF, ranking, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.core.disconfirmation import disconfirmation
from acsi.core.mean_interval import bootstrap_interval, t_interval
from acsi.errors import DataError, SpecError
from acsi.resources import bundled
from acsi.servqual import servperf_spec, servqual
from acsi.spec import Construct, DerivedIndicator, ModelSpec, Scale, spec_from_dict, spec_to_dict

DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
IMPORTANCE = {d: f"imp_{d}" for d in DIMENSIONS}


@pytest.fixture(scope="module")
def spec() -> acsi.ModelSpec:
    return acsi.load_spec(bundled("models/servqual.yaml"))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(bundled("datasets/servqual_demo.csv"))


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(bundled("datasets/servqual_demo.truth.json").read_text())


def test_servqual_model_has_the_22_item_structure_of_parasuraman_zeithaml_berry(spec) -> None:
    sizes = {c.name: len(c.indicators) for c in spec.constructs if c.name in DIMENSIONS}
    assert sizes == {"tangibles": 4, "reliability": 5, "responsiveness": 4, "assurance": 4, "empathy": 5}
    assert len(spec.derived) == 22
    assert all(d.perceived.endswith("_p") and d.expected.endswith("_e") for d in spec.derived)
    assert spec.scales["rel1_gap"] == Scale(-6, 6)


def test_acsi_servqual_model_makes_perceived_quality_a_higher_order_construct_of_the_dimensions() -> None:
    spec = acsi.load_spec(bundled("models/acsi_servqual.yaml"))
    assert spec.higher_order[0].name == "perceived_quality"
    assert spec.higher_order[0].components == DIMENSIONS


def test_disconfirmation_is_the_difference_or_the_ratio_and_missing_stays_missing() -> None:
    p, e = np.array([5.0, 3.0, np.nan, 4.0]), np.array([4.0, 6.0, 2.0, 0.0])
    assert np.allclose(disconfirmation(p, e, "difference"), [1.0, -3.0, np.nan, 4.0], equal_nan=True, rtol=0, atol=1e-12)
    assert np.allclose(disconfirmation(p, e, "ratio"), [1.25, 0.5, np.nan, np.nan], equal_nan=True, rtol=0, atol=1e-12)


def test_prepare_computes_derived_indicators_for_any_model() -> None:
    spec = spec_from_dict(
        {
            "constructs": {"Q": {"indicators": ["g1", "g2"]}, "S": {"indicators": ["s1", "s2"]}},
            "paths": ["Q -> S"],
            "derived": {
                "g1": {"perceived": "p1", "expected": "e1", "source_scale": [1, 5]},
                "g2": {"perceived": "p2", "expected": "e2", "kind": "ratio", "source_scale": [1, 5]},
            },
        }
    )
    assert spec.scales["g1"] == Scale(-4, 4) and spec.scales["g2"] == Scale(0.2, 5.0)
    assert spec_from_dict(spec_to_dict(spec)) == spec
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({c: rng.integers(1, 6, size=12) for c in ("p1", "e1", "p2", "e2", "s1", "s2")})
    data = acsi.prepare(spec, frame)
    assert np.allclose(data.values[:, 0], frame["p1"] - frame["e1"], rtol=0, atol=1e-12)
    assert np.allclose(data.values[:, 1], frame["p2"] / frame["e2"], rtol=0, atol=1e-12)


def test_a_derived_indicator_without_its_columns_names_them(spec, frame) -> None:
    with pytest.raises(DataError, match="tang1_e"):
        acsi.prepare(spec, frame.drop(columns=["tang1_e"]))


def test_a_derived_indicator_must_be_an_indicator_of_the_model() -> None:
    with pytest.raises(SpecError, match="not an indicator of any construct"):
        ModelSpec(constructs=(Construct("Q", ("q1",)),), derived=(DerivedIndicator("g9", "p", "e"),))


def test_t_interval_matches_the_textbook_formula() -> None:
    x = np.array([[1.0, 2.0], [2.0, np.nan], [4.0, 6.0], [5.0, 4.0]])
    mean, lower, upper, n = t_interval(x, 0.95)
    assert n.tolist() == [4, 3]
    half = 3.182446305284263 * np.std([1, 2, 4, 5], ddof=1) / 2.0  # t_{3, 0.975}
    assert mean[0] == pytest.approx(3.0, abs=1e-12)
    assert (lower[0], upper[0]) == pytest.approx((3.0 - half, 3.0 + half), abs=1e-9)


def test_bootstrap_interval_is_reproducible_and_covers_the_mean() -> None:
    x = np.random.default_rng(0).normal(2.0, 1.0, size=(200, 2))
    first = bootstrap_interval(x, 0.9, 400, seed=3)
    again = bootstrap_interval(x, 0.9, 400, seed=3)
    assert np.allclose(first[1], again[1], rtol=0, atol=0) and np.all(first[1] < first[0]) and np.all(first[0] < first[2])


def test_gap_table_intervals_cover_the_population_gaps_of_the_demo_data(spec, frame, truth) -> None:
    result = servqual(spec, frame)
    dims = result.dimensions
    for dimension, gap in truth["dimension_gaps"].items():
        assert dims.loc[dimension, "lower"] < gap < dims.loc[dimension, "upper"]
    item = result.items.loc["rel1_gap"]
    assert item["mean"] == pytest.approx((frame["rel1_p"] - frame["rel1_e"]).mean(), abs=1e-12)


def test_importance_weighting_multiplies_each_gap_by_the_share_of_points(spec, frame) -> None:
    result = servqual(spec, frame, importance=IMPORTANCE)
    gap = frame[[f"rel{i}_p" for i in range(1, 6)]].to_numpy() - frame[[f"rel{i}_e" for i in range(1, 6)]].to_numpy()
    expected = np.mean(gap.mean(axis=1) * frame["imp_reliability"] / 100.0)
    assert result.dimensions.loc["reliability", "weighted_mean"] == pytest.approx(expected, abs=1e-12)
    assert result.overall.loc["weighted", "mean"] == pytest.approx(result.dimensions["weighted_mean"].sum(), abs=1e-12)


def test_servperf_scores_the_perceptions_and_ranks_the_dimensions_as_the_population(spec, frame, truth) -> None:
    result = servqual(spec, frame, servperf=True)
    assert result.items.loc["tang1_p", "mean"] == pytest.approx(frame["tang1_p"].mean(), abs=1e-12)
    population = sorted(truth["dimension_effects_on_satisfaction"], key=truth["dimension_effects_on_satisfaction"].get)
    assert list(result.effects.index) == population[::-1]


def test_servperf_spec_replaces_each_gap_by_its_perception_item(spec) -> None:
    perceived = servperf_spec(spec)
    assert perceived.construct("tangibles").indicators == ("tang1_p", "tang2_p", "tang3_p", "tang4_p")
    assert perceived.scales["tang1_p"] == Scale(1, 7) and not perceived.derived


def test_cli_servqual_writes_strict_json_with_the_interval_method(tmp_path, capsys) -> None:
    args = ["servqual", str(bundled("models/servqual.yaml")), str(bundled("datasets/servqual_demo.csv"))]
    assert main([*args, "--interval", "bootstrap", "--bootstrap", "200", "--seed", "1", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert out["interval"] == {"method": "bootstrap", "level": 0.95, "n_boot": 200, "seed": 1}
    assert [r["rank"] for r in out["effects"]["ranking"]] == [1, 2, 3, 4, 5]
    assert set(out["dimensions"]) == set(DIMENSIONS)


def test_cli_servqual_refuses_a_malformed_importance_option(capsys) -> None:
    args = ["servqual", str(bundled("models/servqual.yaml")), str(bundled("datasets/servqual_demo.csv"))]
    assert main([*args, "--importance", "tangibles"]) == 2
    assert "DIMENSION=COLUMN" in capsys.readouterr().err


def test_servqual_demo_data_are_reproducible_with_their_truth(truth) -> None:
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "datasets" / "make_servqual_demo.py"
    module_spec = importlib.util.spec_from_file_location("make_servqual_demo", script)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    frame, fresh = module.build()
    pd.testing.assert_frame_equal(pd.read_csv(bundled("datasets/servqual_demo.csv")), frame)
    for dimension in DIMENSIONS:
        assert fresh["item_gaps"][dimension] == pytest.approx(truth["item_gaps"][dimension], abs=1e-12)
    assert fresh["paths"] == pytest.approx(truth["paths"], abs=1e-12)
    assert (frame[list(IMPORTANCE.values())].sum(axis=1) == 100).all()
