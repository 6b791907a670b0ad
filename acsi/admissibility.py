"""Marks for inadmissible numbers in the printed tables of a PLSc or CB-SEM fit.

A consistent-PLS or covariance-based solution can leave the parameter space: a loading or a
standardised path above 1 in absolute value, an R-squared above 1 or below 0, a reliability
rho_A above 1, a (residual) variance at or below 0 (a Heywood case) or a construct
correlation matrix that is not positive definite. The estimators warn once; these marks put
a ``!`` beside each such number in ``summary()`` and a footnote below the tables that says
why, so a table copied out of context still shows it. Nothing is computed anew: only the
result's own numbers are compared with their bounds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from acsi.results import FitResult

#: Slack for rounding: a standardised value may exceed 1 by this much without a mark.
SLACK = 1e-8
#: The mark put in the ``flag`` column.
MARK = "!"


def marks(result: FitResult) -> dict[str, dict[object, str]]:
    """Inadmissible cells of a PLSc or CB-SEM fit: ``{table: {row key: reason}}``.

    Tables: ``"outer"`` (key ``(construct, indicator)``), ``"paths"`` (``"From -> To"``),
    ``"r_squared"`` and ``"reliability"`` (construct), ``"model"`` (key ``None``, the whole
    solution). Empty for PLS and GSCA, whose composites are admissible by construction.
    """
    out: dict[str, dict[object, str]] = {"outer": {}, "paths": {}, "r_squared": {}, "reliability": {}, "model": {}}
    if result.method not in ("plsc", "cbsem"):
        return out
    if result.method == "cbsem" and result.standardized is not None:
        for construct, values in result.standardized["loadings"].items():
            for indicator, value in values.items():
                if abs(value) > 1 + SLACK:
                    out["outer"][(construct, indicator)] = f"standardised loading {value:.3f} beyond +-1"
        for key, value in result.standardized["paths"].items():
            if abs(value) > 1 + SLACK:
                out["paths"][key] = f"standardised path {value:.3f} beyond +-1"
        _heywood(result, out)
    else:
        for (construct, indicator), value in result.loadings.items():
            if abs(value) > 1 + SLACK:
                out["outer"][(construct, indicator)] = f"loading {value:.3f} beyond +-1 (negative error variance)"
        for key, value in result.path_coefficients.items():
            if abs(value) > 1 + SLACK:
                out["paths"][key] = f"standardised path {value:.3f} beyond +-1"
        for construct, value in (result.reliability or {}).get("rho_a", {}).items():
            if not 0 < value <= 1 + SLACK:
                out["reliability"][construct] = f"rho_A {value:.3f} outside (0, 1]"
    for construct, value in result.r_squared.items():
        if not (-SLACK <= value <= 1 + SLACK):
            out["r_squared"][construct] = f"R-squared {value:.3f} outside [0, 1] (negative residual variance)"
    R = np.asarray(result.construct_correlation_matrix, dtype=float)
    if not np.isfinite(R).all() or np.linalg.eigvalsh((R + R.T) / 2)[0] < -SLACK:
        out["model"][None] = "the construct correlation matrix is not positive definite"
    elif (np.abs(R - np.eye(R.shape[0])) > 1 + SLACK).any():
        out["model"][None] = "a construct correlation is beyond +-1"
    return out


def _heywood(result: FitResult, out: dict[str, dict[object, str]]) -> None:
    """Free (residual) variances at or below 0 in the CB-SEM parameter table."""
    table = result.parameter_table
    if table is None:
        return
    construct_of = {i: c for c, i in result.weights.index}
    for row in table.itertuples(index=False):
        free = not math.isnan(row.std_error)
        if row.op == "~~" and row.lhs == row.rhs and free and row.estimate <= SLACK:
            if row.lhs in construct_of:
                out["outer"][(construct_of[row.lhs], row.lhs)] = f"error variance {row.estimate:.3g} at or below 0 (Heywood case)"
            else:
                out["model"][row.lhs] = f"(residual) variance of {row.lhs} {row.estimate:.3g} at or below 0"


def mark_tables(tables: dict[str, pd.DataFrame], result: FitResult) -> list[str]:
    """Add a ``flag`` column (``!`` or empty) to the summary tables with inadmissible rows; return the footnotes.

    ``tables`` are those of :meth:`acsi.results.FitResult.summary`, by section title (changed in place).
    """
    found = marks(result)
    notes: list[str] = []
    titles = {
        "outer": "Outer model",
        "paths": "Structural model (path coefficients)",
        "r_squared": "Explained variance",
        "reliability": "Reliability",
    }
    for part, title in titles.items():
        rows = found[part]
        notes += [f"{MARK} {title}, {_label(key)}: {reason}" for key, reason in rows.items()]
        if not rows or title not in tables:
            continue
        table = tables[title]
        keys = list(zip(table["construct"], table["indicator"])) if part == "outer" else list(table.index)
        table["flag"] = [MARK if key in rows else "" for key in keys]
    notes += [f"{MARK} {reason}" for reason in found["model"].values()]
    if notes:
        notes.insert(0, f"Inadmissible estimates (marked {MARK}): not interpretable as parameters of the model.")
    return notes


def _label(key: object) -> str:
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
