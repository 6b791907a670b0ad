"""Sufficient statistics of the indicator matrix: means, covariance and correlation.

One BLAS pass ``X'X`` gives the covariance, ``C = X'X / n - m m'`` (divisor n). When an
indicator's mean is large against its spread this difference loses digits, so the data are
then centred first (the relative rounding error of the shortcut is about
``eps * mean^2 / variance``; we centre once that exceeds ``1e-10``).
"""

from __future__ import annotations

import numpy as np

_CANCELLATION_LIMIT = 1e-10


def mean_and_covariance(X: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Column means and covariance matrix with divisor n of ``X`` (n, p).

    With case ``weights`` (n,), the weighted moments m = sum_i w_i x_i / sum_i w_i and
    C = sum_i w_i (x_i - m)(x_i - m)' / sum_i w_i: integer weights act as repeated rows.
    """
    if weights is not None:
        share = np.asarray(weights, dtype=float) / np.sum(weights)
        mean = share @ X
        centred = X - mean
        C = (centred * share[:, None]).T @ centred
        return mean, (C + C.T) / 2.0
    n = X.shape[0]
    mean = X.mean(axis=0)
    C = X.T @ X / n - np.outer(mean, mean)
    variance = np.diag(C)
    risk = np.finfo(float).eps * mean**2 / np.where(variance > 0, variance, np.inf)
    if (variance <= 0).any() or (risk > _CANCELLATION_LIMIT).any():
        centred = X - mean
        C = centred.T @ centred / n
    return mean, (C + C.T) / 2.0


def correlation_and_sd(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices ``R = C / (sd sd')`` and standard deviations of covariance matrices ``C`` (..., p, p).

    Works on one matrix or a stack. The diagonal of R is exactly 1; a rounding-negative variance
    counts as 0, and a zero variance gives non-finite correlations (the caller marks them failed).
    """
    sd = np.sqrt(np.clip(np.diagonal(C, axis1=-2, axis2=-1), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        R = C / (sd[..., :, None] * sd[..., None, :])
    p = C.shape[-1]
    R[..., np.arange(p), np.arange(p)] = 1.0
    return R, sd


def correlation(C: np.ndarray) -> np.ndarray:
    """Correlation matrix (or stack of them) of covariance matrices, exact unit diagonal (:func:`correlation_and_sd`)."""
    return correlation_and_sd(C)[0]
