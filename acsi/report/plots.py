"""Charts of group comparisons (matplotlib figures written to files; no display, no pyplot).

* :func:`plot_ranking`: groups ranked by an index, with bootstrap intervals and the overall index;
* :func:`plot_periods`: an index over time, one line per group, with interval bands;
* :func:`plot_ipma`: the importance-performance map with its quadrants.

Each takes a tidy table (or an :class:`~acsi.compare.ipma.IPMAResult`) and a file name; the
format follows the extension (``.png``, ``.svg``, ``.pdf``). They compute nothing.

The charts are :class:`matplotlib.figure.Figure` objects built directly, not through
``pyplot``: importing this module neither switches the user's backend (no ``matplotlib.use``)
nor registers figures in pyplot's global state, so a notebook or GUI session is left as it was
(matplotlib's "embedding" guidance: ``Figure`` + ``savefig`` needs no backend choice).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

_MAX_LABELLED = 60  # beyond this many groups the y labels are dropped


def plot_ranking(table: pd.DataFrame, path: str | Path, *, title: str = "", overall: float | None = None) -> Path:
    """Horizontal dot-and-interval chart of ranked groups (a :func:`acsi.compare.ranking` table)."""
    shown = table[table["value"].notna()].sort_values("rank", ascending=False)
    height = min(0.25 * len(shown) + 1.5, 40.0)
    fig = Figure(figsize=(7, max(height, 2.5)))
    ax = fig.subplots()
    y = np.arange(len(shown))
    lower = (shown["value"] - shown["ci_lower"]).to_numpy()
    upper = (shown["ci_upper"] - shown["value"]).to_numpy()
    err = np.vstack([np.nan_to_num(lower), np.nan_to_num(upper)])
    colours = [
        "#1b7837" if f == "above" else "#c51b7d" if f == "below" else "#4d4d4d" for f in shown.get("flag", [""] * len(shown))
    ]
    ax.errorbar(shown["value"], y, xerr=err, fmt="none", ecolor="#999999", elinewidth=1)
    ax.scatter(shown["value"], y, c=colours, s=14, zorder=3)
    if overall is not None:
        ax.axvline(overall, color="#2166ac", linestyle="--", linewidth=1, label=f"overall {overall:.1f}")
        ax.legend(loc="lower right", fontsize=8)
    if len(shown) <= _MAX_LABELLED:
        ax.set_yticks(y, [str(g) for g in shown["group"]], fontsize=7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{len(shown)} groups, best at the top")
    ax.set_xlabel("index (0-100) with interval")
    ax.set_title(title or "Ranking")
    return _save(fig, path)


def plot_periods(table: pd.DataFrame, path: str | Path, *, title: str = "", max_groups: int = 12) -> Path:
    """Index over time per group (columns ``group, period, value`` and optionally ``ci_lower``, ``ci_upper``)."""
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    periods = sorted(table["period"].astype(str).unique())
    x_of = {p: i for i, p in enumerate(periods)}
    groups = list(dict.fromkeys(table["group"]))[:max_groups]
    for g in groups:
        rows = table[table["group"] == g].assign(_p=lambda f: f["period"].astype(str)).sort_values("_p")
        x = np.array([x_of[p] for p in rows["_p"]])
        ax.plot(x, rows["value"], marker="o", markersize=3, linewidth=1, label=str(g))
        if {"ci_lower", "ci_upper"} <= set(rows.columns) and rows["ci_lower"].notna().any():
            ax.fill_between(x, rows["ci_lower"], rows["ci_upper"], alpha=0.12)
    ax.set_xticks(range(len(periods)), periods, rotation=45, fontsize=7)
    ax.set_ylabel("index (0-100)")
    ax.set_title(title or "Index over time")
    ax.legend(fontsize=7, ncol=2, loc="best")
    return _save(fig, path)


def plot_ipma(result: object, path: str | Path, *, title: str = "") -> Path:
    """Importance-performance map of an :class:`~acsi.compare.ipma.IPMAResult`."""
    table = result.constructs  # type: ignore[attr-defined]
    fig = Figure(figsize=(6, 4.5))
    ax = fig.subplots()
    ax.scatter(table["importance"], table["performance"], s=40, color="#2166ac", zorder=3)
    for name, row in table.iterrows():
        ax.annotate(str(name), (row["importance"], row["performance"]), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.axvline(result.importance_cut, color="#999999", linestyle=":", linewidth=1)  # type: ignore[attr-defined]
    ax.axhline(result.performance_cut, color="#999999", linestyle=":", linewidth=1)  # type: ignore[attr-defined]
    if result.act_first is not None:  # type: ignore[attr-defined]
        row = table.loc[result.act_first]  # type: ignore[attr-defined]
        ax.scatter(
            [row["importance"]],
            [row["performance"]],
            s=160,
            facecolors="none",
            edgecolors="#c51b7d",
            linewidths=2,
            label=f"act first: {result.act_first}",
        )  # type: ignore[attr-defined]
        ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel(f"importance (total effect on {result.target})")  # type: ignore[attr-defined]
    ax.set_ylabel("performance (index 0-100)")
    ax.set_title(title or f"Importance-performance map: {result.target}")  # type: ignore[attr-defined]
    return _save(fig, path)


def _save(fig: Figure, path: str | Path) -> Path:
    """Lay out and write ``fig`` (format from the suffix); the figure is not kept anywhere."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    return target
