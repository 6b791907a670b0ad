"""Sufficient statistics of the indicator matrix: means, covariance and correlation, alone or for many case weights.

One BLAS pass ``X'X`` gives the covariance, ``C = X'X / n - m m'`` (divisor n). When an
indicator's mean is large against its spread this difference loses digits, so the data are
then centred first (the relative rounding error of the shortcut is about
``eps * mean^2 / variance``; we centre once that exceeds ``1e-10``).

Many sets of case weights at once (bootstrap counts, permuted group memberships, times the
sampling weights): with v a row of case weights, every weighted mean and second moment is
linear in v,

    mean_v    = v @ X / sum(v)                     (p values)
    E_v[x x'] = v @ [x_i x_j]_{i<=j} / sum(v)      (p(p+1)/2 values)
    cov_v     = E_v[x x'] - mean_v mean_v'         (divisor sum(v))

so with the per-observation products computed once (:class:`MomentBasis`), one matrix product
of an (R, n) weight matrix gives the moments of all R weightings. The data are centred at the
full-sample mean first, which keeps the subtraction accurate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CANCELLATION_LIMIT = 1e-10


def weighted_mean(X: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Column means of ``X`` (n, p); with case ``weights`` (n,), ``m = sum_i (w_i / sum_j w_j) x_i``."""
    if weights is None:
        return np.asarray(X.mean(axis=0))
    share = np.asarray(weights, dtype=float) / np.sum(weights)
    return np.asarray(share @ X)


def mean_and_covariance(X: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Column means and covariance matrix with divisor n of ``X`` (n, p).

    With case ``weights`` (n,), the weighted moments m = sum_i w_i x_i / sum_i w_i and
    C = sum_i w_i (x_i - m)(x_i - m)' / sum_i w_i: integer weights act as repeated rows.
    """
    if weights is not None:
        share = np.asarray(weights, dtype=float) / np.sum(weights)
        mean = weighted_mean(X, weights)
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


@dataclass(frozen=True)
class MomentBasis:
    """Per-observation products of the centred data, computed once for all resamples.

    Attributes
    ----------
    center : ndarray, shape (p,)
        Full-sample means subtracted from the data.
    basis : ndarray, shape (n, p + p(p+1)/2)
        Columns: the centred indicators x_i, then the products x_i x_j for i <= j.
    variance : ndarray, shape (p,)
        Full-sample variances (divisor n), the yardstick for "constant in a resample".
    """

    center: np.ndarray
    basis: np.ndarray
    variance: np.ndarray

    @classmethod
    def from_data(cls, X: np.ndarray) -> MomentBasis:
        X = np.asarray(X, dtype=float)
        center = X.mean(axis=0)
        Xc = X - center
        upper_i, upper_j = np.triu_indices(X.shape[1])
        basis = np.concatenate([Xc, Xc[:, upper_i] * Xc[:, upper_j]], axis=1)
        return cls(center=center, basis=basis, variance=(Xc * Xc).mean(axis=0))

    @property
    def n_indicators(self) -> int:
        return int(self.center.shape[0])

    def moments(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means (R, p) and covariance matrices with divisor ``counts.sum()`` (R, p, p) of R rows of case weights (R, n)."""
        total = counts.sum(axis=1, keepdims=True)
        return moments_from_sums(self.center, total, counts @ self.basis)


def moments_from_sums(center: np.ndarray, total: np.ndarray, weighted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Means (R, p) and covariances (R, p, p) from R weightings' sums over the rows of the :class:`MomentBasis` columns.

    ``total`` (R, 1) holds ``sum_i v_i`` and ``weighted`` (R, p + p(p+1)/2) ``v @ basis``; the
    sums add up over any partition of the rows, which is how the distributed Poisson bootstrap
    (:mod:`acsi.distributed.resample`) collects them. ``center`` (p,) is the basis's centre.
    """
    p = center.shape[0]
    sums = weighted / total
    shifted_mean = sums[:, :p]
    upper_i, upper_j = np.triu_indices(p)
    second = np.empty((weighted.shape[0], p, p))
    second[:, upper_i, upper_j] = sums[:, p:]
    second[:, upper_j, upper_i] = sums[:, p:]
    covariance = second - shifted_mean[:, :, None] * shifted_mean[:, None, :]
    return shifted_mean + center, covariance
