"""The numeric side of a covariance-based factor solution, without the optimiser (pure numpy/scipy).

What :class:`acsi.estimators.cbsem.CBSEM` computes from the matrices semopy estimates: the
standardised solution (lavaan ``std.all``), the parameter table, admissibility checks,
and FABIN 3 starting loadings (Hägglund 1982). Only the semopy
boundary stays in ``cbsem.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi.core.implied import construct_covariance
from acsi.core.moments import correlation_and_sd
from acsi.spec.model import ModelSpec
from acsi.structure import model_structure

#: Slack of the admissibility bounds (|standardised| <= 1 + slack; smallest eigenvalue >= -slack).
_SLACK = 1e-8


def parameter_table(
    spec: ModelSpec,
    indicators: Sequence[str],
    Lam: np.ndarray,
    Beta: np.ndarray,
    Psi: np.ndarray,
    Theta: np.ndarray,
    se: Mapping[str, np.ndarray],
    sd_eta: np.ndarray,
    sd_x: np.ndarray,
) -> pd.DataFrame:
    """The parameter table of a factor solution, keyed by (lhs, op, rhs) with lavaan's operators:
    ``estimate``, ``std_error`` (NaN for fixed parameters) and ``std_all`` (lavaan's completely
    standardised solution: variances by the total variance, covariances by the residual sds)."""
    names = spec.construct_names
    rows = []
    pos = {name: b for b, name in enumerate(names)}
    ipos = {name: j for j, name in enumerate(indicators)}
    for b, construct in enumerate(spec.constructs):
        for indicator in construct.indicators:
            j = ipos[indicator]
            rows.append((construct.name, "=~", indicator, Lam[j, b], se["Lambda"][j, b], Lam[j, b] * sd_eta[b] / sd_x[j]))
    for pth in spec.paths:
        s, t = pos[pth.source], pos[pth.target]
        rows.append((pth.target, "~", pth.source, Beta[t, s], se["Beta"][t, s], Beta[t, s] * sd_eta[s] / sd_eta[t]))

    def cov_row(
        a: str, b: str, matrix: np.ndarray, errors: np.ndarray, sds: np.ndarray, where: Mapping[str, int]
    ) -> tuple[str, str, str, float, float, float]:
        # Variances are standardised by the total variance, (residual) covariances by the
        # residual standard deviations (lavaan's std.all).
        i, j = where[a], where[b]
        scale = sds[i] ** 2 if i == j else math.sqrt(abs(matrix[i, i] * matrix[j, j]))
        return (a, "~~", b, matrix[i, j], errors[i, j], matrix[i, j] / scale if scale > 0 else float("nan"))

    for cov in spec.covariances:
        if cov.left in ipos and cov.right in ipos:
            rows.append(cov_row(cov.left, cov.right, Theta, se["Theta"], sd_x, ipos))
        elif cov.left in pos and cov.right in pos and cov.left != cov.right:
            rows.append(cov_row(cov.left, cov.right, Psi, se["Psi"], sd_eta, pos))
    for indicator in indicators:
        rows.append(cov_row(indicator, indicator, Theta, se["Theta"], sd_x, ipos))
    for name in names:
        rows.append(cov_row(name, name, Psi, se["Psi"], sd_eta, pos))
    exo = [n for n in names if n not in spec.endogenous]
    for position, left in enumerate(exo):
        for right in exo[position + 1 :]:
            rows.append(cov_row(left, right, Psi, se["Psi"], sd_eta, pos))
    lhs, op, rhs, estimate, errors, std_all = zip(*rows)
    std_error = np.array(errors, dtype=float)
    std_error[std_error == 0] = np.nan  # fixed parameters
    return pd.DataFrame(
        {
            "lhs": np.array(lhs, dtype=object),
            "op": np.array(op, dtype=object),
            "rhs": np.array(rhs, dtype=object),
            "estimate": np.array(estimate, dtype=float),
            "std_error": std_error,
            "std_all": np.array(std_all, dtype=float),
        }
    )


def admissibility_problems(
    names: Sequence[str],
    indicators: Sequence[str],
    Psi: np.ndarray,
    Theta: np.ndarray,
    Phi: np.ndarray,
    std_loadings: np.ndarray,
    std_B: np.ndarray,
    path_pairs: Sequence[tuple[int, int]],
    free: Mapping[str, np.ndarray],
    S: np.ndarray,
) -> list[str]:
    """What makes a solution inadmissible: error or factor variances at their bound 0 (Heywood
    cases), standardised loadings or paths beyond 1 in absolute value, a factor covariance
    matrix that is not positive definite. One message per problem; empty when admissible."""
    problems = []
    # semopy bounds variances below by 0, so a Heywood case shows as a free variance at 0.
    for j, value in enumerate(np.diag(Theta)):
        if free["Theta"][j, j] and value < 1e-6 * S[j, j]:
            problems.append(
                f"error variance of '{indicators[j]}' is {value:.3g}, at or below its bound 0 (a Heywood case: "
                "the unconstrained estimate is negative)"
            )
    for b, value in enumerate(np.diag(Psi)):
        if free["Psi"][b, b] and value < 1e-6 * max(abs(Phi[b, b]), 1e-300):
            problems.append(f"(residual) variance of '{names[b]}' is {value:.3g}, at or below its bound 0")
    for j, value in enumerate(std_loadings):
        if abs(value) > 1 + _SLACK:
            problems.append(f"standardised loading of '{indicators[j]}' is {value:.4f}")
    for i, j in path_pairs:
        if abs(std_B[i, j]) > 1 + _SLACK:
            problems.append(f"standardised path '{names[i]} -> {names[j]}' is {std_B[i, j]:.4f}")
    if np.isfinite(Phi).all() and np.linalg.eigvalsh((Phi + Phi.T) / 2)[0] < -_SLACK:
        problems.append("the factor covariance matrix is not positive definite")
    return problems


def standardised_solution(
    spec: ModelSpec, Beta: np.ndarray, Lam: np.ndarray, Psi: np.ndarray, Theta: np.ndarray
) -> dict[str, Any]:
    """Implied moments and completely standardised loadings and paths of one solution.

    ``Phi = (I - B)^-1 Psi (I - B)^-T`` (factor covariances), ``Sigma = Lambda Phi Lambda' +
    Theta``; factor correlations ``Phi / (sd_eta sd_eta')`` (:func:`acsi.core.moments.correlation_and_sd`);
    standardised loading ``lambda sd_eta / sd_x``, path ``beta sd_source / sd_target``
    (lavaan ``std.all``). Matrices in spec order, ``Beta[target, source]``.
    """
    names = spec.construct_names
    Phi = construct_covariance(Beta, Psi)
    Sigma = Lam @ Phi @ Lam.T + Theta
    phi_std, sd_eta = correlation_and_sd(Phi)
    sd_x = np.sqrt(np.clip(np.diag(Sigma), 0, None))
    block = model_structure(spec).block
    with np.errstate(divide="ignore", invalid="ignore"):
        std_loadings = Lam[np.arange(Lam.shape[0]), block] * sd_eta[block] / sd_x
        std_B = Beta.T * sd_eta[:, None] / sd_eta[None, :]  # [source, target]
    return {
        "Phi": Phi,
        "Sigma": Sigma,
        "phi_std": phi_std,
        "sd_eta": sd_eta,
        "sd_x": sd_x,
        "std_loadings": std_loadings,
        "std_B": std_B,
        "path_pairs": [(names.index(pth.source), names.index(pth.target)) for pth in spec.paths],
    }


def factor_score_weights(Sigma: np.ndarray, Lam: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Factor-score regression weights per block, raw scale, (p, k): ``w_b = Sigma_bb^-1 lambda_b``
    scaled to unit implied score variance ``w_b' Sigma_bb w_b = 1``; a block whose weights and
    loadings both sum negative is flipped. NaN for a block with a non-finite ``Sigma_bb``."""
    p, k = Lam.shape
    W = np.zeros((p, k))
    for b in range(k):
        idx = np.flatnonzero(block == b)
        Sigma_bb = Sigma[np.ix_(idx, idx)]
        w = np.linalg.solve(Sigma_bb, Lam[idx, b]) if np.all(np.isfinite(Sigma_bb)) else np.full(idx.size, np.nan)
        w = w / math.sqrt(w @ Sigma_bb @ w)
        if w.sum() < 0 and Lam[idx, b].sum() < 0:
            w = -w
        W[idx, b] = w
    return W


def loadings_and_paths(
    spec: ModelSpec,
    indicators: Sequence[str],
    loadings: np.ndarray,
    paths: np.ndarray,
    path_pairs: Sequence[tuple[int, int]],
) -> dict[str, dict[str, Any]]:
    """``{"loadings": {construct: {indicator: value}}, "paths": {"A -> B": value}}`` of per-indicator
    ``loadings`` (p,) in ``indicators`` order and a ``paths`` matrix indexed [source, target]."""
    block = model_structure(spec).block
    nested = {
        name: {indicators[j]: float(loadings[j]) for j in range(len(indicators)) if block[j] == b}
        for b, name in enumerate(spec.construct_names)
    }
    return {"loadings": nested, "paths": {pth.key: float(paths[i, j]) for (i, j), pth in zip(path_pairs, spec.paths)}}


def fabin3(S: np.ndarray, marker: int, indicator: int, others: list[int]) -> float:
    """FABIN 3 loading of ``indicator`` relative to the ``marker`` (Hägglund 1982, lavaan's
    ``fabin3``): instrumental-variable estimate with the block's other indicators ``Z`` as
    instruments, ``lambda = s_iZ S_ZZ^-1 s_Z1 / s_1Z S_ZZ^-1 s_Z1``."""
    a = np.linalg.solve(S[np.ix_(others, others)], S[others, marker])
    denominator = float(S[marker, others] @ a)
    return float(S[indicator, others] @ a / denominator) if denominator > 0 else 1.0
