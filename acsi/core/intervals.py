"""Bootstrap confidence intervals: percentile, basic, BCa with jackknife acceleration (pure numpy).

References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall (chapters 13-14: percentile and BCa intervals, jackknife acceleration).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

#: Relative distance below which a bootstrap replicate counts as a tie with the estimate in BCa.
TIE_TOLERANCE = 1e-9


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * special.erfc(-np.asarray(z) / np.sqrt(2.0)))


def _normal_ppf(q: np.ndarray | float) -> np.ndarray:
    return np.asarray(special.ndtri(q))


def percentile_interval(draws: np.ndarray, level: float, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval at ``level`` along ``axis``: the (1-level)/2 and (1+level)/2 quantiles.

    NaN draws (failed resamples) are ignored; a slice with no finite draw gives NaN. Returns
    the lower and the upper bounds, each of the draws' shape without ``axis``.
    """
    alpha = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices give NaN, as they should
        lower = np.nanquantile(draws, alpha, axis=axis)
        upper = np.nanquantile(draws, 1.0 - alpha, axis=axis)
    return lower, upper


def percentile_bounds(replicates: np.ndarray, level: float) -> np.ndarray:
    """:func:`percentile_interval` of each column of ``replicates`` (B, P) as rows ``(lower, upper)``, (P, 2)."""
    return np.stack(percentile_interval(replicates, level, axis=0), axis=1)


def basic_interval(replicates: np.ndarray, estimates: np.ndarray, level: float) -> np.ndarray:
    """Basic (reverse percentile) interval ``[2 theta_hat - q_hi, 2 theta_hat - q_lo]``, (P, 2)."""
    q = percentile_bounds(replicates, level)
    return np.stack([2 * estimates - q[:, 1], 2 * estimates - q[:, 0]], axis=1)


def jackknife_acceleration(jackknife: np.ndarray) -> np.ndarray:
    """BCa acceleration from leave-one-out estimates (n, P) (Efron & Tibshirani 1993, eq. 14.15).

    ``a = sum d_i^3 / (6 (sum d_i^2)^(3/2))`` with ``d_i = mean_j theta_(j) - theta_(i)``; 0 for
    a statistic that does not vary.
    """
    d = jackknife.mean(axis=0) - jackknife
    numerator = (d**3).sum(axis=0)
    denominator = 6.0 * (d**2).sum(axis=0) ** 1.5
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), 0.0)


def bca_interval(replicates: np.ndarray, estimates: np.ndarray, acceleration: np.ndarray, level: float) -> np.ndarray:
    """Bias-corrected and accelerated interval (Efron & Tibshirani 1993, section 14.3), (P, 2).

    ``z0 = Phi^-1(#{theta* < theta_hat} / B)`` (ties count half), and the endpoints are the
    quantiles ``Phi(z0 + (z0 + z_a) / (1 - a (z0 + z_a)))`` for ``z_a = Phi^-1((1 -+ level)/2)``.
    A statistic whose replicates all lie on one side of the estimate has an infinite bias
    correction; its interval is then NaN.

    A replicate within :data:`TIE_TOLERANCE` (relative, at least absolute) of the estimate is a
    tie: a discrete statistic (a one-item index) reproduces the estimate in many resamples, up
    to the rounding of whichever route computed the moments, and the count must not depend on
    the last bit.
    """
    B = replicates.shape[0]
    tie = np.abs(replicates - estimates) <= TIE_TOLERANCE * np.maximum(1.0, np.abs(estimates))
    below = (~tie & (replicates < estimates)).sum(axis=0) + 0.5 * tie.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z0 = _normal_ppf(below / B)
        alpha = (1.0 - level) / 2.0
        out = np.full((replicates.shape[1], 2), np.nan)
        for side, q in enumerate((alpha, 1.0 - alpha)):
            z = _normal_ppf(q)
            adjusted = _normal_cdf(z0 + (z0 + z) / (1.0 - acceleration * (z0 + z)))
            for j in np.flatnonzero(np.isfinite(adjusted)):
                out[j, side] = np.quantile(replicates[:, j], adjusted[j])
    return out
