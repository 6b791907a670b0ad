"""The simple-slope chart of a moderated path (a matplotlib figure written to a file; no pyplot).

One line per moderator level: the predicted standardised target ``(b_A + b_AB w) a + b_B w``
over the focal construct's scores ``a`` from -2 to +2 standard deviations (Aiken & West 1991),
from a :func:`acsi.inference.simple_slopes.simple_slopes` table and the moderator's own path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from acsi.report.plots import _save


def plot_simple_slopes(table: pd.DataFrame, path: str | Path, *, moderator_effect: float = 0.0, title: str = "") -> Path:
    """Lines of the target against the focal construct, one per moderator level (format from the suffix).

    ``moderator_effect`` is the moderator's own path into the target (``b_B``), which shifts the lines.
    """
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    x = np.linspace(-2.0, 2.0, 2)
    for row in table.itertuples():
        label = f"{row.moderator} {row.moderator_sd:+g} SD: slope {row.slope:.3f}"
        ax.plot(x, row.slope * x + moderator_effect * row.moderator_sd, label=label)
    first = table.iloc[0]
    ax.set_xlabel(f"{first.focal} (standard deviations)")
    ax.set_ylabel(f"{first.target} (standardised)")
    ax.axhline(0.0, color="#cccccc", linewidth=0.8)
    ax.legend(fontsize=8)
    ax.set_title(title or f"Simple slopes of {first.focal} on {first.target} by {first.moderator}")
    return _save(fig, path)
