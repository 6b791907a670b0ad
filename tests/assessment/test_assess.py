"""Assessment measures: definitions cross-checked by a second route, thresholds flagged, prediction, test-retest."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.assessment import assess, discrepancies, pls_predict, q_squared, retest_reliability
from acsi.core.pls import Structure
from acsi.core.reliability import cronbach_alpha, rho_a
from acsi.simulate import ACSI_LOCATIONS, PopulationModel, acsi_population
from acsi.thresholds import THRESHOLDS

from .._tolerances import EXACT, NUMERIC

THREE = "X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nZ =~ z1 + z2 + z3\nY ~ X\nZ ~ X + Y"


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame, acsi.FitResult]:
    population = acsi_population()
    frame = population.draw(300, seed=4, scale=(1, 10), location=ACSI_LOCATIONS)
    return population.spec, frame, acsi.fit(population.spec, frame)


def test_cronbach_alpha_equals_the_item_variance_formula_on_standardised_items() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 4)) + rng.standard_normal((200, 1))
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    p = z.shape[1]
    by_variances = p / (p - 1) * (1 - z.var(0, ddof=1).sum() / z.sum(1).var(ddof=1))
    np.testing.assert_allclose(cronbach_alpha(np.corrcoef(x, rowvar=False)), by_variances, **EXACT)


def test_rho_a_equals_alpha_for_equal_weights_and_equal_correlations() -> None:
    S = np.full((4, 4), 0.5) + 0.5 * np.eye(4)
    w = np.ones(4) / math.sqrt(np.ones(4) @ S @ np.ones(4))
    one_block = Structure(block=np.zeros(4, dtype=int), mode_b=np.array([False]), adjacency=np.zeros((1, 1)))
    np.testing.assert_allclose(rho_a(S, w[:, None], one_block)[0], [cronbach_alpha(S)], **EXACT)


def test_fit_measures_vanish_when_the_implied_matrix_is_s_and_d_g_uses_base_10_logs() -> None:
    S = np.array([[1.0, 0.4], [0.4, 1.0]])
    assert discrepancies(S, S) == pytest.approx({"srmr": 0.0, "d_uls": 0.0, "d_g": 0.0}, abs=1e-15)
    sigma = np.array([[1.0, 0.2], [0.2, 1.0]])
    phi = np.linalg.eigvals(np.linalg.solve(S, sigma)).real
    np.testing.assert_allclose(discrepancies(S, sigma)["d_g"], 0.5 * (np.log(phi) ** 2).sum() / math.log(10) ** 2, **EXACT)
    np.testing.assert_allclose(discrepancies(S, sigma)["srmr"], math.sqrt(0.2**2 / 3), **EXACT)


def test_saturated_fit_is_exact_for_a_population_composite_model() -> None:
    from acsi.testing.composite import composite_population

    spec = acsi.parse_syntax(THREE)
    population = composite_population(PopulationModel(spec, paths={"X -> Y": 0.5, "X -> Z": 0.2, "Y -> Z": 0.4}, loadings=0.8))
    z = np.random.default_rng(1).standard_normal((400, 9))
    z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), (z - z.mean(0)).T).T
    frame = pd.DataFrame(z @ np.linalg.cholesky(population.covariance).T, columns=list(population.spec.indicators))
    fit = assess(acsi.fit(population.spec, frame)).fit
    assert fit["saturated_model"]["srmr"] == pytest.approx(0.0, abs=1e-6)
    assert fit["estimated_model"]["srmr"] == pytest.approx(0.0, abs=1e-6)  # the structure holds in the population


def test_htmt_is_symmetric_and_fornell_larcker_has_sqrt_ave_on_the_diagonal(demo) -> None:  # noqa: ANN001
    a = assess(demo[2])
    multi = [c.name for c in demo[0].constructs if len(c.indicators) > 1]
    htmt = a.htmt.loc[multi, multi].to_numpy()
    np.testing.assert_allclose(htmt, htmt.T, **EXACT)
    np.testing.assert_allclose(np.diag(a.fornell_larcker.to_numpy()), np.sqrt(a.ave.to_numpy()), **EXACT)
    assert a.htmt2.loc[multi, multi].to_numpy()[~np.eye(len(multi), dtype=bool)].min() > 0


def test_f_squared_is_the_r_squared_change_when_a_predictor_is_dropped(demo) -> None:  # noqa: ANN001
    spec, frame, result = demo
    a = assess(result)
    key = "perceived_quality -> customer_satisfaction"
    reduced = acsi.parse_syntax(
        acsi.to_syntax(spec).replace(
            "customer_satisfaction ~ customer_expectations + perceived_quality", "customer_satisfaction ~ customer_expectations"
        )
    )
    # the reduced model's R² from the full model's construct scores, by OLS
    scores = result.scores
    y, x = scores["customer_satisfaction"], scores[["customer_expectations", "perceived_value"]]
    design = np.column_stack([np.ones(len(x)), x])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2_without = 1 - residual.var() / y.var()
    r2 = result.r_squared["customer_satisfaction"]
    np.testing.assert_allclose(a.f_squared[key], (r2 - r2_without) / (1 - r2), **NUMERIC)
    assert reduced.construct_names == spec.construct_names


def test_inner_vif_is_one_for_a_single_predictor_and_outer_vif_matches_the_regression_definition(demo) -> None:  # noqa: ANN001
    spec, frame, result = demo
    a = assess(result)
    assert a.inner_vif["perceived_quality"].tolist() == [1.0]
    block = frame[list(spec.construct("perceived_quality").indicators)].to_numpy(float)
    y, x = block[:, 0], np.column_stack([np.ones(len(block)), block[:, 1:]])
    r2 = 1 - (y - x @ np.linalg.lstsq(x, y, rcond=None)[0]).var() / y.var()
    np.testing.assert_allclose(a.outer_vif[("perceived_quality", "qual_overall")], 1 / (1 - r2), **NUMERIC)


def test_summary_states_thresholds_and_flags_violations() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 1))
    frame = pd.DataFrame(
        {
            "a1": x[:, 0] + rng.normal(0, 0.3, 300),
            "a2": x[:, 0] + rng.normal(0, 0.3, 300),
            "b1": x[:, 0] + rng.normal(0, 2.0, 300),
            "b2": rng.standard_normal(300),
        }
    )
    a = assess(acsi.fit(acsi.parse_syntax("A =~ a1 + a2\nB =~ b1 + b2\nB ~ A"), frame))
    flags = a.flags()
    assert any("Cronbach's alpha of B" in f and "not acceptable" in f for f in flags)
    assert any("Loading of" in f and "on B" in f for f in flags)
    text = str(a.summary())
    assert THRESHOLDS["htmt"] in text and THRESHOLDS["cronbach_alpha"] in text and "Flags" in text


def test_assessment_json_is_strict_and_names_the_measures(demo) -> None:  # noqa: ANN001
    out = assess(demo[2]).to_dict()
    for key in ("cronbach_alpha", "rho_a", "rho_c", "ave", "htmt", "fornell_larcker", "vif", "f_squared", "gof", "srmr", "fit"):
        assert key in out
    assert out["cronbach_alpha"]["customer_complaints"] is None  # single indicator: undefined
    json.dumps(out, allow_nan=False)


def test_q_squared_is_positive_for_a_predictive_model_and_below_r_squared(demo) -> None:  # noqa: ANN001
    result = demo[2]
    q2 = q_squared(result)
    assert list(q2.index) == list(result.spec.endogenous)
    assert (q2 > 0).all() and (q2 < result.r_squared).all()


def test_q_squared_is_near_zero_without_structural_signal() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((300, 1)), rng.standard_normal((300, 1))
    frame = pd.DataFrame(
        np.hstack([x + rng.normal(0, 0.5, (300, 3)), y + rng.normal(0, 0.5, (300, 3))]),
        columns=["x1", "x2", "x3", "y1", "y2", "y3"],
    )
    q2 = q_squared(acsi.fit(acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X"), frame))
    assert abs(q2["Y"]) < 0.02


def test_pls_predict_reports_pls_and_the_linear_benchmark_for_every_endogenous_indicator(demo) -> None:  # noqa: ANN001
    spec, _, result = demo
    table = pls_predict(result, folds=5, seed=1)
    endogenous = [i for c in spec.constructs if c.name in spec.endogenous for i in c.indicators]
    assert list(table.index) == endogenous
    assert (table.rmse > 0).all() and (table.q2_predict > 0).all() and (table.lm_q2_predict > 0).all()
    assert table.equals(pls_predict(result, folds=5, seed=1))  # seeded folds


@pytest.mark.parametrize("bad", [1, 0, 10_000, 2.5])
def test_pls_predict_refuses_impossible_fold_counts(demo, bad: object) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="folds"):
        pls_predict(demo[2], folds=bad)


def test_retest_of_identical_answers_shows_no_change_and_perfect_correlation(demo) -> None:  # noqa: ANN001
    spec, frame, _ = demo
    out = retest_reliability(spec, frame, frame.copy())
    assert (out.items.mean_difference == 0).all() and (out.items.p == 1).all()
    np.testing.assert_allclose(out.items.correlation, 1.0, **EXACT)


def test_retest_paired_t_matches_the_textbook_formula_and_ids_align_rows(demo) -> None:  # noqa: ANN001
    spec, frame, result = demo
    rng = np.random.default_rng(8)
    second = (frame + rng.integers(-1, 2, frame.shape) + (rng.random(frame.shape) < 0.1)).clip(1, 10)
    out = retest_reliability(spec, frame, second, result=result)
    d = (second - frame)["sat_overall"].to_numpy(float)
    t = d.mean() / (d.std(ddof=1) / math.sqrt(d.size))
    np.testing.assert_allclose(out.items.at["sat_overall", "t"], t, **EXACT)
    with_ids_first = frame.assign(id=np.arange(len(frame)))
    with_ids_second = second.assign(id=np.arange(len(frame))).iloc[::-1]  # shuffled order, matched by id
    by_id = retest_reliability(spec, with_ids_first, with_ids_second, on="id", result=result)
    np.testing.assert_allclose(by_id.constructs.to_numpy(), out.constructs.to_numpy(), **NUMERIC)
    json.dumps(out.to_dict())


def test_retest_refuses_administrations_of_different_length(demo) -> None:  # noqa: ANN001
    spec, frame, _ = demo
    with pytest.raises(acsi.DataError, match="respondent id"):
        retest_reliability(spec, frame, frame.iloc[:-1])


def test_assessment_of_an_em_fit_uses_the_estimated_moments(demo) -> None:  # noqa: ANN001
    spec, frame, _ = demo
    holes = frame.astype(float).mask(np.random.default_rng(3).random(frame.shape) < 0.1)
    data = acsi.prepare(spec, holes, missing="em")
    result = acsi.PLSPM().fit(spec, data)
    with pytest.raises(ValueError, match="same moments"):
        assess(result)
    a = assess(result, data=data)
    # the AVE from the loadings equals the AVE the moments give: the same S as the estimator's
    np.testing.assert_allclose(a.ave.to_numpy(), result.loadings.pow(2).groupby(level=0, sort=False).mean().to_numpy(), **EXACT)
    S = data.moments[1] / np.sqrt(np.outer(np.diag(data.moments[1]), np.diag(data.moments[1])))
    block = [spec.indicators.index(i) for i in spec.construct("perceived_quality").indicators]
    np.testing.assert_allclose(a.cronbach_alpha["perceived_quality"], cronbach_alpha(S[np.ix_(block, block)]), **EXACT)
