"""Resampling: bootstrap draws as rows of counts, permuted group splits, sign changes (pure numpy).

A bootstrap resample of n observations is a row of counts ``c`` (how often each observation
was drawn, summing to n), a permutation of two groups a row of 0/1 memberships; the moments of
all of them come from one matrix product (:class:`acsi.core.moments.MomentBasis`) and the PLS
estimates from :func:`acsi.core.stack.fit_stack`. The jackknife uses counts ``1 - e_i``
(every observation but one) for the BCa acceleration.

References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall (chapters 13-14: percentile and BCa intervals, jackknife acceleration).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

SignChange = Literal["none", "individual", "construct"]
SIGN_CHANGES: tuple[str, ...] = ("none", "individual", "construct")

#: An indicator whose resampled variance is below this fraction of its full-sample variance is
#: treated as constant in that resample (a failed resample).
CONSTANT_FRACTION = 1e-12


def draw_indices(rng: np.random.Generator, n_resamples: int, n: int) -> np.ndarray:
    """Row indices of ``n_resamples`` resamples of size n drawn with replacement, shape (B, n)."""
    return rng.integers(0, n, size=(n_resamples, n))


def counts_from_indices(indices: np.ndarray, n: int) -> np.ndarray:
    """How often each of the n observations occurs in each resample, shape (B, n), float."""
    B = indices.shape[0]
    offset = (indices + (np.arange(B) * n)[:, None]).ravel()
    return np.bincount(offset, minlength=B * n).reshape(B, n).astype(float)


def individual_sign_change(replicates: np.ndarray, estimates: np.ndarray, signed: np.ndarray) -> np.ndarray:
    """Give each signed statistic of each resample the sign of the original estimate.

    Individual sign changes (Tenenhaus et al. 2005): ``theta* <- sign(theta_hat) |theta*|`` for
    the columns where ``signed`` is True (weights, loadings, paths, effects).
    """
    out = replicates.copy()
    out[:, signed] = np.sign(estimates[signed]) * np.abs(replicates[:, signed])
    return out


def permutation_memberships(n: int, n_a: int, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """``n_perm`` random splits of ``n`` rows into ``n_a`` and ``n - n_a``: 0/1 rows of shape (n_perm, n)."""
    chosen = np.argsort(rng.random((n_perm, n)), axis=1)[:, :n_a]
    M = np.zeros((n_perm, n))
    np.put_along_axis(M, chosen, 1.0, axis=1)
    return M
