"""The satisfaction-to-outcome chart: band rates with Wilson intervals, the isotonic and the logistic curves.

Returns a :class:`matplotlib.figure.Figure` built without pyplot (no global state, no backend
switch); save it with ``figure.savefig(path)`` or show it in a notebook. Computes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from acsi.outcomes.outcome_result import OutcomeResult


def plot_outcome_curves(result: OutcomeResult, *, title: str | None = None) -> Figure:
    """Outcome rate against the 0-100 index: logistic curve and band, isotonic step curve and band, band rates."""
    import numpy as np
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4.5))
    ax = figure.add_subplot()
    curve = result.curve
    ax.fill_between(curve["index"], curve["logistic_lower"], curve["logistic_upper"], color="#2166ac", alpha=0.2, linewidth=0)
    ax.plot(curve["index"], curve["logistic"], color="#2166ac", label="logistic")
    if curve["isotonic_lower"].notna().any():
        ax.fill_between(
            curve["index"],
            curve["isotonic_lower"],
            curve["isotonic_upper"],
            color="#b2182b",
            alpha=0.12,
            step="post",
            linewidth=0,
        )
    ax.step(curve["index"], curve["isotonic"], where="post", color="#b2182b", label="isotonic")
    bands = result.bands[result.bands["n"] > 0]
    middle = (bands["lower"] + bands["upper"]) / 2
    error = np.vstack([bands["rate"] - bands["ci_lower"], bands["ci_upper"] - bands["rate"]])
    ax.errorbar(middle, bands["rate"], yerr=error, fmt="o", color="#4d4d4d", capsize=3, label="band rate (Wilson)")
    ax.axvline(result.threshold, color="#999999", linestyle=":", linewidth=1, label=f"threshold {result.threshold:g}")
    ax.set_xlabel(f"{result.construct} index (0-100)")
    ax.set_ylabel(f"{result.outcome} rate")
    ax.set_ylim(0, 1)
    ax.set_title(title or f"{result.outcome} by {result.construct}")
    ax.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    return figure
