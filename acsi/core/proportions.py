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

import numpy as np


def wilson_score_interval(successes: np.ndarray | float, trials: np.ndarray | float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of each rate ``successes / trials`` for the normal quantile ``z`` (1.96 for 95%).

    Works elementwise on arrays (or scalars); NaN where ``trials`` is 0.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)
