"""Monotone (isotonic) regression by the pool-adjacent-violators algorithm (pure numpy).

Given values ``y_1..y_m`` at increasing points with weights ``w``, the non-decreasing fit
minimising ``sum w_j (y_j - f_j)^2`` is found by scanning left to right and pooling any block
whose mean falls below the mean of the block before it into that block (weighted mean), until
the block means increase (Ayer, Brunk, Ewing, Reid & Silverman 1955; Barlow, Bartholomew, Bremner
& Brunk 1972, ch. 1). For a binary outcome the fit is the monotone maximum-likelihood estimate of
the outcome rate as a function of satisfaction.
"""

from __future__ import annotations

import numpy as np


def pool_adjacent_violators(y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The non-decreasing least-squares fit of ``y`` (ordered by its predictor) with ``weights`` > 0."""
    means: list[float] = []
    totals: list[float] = []
    counts: list[int] = []
    for value, weight in zip(np.asarray(y, dtype=float), np.asarray(weights, dtype=float)):
        means.append(value)
        totals.append(weight)
        counts.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            w = totals[-2] + totals[-1]
            means[-2] = (totals[-2] * means[-2] + totals[-1] * means[-1]) / w
            totals[-2] = w
            counts[-2] += counts[-1]
            del means[-1], totals[-1], counts[-1]
    return np.repeat(means, counts)


def isotonic_curve(x: np.ndarray, y: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The isotonic regression of ``y`` on ``x``, evaluated on ``grid`` as a step function (NaN below min(x))."""
    points, inverse = np.unique(x, return_inverse=True)
    weights = np.bincount(inverse).astype(float)
    means = np.bincount(inverse, weights=y) / weights
    fitted = pool_adjacent_violators(means, weights)
    position = np.searchsorted(points, grid, side="right") - 1
    return np.where(position >= 0, fitted[np.clip(position, 0, None)], np.nan)
