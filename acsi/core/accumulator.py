"""Mergeable moments: count, weighted means and centred cross-products of indicator blocks, merged pairwise.

A :class:`MomentAccumulator` summarises a block of rows ``X`` (n, p), possibly with missing
cells (NaN) and case weights ``w``. Every statistic is kept per *pair* of indicators (i, j)
over the rows observing both, so that complete data, weighted data and pairwise deletion
use the same object:

    W[i, j]     = sum_r w_r o_ri o_rj                        (o: observed; weight of the pair)
    N[i, j]     = sum_r o_ri o_rj                            (rows observing both)
    mean[i, j]  = sum_r w_r o_ri o_rj x_ri / W[i, j]         (mean of x_i over those rows)
    sq[i, j]    = sum_r w_r o_ri o_rj (x_ri - mean[i, j])^2
    cross[i, j] = sum_r w_r o_ri o_rj (x_ri - mean[i, j]) (x_rj - mean[j, i])

Two accumulators A and B of disjoint row sets merge element-wise by the pairwise update of
Chan, Golub & LeVeque (1979, "Updating formulae and a pairwise algorithm for computing sample
variances", COMPSTAT), weighted as in West (1979): with d = mean_B - mean_A,

    W      = W_A + W_B
    mean   = mean_A + d W_B / W
    sq     = sq_A + sq_B + d^2 W_A W_B / W
    cross  = cross_A + cross_B + d d' W_A W_B / W        (d'[i, j] = d[j, i])

which merges centred moments and never forms raw sums of squares over the whole data. A block
is summarised after shifting it by its own column means, so the one raw step stays local.
The moments of complete (or listwise) data are ``mean[i, i]`` and ``cross / W`` (divisor sum of
weights, as :func:`acsi.core.moments.mean_and_covariance`); pairwise deletion gives the
correlation ``cross / sqrt(sq sq')`` rescaled by the per-indicator standard deviations, as
:func:`acsi.core.missing.pairwise_moments`. Column minima and maxima and row counts merge too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.errors import ParameterError


@dataclass(frozen=True)
class MomentAccumulator:
    """Pairwise-complete weighted moments of a set of rows (see the module notes for the formulas).

    Attributes
    ----------
    n_rows : int
        Rows summarised (including rows with missing cells).
    n_incomplete : int
        Rows with at least one missing cell.
    weight, count, mean, sq, cross : ndarray, shape (p, p)
        W, N, mean, sq and cross of the module notes.
    low, high : ndarray, shape (p,)
        Column minima and maxima of the observed cells (+inf / -inf when none).
    """

    n_rows: int
    n_incomplete: int
    weight: np.ndarray
    count: np.ndarray
    mean: np.ndarray
    sq: np.ndarray
    cross: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def empty(cls, p: int) -> MomentAccumulator:
        """The accumulator of no rows (the identity of :meth:`merge`)."""
        zeros = np.zeros((p, p))
        return cls(0, 0, zeros, np.zeros((p, p), dtype=np.int64), zeros, zeros, zeros, np.full(p, np.inf), np.full(p, -np.inf))

    @classmethod
    def from_block(cls, X: np.ndarray, weights: np.ndarray | None = None) -> MomentAccumulator:
        """Summarise the rows of ``X`` (n, p; NaN = missing) with optional case ``weights`` (n,)."""
        X = np.asarray(X, dtype=float)
        n, p = X.shape
        if n == 0:
            return cls.empty(p)
        observed = ~np.isnan(X)
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        complete = bool(observed.all())
        with np.errstate(invalid="ignore", divide="ignore"):
            if complete:  # every pair sees every row: one product, the rest are column sums
                shift = X.mean(axis=0)
                Xs = X - shift
                Xw = Xs * w[:, None]
                W = np.full((p, p), w.sum())
                S = np.repeat(Xw.sum(axis=0)[:, None], p, axis=1)
                Q = np.repeat((Xw * Xs).sum(axis=0)[:, None], p, axis=1)
                P = Xw.T @ Xs
                low, high = X.min(axis=0), X.max(axis=0)
            else:
                counts = observed.sum(axis=0)
                shift = np.where(counts > 0, np.nansum(X, axis=0) / np.maximum(counts, 1), 0.0)
                Xs = np.where(observed, X - shift, 0.0)
                mask = observed.astype(float)
                Xw = Xs * w[:, None]
                W = (mask * w[:, None]).T @ mask
                S = Xw.T @ mask  # [i, j]: weighted sum of shifted x_i over rows observing j (and i)
                Q = (Xw * Xs).T @ mask
                P = Xw.T @ Xs
                low = np.where(observed, X, np.inf).min(axis=0)
                high = np.where(observed, X, -np.inf).max(axis=0)
            safe = np.where(W > 0, W, 1.0)
            local = S / safe
            sq = np.where(W > 0, Q - S * local, 0.0)
            cross = np.where(W > 0, P - S * local.T, 0.0)
            mean = np.where(W > 0, local + shift[:, None], 0.0)
        if complete:
            count = np.full((p, p), n, dtype=np.int64)
            return cls(n, 0, W, count, mean, sq, cross, low, high)
        count = np.rint(mask.T @ mask).astype(np.int64)  # exact: float sums of 0/1 below 2^53
        return cls(n, int((~observed.all(axis=1)).sum()), W, count, mean, sq, cross, low, high)

    @property
    def n_indicators(self) -> int:
        return int(self.low.shape[0])

    def merge(self, other: MomentAccumulator) -> MomentAccumulator:
        """The accumulator of both row sets (Chan, Golub & LeVeque 1979 pairwise update; see the module notes)."""
        Wa, Wb = self.weight, other.weight
        W = Wa + Wb
        with np.errstate(invalid="ignore", divide="ignore"):
            safe = np.where(W > 0, W, 1.0)
            d = other.mean - self.mean
            share = Wb / safe
            factor = Wa * share
            mean = np.where(W > 0, self.mean + d * share, 0.0)
            sq = self.sq + other.sq + np.where(W > 0, d * d * factor, 0.0)
            cross = self.cross + other.cross + np.where(W > 0, d * d.T * factor, 0.0)
        return MomentAccumulator(
            self.n_rows + other.n_rows,
            self.n_incomplete + other.n_incomplete,
            W,
            self.count + other.count,
            mean,
            sq,
            cross,
            np.minimum(self.low, other.low),
            np.maximum(self.high, other.high),
        )

    def mean_and_covariance(self) -> tuple[np.ndarray, np.ndarray]:
        """Means (p,) and covariance (p, p), divisor the sum of weights, of complete rows: ``mean[i, i]``, ``cross / W``."""
        mean = np.diagonal(self.mean).copy()
        C = self.cross / self.weight
        return mean, (C + C.T) / 2.0

    def pairwise_moments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Means, covariance and pair counts by pairwise deletion (as :func:`acsi.core.missing.pairwise_moments`).

        ``var_i = sq[i, i] / W[i, i]``, ``r_ij = cross[i, j] / sqrt(sq[i, j] sq[j, i])``,
        ``cov_ij = r_ij sd_i sd_j``.
        """
        mean = np.diagonal(self.mean).copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            variance = np.diagonal(self.sq) / np.diagonal(self.weight)
            r = self.cross / np.sqrt(self.sq * self.sq.T)
        sd = np.sqrt(variance)
        covariance = r * np.outer(sd, sd)
        np.fill_diagonal(covariance, variance)
        return mean, (covariance + covariance.T) / 2.0, self.count.copy()


def merge_all(parts: list[MomentAccumulator]) -> MomentAccumulator:
    """Merge a list of accumulators as a balanced tree (the pairwise algorithm's summation order)."""
    if not parts:
        raise ParameterError("merge_all needs at least one accumulator; got an empty list.")
    while len(parts) > 1:
        parts = [parts[k].merge(parts[k + 1]) if k + 1 < len(parts) else parts[k] for k in range(0, len(parts), 2)]
    return parts[0]
