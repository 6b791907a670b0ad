"""The numbers a diagram shows: loadings, weights, paths with significance marks and intervals, R², from a fit or from group estimates."""

from __future__ import annotations

import math
from typing import Any

from acsi.diagram.shapes import DiagramLabels
from acsi.errors import ParameterError


def _stars(p: float) -> str:
    if not math.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _fmt(value: float, digits: int) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def labels_from_fit(result: Any, bootstrap: Any = None, *, digits: int = 3) -> DiagramLabels:
    """The texts of a fit's diagram, from ``result.to_dict()`` (and ``bootstrap.table`` for marks and intervals)."""
    out = result.to_dict()
    marks: dict[tuple[str, str], str] = {}
    intervals: dict[str, str] = {}
    note = ""
    if bootstrap is not None:
        table = bootstrap.table
        for row in table.itertuples(index=False):
            marks[(row.kind, row.key)] = _stars(float(row.p))
            if row.kind == "paths":
                intervals[row.key] = f"[{_fmt(row.ci_lower, 2)}, {_fmt(row.ci_upper, 2)}]"
        level = f"{100 * bootstrap.level:g}%"
        note = (
            f"Bootstrap: {bootstrap.used} resamples, seed {bootstrap.seed}; {level} {bootstrap.ci_method} intervals "
            "in brackets; * p < 0.05, ** p < 0.01, *** p < 0.001 (two-sided t test)."
        )
    paths = {key: _fmt(value, digits) + marks.get(("paths", key), "") for key, value in out["paths"].items()}
    outer: dict[tuple[str, str], str] = {}
    for construct in result.spec.constructs:
        kind = "weights" if construct.mode.weighting == "B" else "loadings"
        for indicator in construct.indicators:
            value = out[kind][construct.name][indicator]
            outer[(construct.name, indicator)] = _fmt(value, digits) + marks.get((kind, f"{construct.name} / {indicator}"), "")
    r2 = {name: f"R² = {_fmt(value, digits)}" for name, value in out["r_squared"].items()}
    method = {
        "pls": "PLS-PM",
        "plsc": "consistent PLS",
        "cbsem": "CB-SEM",
        "gsca": "GSCA",
        "sumscore": "sum-score regression",
    }.get(result.method, result.method)
    title = f"{result.spec.name or 'Model'}: {method}, n = {result.n_obs}"
    if result.method == "cbsem":
        note = (note + " " if note else "") + "CB-SEM loadings and paths are unstandardised (marker identification)."
    return DiagramLabels(paths=paths, path_notes=intervals, outer=outer, r_squared=r2, title=title, note=note)


def labels_from_groups(estimates: Any, group: Any, *, digits: int = 3) -> DiagramLabels:
    """The texts of one group's diagram (:class:`~acsi.compare.groups.GroupEstimates`): its paths and, with a
    bootstrap, their percentile intervals (``estimates.to_dict()[group]``); group fits keep no outer estimates."""
    entries = estimates.to_dict()
    key = str(group)
    if key not in entries:
        shown = ", ".join(list(entries)[:10])
        raise ParameterError(f"group {group!r} is not a group of {estimates.group_column!r}; choose from: {shown}.")
    entry = entries[key]
    paths = {k: _fmt(v if v is not None else math.nan, digits) for k, v in entry["paths"].items()}
    notes = {}
    if estimates.n_boot:
        notes = {
            k: f"[{_fmt(lo if lo is not None else math.nan, 2)}, {_fmt(hi if hi is not None else math.nan, 2)}]"
            for k, (lo, hi) in entry["path_ci"].items()
        }
    title = f"{estimates.spec.name or 'Model'}: {estimates.group_column} = {key}, n = {entry['n_obs']}"
    note = "" if entry["reported"] else f"Not reported: {entry['note']}"
    if estimates.n_boot:
        note = (
            note + " " if note else ""
        ) + f"{100 * estimates.level:g}% percentile intervals from {estimates.n_boot} resamples."
    return DiagramLabels(paths=paths, path_notes=notes, title=title, note=note)


# ---------------------------------------------------------------------- drawing
