"""Means and covariance of an indicator matrix with missing cells (NaN).

Three estimators of the moments that PLS needs (means and covariance, divisor n):

* :func:`pairwise_moments`: available-case means and variances; each correlation from the
  rows where both indicators are observed (pairwise deletion). Consistent under MCAR only,
  and the matrix need not be positive semidefinite.
* :func:`em_moments`: the maximum-likelihood means and covariance of a multivariate normal
  under ignorable (MAR) missingness, by the EM algorithm. This is full-information ML
  (FIML) for the saturated model; any model fitted to these moments uses every observed
  cell (Little & Rubin 2002, section 11.2).
* :func:`conditional_means`: fills the missing cells of each row with their expectation
  given the row's observed cells, ``mu_m + S_mo S_oo^-1 (x_o - mu_o)`` (regression
  imputation under given moments), for construct scores of incomplete rows.

Everything works per *missingness pattern* (rows with the same set of missing indicators):
the EM iteration touches only each pattern's sufficient statistics (count, sum, cross
products of the observed cells), so its cost per iteration does not depend on n.

Reference: Little, R. J. A. & Rubin, D. B. (2002). *Statistical Analysis with Missing
Data*, 2nd ed., Wiley, chapter 11 (EM for the multivariate normal, Table 11.1 steps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Patterns:
    """Rows grouped by missingness pattern.

    Attributes
    ----------
    observed : ndarray of bool, shape (k, p)
        Which indicators each pattern observes.
    inverse : ndarray of int, shape (n,)
        Pattern of each row.
    counts : ndarray of int, shape (k,)
    """

    observed: np.ndarray
    inverse: np.ndarray
    counts: np.ndarray


def missing_patterns(X: np.ndarray) -> Patterns:
    """Group the rows of ``X`` (n, p) by which cells are NaN."""
    missing = np.isnan(X)
    p = X.shape[1]
    if p <= 62:  # one integer code per row: much faster than np.unique on boolean rows
        codes = missing.astype(np.int64) @ (np.int64(1) << np.arange(p, dtype=np.int64))
        unique, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
        observed = ((unique[:, None] >> np.arange(p)) & 1) == 0
    else:  # pragma: no cover - more than 62 indicators
        rows, inverse, counts = np.unique(missing, axis=0, return_inverse=True, return_counts=True)
        observed = ~rows
    return Patterns(observed=observed, inverse=inverse.ravel(), counts=counts)


def pairwise_moments(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, covariance (divisor n) and pair counts by pairwise deletion.

    Means and variances use every observed cell of an indicator; the correlation of
    indicators i and j is the ordinary correlation over the rows observing both, and the
    covariance is ``r_ij * sd_i * sd_j``. All from three matrix products.

    Returns
    -------
    mean : ndarray, shape (p,)
    covariance : ndarray, shape (p, p)
    pair_counts : ndarray of int, shape (p, p)
        Rows observing both indicators (diagonal: rows observing each).
    """
    observed = ~np.isnan(X)
    M = observed.astype(float)
    X0 = np.where(observed, X, 0.0)
    n_pair = M.T @ M
    with np.errstate(invalid="ignore", divide="ignore"):
        sums = X0.T @ M  # [i, j]: sum of x_i over rows observing j (and i)
        squares = (X0 * X0).T @ M
        cross = X0.T @ X0
        mean_ij = sums / n_pair
        var_ij = squares / n_pair - mean_ij**2
        cov_ij = cross / n_pair - mean_ij * mean_ij.T
        r = cov_ij / np.sqrt(var_ij * var_ij.T)
        mean = np.diag(sums) / np.diag(n_pair)
        variance = np.diag(var_ij).copy()
    sd = np.sqrt(variance)
    covariance = r * np.outer(sd, sd)
    np.fill_diagonal(covariance, variance)
    return mean, (covariance + covariance.T) / 2.0, n_pair.astype(np.int64)


@dataclass(frozen=True)
class EMResult:
    """Result of :func:`em_moments`."""

    mean: np.ndarray
    covariance: np.ndarray
    n_iter: int
    converged: bool


def _pattern_statistics(X: np.ndarray, patterns: Patterns) -> list[tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
    """Per pattern: observed indices, count, sum and cross-product matrix of the observed cells."""
    order = np.argsort(patterns.inverse, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(patterns.counts)])
    stats = []
    for k, obs in enumerate(patterns.observed):
        idx = np.flatnonzero(obs)
        rows = X[order[bounds[k] : bounds[k + 1]]][:, idx]
        stats.append((idx, int(patterns.counts[k]), rows.sum(axis=0), rows.T @ rows))
    return stats


def em_moments(
    X: np.ndarray,
    *,
    tol: float = 1e-8,
    max_iter: int = 1000,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> EMResult:
    """Maximum-likelihood means and covariance of normal data with missing cells, by EM.

    Parameters
    ----------
    X : ndarray, shape (n, p)
        NaN marks a missing cell. Every row must observe at least one indicator.
    tol : float
        Stop when no mean changes by more than ``tol`` standard deviations and no
        covariance by more than ``tol`` times the product of the standard deviations.
    max_iter : int
    start : (mean, covariance), optional
        Starting values; default the available-case means and variances, zero covariances.

    Notes
    -----
    E-step, for each pattern with observed set o and missing set m (Little & Rubin 2002,
    section 11.2.1): ``B = S_mo S_oo^-1``, ``x_m = a + B x_o`` with ``a = mu_m - B mu_o``,
    residual covariance ``C = S_mm - B S_om``. With the pattern's count n_k, observed sum s
    and cross products T, the expected sufficient statistics are
    ``sum x_m = n_k a + B s``, ``sum x_m x_o' = a s' + B T``,
    ``sum x_m x_m' = n_k a a' + a s'B' + B s a' + B T B' + n_k C``.
    M-step: ``mu = sum x / n``, ``Sigma = sum x x' / n - mu mu'``.
    """
    n, p = X.shape
    patterns = missing_patterns(X)
    stats = _pattern_statistics(X, patterns)
    if start is None:
        mean = np.nanmean(X, axis=0)
        covariance = np.diag(np.nanvar(X, axis=0))
    else:
        mean, covariance = (np.array(a, dtype=float, copy=True) for a in start)
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - read after the loop: iterations used
        total = np.zeros(p)
        products = np.zeros((p, p))
        for idx, count, s, T in stats:
            if idx.size == p:
                total += s
                products += T
                continue
            mis = np.setdiff1d(np.arange(p), idx)
            S_oo = covariance[np.ix_(idx, idx)]
            S_mo = covariance[np.ix_(mis, idx)]
            B = np.linalg.lstsq(S_oo, S_mo.T, rcond=None)[0].T if idx.size else np.zeros((mis.size, 0))
            a = mean[mis] - B @ mean[idx]
            C = covariance[np.ix_(mis, mis)] - B @ S_mo.T
            sum_m = count * a + B @ s
            cross_mo = np.outer(a, s) + B @ T
            aBs = np.outer(a, B @ s)
            cross_mm = count * np.outer(a, a) + aBs + aBs.T + B @ T @ B.T + count * C
            total[idx] += s
            total[mis] += sum_m
            products[np.ix_(idx, idx)] += T
            products[np.ix_(mis, idx)] += cross_mo
            products[np.ix_(idx, mis)] += cross_mo.T
            products[np.ix_(mis, mis)] += cross_mm
        new_mean = total / n
        new_covariance = products / n - np.outer(new_mean, new_mean)
        new_covariance = (new_covariance + new_covariance.T) / 2.0
        sd = np.sqrt(np.clip(np.diag(new_covariance), np.finfo(float).tiny, None))
        change = max(
            float(np.max(np.abs(new_mean - mean) / sd)),
            float(np.max(np.abs(new_covariance - covariance) / np.outer(sd, sd))),
        )
        mean, covariance = new_mean, new_covariance
        if change <= tol:
            converged = True
            break
    return EMResult(mean=mean, covariance=covariance, n_iter=n_iter, converged=converged)


def conditional_means(X: np.ndarray, mean: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """``X`` with each missing cell replaced by its expectation given the row's observed cells.

    ``x_m = mu_m + S_mo S_oo^-1 (x_o - mu_o)``; a row with nothing observed gets ``mu``.
    Returns a new array; complete rows are copied unchanged.
    """
    filled = np.array(X, dtype=float, copy=True)
    patterns = missing_patterns(X)
    for k, obs in enumerate(patterns.observed):
        if obs.all():
            continue
        rows = np.flatnonzero(patterns.inverse == k)
        idx, mis = np.flatnonzero(obs), np.flatnonzero(~obs)
        if idx.size == 0:
            filled[np.ix_(rows, mis)] = mean[mis]
            continue
        S_oo = covariance[np.ix_(idx, idx)]
        S_mo = covariance[np.ix_(mis, idx)]
        B = np.linalg.lstsq(S_oo, S_mo.T, rcond=None)[0].T
        centred = X[np.ix_(rows, idx)] - mean[idx]
        filled[np.ix_(rows, mis)] = mean[mis] + centred @ B.T
    return filled
