"""Batched bootstrap kernels: resampled moments and batched PLS statistics (pure numpy).

A bootstrap resample of n observations is a row of counts ``c`` (how often each observation
was drawn, summing to n). Every resample's means and second moments are linear in ``c``:

    mean*     = c @ X / n                     (p values)
    E*[x x']  = c @ [x_i x_j]_{i<=j} / n      (p(p+1)/2 values)
    cov*      = E*[x x'] - mean* mean*'       (divisor n)

so with the per-observation products computed once (an (n, p + p(p+1)/2) matrix ``M``), one
matrix product ``counts @ M`` of a (B, n) count matrix gives the moments of all B resamples,
hence all B covariance and correlation matrices. The data are centred at the full-sample mean
first, which keeps the subtraction above accurate. The PLS kernel of :mod:`acsi.core.pls`
then iterates all B matrices at once.

The same kernels give the jackknife (counts ``1 - e_i``: every observation but one, scaled to
``n - 1`` observations) for the BCa acceleration.

References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
Chapman & Hall (chapters 13-14: percentile and BCa intervals, jackknife acceleration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from acsi.core import pls as kernel
from acsi.errors import ParameterError

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
        """Means (B, p) and covariance matrices with divisor ``counts.sum()`` (B, p, p)."""
        p = self.n_indicators
        total = counts.sum(axis=1, keepdims=True)
        sums = counts @ self.basis / total
        shifted_mean = sums[:, :p]
        upper_i, upper_j = np.triu_indices(p)
        second = np.empty((counts.shape[0], p, p))
        second[:, upper_i, upper_j] = sums[:, p:]
        second[:, upper_j, upper_i] = sums[:, p:]
        covariance = second - shifted_mean[:, :, None] * shifted_mean[:, None, :]
        return shifted_mean + self.center, covariance


@dataclass(frozen=True)
class PLSReplicates:
    """PLS estimates of a stack of B moment matrices.

    Attributes (leading dimension B)
    --------------------------------
    weights : (B, p)          outer weight of each indicator in its own construct (scale of S)
    standardized_weights : (B, p)
    loadings : (B, p)         indicator-construct correlations in the own block
    paths : (B, k, k)         direct effects
    r_squared : (B, k)
    total : (B, k, k)         total effects
    construct_correlations : (B, k, k)
    converged : (B,) bool
    """

    weights: np.ndarray
    standardized_weights: np.ndarray
    loadings: np.ndarray
    paths: np.ndarray
    r_squared: np.ndarray
    total: np.ndarray
    construct_correlations: np.ndarray
    converged: np.ndarray


def pls_replicates(
    S: np.ndarray,
    structure: kernel.Structure,
    scheme: kernel.Scheme,
    *,
    tol: float,
    max_iter: int,
    sign_change: SignChange = "none",
    reference_loadings: np.ndarray | None = None,
) -> PLSReplicates:
    """Run PLS on every matrix of the stack ``S`` (B, p, p) and collect its estimates.

    Orientation: each construct is first oriented as the estimator does (positive sum of
    loadings). With ``sign_change="construct"`` (Tenenhaus et al. 2005, section 2.6), a
    construct is then flipped where ``|sum(l_hat - l*)| > |sum(l_hat + l*)|``, ``l_hat`` the
    original loadings (``reference_loadings``, shape (p,)) and ``l*`` the resample's, and every
    estimate is recomputed from the flipped weights. ``"individual"`` is applied later, to the
    collected statistics (:func:`individual_sign_change`).

    Raises
    ------
    numpy.linalg.LinAlgError
        A singular Mode B block or predictor set in some matrix of the stack (the caller
        isolates it).
    """
    solution = kernel.outer_weights(S, structure, scheme, tol=tol, max_iter=max_iter)
    W = kernel.orient(solution.weights, S, structure)
    rows = np.arange(structure.n_indicators)
    sd = np.sqrt(np.einsum("...ii->...i", S))
    C = S @ W
    if sign_change == "construct":
        if reference_loadings is None:
            raise ParameterError("Construct-level sign change needs the original loadings.")
        own = (C / sd[..., :, None])[:, rows, structure.block]  # (B, p)
        differ = np.abs((reference_loadings - own) @ structure.mask)
        agree = np.abs((reference_loadings + own) @ structure.mask)
        sign = np.where(differ > agree, -1.0, 1.0)  # (B, k)
        W = W * sign[:, None, :]
        C = C * sign[:, None, :]
    R = np.swapaxes(W, -1, -2) @ C
    B_paths, r_squared = kernel.path_coefficients(R, structure)
    weights = W[:, rows, structure.block]
    loadings = (C / sd[..., :, None])[:, rows, structure.block]
    return PLSReplicates(
        weights=weights,
        standardized_weights=weights * sd,
        loadings=loadings,
        paths=B_paths,
        r_squared=r_squared,
        total=kernel.total_effects(B_paths),
        construct_correlations=R,
        converged=solution.converged,
    )


def batched_index(
    standardized_weights: np.ndarray,
    sd: np.ndarray,
    means: np.ndarray,
    member: np.ndarray,
    n_indexed: int,
    lower: np.ndarray,
    upper: np.ndarray,
    method: str,
) -> np.ndarray:
    """0-100 index of each indexed construct for every resample, shape (B, m).

    Same definition as :mod:`acsi.index` (normalised weights applied to the indicator means
    on their theoretical scale). ``member[i]`` is the index-construct position of indicator i
    or -1. Constructs whose weights sum to zero or less in a resample get NaN there.
    """
    if method == "fornell":
        raw = standardized_weights / sd
    elif method == "standardized":
        raw = standardized_weights
    elif method == "equal":
        raw = np.ones_like(standardized_weights)
    else:
        raise ParameterError(f"Unknown index weights {method!r}.")
    used = member >= 0
    mask = np.zeros((member.shape[0], n_indexed))
    mask[np.flatnonzero(used), member[used]] = 1.0
    totals = raw @ mask
    totals = np.where(totals > 0, totals, np.nan)
    span = np.where(used, upper - lower, 1.0)
    position = (means - np.where(used, lower, 0.0)) / span
    return 100.0 * ((raw * position) @ mask) / totals


def individual_sign_change(replicates: np.ndarray, estimates: np.ndarray, signed: np.ndarray) -> np.ndarray:
    """Give each signed statistic of each resample the sign of the original estimate.

    Individual sign changes (Tenenhaus et al. 2005): ``theta* <- sign(theta_hat) |theta*|`` for
    the columns where ``signed`` is True (weights, loadings, paths, effects).
    """
    out = replicates.copy()
    out[:, signed] = np.sign(estimates[signed]) * np.abs(replicates[:, signed])
    return out
