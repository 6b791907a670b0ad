"""A fitted semopy model read in spec order, and lavaan's starting values for it (no semopy import).

semopy keeps its parameters in the matrices Beta (construct regressions), Lambda (loadings),
Psi (construct (co)variances) and Theta (error (co)variances) in its own row and column order.
:class:`SpecOrder` reorders them to the spec's constructs and indicators, :func:`free_cells`
marks or fills the cells of the free parameters, :func:`lavaan_starts` gives lavaan's default
starting values (lavaan ``lav_start.R``) and :func:`perturbed` a seeded variation of a start.
:mod:`acsi.estimators.cbsem` (the one module importing semopy) passes the model objects in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from acsi.estimators.factor_solution import fabin3
from acsi.spec.model import ModelSpec

#: A start: ``(model, semopy's default start) -> start vector`` of the free parameters.
Start = Callable[[Any, np.ndarray], np.ndarray]


def lavaan_starts(
    model: Any, spec: ModelSpec, S: np.ndarray, observed: Sequence[str], default: np.ndarray, *, marker: bool
) -> np.ndarray:
    """lavaan's default starting values (``start = "default"``, lav_start.R) for semopy's free parameters.

    Free loadings: FABIN 3 (:func:`acsi.estimators.factor_solution.fabin3`) in blocks of three or more indicators with a
    marker, 1 otherwise (with ``std_lv`` semopy's start from the START lines is kept);
    residual variances of indicators half their observed variance; (residual) variances of
    factors 0.05; regressions and covariances 0.
    """
    where = {name: j for j, name in enumerate(observed)}
    loading: dict[tuple[str, str], float] = {}
    for construct in spec.constructs:
        items = [where[i] for i in construct.indicators]
        for position, j in enumerate(items[1:], start=1):
            others = [i for i in items[1:] if i != j]
            loading[(construct.name, construct.indicators[position])] = fabin3(S, items[0], j, others) if len(items) >= 3 else 1.0
    matrices = [id(m) for m in model.matrices[:4]]
    out = np.array(default, dtype=float)
    active = [param for param in model.parameters.values() if param.active]
    for i, param in enumerate(active):
        location = param.locations[0]
        which = matrices.index(id(location.matrix)) if id(location.matrix) in matrices else -1
        r, c = location.indices
        if which == 1 and marker:  # Lambda: observed x factor
            out[i] = loading.get((model.names_lambda[1][c], model.names_lambda[0][r]), 1.0)
        elif which == 3:  # Theta
            a, b = model.names_theta[0][r], model.names_theta[0][c]
            out[i] = 0.5 * S[where[a], where[a]] if a == b and a in where else 0.0
        elif which == 2:  # Psi
            out[i] = 0.05 if r == c else 0.0
        elif which == 0:  # Beta
            out[i] = 0.0
    return out


def perturbed(start: Start, factors: np.ndarray, shifts: np.ndarray) -> Start:
    """A start built from ``start``: non-zero values scaled by ``factors``, zeros replaced by ``shifts``."""

    def build(model: Any, default: np.ndarray) -> np.ndarray:
        base = start(model, default)
        m = base.size
        return np.where(base != 0, base * factors[:m], shifts[:m])

    return build


class SpecOrder:
    """Index arrays from semopy's matrix orders to ours (constructs and indicators in spec order)."""

    def __init__(self, model: Any, names: Sequence[str], indicators: Sequence[str]) -> None:
        def positions(labels: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
            where = {label: i for i, label in enumerate(labels)}
            return np.array([where[w] for w in wanted])

        eta = positions(model.names_beta[0], names)
        obs = positions(model.names_lambda[0], indicators)
        eta_l = positions(model.names_lambda[1], names)
        psi = positions(model.names_psi[0], names)
        theta = positions(model.names_theta[0], indicators)
        self.index = ((eta, eta), (obs, eta_l), (psi, psi), (theta, theta))

    def matrices(self, matrices: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
        """(Beta, Lambda, Psi, Theta) reordered, as float copies."""
        return tuple(np.asarray(m)[np.ix_(rows, cols)].astype(float) for m, (rows, cols) in zip(matrices, self.index))


def free_cells(model: Any, values: np.ndarray | None = None) -> list[np.ndarray]:
    """semopy-ordered (Beta, Lambda, Psi, Theta): ``values`` of the free parameters in their cells
    (0 elsewhere), or booleans marking the free cells when ``values`` is None."""
    matrices = model.matrices[:4]
    out = [np.zeros(m.shape, dtype=float if values is not None else bool) for m in matrices]
    ids = [id(m) for m in matrices]
    active = [param for param in model.parameters.values() if param.active]
    for i, param in enumerate(active):
        value = True if values is None else values[i]
        for loc in param.locations:
            which = ids.index(id(loc.matrix))
            out[which][loc.indices] = value
            if loc.symmetric:
                out[which][loc.indices[::-1]] = value
    return out
