"""Implied moments of a standardised population (pure numpy).

With ``eta`` the k constructs, ``B`` the k x k path matrix (``B[j, i]`` the path ``i -> j``) and
``zeta`` the structural residuals, ``eta = B eta + zeta`` and

    Phi = cov(eta) = (I - B)^-1 Psi (I - B)^-T          (:func:`acsi.core.implied.construct_covariance`)

where ``Psi = cov(zeta)`` holds the exogenous correlations in its exogenous block and the
residual variance ``psi_j = 1 - R^2_j`` of each endogenous construct on its diagonal, so that
every construct has unit variance (Bollen 1989, *Structural Equations with Latent Variables*,
ch. 4). Common factors: ``Sigma = Lambda Phi Lambda^T + diag(1 - lambda_i^2)``. Composites
(Dijkstra 2017, "A perfect match between a model and a mode"): blocks with equicorrelated
indicators and unit-variance weighted sums, ``Sigma_ab = Sigma_aa w_a rho_ab w_b^T Sigma_bb``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import networkx as nx
import numpy as np

from acsi.core.implied import construct_covariance
from acsi.errors import SpecError
from acsi.spec.model import ModelSpec


def path_matrix(names: tuple[str, ...], paths: Mapping[str, float]) -> np.ndarray:
    """``B[j, i]`` the coefficient of ``i -> j`` (``paths`` keyed ``"From -> To"``), in ``names`` order."""
    pos = {name: n for n, name in enumerate(names)}
    B = np.zeros((len(names), len(names)))
    for key, value in paths.items():
        source, target = (s.strip() for s in key.split("->"))
        B[pos[target], pos[source]] = value
    return B


def exogenous_block(names: tuple[str, ...], exogenous: tuple[str, ...], correlations: Mapping[str, float]) -> np.ndarray:
    """``Psi`` with unit exogenous variances and the exogenous correlations (keyed ``"A ~~ B"``);
    the endogenous diagonal is left 0 for :func:`residual_variances`. Raises
    :class:`~acsi.errors.SpecError` unless the exogenous block is positive definite."""
    pos = {name: n for n, name in enumerate(names)}
    Psi = np.zeros((len(names), len(names)))
    for name in exogenous:
        Psi[pos[name], pos[name]] = 1.0
    for key, value in correlations.items():
        a, b = (s.strip() for s in key.split("~~"))
        Psi[pos[a], pos[b]] = Psi[pos[b], pos[a]] = value
    exo_idx = [pos[name] for name in exogenous]
    if exo_idx and np.linalg.eigvalsh(Psi[np.ix_(exo_idx, exo_idx)]).min() <= 1e-12:
        raise SpecError(
            f"The exogenous correlations do not form a positive definite matrix ({dict(correlations)}). Lower some of them.",
            culprit="exogenous_correlations",
        )
    return Psi


def residual_variances(spec: ModelSpec, B: np.ndarray, Psi: np.ndarray, paths: Mapping[str, float]) -> np.ndarray:
    """``Psi`` with ``psi_j = 1 - R^2_j`` on the endogenous diagonal, so that every construct has unit variance.

    Solved recursively in topological order: the residual of construct j is uncorrelated with
    every construct before it, so ``cov(eta_j, eta_m) = sum_i B[j, i] Phi[i, m]`` and
    ``R^2_j = b_j' Phi_PP b_j`` (``b_j`` the coefficients of the predecessors ``P``). Raises
    :class:`~acsi.errors.SpecError` when some ``R^2_j >= 1`` (``paths`` only names the culprits).
    """
    names = spec.construct_names
    pos = {name: n for n, name in enumerate(names)}
    targets = {p.target for p in spec.paths}
    Psi = Psi.copy()
    Phi = Psi.copy()
    done: list[int] = []
    for name in nx.topological_sort(spec.graph()):
        j = pos[name]
        preds = np.flatnonzero(B[j])
        if name not in targets:
            done.append(j)
            continue
        if preds.size:
            b = B[j, preds]
            explained = float(b @ Phi[np.ix_(preds, preds)] @ b)
            if done:
                Phi[j, done] = Phi[done, j] = B[j, preds] @ Phi[np.ix_(preds, done)]
        else:  # every incoming path is 0
            explained = 0.0
        if explained >= 1 - 1e-12:
            incoming = ", ".join(f"'{k}' = {v:g}" for k, v in paths.items() if k.endswith(f"-> {name}"))
            raise SpecError(
                f"Inadmissible population: the paths into '{name}' ({incoming}) imply R-squared "
                f"{explained:.4g} >= 1, so its residual variance would be {1 - explained:.4g}. "
                "Lower these path coefficients.",
                culprit=name,
            )
        Psi[j, j] = 1.0 - explained
        Phi[j, j] = 1.0
        done.append(j)
    return Psi


def construct_correlations(B: np.ndarray, Psi: np.ndarray) -> np.ndarray:
    """``Phi = (I - B)^-1 Psi (I - B)^-T``, symmetrised (a correlation matrix when ``Psi`` comes
    from :func:`residual_variances`)."""
    Phi = construct_covariance(B, Psi)
    return (Phi + Phi.T) / 2


def factor_loading_matrix(spec: ModelSpec, loadings: Mapping[str, float]) -> np.ndarray:
    """The p x k ``Lambda`` (one nonzero per row): rows ``spec.indicators``, columns ``spec.construct_names``."""
    pos = {name: n for n, name in enumerate(spec.construct_names)}
    Lambda = np.zeros((len(spec.indicators), len(pos)))
    row = 0
    for construct in spec.constructs:
        for indicator in construct.indicators:
            Lambda[row, pos[construct.name]] = loadings[indicator]
            row += 1
    return Lambda


def factor_indicator_correlations(Lambda: np.ndarray, Phi: np.ndarray) -> np.ndarray:
    """``Sigma = Lambda Phi Lambda^T + diag(1 - lambda_i^2)``, symmetric with a unit diagonal."""
    lam = Lambda.sum(axis=1)
    Sigma = Lambda @ Phi @ Lambda.T + np.diag(1.0 - lam**2)
    Sigma = (Sigma + Sigma.T) / 2
    np.fill_diagonal(Sigma, 1.0)
    return Sigma


def factor_cholesky(Sigma: np.ndarray, loadings: Mapping[str, float]) -> np.ndarray:
    """The lower Cholesky factor of ``Sigma``; a :class:`~acsi.errors.SpecError` naming the
    error-free indicators (``|lambda| = 1``) when ``Sigma`` is not (numerically) positive definite."""
    try:
        chol = np.linalg.cholesky(Sigma)
    except np.linalg.LinAlgError:
        chol = None
    if chol is None or np.diag(chol).min() < 1e-8:
        perfect = [i for i, value in loadings.items() if abs(value) == 1.0]
        raise SpecError(
            "Inadmissible population: the implied indicator correlation matrix is not positive "
            "definite"
            + (f"; indicators without error (|loading| = 1): {', '.join(perfect)}" if perfect else "")
            + ". Two error-free indicators of one construct, or constructs correlating perfectly, "
            "make it singular; lower those loadings or paths.",
            culprit=perfect[0] if perfect else "loadings",
        )
    return chol


def composite_moments(
    owner: np.ndarray, within: float, relative: np.ndarray, Phi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights ``W``, composite loadings ``lambda_b = Sigma_bb w_b`` and ``Sigma`` of a composite population.

    ``owner[i]`` is the construct (column of ``Phi``) of indicator i, ``relative`` the relative
    weights; each block has unit diagonal and correlation ``within`` off it, and its weights are
    rescaled to ``w_b' Sigma_bb w_b = 1``.
    """
    p, k = owner.size, Phi.shape[0]
    Sigma = np.zeros((p, p))
    W = np.zeros(p)
    for b in range(k):
        idx = np.flatnonzero(owner == b)
        block = np.full((idx.size, idx.size), float(within))
        np.fill_diagonal(block, 1.0)
        w = relative[idx]
        w = w / math.sqrt(w @ block @ w)
        Sigma[np.ix_(idx, idx)] = block
        W[idx] = w
    lam = np.zeros(p)
    for b in range(k):
        idx = np.flatnonzero(owner == b)
        lam[idx] = Sigma[np.ix_(idx, idx)] @ W[idx]
    for a in range(k):
        for b in range(k):
            if a != b:
                ia, ib = np.flatnonzero(owner == a), np.flatnonzero(owner == b)
                Sigma[np.ix_(ia, ib)] = np.outer(lam[ia], lam[ib]) * Phi[a, b]
    return W, lam, (Sigma + Sigma.T) / 2
