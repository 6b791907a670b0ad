"""acsi.core.proportions: the one Wilson score interval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from acsi.core.proportions import wilson_score_interval
from acsi.outcomes.rates import normal_quantile, wilson_interval


def test_wilson_score_interval_matches_the_formula_elementwise() -> None:
    z = 1.959963984540054
    low, high = wilson_score_interval(np.array([7, 0]), np.array([20, 0]), z)
    p, n = 7 / 20, 20
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert math.isclose(low[0], centre - half, rel_tol=1e-14) and math.isclose(high[0], centre + half, rel_tol=1e-14)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_outcome_rates_use_the_core_interval_at_the_level_quantile() -> None:
    x, n = np.array([3.0, 15.0]), np.array([40.0, 16.0])
    for level in (0.9, 0.95):
        expected = wilson_score_interval(x, n, normal_quantile(level))
        got = wilson_interval(x, n, level)
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])  # same code path


def test_scalar_bounds_equal_the_array_interval_and_refuse_zero_trials() -> None:
    from acsi.core.proportions import wilson_score_bounds

    successes = np.array([0, 1, 3, 29, 30, 812, 5])
    trials = np.array([5, 1, 7, 30, 30, 1000, 11])
    low, high = wilson_score_interval(successes, trials, 1.96)
    for x, n, lo, hi in zip(successes.tolist(), trials.tolist(), low, high):
        assert wilson_score_bounds(x, n, 1.96) == pytest.approx((lo, hi), rel=0, abs=1e-15)
    assert wilson_score_bounds(0, 0, 1.96) is None
