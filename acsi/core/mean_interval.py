"""Confidence intervals of a mean: Student's t, and the bootstrap percentile interval (pure numpy/scipy).

``t``: ``mean ± t_{n-1, (1+level)/2} s / sqrt(n)`` with ``s`` the sample standard deviation
(divisor n - 1). ``bootstrap``: the (1-level)/2 and (1+level)/2 quantiles of the means of
``n_boot`` resamples of the rows (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*,
ch. 13). Missing values (NaN) are left out column by column.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from acsi.core.intervals import percentile_interval

MEAN_INTERVALS: tuple[str, ...] = ("t", "bootstrap")


def t_interval(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(mean, lower, upper, n)`` per column of ``values`` (n, m) by the t distribution; NaN bounds for n < 2."""
    x = np.asarray(values, dtype=float)
    n = np.sum(~np.isnan(x), axis=0)
    mean = np.nanmean(x, axis=0) if x.size else np.full(x.shape[1], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.nansum((x - mean) ** 2, axis=0) / (n - 1))
        half = stats.t.ppf(0.5 + level / 2.0, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half, n


def bootstrap_interval(
    values: np.ndarray, level: float, n_boot: int, seed: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(mean, lower, upper, n)`` per column: percentile interval of the means of ``n_boot`` row resamples.

    Rows are resampled together (the columns' means keep their joint distribution); a column's
    missing values are left out of each resample's mean.
    """
    x = np.asarray(values, dtype=float)
    rows = x.shape[0]
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(rows, np.full(rows, 1.0 / rows), size=n_boot).astype(float)  # (B, n)
    present = ~np.isnan(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (counts @ np.where(present, x, 0.0)) / (counts @ present)
    lower, upper = percentile_interval(means, level)
    return np.nanmean(x, axis=0), lower, upper, present.sum(axis=0)
