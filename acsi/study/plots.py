"""Charts of a designed study's summary: one panel per performance measure, by n, with Monte-Carlo error bars."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from acsi.study.design import INTERVAL_METHODS

_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_STYLES = ("-", "--", "-.", ":")


def _panel_values(cell: pd.DataFrame, measure: str, parameter: str | None) -> pd.DataFrame:
    """Per estimator and n: the measure and its MCSE, for one parameter or the mean over parameters.

    Over parameters the panel shows mean |bias| (or the mean of the measure) with error bars
    ``sqrt(sum MCSE_j^2) / P``: the parameters are treated as independent, an approximation
    stated in the axis label.
    """
    part = cell if parameter is None else cell[cell.parameter == parameter]
    value = part[measure].abs() if measure == "bias" and parameter is None else part[measure]
    mcse = part.get(f"{measure}_mcse", pd.Series(np.nan, index=part.index))
    frame = part.assign(_value=value, _mcse2=mcse**2)
    return (
        frame.groupby(["estimator", "n"])
        .agg(value=("_value", "mean"), mcse2=("_mcse2", "sum"), count=("_value", "size"))
        .assign(mcse=lambda t: np.sqrt(t.mcse2) / t["count"])
        .reset_index()
    )


def _quantities(cell: pd.DataFrame, parameter: str | None) -> list[tuple[str, str]]:
    """The panels of one figure: bias, RMSE and the coverage of every interval method with intervals."""
    quantities = [("bias", "mean |bias|" if parameter is None else "bias"), ("rmse", "RMSE")]
    for method in INTERVAL_METHODS:
        column = f"coverage_{method}"
        if column in cell and cell[column].notna().any():
            quantities.append((column, f"coverage ({method})"))
    return quantities


def _admissible(cell: pd.DataFrame) -> pd.DataFrame:
    """Per n: the admissible rate and its binomial MCSE ``sqrt(p (1 - p) / replications)``."""
    fits = cell.drop_duplicates("n")
    rate, total = fits.admissible_rate.to_numpy(dtype=float), fits.get("replications", pd.Series(np.nan, index=fits.index))
    return pd.DataFrame({"n": fits.n.to_numpy(), "value": rate, "mcse": np.sqrt(rate * (1 - rate) / total.to_numpy(dtype=float))})


def _style(ax: Axes, measure: str, label: str, ns: list[int], level: float) -> None:
    """n ticked at the design's values on a log axis, reference lines, labels."""
    ax.set_xscale("log")
    ax.set_xticks(ns)
    ax.set_xticklabels([str(n) for n in ns], fontsize=7)
    ax.minorticks_off()
    ax.set_xlabel("sample size n (log scale)", fontsize=8)
    ax.set_ylabel(label, fontsize=8)
    ax.grid(alpha=0.3)
    if measure == "bias":
        ax.axhline(0.0, color="grey", linewidth=0.8)
    if measure.startswith("coverage"):
        ax.axhline(level, color="grey", linestyle="--", linewidth=0.8)
    if measure == "admissible_rate":
        ax.set_ylim(-0.02, 1.02)


def plot_performance(
    summary: pd.DataFrame,
    folder: str | Path,
    *,
    parameter: str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> list[Path]:
    """Figures of a designed study's summary (:func:`acsi.study.performance.summarise_design`).

    One figure per kind (``path``, ``path_marker``, ``index``, ``second_order``) and combination of the factors
    other than n; one panel per quantity: bias (mean |bias| over parameters unless
    ``parameter``), RMSE, the coverage of every interval method with intervals (nominal level
    dashed), and the admissible rate. n sits on a log axis ticked at the design's values; error
    bars are +-1 Monte-Carlo SE (the admissible rate's binomial); estimators differ in marker
    and line style and are dodged sideways by a few percent of n so that their bars do not
    overlap. Saved in every format of ``formats``; matplotlib ``Figure`` objects, pyplot is
    never imported.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    others = ["dgp", "loading", "indicators", "distribution", "misspecification", "missing"]
    estimators = sorted(summary.estimator.unique())
    ns = [int(n) for n in sorted(summary.n.unique())]
    level = float(summary.attrs.get("level", 0.95))
    for (kind, *levels), cell in summary.groupby(["kind", *others], sort=True, dropna=False):
        panels = [*_quantities(cell, parameter), ("admissible_rate", "admissible rate")]
        fig = Figure(figsize=(3.4 * len(panels), 3.2))
        axes = fig.subplots(1, len(panels), squeeze=False)[0]
        for j, estimator in enumerate(estimators):
            shift = 1.0 + 0.03 * (j - (len(estimators) - 1) / 2)
            style = {"marker": _MARKERS[j % len(_MARKERS)], "linestyle": _STYLES[j % len(_STYLES)], "capsize": 2}
            own = cell[cell.estimator == estimator]
            for ax, (measure, _) in zip(axes, panels):
                line = _admissible(own) if measure == "admissible_rate" else _panel_values(own, measure, parameter)
                if not line.empty:
                    ax.errorbar(line.n * shift, line.value, yerr=line.mcse, label=estimator, **style)
        suffix = "" if parameter is None else f" of {parameter}"
        for ax, (measure, label) in zip(axes, panels):
            _style(ax, measure, label, ns, level)
            ax.set_title(label + suffix, fontsize=9)
        axes[-1].legend(fontsize=7, loc="lower right")
        given = [
            (name, value)
            for name, value in zip(others, levels)
            if not (isinstance(value, float) and np.isnan(value)) and value != -1
        ]
        bars = "bars: +-1 Monte-Carlo SE" + (" (parameters treated as independent)" if parameter is None else "")
        fig.suptitle(f"{kind}: " + ", ".join(f"{name} {value}" for name, value in given) + f"\n{bars}", fontsize=9)
        fig.tight_layout()
        stem = "_".join(str(v) for v in (kind, *(value for _, value in given))).replace(" ", "").replace("/", "-")
        for extension in formats:
            path = folder / f"{stem}.{extension}"
            fig.savefig(path, dpi=110)
            written.append(path)
    return written


def plot_published(
    comparison: pd.DataFrame, folder: str | Path, *, title: str = "", formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """How far ours lies from each published number (:func:`acsi.study.published.compare_published`).

    One panel per statistic: each compared number at x = the published value, y = its z (ours
    minus published over the combined Monte-Carlo SE), the band |z| <= 3 dashed, a marker per
    paper column (our estimator in the legend); numbers outside the band are labelled with their
    parameter and n. Saved as ``published.<format>``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    compared = comparison[comparison.agrees.notna()]
    statistics = list(dict.fromkeys(compared.statistic))
    if not statistics:
        return []
    fig = Figure(figsize=(3.8 * len(statistics), 3.6))
    axes = fig.subplots(1, len(statistics), squeeze=False)[0]
    columns = list(dict.fromkeys(compared.column))
    for ax, statistic in zip(axes, statistics):
        rows = compared[compared.statistic == statistic]
        for j, column in enumerate(columns):
            own = rows[rows.column == column]
            if not own.empty:
                label = f"{column} (ours: {own.estimator.iloc[0]})"
                ax.plot(own.published, own.z, marker=_MARKERS[j % len(_MARKERS)], linestyle="none", label=label, markersize=5)
        for _, row in rows[~rows.agrees.astype(bool)].iterrows():
            ax.annotate(
                f"{row.parameter}, n={row.n}", (row.published, row.z), fontsize=6, xytext=(3, 2), textcoords="offset points"
            )
        for level in (-3.0, 3.0):
            ax.axhline(level, color="grey", linestyle="--", linewidth=0.8)
        ax.axhline(0.0, color="grey", linewidth=0.6)
        ax.set_xlabel(f"published {statistic}", fontsize=8)
        ax.set_ylabel("z = (ours - published) / combined MCSE", fontsize=8)
        ax.set_title(f"{statistic}: {int(rows.agrees.astype(bool).sum())} of {len(rows)} within 3 MCSE", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(textwrap.fill(title, width=38 * len(statistics)), fontsize=9)  # the whole citation, on whole words
    fig.tight_layout()
    written = []
    for extension in formats:
        path = folder / f"published.{extension}"
        fig.savefig(path, dpi=110)
        written.append(path)
    return written
