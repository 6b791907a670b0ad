"""Charts of the study's summary: mean |bias| and RMSE by sample size, per estimator."""

from __future__ import annotations

from pathlib import Path

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
