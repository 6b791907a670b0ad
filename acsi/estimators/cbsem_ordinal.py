"""CB-SEM on ordinal indicators: the objectives that take them, the WLSMV / ULSMV weighting of
the polychoric correlations, and the robust standard errors of lavaan's delta parametrisation
(no semopy import: :mod:`acsi.estimators.cbsem` passes the semopy model objects in).

lavaan ``estimator = "WLSMV"`` (``"ULSMV"`` for ULS) on all-ordinal indicators: DWLS with each
correlation weighted by the inverse of its asymptotic variance
(:func:`acsi.core.polychoric.polychoric_gamma`), standard errors from the sandwich
:func:`acsi.core.least_squares.least_squares_covariance`. Muthen, du Toit & Spisic (1997),
"Robust inference using weighted least squares and quadratic estimating equations in latent
variable modeling with categorical and continuous outcomes".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi.core.least_squares import least_squares_covariance
from acsi.data import IndicatorData
from acsi.errors import ParameterError
from acsi.estimators.base import Estimate
from acsi.estimators.ordinal import OrdinalMode, ordinal_indicators
from acsi.estimators.semopy_model import SpecOrder, free_cells
from acsi.spec.model import ModelSpec


def ordinal_for_objective(spec: ModelSpec, data: IndicatorData, mode: OrdinalMode, objective: str) -> tuple[str, ...]:
    """The ordinal indicators (:func:`~acsi.estimators.ordinal.ordinal_indicators`), refusing the objectives that cannot take them."""
    names = ordinal_indicators(spec, data, mode)
    if not names:
        return names
    if objective == "DWLS" and len(names) < len(data.indicators):
        raise NotImplementedError(
            "WLSMV (objective='DWLS') with ordinal indicators is built for all-ordinal models only: the weights of "
            "polyserial and Pearson correlations are not computed. Declare every indicator ordinal, or use objective='ULS'."
        )
    if objective not in ("ULS", "DWLS"):
        raise ParameterError(
            f"objective={objective!r} assumes continuous indicators; with ordinal indicators use objective='DWLS' "
            "(lavaan's WLSMV) or 'ULS' (ULSMV) on the polychoric correlations, or ordinal='none' to treat them as interval."
        )
    return names


def on_answer_scale(estimate: Estimate, covariance: np.ndarray) -> Estimate:
    """An estimate fitted to correlations with its weights on the raw answers' scale (``w / sd``),
    so that scores and the index come from the answers themselves; marked ``correlations: polychoric``."""
    sd = np.sqrt(np.diag(covariance))  # raw answers: scores and weights on their scale
    return dataclasses.replace(
        estimate,
        outer_weights=estimate.outer_weights / sd,
        score_weights=estimate.score_weights / sd[:, None],
        settings=dict(estimate.settings) | {"correlations": "polychoric"},
    )


def least_squares_system(
    model: Any, indicators: Sequence[str], weights: np.ndarray, gamma: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``Delta`` (s, q), the weights (s,) and ``Gamma`` (s, s) of least squares on polychoric correlations,
    over the s = p(p+1)/2 entries on and above the diagonal, row by row.

    ``Delta`` holds semopy's derivatives of Sigma with respect to its free parameters; the
    diagonal's sample values are fixed 1 (zero rows and columns of Gamma, whose block above the
    diagonal is ``gamma`` (P, P)); ``weights`` (p, p) are those of the fit. The residual
    variances are free parameters here and fit the diagonal exactly, which gives the structural
    parameters the estimates, standard errors and tests of lavaan's delta parametrisation.
    """
    _, (m, c) = model.calc_sigma()
    where = {name: i for i, name in enumerate(model.vars["observed"])}
    ours = np.array([where[name] for name in indicators])
    rows, cols = np.triu_indices(len(indicators))
    jacobian = np.array([np.asarray(g)[np.ix_(ours, ours)][rows, cols] for g in model.calc_sigma_grad(m, c)]).T
    above = rows != cols
    full = np.zeros((rows.size, rows.size))
    full[np.ix_(above, above)] = gamma
    return jacobian, weights[rows, cols], full


def sandwich_errors(
    model: Any, order: SpecOrder, n: int, system: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> dict[str, np.ndarray]:
    """Robust standard errors per matrix cell (lavaan ``robust.sem``): :func:`acsi.core.least_squares.least_squares_covariance`
    of the :func:`least_squares_system`."""
    jacobian, weights, gamma = system
    covariance = least_squares_covariance(jacobian, weights, gamma, n)
    se = np.sqrt(np.clip(np.diag(covariance), 0, None))
    return dict(zip(("Beta", "Lambda", "Psi", "Theta"), order.matrices(free_cells(model, values=se))))


def weigh_dwls(model: Any, weights: pd.DataFrame) -> None:
    """Have semopy's DWLS objective ``sum_{i<=j} w_ij (s_ij - sigma_ij)^2`` use ``weights`` (semopy 2.3 computes
    them from the rows' fourth moments in ``prepare_wls`` and offers no argument for others: its
    ``custom_w`` is unused), by giving the model its own ``prepare_wls`` that sets the three
    arrays semopy's ``obj_dwls`` / ``grad_dwls`` read."""

    def prepare(obj: str, custom_w: object = None) -> None:
        observed = model.vars["observed"]
        model.inds_triu_sigma = np.triu_indices_from(model.mx_cov)
        model.mx_vech_s = model.mx_cov[model.inds_triu_sigma]
        model.mx_w_inv = weights.loc[observed, observed].to_numpy()[model.inds_triu_sigma]

    model.prepare_wls = prepare
