"""PLS path modelling on the indicator covariance matrix (pure numpy).

The Wold / Lohmöller algorithm works entirely on sufficient statistics: with ``S`` the
indicator correlation matrix (standardised indicators) or covariance matrix (centred raw
indicators), every quantity of the iteration is a product of ``S`` and the outer weight
matrix ``W`` (p x k, zero outside each indicator's block):

* construct correlations            R = W' S W              (scores have unit variance)
* indicator-construct covariances   C = S W
* inner proxies (covariances)       Z = C E                 E: inner weights (scheme)
* Mode A (correlation weights)      w_b ∝ Z[b, b]            = cov(x_b, z_b)
* Mode B (regression weights)       w_b ∝ S_bb^-1 Z[b, b]    = OLS of z_b on x_b
* normalisation                     w_b <- w_b / sqrt(w_b' S_bb w_b)

Inner weights: centroid e_ij = sign(r_ij), factorial e_ij = r_ij for adjacent constructs;
path weighting uses, for construct j, the OLS coefficients of y_j on its predecessors and
r_ij for its successors. The algorithm starts from unit weights, as R plspm and ADANCO do.

Every function accepts a stack of matrices ``S`` of shape ``(..., p, p)`` and returns
results with the same leading shape, so a bootstrap can iterate all resamples at once.

References: Lohmöller, J.-B. (1989), *Latent Variable Path Modeling with Partial Least
Squares*, Physica; Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), PLS path modeling,
*Computational Statistics & Data Analysis* 48, 159-205 (section 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

Scheme = Literal["centroid", "factorial", "path"]
SCHEMES: tuple[str, ...] = ("centroid", "factorial", "path")


@dataclass(frozen=True)
class Structure:
    """Index arrays describing a model to the kernels.

    Attributes
    ----------
    block : ndarray of int, shape (p,)
        Construct index of each indicator.
    mode_b : ndarray of bool, shape (k,)
        True where the block uses Mode B (regression) weights.
    adjacency : ndarray of float, shape (k, k)
        ``adjacency[i, j] = 1`` for a path i -> j.
    """

    block: np.ndarray
    mode_b: np.ndarray
    adjacency: np.ndarray

    @property
    def n_indicators(self) -> int:
        return int(self.block.shape[0])

    @property
    def n_constructs(self) -> int:
        return int(self.mode_b.shape[0])

    @cached_property
    def mask(self) -> np.ndarray:
        """(p, k) indicator of block membership."""
        mask = np.zeros((self.n_indicators, self.n_constructs))
        mask[np.arange(self.n_indicators), self.block] = 1.0
        return mask

    @cached_property
    def linked(self) -> np.ndarray:
        """(k, k) symmetric indicator of a path in either direction."""
        return np.asarray((self.adjacency + self.adjacency.T) > 0, dtype=float)

    @cached_property
    def regressions(self) -> _Regressions:
        """Batched-OLS layout of the structural equations (see :class:`_Regressions`)."""
        targets = np.array([j for j in range(self.n_constructs) if self.adjacency[:, j].any()], dtype=int)
        width = max((int(self.adjacency[:, j].sum()) for j in targets), default=0)
        predecessors = np.zeros((targets.size, width), dtype=int)
        valid = np.zeros((targets.size, width))
        for e, j in enumerate(targets):
            preds = np.flatnonzero(self.adjacency[:, j])
            predecessors[e, : preds.size] = preds
            valid[e, : preds.size] = 1.0
        pair = valid[:, :, None] * valid[:, None, :]
        slot_e, slot_a = np.nonzero(valid)
        return _Regressions(
            predecessors=predecessors,
            targets=targets,
            valid=valid,
            pair=pair,
            padding=(1.0 - pair) * np.eye(width),
            slots=(slot_e, slot_a),
            cells=(predecessors[slot_e, slot_a], targets[slot_e]),
        )


@dataclass(frozen=True)
class _Regressions:
    """Index arrays for regressing each of e endogenous constructs on its (at most m) predecessors.

    ``predecessors`` (e, m) padded with 0, ``targets`` (e,), ``valid`` (e, m) 1/0, ``pair``
    (e, m, m) = valid x valid, ``padding`` (e, m, m) the identity on padded slots, ``slots``
    the (e, a) positions of real predecessors and ``cells`` their (i, j) cells in B.
    """

    predecessors: np.ndarray
    targets: np.ndarray
    valid: np.ndarray
    pair: np.ndarray
    padding: np.ndarray
    slots: tuple[np.ndarray, np.ndarray]
    cells: tuple[np.ndarray, np.ndarray]


def _structural_ols(R: np.ndarray, structure: Structure) -> tuple[np.ndarray, np.ndarray]:
    """OLS of every endogenous construct on its predecessors, all in one batched solve.

    Padding slots get an identity row and a zero right-hand side, hence coefficient 0.
    Returns ``B`` (..., k, k) with ``B[i, j]`` the coefficient of i in the equation of j,
    and ``r_squared`` (..., k), 0 for exogenous constructs.
    """
    layout = structure.regressions
    B = np.zeros(R.shape)
    r_squared = np.zeros(R.shape[:-1])
    if not layout.targets.size:
        return B, r_squared
    P = layout.predecessors
    R_pp = R[..., P[:, :, None], P[:, None, :]] * layout.pair + layout.padding
    r_pj = R[..., P, layout.targets[:, None]] * layout.valid
    beta = np.linalg.solve(R_pp, r_pj[..., None])[..., 0]
    B[..., layout.cells[0], layout.cells[1]] = beta[..., layout.slots[0], layout.slots[1]]
    r_squared[..., layout.targets] = (beta * r_pj).sum(axis=-1)
    return B, r_squared


@dataclass(frozen=True)
class OuterSolution:
    """Result of :func:`outer_weights`.

    ``weights`` has shape (..., p, k); ``n_iter`` the number of iterations each matrix
    needed (shape ``...``); ``converged`` is True where the change fell below ``tol``.
    """

    weights: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray


def _normalise(W: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale each column of W so that the construct score has unit variance: w'Sw = 1.

    Returns the scaled W and the product ``S @ W`` for it (the next iteration's
    indicator-construct covariances), so each iteration needs one product with S.
    """
    SW = S @ W
    scale = 1.0 / np.sqrt((W * SW).sum(axis=-2))[..., None, :]
    return W * scale, SW * scale


def _mode_b_operator(S: np.ndarray, structure: Structure) -> np.ndarray | None:
    """Block-diagonal matrix with S_bb^-1 on Mode B blocks and I on Mode A blocks."""
    if not structure.mode_b.any():
        return None
    p = structure.n_indicators
    D = np.broadcast_to(np.eye(p), S.shape).copy()
    for b in np.flatnonzero(structure.mode_b):
        idx = np.flatnonzero(structure.block == b)
        D[..., idx[:, None], idx[None, :]] = np.linalg.inv(S[..., idx[:, None], idx[None, :]])
    return D


def inner_weights(R: np.ndarray, structure: Structure, scheme: Scheme) -> np.ndarray:
    """Inner weight matrix E with ``E[i, j]`` the weight of construct i in the proxy of j.

    Parameters
    ----------
    R : ndarray, shape (..., k, k)
        Correlations of the current construct scores.
    structure : Structure
    scheme : {"centroid", "factorial", "path"}
    """
    if scheme == "centroid":
        return np.asarray(np.sign(R) * structure.linked)
    if scheme == "factorial":
        return np.asarray(R * structure.linked)
    # Successors s of construct j enter its proxy with r_sj, predecessors with OLS weights.
    return np.asarray(R * structure.adjacency.T + _structural_ols(R, structure)[0])


def outer_weights(
    S: np.ndarray,
    structure: Structure,
    scheme: Scheme,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> OuterSolution:
    """Iterate the PLS outer and inner estimation until the weights stop changing.

    Parameters
    ----------
    S : ndarray, shape (..., p, p)
        Indicator correlation (or covariance) matrices.
    structure : Structure
    scheme : {"centroid", "factorial", "path"}
    tol : float
        Stop when ``max |w_new - w_old| < tol`` for every matrix of the stack.
    max_iter : int
        Iteration limit; matrices that have not converged by then are flagged.

    Returns
    -------
    OuterSolution
        Weights with unit-variance scores (w_b' S_bb w_b = 1), not yet sign-oriented. A matrix
        of a stack keeps the weights of the iteration at which it converged, so it gets the
        numbers it would get alone.
    """
    mask = structure.mask
    D = _mode_b_operator(S, structure)
    W, C = _normalise(np.broadcast_to(mask, S.shape[:-2] + mask.shape), S)
    batch_shape = S.shape[:-2]
    n_iter = np.full(batch_shape, max_iter, dtype=int)
    converged = np.zeros(batch_shape, dtype=bool)
    # The matrices of a stack are independent: one that converged is iterated on with the others,
    # but the weights it converged to are kept, as if it had been fitted alone.
    kept = np.empty_like(W)
    for iteration in range(1, max_iter + 1):
        R = np.swapaxes(W, -1, -2) @ C  # C = S @ W, carried from the normalisation
        E = inner_weights(R, structure, scheme)
        Z = C @ E
        if D is not None:
            Z = D @ Z
        W_new, C = _normalise(Z * mask, S)
        change = np.abs(W_new - W).max(axis=(-2, -1))
        W = W_new
        newly = (change < tol) & ~converged
        if newly.any():
            kept[newly] = W[newly]
            n_iter = np.where(newly, iteration, n_iter)
            converged |= newly
        if converged.all():
            break
    W = np.where(converged[..., None, None], kept, W)
    return OuterSolution(weights=W, n_iter=n_iter, converged=converged)


def orient(W: np.ndarray, S: np.ndarray, structure: Structure) -> np.ndarray:
    """Flip each construct so that the sum of its loadings is positive.

    The sign of a PLS construct is arbitrary; we orient each one so that its indicators
    mostly load positively (R plspm, ADANCO and cSEM report positive loadings for the same
    data). A genuinely negative relationship between constructs then stays negative.
    """
    loadings = (S @ W) * structure.mask
    sign = np.where(loadings.sum(axis=-2) < 0, -1.0, 1.0)
    return W * sign[..., None, :]


def path_coefficients(R: np.ndarray, structure: Structure) -> tuple[np.ndarray, np.ndarray]:
    """OLS path coefficients and R² from the construct correlation matrix.

    For each endogenous construct j with predecessors P: beta = R_PP^-1 r_Pj and
    R²_j = beta' r_Pj.

    Returns
    -------
    B : ndarray, shape (..., k, k)
        ``B[i, j]`` the coefficient of i in the equation of j (0 where no path).
    r_squared : ndarray, shape (..., k)
        0 for exogenous constructs.
    """
    return _structural_ols(R, structure)


def total_effects(B: np.ndarray) -> np.ndarray:
    """Total effects ``T = (I - B)^-1 - I`` (sum of all path products from i to j)."""
    identity = np.eye(B.shape[-1])
    return np.linalg.inv(identity - B) - identity
