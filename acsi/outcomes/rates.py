"""Outcome rates with Wilson score intervals (pure numpy).

For ``x`` successes in ``n`` trials, ``p = x / n`` and ``z`` the normal quantile of the level,
the Wilson (1927) score interval is

    (p + z^2 / 2n  +-  z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),

which, unlike the Wald interval, stays inside [0, 1] and keeps close to its nominal coverage for
small n and rates near 0 or 1 (Brown, Cai & DasGupta 2001).

References: Wilson, E. B. (1927), *JASA* 22, 209-212; Brown, L. D., Cai, T. T. & DasGupta, A.
(2001), Interval estimation for a binomial proportion, *Statistical Science* 16(2), 101-133.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np


def normal_quantile(level: float) -> float:
    """The two-sided normal quantile of confidence ``level`` (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes: np.ndarray, trials: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of each rate ``successes / trials`` (NaN where ``trials`` is 0)."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = normal_quantile(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


def rates_by_level(codes: np.ndarray, outcome: np.ndarray, n_levels: int, level: float = 0.95) -> np.ndarray:
    """Per level code 0..n_levels-1: columns n, successes, rate, ci_lower, ci_upper (shape (n_levels, 5))."""
    trials = np.bincount(codes, minlength=n_levels).astype(float)
    successes = np.bincount(codes, weights=outcome, minlength=n_levels)
    lower, upper = wilson_interval(successes, trials, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(trials > 0, successes / trials, np.nan)
    return np.column_stack([trials, successes, rate, lower, upper])
