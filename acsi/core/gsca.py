"""Generalized structured component analysis (GSCA) by alternating least squares (pure numpy).

Hwang & Takane (2004) write the measurement and the structural model of components
``gamma = Z W`` (Z the n x p standardised indicators, W the p x k block-diagonal weights,
components with unit variance) as one equation,

    Z V = Z W A + E,     V = [I_p, W],   A = [C, B],

with C (k x p) the loadings (each indicator on its own component) and B (k x k) the path
coefficients, and minimise ``SS(Z V - Z W A)`` by alternating two least-squares steps:

1. *A given W*: every column of ``Z V`` is regressed on the components it depends on
   (an indicator on its own component, an endogenous component on its predecessors).
2. *W given A*, one block q at a time: with ``beta = e_q - a_q`` (``e_q`` selecting the
   column of component q in V, ``a_q`` row q of A) and ``R_q = Z M_q`` the residual without
   component q, the criterion is ``||Z w_q beta' - R_q||^2``, minimised by
   ``w_q = (Z_q'Z_q)^-1 Z_q' R_q beta / beta'beta``, then rescaled to ``var(Z w_q) = 1``.

Every step needs only ``S = Z'Z / n``, so the kernel works on the correlation matrix.
The criterion never increases; iteration stops when it changes by less than ``tol``.

FIT = 1 - SS(ZV - ZWA) / SS(ZV), the share of the variance of all indicators and
components explained; AFIT = 1 - (1 - FIT) d0 / d1 with d0 = n (p + k) and d1 = d0 - G,
G the number of free parameters (weights, loadings, paths).

Reference: Hwang, H., & Takane, Y. (2004). Generalized structured component analysis.
*Psychometrika* 69(1), 81-99 (equations 3-12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.core.pls import Structure, path_coefficients


@dataclass(frozen=True)
class GSCASolution:
    """Result of :func:`gsca`.

    Attributes
    ----------
    weights : ndarray, shape (p, k)
        Block-diagonal weights with unit-variance components.
    loadings : ndarray, shape (p,)
        Loading of each indicator on its own component.
    paths : ndarray, shape (k, k)
        ``[i, j]`` the coefficient of component i in the equation of j.
    r_squared : ndarray, shape (k,)
    fit : float
    criterion : ndarray
        ``SS(ZV - ZWA) / n`` after each iteration (non-increasing).
    n_iter : int
    converged : bool
    """

    weights: np.ndarray
    loadings: np.ndarray
    paths: np.ndarray
    r_squared: np.ndarray
    fit: float
    criterion: np.ndarray
    n_iter: int
    converged: bool


def _loss(S: np.ndarray, V: np.ndarray, W: np.ndarray, A: np.ndarray) -> float:
    D = V - W @ A
    return float(np.einsum("ij,ik,kj->", D, S, D))


def _update_a(S: np.ndarray, W: np.ndarray, structure: Structure) -> np.ndarray:
    p, k = structure.n_indicators, structure.n_constructs
    R = W.T @ S @ W  # component correlations (unit diagonal)
    C = np.zeros((k, p))
    cov = W.T @ S  # (k, p): covariances of components with indicators
    C[structure.block, np.arange(p)] = cov[structure.block, np.arange(p)]
    B, _ = path_coefficients(R, structure)
    return np.hstack([C, B])


def gsca(S: np.ndarray, structure: Structure, *, tol: float = 1e-10, max_iter: int = 1000) -> GSCASolution:
    """Estimate a GSCA model on the indicator correlation matrix.

    Parameters
    ----------
    S : ndarray, shape (p, p)
        Indicator correlation matrix.
    structure : Structure
        Blocks and paths (modes are ignored: every construct is a component).
    tol : float
        Stop when the criterion changes by less than ``tol`` (relative to ``SS(ZV) / n``).
    max_iter : int

    Returns
    -------
    GSCASolution
    """
    p, k = structure.n_indicators, structure.n_constructs
    mask = structure.mask
    W = mask / np.sqrt(np.einsum("ik,ij,jk->k", mask, S, mask))[None, :]
    history: list[float] = []
    converged = False
    n_iter = max_iter
    blocks = [np.flatnonzero(structure.block == q) for q in range(k)]
    total = None
    for iteration in range(1, max_iter + 1):
        A = _update_a(S, W, structure)
        for q, idx in enumerate(blocks):
            V = np.hstack([np.eye(p), W])
            beta = -A[q].copy()
            beta[p + q] += 1.0
            # Residual without component q: Z (V_-q - sum_{r != q} w_r a_r').
            V_minus = V.copy()
            V_minus[:, p + q] = 0.0
            W_minus = W.copy()
            W_minus[:, q] = 0.0
            M = V_minus - W_minus @ A
            target = (S @ M @ beta)[idx] / (beta @ beta)
            w = np.linalg.solve(S[np.ix_(idx, idx)], target)
            w = w / np.sqrt(w @ S[np.ix_(idx, idx)] @ w)
            if w.sum() < 0:  # keep the component's orientation (sign is arbitrary)
                w = -w
            W[:, q] = 0.0
            W[idx, q] = w
        A = _update_a(S, W, structure)
        V = np.hstack([np.eye(p), W])
        loss = _loss(S, V, W, A)
        if total is None:
            total = float(np.trace(V.T @ S @ V))
        history.append(loss)
        if len(history) > 1 and abs(history[-2] - history[-1]) < tol * total:
            converged = True
            n_iter = iteration
            break
    V = np.hstack([np.eye(p), W])
    A = _update_a(S, W, structure)
    loss = _loss(S, V, W, A)
    fit = 1.0 - loss / float(np.trace(V.T @ S @ V))
    C, B = A[:, :p], A[:, p:]
    R = W.T @ S @ W
    r_squared = np.array([B[:, j] @ R[:, j] for j in range(k)])
    loadings = C[structure.block, np.arange(p)]
    return GSCASolution(
        weights=W,
        loadings=loadings,
        paths=B,
        r_squared=r_squared,
        fit=fit,
        criterion=np.array(history),
        n_iter=n_iter,
        converged=converged,
    )


def adjusted_fit(fit: float, n: int, structure: Structure) -> float:
    """AFIT = 1 - (1 - FIT) d0 / d1, d0 = n (p + k), d1 = d0 - G (Hwang & Takane 2004, eq. 12).

    G counts the free parameters: one weight and one loading per indicator and one
    coefficient per path.
    """
    p, k = structure.n_indicators, structure.n_constructs
    d0 = n * (p + k)
    free = 2 * p + int(structure.adjacency.sum())
    return 1.0 - (1.0 - fit) * d0 / (d0 - free)
