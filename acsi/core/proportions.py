"""Confidence intervals of binomial proportions (pure numpy).

For ``x`` successes in ``n`` trials, ``p = x / n`` and ``z`` the two-sided normal quantile of the
confidence level, the Wilson (1927) score interval is

    (p + z^2 / 2n  +-  z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),

which, unlike the Wald interval, stays inside [0, 1] and keeps close to its nominal coverage for
small n and rates near 0 or 1 (Brown, Cai & DasGupta 2001).

References: Wilson, E. B. (1927), *JASA* 22, 209-212; Brown, L. D., Cai, T. T. & DasGupta, A.
(2001), Interval estimation for a binomial proportion, *Statistical Science* 16(2), 101-133.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np


def _score_bounds(p: Any, n: Any, z: float, sqrt: Callable[[Any], Any]) -> tuple[Any, Any]:
    """The Wilson bounds of rate ``p`` over ``n`` trials: the one formula, on floats or arrays."""
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def wilson_score_interval(successes: np.ndarray | float, trials: np.ndarray | float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of each rate ``successes / trials`` for the normal quantile ``z`` (1.96 for 95%).

    Works elementwise on arrays (or scalars); NaN where ``trials`` is 0.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = _score_bounds(x / n, n, z, np.sqrt)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def wilson_score_bounds(successes: float, trials: float, z: float) -> tuple[float, float] | None:
    """The same interval for one rate, on Python floats (a dashboard computes thousands per page, where
    numpy's per-call overhead dominates); None when ``trials`` is 0."""
    if trials <= 0:
        return None
    low, high = _score_bounds(successes / trials, float(trials), z, math.sqrt)
    return float(low), float(high)
