"""Outcome rates with Wilson score intervals (pure numpy).

The interval is :func:`acsi.core.proportions.wilson_score_interval` (Wilson 1927) at the two-sided
normal quantile of the confidence level.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from acsi.core.proportions import wilson_score_interval


def normal_quantile(level: float) -> float:
    """The two-sided normal quantile of confidence ``level`` (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes: np.ndarray, trials: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of each rate ``successes / trials`` at confidence ``level`` (NaN where ``trials`` is 0)."""
    return wilson_score_interval(successes, trials, normal_quantile(level))


def rates_by_level(codes: np.ndarray, outcome: np.ndarray, n_levels: int, level: float = 0.95) -> np.ndarray:
    """Per level code 0..n_levels-1: columns n, successes, rate, ci_lower, ci_upper (shape (n_levels, 5))."""
    trials = np.bincount(codes, minlength=n_levels).astype(float)
    successes = np.bincount(codes, weights=outcome, minlength=n_levels)
    lower, upper = wilson_interval(successes, trials, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(trials > 0, successes / trials, np.nan)
    return np.column_stack([trials, successes, rate, lower, upper])
