"""Data of a designed condition: distributions, missing-data patterns, factor levels and truth."""

from __future__ import annotations

import numpy as np
import pytest

from acsi.errors import ParameterError
from acsi.study.design import Distribution, Missingness, Misspecification, Ratings
from acsi.study.generate import plan_condition

from ._designs import CHAIN_PATHS, small_design


def _plan(n: int = 20_000, **changes):
    design = small_design(ns=(n,), **changes)
    return plan_condition(design, design.conditions()[0])


def test_heavy_tailed_draws_keep_the_population_covariance_with_fat_tails() -> None:
    plan = _plan(distributions=(Distribution("t5", "heavy_tailed", df=5.0),))
    frame, _ = plan.draw(0)
    # the sample variance of t5 data has SE sqrt((mu4 - 1) / n) = sqrt(8 / 20 000) = 0.02: allow 4 of them
    np.testing.assert_allclose(frame.cov().to_numpy(), plan.population.indicator_covariance(), rtol=0, atol=0.08)
    excess = float(((frame.x1 - frame.x1.mean()) ** 4).mean() / frame.x1.var() ** 2 - 3)
    assert excess > 2  # t5 has excess kurtosis 6; the normal 0


def test_chi_square_innovations_keep_the_population_covariance_and_the_marker_truth() -> None:
    ratings = Ratings(min=0.0, max=100.0, location=50.0, spread=10.0)
    plan = _plan(distributions=(Distribution("chi1", "chi_square", df=1.0, ratings=ratings),))
    frame, _ = plan.draw(0)
    # ratings 50 + 10 x: the covariance is 100 Sigma; chi-square(1) data have SE of a variance below 0.03 here
    np.testing.assert_allclose(frame.cov().to_numpy() / 100, plan.population.indicator_covariance(), rtol=0, atol=0.12)
    assert float(frame.x1.skew()) > 1.0  # the exogenous factor and the errors are right-skewed
    assert plan.marker_truth == pytest.approx({key: value for key, value in CHAIN_PATHS.items()})  # equal spreads, loadings
    assert plan.index_truth == {}  # the marginal of a sum of chi-squares is not integrated
    again, _ = plan.draw(0)
    assert frame.equals(again)


def test_chi_square_innovations_are_refused_for_composite_populations() -> None:
    design = small_design(dgps=("composite",), distributions=(Distribution("chi1", "chi_square", df=1.0),))
    with pytest.raises(ParameterError, match="'chi1' \\(kind chi_square\\).*found dgp 'composite'"):
        plan_condition(design, design.conditions()[0])


def test_skewed_draws_have_a_long_left_tail() -> None:
    frame, _ = _plan(distributions=(Distribution("skewed", "skewed", sigma=0.6),)).draw(0)
    assert float(frame.y1.skew()) < -1.5
    # excess kurtosis about 10: the sample variance has SE sqrt(11.3 / 20 000) = 0.024; allow 4 of them
    np.testing.assert_allclose(frame.var().to_numpy(), 1.0, rtol=0, atol=0.1)


def test_ordinal_draws_use_k_categories_at_the_thresholds() -> None:
    cuts = (-1.0, 0.0, 1.5)
    plan = _plan(distributions=(Distribution("o4", "ordinal", categories=4, thresholds=cuts),))
    frame, _ = plan.draw(0)
    assert set(np.unique(frame.to_numpy())) == {1.0, 2.0, 3.0, 4.0}
    np.testing.assert_allclose((frame.x1 == 1).mean(), 0.1587, rtol=0, atol=0.01)  # Phi(-1)
    assert plan.outcome_scale == (1.0, 4.0)
    expected = 1 * 0.158655 + 2 * 0.341345 + 3 * 0.433193 + 4 * 0.066807
    assert plan.index_truth["x"] == pytest.approx(100 * (expected - 1) / 3, abs=1e-4)


def test_index_truth_of_the_acsi_study_file_is_the_exact_rating_mean() -> None:
    from statistics import NormalDist

    from acsi.resources import bundled
    from acsi.study.studyfile import load_study

    design = load_study(bundled("models/studies/acsi.yaml"))
    truths = {}
    for distribution in design.distributions:
        condition = next(c for c in design.conditions() if c.distribution.name == distribution.name)
        truths[distribution.name] = plan_condition(design, condition).index_truth
    # clip(5.5 + 1.5 z, 1, 10) is symmetric about the middle of the scale: every index is 50
    np.testing.assert_allclose(list(truths["normal"].values()), 50.0, rtol=0, atol=1e-6)
    # rounded ratings: E[x] = sum_k k P(round(location + 1.7 z) clipped = k), exactly from the normal CDF; the
    # study integrates on a grid of step h = 5e-5 in z, off by at most phi(0) h / 2 at each of the 9 jumps:
    # 9 x 0.4 x 2.5e-5 = 9e-5 rating points, 1e-3 index points
    cdf = NormalDist().cdf
    for construct, location in (("customer_satisfaction", 7.5), ("customer_complaints", 2.5)):
        cuts = [-np.inf, *((k + 0.5 - location) / 1.7 for k in range(1, 10)), np.inf]
        mean = sum((k + 1) * (cdf(cuts[k + 1]) - cdf(cuts[k])) for k in range(10))
        assert truths["discrete"][construct] == pytest.approx(100 * (mean - 1) / 9, abs=1e-3)
    assert truths["skewed"]["customer_satisfaction"] > 50  # location 6.5 with a long left tail


def test_mcar_and_mar_delete_at_the_given_rate() -> None:
    mcar, _ = _plan(missing=(Missingness("mcar", "mcar", 0.2),)).draw(0)
    np.testing.assert_allclose(mcar.isna().mean().to_numpy(), 0.2, rtol=0, atol=0.02)
    mar, _ = _plan(missing=(Missingness("mar", "mar", 0.2),)).draw(0)
    rates = mar.isna().mean()
    assert rates[["x1", "x2", "x3"]].sum() == 0  # the exogenous block stays complete
    np.testing.assert_allclose(rates[["m1", "y1"]].to_numpy(), 0.2, rtol=0, atol=0.02)
    high = mar.x1 > mar.x1.median()
    assert mar.y1[high].isna().mean() > 2 * mar.y1[~high].isna().mean()  # missing at random, given x1


def test_loading_and_indicator_levels_change_the_population() -> None:
    plan = _plan(loadings=(0.6,), indicators=(5,))
    assert plan.population.spec.constructs[0].indicators == ("x1", "x2", "x3", "x_4", "x_5")
    assert set(plan.population.loadings.values()) == {0.6}


def test_misspecified_fit_leaves_out_the_path_but_scores_the_others() -> None:
    plan = _plan(misspecifications=(Misspecification("no_direct", ("x -> y",)),))
    assert [p.key for p in plan.fitted_spec.paths] == ["x -> m", "m -> y"]
    assert plan.path_truth == {k: v for k, v in CHAIN_PATHS.items() if k != "x -> y"}


def test_marker_truth_only_where_the_metric_is_known() -> None:
    plan = _plan(loadings=(0.6,))
    assert plan.marker_truth == pytest.approx(CHAIN_PATHS)  # equal loadings: the marker metric is the standardised one
    rated = Distribution("r", "normal", ratings=Ratings(1, 10, 5.5, {"x": 1.0, "m": 2.0, "y": 2.0}))
    plan = _plan(distributions=(rated,))
    assert plan.marker_truth["x -> m"] == pytest.approx(0.5 * 2.0)
    rounded = Distribution("d", "normal", ratings=Ratings(1, 10, 5.5, 1.5, round=True))
    assert _plan(distributions=(rounded,)).marker_truth == {}


def test_same_replication_draws_the_same_sample() -> None:
    plan = _plan(n=100, missing=(Missingness("mcar", "mcar", 0.1),))
    first, seed = plan.draw(2)
    again, seed_again = plan.draw(2)
    assert first.equals(again) and seed == seed_again
    assert not first.equals(plan.draw(3)[0])
