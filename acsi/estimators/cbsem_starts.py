"""CB-SEM's multi-start: the starting points tried, when to try the next, and which optimum is reported.

Starts, in order: ``lavaan`` (lavaan's default start, :func:`acsi.estimators.semopy_model.lavaan_starts`),
``semopy`` (semopy's own), then ``perturbed-1..3`` (the lavaan-style start with variances and
loadings scaled by seeded random factors in [0.5, 1.5], regressions drawn around 0:
deterministic, :func:`acsi.estimators.semopy_model.perturbed`). Further starts are tried only
when the first fit converged to an improper or boundary point, and stop at the first proper
optimum or when a start reaches an improper optimum already found. The reported optimum is the
lowest objective among converged fits; a proper one is preferred when its objective is within
``1e-8 (1 + |f|)`` of that lowest value. No semopy import: :mod:`acsi.estimators.cbsem` passes
the function that fits from one start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from acsi.estimators.semopy_model import Start, perturbed

#: One fit from a start: ``start -> (semopy model, solver result, optimum record)``, the record
#: ``{start, objective, converged, proper, problems, chosen}``.
FitFrom = Callable[[Start], tuple[Any, Any, dict[str, Any]]]


def start_points(lavaan: Start) -> list[tuple[str, Start]]:
    """The labelled starts in the order they are tried: lavaan's, semopy's own, three seeded perturbations of lavaan's."""

    def semopy_own(model: Any, default: np.ndarray) -> np.ndarray:
        return default

    starts: list[tuple[str, Start]] = [("lavaan", lavaan), ("semopy", semopy_own)]
    rng = np.random.default_rng(20240601)
    for r in range(3):
        factors = rng.uniform(0.5, 1.5, size=4096)
        shifts = rng.normal(0.0, 0.2, size=4096)
        starts.append((f"perturbed-{r + 1}", perturbed(lavaan, factors, shifts)))
    return starts


def multistart(fit_from: FitFrom, starts: list[tuple[str, Start]], max_starts: int) -> tuple[Any, Any, list[dict[str, Any]]]:
    """Fit from the first start; at a boundary or improper point, from the next ones too (module docstring).

    Returns the chosen semopy model and solver result, and every optimum found as dicts
    ``{start, objective, converged, proper, problems, chosen}``.
    """
    fits: list[tuple[Any, Any, dict[str, Any]]] = []
    for label, x0 in starts[:max_starts]:
        model, result, record = fit_from(x0)
        record["start"] = label
        same = [
            f for f in fits if f[2]["converged"] and record["converged"] and same_optimum(f[2]["objective"], record["objective"])
        ]
        fits.append((model, result, record))
        if record["proper"] or same or len(fits) == 1 and not record["converged"]:
            break  # proper; the same improper optimum from two starts; or no optimum (max_iter) at all
    records = [f[2] for f in fits]
    converged = [i for i, rec in enumerate(records) if rec["converged"]] or [0]
    best = min(records[i]["objective"] for i in converged)
    proper = [
        i
        for i in converged
        if records[i]["proper"] and (records[i]["objective"] <= best or same_optimum(records[i]["objective"], best))
    ]
    pick = proper[0] if proper else min(converged, key=lambda i: records[i]["objective"])
    records[pick]["chosen"] = True
    return fits[pick][0], fits[pick][1], records


def optima_message(optima: list[dict[str, Any]]) -> str:
    """The warning that lists the optima of a multi-start fit and the one reported."""
    chosen = next(o for o in optima if o["chosen"])
    listed = "; ".join(
        f"start '{o['start']}': objective {o['objective']:.6f}, "
        + ("proper" if o["proper"] else f"improper ({o['problems'][0]})" if o["problems"] else "not converged")
        for o in optima
    )
    return (
        f"CB-SEM: the optimiser ended at a boundary or improper point from the lavaan-style start, so "
        f"{len(optima) - 1} further start(s) were tried. Optima found: {listed}. Reported: start "
        f"'{chosen['start']}' ({'proper' if chosen['proper'] else 'improper'}; the lowest objective"
        f"{', preferring a proper solution at the same objective' if chosen['proper'] else ''})."
    )


def same_optimum(a: float, b: float) -> bool:
    """Two objective values of one optimum: equal within ``1e-8 (1 + |a|)``."""
    return abs(a - b) <= 1e-8 * (1 + abs(a))
