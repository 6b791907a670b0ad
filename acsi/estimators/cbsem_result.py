"""A CB-SEM estimate assembled from a fitted semopy model (no semopy import: :mod:`acsi.estimators.cbsem`
passes the model objects and the standard errors in).

From the model's matrices in spec order (:class:`~acsi.estimators.semopy_model.SpecOrder`):
the completely standardised solution and implied covariance
(:func:`~acsi.estimators.factor_solution.standardised_solution`), R-squared
``1 - psi_jj / phi_jj`` of endogenous factors, the factor-score regression weights
``w_b ∝ Sigma_bb^-1 lambda_b`` (:func:`~acsi.estimators.factor_solution.factor_score_weights`),
lavaan's fit measures (:mod:`acsi.estimators.fit_indices`), the parameter table, and the
admissibility checks (Heywood cases, standardised estimates above 1, non-PD factor covariances)
that issue :class:`~acsi.errors.InadmissibleSolutionWarning`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from acsi import notices
from acsi.errors import InadmissibleSolutionWarning
from acsi.estimators.base import Estimate
from acsi.estimators.factor_solution import (
    admissibility_problems,
    factor_score_weights,
    loadings_and_paths,
    parameter_table,
    standardised_solution,
)
from acsi.estimators.fit_indices import fit_indices, least_squares_fit_indices, model_fit
from acsi.estimators.semopy_model import SpecOrder, free_cells
from acsi.spec.model import ModelSpec
from acsi.structure import model_structure


@dataclass(frozen=True)
class SemopyFit:
    """One finished semopy fit: the model, the solver's result, the moment matrix fitted (S, divisor n), n, convergence."""

    model: Any
    result: Any
    S: np.ndarray
    n: int
    converged: bool


def inspect_admissibility(model: Any, spec: ModelSpec, observed: Sequence[str], S: np.ndarray) -> list[str]:
    """Admissibility problems of a fitted semopy model (:func:`~acsi.estimators.factor_solution.admissibility_problems`)."""
    names = spec.construct_names
    order = SpecOrder(model, names, tuple(observed))
    Beta, Lam, Psi, Theta = order.matrices(model.matrices[:4])
    sol = standardised_solution(spec, Beta, Lam, Psi, Theta)
    free = dict(zip(("Beta", "Lambda", "Psi", "Theta"), order.matrices(free_cells(model))))
    return admissibility_problems(
        names, list(observed), Psi, Theta, sol["Phi"], sol["std_loadings"], sol["std_B"], sol["path_pairs"], free, S
    )


def assemble_estimate(
    spec: ModelSpec,
    indicators: tuple[str, ...],
    fit: SemopyFit,
    order: SpecOrder,
    free: Sequence[np.ndarray],
    se: dict[str, np.ndarray],
    system: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    settings: dict[str, Any],
    issued: list[str],
) -> Estimate:
    """The :class:`~acsi.estimators.base.Estimate` of ``fit`` (module docstring); ``se`` per matrix cell,
    ``system`` the least-squares system of ordinal indicators (WLSMV / ULSMV fit measures) or None;
    an inadmissible solution is warned about and its message appended to ``issued``."""
    names = spec.construct_names
    model, S, n, p, k = fit.model, fit.S, fit.n, len(indicators), len(names)
    objective = settings["objective"]
    Beta, Lam, Psi, Theta = order.matrices(model.matrices[:4])  # Beta[target, source]
    sol = standardised_solution(spec, Beta, Lam, Psi, Theta)
    Phi, Sigma, sd_eta, sd_x, phi_std = sol["Phi"], sol["Sigma"], sol["sd_eta"], sol["sd_x"], sol["phi_std"]
    std_loadings, std_B, path_pairs = sol["std_loadings"], sol["std_B"], sol["path_pairs"]

    block = model_structure(spec).block
    rows = np.arange(p)
    loadings = Lam[rows, block]
    with np.errstate(divide="ignore", invalid="ignore"):
        endogenous = np.array([name in spec.endogenous for name in names])
        r2_eta = np.where(endogenous, 1 - np.diag(Psi) / np.diag(Phi), 0.0)

    W = factor_score_weights(Sigma, Lam, block)
    weights = W[rows, block]
    sd_sample = np.sqrt(np.diag(S))
    standardized_weights = weights * sd_sample

    standardized = loadings_and_paths(spec, indicators, std_loadings, std_B, path_pairs)
    std_errors = loadings_and_paths(spec, indicators, se["Lambda"][rows, block], se["Beta"].T, path_pairs)
    npar = int(sum(param.active for param in model.parameters.values()))
    if system is None:
        indices, extra = fit_indices(objective, S, Sigma, n, p, npar=npar)
    else:
        indices, extra = least_squares_fit_indices(objective, S, Sigma, n, npar, system)
    table = parameter_table(spec, indicators, Lam, Beta, Psi, Theta, se, sd_eta, sd_x)

    free_by_name = dict(zip(("Beta", "Lambda", "Psi", "Theta"), free))
    problems = admissibility_problems(names, indicators, Psi, Theta, Phi, std_loadings, std_B, path_pairs, free_by_name, S)
    if problems:
        message = (
            "The covariance-based solution is inadmissible (improper): "
            + "; ".join(problems)
            + ". Such estimates are not interpretable; check identification, sample size and the model."
        )
        issued.append(message)
        notices.issue(message, InadmissibleSolutionWarning, stacklevel=5)

    cross = np.zeros((p, k))
    cross[rows, block] = loadings
    return Estimate(
        settings=settings,
        converged=fit.converged,
        n_iter=int(fit.result.n_it),
        outer_weights=weights,
        standardized_weights=standardized_weights,
        cross_loading_matrix=cross,
        construct_correlation_matrix=phi_std,
        path_matrix=Beta.T.copy(),  # [source, target]
        r_squared_vector=r2_eta,
        score_weights=W,
        warnings=tuple(issued),
        fit_indices=indices | extra,
        model_fit=model_fit(S, Sigma),
        standardized=standardized,
        std_errors=std_errors,
        parameter_table=table,
    )
