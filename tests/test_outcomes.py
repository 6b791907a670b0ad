"""Satisfaction to outcomes (acsi.outcomes): Wilson, PAVA and logistic kernels, recovery of the bundled truth, CLI."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.errors import DataError, ParameterError
from acsi.outcomes import outcomes
from acsi.outcomes.isotonic import isotonic_curve, pool_adjacent_violators
from acsi.outcomes.logistic import expit, fit_logistic
from acsi.outcomes.rates import wilson_interval
from acsi.resources import bundled
from acsi.spec import load_spec

REPO = Path(__file__).resolve().parent.parent
SPEC = bundled("models/bank_branch.yaml")
TRUTH = json.loads((REPO / "datasets" / "bank_customers_demo.truth.json").read_text())


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_csv(bundled("datasets/bank_customer_survey_demo.csv")), pd.read_csv(
        bundled("datasets/bank_customers_demo.csv")
    )


@pytest.fixture(scope="module")
def equal_weight_result(demo):  # noqa: ANN001, ANN201
    survey, customers = demo
    return outcomes(
        SPEC,
        survey,
        "retained",
        customers=customers,
        key="customer_id",
        group="branch",
        revenue="revenue",
        rating="device_rating",
        index_weights="equal",
        n_boot=50,
        seed=1,
    )


def test_wilson_interval_matches_the_formula_and_stays_in_the_unit_interval() -> None:
    low, high = wilson_interval(np.array([0, 7, 20]), np.array([20, 20, 20]))
    z = 1.959963984540054
    p, n = 7 / 20, 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (low[1], high[1]) == pytest.approx((centre - half, centre + half), rel=1e-12)
    assert low[0] == pytest.approx(0.0, abs=1e-15) and high[2] == pytest.approx(1.0, abs=1e-15)
    assert np.isnan(wilson_interval(np.array([0]), np.array([0]))[0][0])


def test_pool_adjacent_violators_gives_the_monotone_least_squares_fit() -> None:
    np.testing.assert_allclose(pool_adjacent_violators(np.array([1.0, 3, 2, 4, 3, 5]), np.ones(6)), [1, 2.5, 2.5, 3.5, 3.5, 5])
    # weights pool to the weighted mean: (3*1 + 1*2) / 4 = 1.25 ... block [3, 1] with weights [1, 3] -> 1.5
    np.testing.assert_allclose(pool_adjacent_violators(np.array([3.0, 1.0]), np.array([1.0, 3.0])), [1.5, 1.5])
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, 500)
    fitted = isotonic_curve(x, (rng.random(500) < x / 100).astype(float), np.arange(0, 101.0))
    finite = fitted[np.isfinite(fitted)]
    assert np.all(np.diff(finite) >= 0)


def test_logistic_fit_recovers_known_coefficients_and_the_delta_method_effect() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(20, 100, 20000)
    y = (rng.random(x.size) < expit(-2.3 + 0.05 * x)).astype(float)
    model = fit_logistic(x, y)
    se = np.sqrt(np.diag(model.covariance))
    assert model.converged and abs(model.coefficients[1] - 0.05) < 3 * se[1] and abs(model.coefficients[0] + 2.3) < 3 * se[0]
    ame, ame_se = model.marginal_effect(x)
    p = expit(-2.3 + 0.05 * x)
    assert abs(ame - np.mean(0.05 * p * (1 - p))) < 3 * ame_se
    # the AME is the slope of the average fitted rate under a one-point shift (finite difference, tolerance 1e-6)
    a, b = model.coefficients
    assert ame == pytest.approx(np.mean(expit(a + b * (x + 1e-4)) - expit(a + b * x)) / 1e-4, rel=1e-4)


def test_bundled_customers_retention_truth_is_recovered(equal_weight_result, demo) -> None:  # noqa: ANN001
    result = equal_weight_result
    truth = TRUTH["retention"]
    slope_se = math.sqrt(result.logistic.covariance[1, 1])
    assert abs(result.logistic.coefficients[1] - truth["slope"]) < 3 * slope_se
    intercept = truth["intercept"] - truth["slope"] * truth["centre"]
    # the equal-weight index is the generator's x: 100 (mean of the satisfaction items - 1) / 9
    survey, _ = demo
    x = 100 * (survey[["sat_overall", "sat_confirmation", "sat_ideal"]].mean(axis=1) - 1) / 9
    p = expit(intercept + truth["slope"] * x.to_numpy())
    effect = result.effects["marginal_effect"]
    assert abs(effect["estimate"] - np.mean(truth["slope"] * p * (1 - p))) < 3 * effect["se"]
    assert result.n == TRUTH["n_surveyed"]
    rates = result.bands["rate"].to_numpy()
    assert rates[0] < rates[-1] and np.all(result.bands["ci_lower"] <= rates) and np.all(rates <= result.bands["ci_upper"])
    assert list(result.ratings["level"]) == [1, 2, 3, 4, 5] and result.ratings["rate"].is_monotonic_increasing


def test_revenue_at_risk_is_revenue_times_the_retention_gap_below_the_threshold(equal_weight_result) -> None:  # noqa: ANN001
    groups = equal_weight_result.groups
    assert groups["revenue_at_risk"].is_monotonic_decreasing and (groups["revenue_at_risk"] >= 0).all()
    assert groups["revenue_at_risk"].sum() == pytest.approx(equal_weight_result.at_risk["revenue_at_risk"], rel=1e-12)
    # B05 rates lowest and carries high revenue: it has the most at risk; B02 rates highest: the least
    assert groups.index[0] == "B05" and groups.index[-1] == "B02"


def test_hand_made_revenue_at_risk() -> None:
    from acsi.spec.model import Construct, ModelSpec, Scale
    from acsi.spec.model import Path as ModelPath

    spec = ModelSpec(
        constructs=(Construct("quality", ("q1", "q2")), Construct("satisfaction", ("s1", "s2"))),
        paths=(ModelPath("quality", "satisfaction"),),
        scales={name: Scale(1, 10) for name in ("q1", "q2", "s1", "s2")},
    )
    rng = np.random.default_rng(3)
    s = rng.integers(1, 11, 200)
    frame = pd.DataFrame(
        {
            "q1": s,
            "q2": np.clip(s + rng.integers(-1, 2, 200), 1, 10),
            "s1": s,
            "s2": s,
            "revenue": 100.0,
            "kept": (rng.random(200) < s / 10).astype(int),
        }
    )
    result = outcomes(
        spec, frame, "kept", construct="satisfaction", revenue="revenue", threshold=50, index_weights="equal", n_boot=0
    )
    a, b = result.logistic.coefficients
    x = 100 * (s - 1) / 9
    gap = np.where(x < 50, expit(a + b * 50) - expit(a + b * x), 0)
    assert result.at_risk["revenue_at_risk"] == pytest.approx(100 * gap.sum(), rel=1e-10)
    assert result.at_risk["below_threshold"] == int(np.sum(x < 50))


def test_result_views_and_plot_without_pyplot(equal_weight_result) -> None:  # noqa: ANN001
    import sys

    result = equal_weight_result
    out = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert out["construct"] == "customer_satisfaction" and len(out["groups"]) == 6 and out["groups"][0]["branch"] == "B05"
    assert repr(result).startswith("OutcomeResult(") and "<pre>" in result._repr_html_()
    assert result.to_frame().shape[0] == 6 and "percentage points" in result.summary()
    had_pyplot = "matplotlib.pyplot" in sys.modules
    figure = result.plot()
    assert type(figure).__name__ == "Figure" and len(figure.axes) == 1
    assert had_pyplot or "matplotlib.pyplot" not in sys.modules


def test_bad_outcome_inputs_raise_our_errors(demo) -> None:  # noqa: ANN001
    survey, customers = demo
    with pytest.raises(DataError, match="'nope'"):
        outcomes(SPEC, survey, "nope", n_boot=0)
    with pytest.raises(DataError, match="0/1"):
        outcomes(SPEC, survey.assign(retained=2), "retained", n_boot=0)
    with pytest.raises(DataError, match="repeats"):
        outcomes(SPEC, survey, "retained", customers=pd.concat([customers, customers.head(1)]), key="customer_id", n_boot=0)
    with pytest.raises(ParameterError, match="threshold"):
        outcomes(SPEC, survey, "retained", customers=customers, key="customer_id", threshold=120)
    with pytest.raises(DataError, match="levels"):
        outcomes(SPEC, survey, "retained", customers=customers, key="customer_id", rating="customer_id", n_boot=0)


def test_cli_outcomes_from_the_bundled_customer_file(tmp_path, capsys) -> None:  # noqa: ANN001
    from acsi.cli import main

    target, chart = tmp_path / "out.json", tmp_path / "curve.png"
    argv = [
        "outcomes",
        str(SPEC),
        str(bundled("datasets/bank_customer_survey_demo.csv")),
        "--customers",
        str(bundled("datasets/bank_customers_demo.csv")),
        "--key",
        "customer_id",
        "--outcome",
        "retained",
        "--group",
        "branch",
        "--revenue",
        "revenue",
        "--seed",
        "1",
        "--bootstrap",
        "20",
        "--json",
        str(target),
        "--plot",
        str(chart),
    ]
    assert main(argv) == 0
    out = json.loads(target.read_text())
    assert out["groups"][0]["branch"] == "B05" and out["effects"]["marginal_effect"]["estimate"] > 0
    assert chart.stat().st_size > 1000 and "revenue_at_risk" in capsys.readouterr().out
    assert main(argv[:3] + ["--outcome", "retained", "--key", "customer_id"]) == 2


def test_bundled_customer_demo_is_reproducible() -> None:
    script = REPO / "datasets" / "make_bank_customers_demo.py"
    module_spec = importlib.util.spec_from_file_location("make_bank_customers_demo", script)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    customers, survey, truth = module.build()
    pd.testing.assert_frame_equal(customers, pd.read_csv(REPO / "datasets" / "bank_customers_demo.csv"))
    pd.testing.assert_frame_equal(survey, pd.read_csv(REPO / "datasets" / "bank_customer_survey_demo.csv"))
    assert json.loads(json.dumps(truth)) == TRUTH


def test_cli_on_the_bundled_customer_file_recovers_the_retention_curve_of_its_truth_file(capsys) -> None:  # noqa: ANN001
    from acsi.cli import main

    argv = ["outcomes", str(SPEC), str(bundled("datasets/bank_customer_survey_demo.csv"))]
    argv += ["--customers", str(bundled("datasets/bank_customers_demo.csv")), "--key", "customer_id"]
    argv += ["--outcome", "retained", "--index-weights", "equal", "--bootstrap", "0", "--json", "-"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    truth = TRUTH["retention"]  # logit P = intercept + slope (x - centre) on the equal-weight satisfaction index
    items = TRUTH["satisfaction_index"].split("mean(")[1].split(")")[0].split(", ")
    satisfaction = next(c for c in load_spec(SPEC).constructs if c.name == out["construct"])
    assert out["construct"] == "customer_satisfaction" and sorted(items) == sorted(satisfaction.indicators)
    assert out["n"] == TRUTH["n_surveyed"]
    slope_se, intercept_se = out["logistic"]["se"][1], out["logistic"]["se"][0]
    assert abs(out["logistic"]["slope"] - truth["slope"]) < 3 * slope_se
    assert abs(out["logistic"]["intercept"] - (truth["intercept"] - truth["slope"] * truth["centre"])) < 3 * intercept_se


def test_a_survey_mapping_feeds_the_indicators_and_the_outcome_stays_a_survey_column(demo, tmp_path) -> None:  # noqa: ANN001
    from acsi.cli import main

    survey, customers = demo
    joined = survey.merge(customers[["customer_id", "retained"]], on="customer_id")
    renamed = joined.rename(columns={"sat_overall": "Q7", "sat_confirmation": "Q8", "sat_ideal": "Q9"})
    renamed["Q9"] = 11 - renamed["Q9"]  # delivered reverse-coded; the mapping turns it back
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "defaults:\n  scale: [1, 10]\nindicators:\n  sat_overall: Q7\n  sat_confirmation: Q8\n"
        "  sat_ideal: {column: Q9, reverse: true}\n"
    )
    plain = outcomes(SPEC, joined, "retained", index_weights="equal", n_boot=0)
    mapped = outcomes(SPEC, renamed, "retained", index_weights="equal", n_boot=0, mapping=mapping)
    # the same respondents and index values: the same logistic fit to rounding (1e-10)
    np.testing.assert_allclose(mapped.logistic.coefficients, plain.logistic.coefficients, rtol=1e-10)
    target = tmp_path / "out.json"
    argv = ["outcomes", str(SPEC), str(tmp_path / "survey.csv"), "--outcome", "retained", "--mapping", str(mapping)]
    renamed.to_csv(tmp_path / "survey.csv", index=False)
    assert main([*argv, "--index-weights", "equal", "--bootstrap", "0", "--json", str(target)]) == 0
    assert json.loads(target.read_text())["logistic"]["slope"] == pytest.approx(plain.logistic.coefficients[1], rel=1e-8)
