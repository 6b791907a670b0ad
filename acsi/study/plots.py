"""Charts of the study's summary: mean |bias| and RMSE by n (legacy study); the designed study's performance panels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


def plot_study(summary: pd.DataFrame, folder: str | Path) -> list[Path]:
    """PNG plots of mean |bias| and mean RMSE by n, per estimator, for paths and indices."""
    folder = Path(folder)
    written = []
    table = summary[~summary.misspecified] if (~summary.misspecified).any() else summary
    panels = sorted(set(zip(table.dgp, table.distribution)))
    for kind, unit in (("path", "path coefficient"), ("index", "0-100 index points")):
        part = table[table.kind == kind]
        if part.empty:
            continue
        fig = Figure(figsize=(10, 2.8 * len(panels)))
        axes = fig.subplots(len(panels), 2, squeeze=False, sharex=True)
        for row, (dgp, distribution) in enumerate(panels):
            cell = part[(part.dgp == dgp) & (part.distribution == distribution)]
            agg = (
                cell.assign(abs_bias=cell.bias.abs())
                .groupby(["estimator", "n"])
                .agg(abs_bias=("abs_bias", "mean"), rmse=("rmse", "mean"))
                .reset_index()
            )
            for col, (measure, label) in enumerate((("abs_bias", "mean |bias|"), ("rmse", "mean RMSE"))):
                ax = axes[row, col]
                for estimator, line in agg.groupby("estimator"):
                    ax.plot(line.n, line[measure], marker="o", label=estimator)
                ax.set_xscale("log")
                ax.set_title(f"{dgp} DGP, {distribution} indicators: {label}", fontsize=9)
                ax.set_ylabel(unit, fontsize=8)
                ax.grid(alpha=0.3)
        axes[-1, 0].set_xlabel("n")
        axes[-1, 1].set_xlabel("n")
        axes[0, 1].legend(fontsize=8)
        fig.tight_layout()
        path = folder / f"{'paths' if kind == 'path' else 'index'}_bias_rmse.png"
        fig.savefig(path, dpi=110)
        written.append(path)
    return written


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
        .agg(value=("_value", "mean"), mcse2=("_mcse2", "sum"), count=("_value", "size"), admissible=("admissible_rate", "mean"))
        .assign(mcse=lambda t: np.sqrt(t.mcse2) / t["count"])
        .reset_index()
    )


def plot_performance(
    summary: pd.DataFrame,
    folder: str | Path,
    *,
    parameter: str | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> list[Path]:
    """Figures of a designed study's summary (:func:`acsi.study.performance.summarise_design`).

    One figure per kind (``path``, ``path_marker``, ``index``) and combination of the factors
    other than n; one panel per quantity: bias (mean |bias| over parameters unless
    ``parameter``), RMSE, coverage of the first interval method with intervals (nominal level
    dashed), and the admissible rate. n sits on a log axis ticked at the design's values; error
    bars are +-1 Monte-Carlo SE; estimators differ in marker and line style and are dodged
    sideways by a few percent of n so that their bars do not overlap. Saved in every format of
    ``formats``; matplotlib ``Figure`` objects, pyplot is never imported.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    others = ["dgp", "loading", "indicators", "distribution", "misspecification", "missing"]
    estimators = sorted(summary.estimator.unique())
    ns = sorted(summary.n.unique())
    for (kind, *levels), cell in summary.groupby(["kind", *others], sort=True, dropna=False):
        methods = [m for m in ("wald", "percentile", "basic") if f"coverage_{m}" in cell and cell[f"coverage_{m}"].notna().any()]
        quantities = [("bias", "mean |bias|" if parameter is None else "bias"), ("rmse", "RMSE")]
        if methods:
            quantities.append((f"coverage_{methods[0]}", f"coverage ({methods[0]})"))
        fig = Figure(figsize=(3.4 * (len(quantities) + 1), 3.2))
        axes = fig.subplots(1, len(quantities) + 1, squeeze=False)[0]
        for j, estimator in enumerate(estimators):
            shift = 1.0 + 0.03 * (j - (len(estimators) - 1) / 2)
            style = {
                "marker": _MARKERS[j % len(_MARKERS)],
                "linestyle": _STYLES[j % len(_STYLES)],
                "label": estimator,
                "capsize": 2,
            }
            for ax, (measure, _) in zip(axes, quantities):
                line = _panel_values(cell[cell.estimator == estimator], measure, parameter)
                if not line.empty:
                    ax.errorbar(line.n * shift, line.value, yerr=line.mcse, **style)
            rate = _panel_values(cell[cell.estimator == estimator], "bias", parameter)
            if not rate.empty:
                axes[-1].plot(
                    rate.n * shift, rate.admissible, marker=style["marker"], linestyle=style["linestyle"], label=estimator
                )
        suffix = "" if parameter is None else f" of {parameter}"
        for ax, (measure, label) in zip(axes, [*quantities, ("admissible_rate", "admissible rate")]):
            ax.set_xscale("log")
            ax.set_xticks(ns)
            ax.set_xticklabels([str(n) for n in ns], fontsize=7)
            ax.minorticks_off()
            ax.set_xlabel("sample size n (log scale)", fontsize=8)
            ax.set_ylabel(label, fontsize=8)
            ax.set_title(label + suffix, fontsize=9)
            ax.grid(alpha=0.3)
            if measure == "bias":
                ax.axhline(0.0, color="grey", linewidth=0.8)
            if measure.startswith("coverage"):
                level = float(summary.attrs.get("level", 0.95))
                ax.axhline(level, color="grey", linestyle="--", linewidth=0.8)
            if measure == "admissible_rate":
                ax.set_ylim(-0.02, 1.02)
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
