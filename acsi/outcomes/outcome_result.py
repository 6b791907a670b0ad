"""The result of :func:`acsi.outcomes.analysis.outcomes`: rates by index band and rating, the fitted curves and the effects."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.outcomes.logistic import LogisticFit
from acsi.strict_json import strict

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


__all__ = ["OutcomeResult"]


@dataclass(frozen=True, repr=False)
class OutcomeResult:
    """The outcome analysis of one construct's index against one binary outcome.

    Attributes
    ----------
    outcome, construct : str
    n : int
        Respondents with an index and an outcome.
    rate, rate_interval : float, (float, float)
        Overall outcome rate and its Wilson interval.
    bands : pandas.DataFrame
        One row per index band: band, lower, upper, n, successes, rate, ci_lower, ci_upper.
    ratings : pandas.DataFrame or None
        The same per level of the rating column.
    curve : pandas.DataFrame
        On a grid of index points: isotonic, isotonic_lower, isotonic_upper, logistic, logistic_lower, logistic_upper.
    logistic : LogisticFit
        ``logit P = a + b x``, x the 0-100 index.
    effects : dict
        ``marginal_effect`` and ``elasticity``: {estimate, se, ci_lower, ci_upper}.
    groups : pandas.DataFrame or None
        Per group: n, rate, ci_lower, ci_upper, mean_index, below_threshold, expected_lost, revenue, revenue_at_risk.
    threshold : float
    settings : dict
    notes : tuple of str
    """

    outcome: str
    construct: str
    n: int
    rate: float
    rate_interval: tuple[float, float]
    bands: pd.DataFrame
    ratings: pd.DataFrame | None
    curve: pd.DataFrame
    logistic: LogisticFit
    effects: dict[str, dict[str, float]]
    groups: pd.DataFrame | None
    threshold: float
    settings: dict[str, Any]
    notes: tuple[str, ...] = ()
    at_risk: dict[str, float] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The band table (outcome rate per index band with Wilson intervals)."""
        return self.bands.copy()

    @strict
    def to_dict(self) -> dict[str, Any]:
        """Strict JSON: outcome, construct, n, rate, rate_ci, threshold, settings, bands, ratings, logistic
        {intercept, slope, se, converged}, effects, curve, groups, at_risk, notes."""
        se = np.sqrt(np.diag(self.logistic.covariance))
        return {
            "outcome": self.outcome,
            "construct": self.construct,
            "n": self.n,
            "rate": self.rate,
            "rate_ci": list(self.rate_interval),
            "threshold": self.threshold,
            "settings": dict(self.settings),
            "bands": _records(self.bands),
            "ratings": None if self.ratings is None else _records(self.ratings),
            "logistic": {
                "intercept": float(self.logistic.coefficients[0]),
                "slope": float(self.logistic.coefficients[1]),
                "se": [float(v) for v in se],
                "converged": self.logistic.converged,
            },
            "effects": self.effects,
            "curve": _records(self.curve),
            "groups": None if self.groups is None else _records(self.groups),
            "at_risk": dict(self.at_risk),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """Band and rating tables, the slope and effects, the groups' revenue at risk, the notes."""
        me, el = self.effects["marginal_effect"], self.effects["elasticity"]
        level = int(round(100 * self.settings["level"]))
        lines = [
            f"{self.outcome} by {self.construct} index: {self.n} customers, overall rate {self.rate:.3f} "
            f"[{self.rate_interval[0]:.3f}, {self.rate_interval[1]:.3f}] ({level}% Wilson)",
            self.bands.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
        ]
        if self.ratings is not None:
            lines += [
                "",
                f"by {self.settings['rating']}:",
                self.ratings.to_string(index=False, float_format=lambda v: f"{v:.3f}"),
            ]
        a, b = self.logistic.coefficients
        lines += [
            "",
            f"logistic: logit P = {a:.4f} + {b:.5f} x index",
            f"one index point more: {100 * me['estimate']:+.2f} percentage points of {self.outcome} "
            f"[{100 * me['ci_lower']:+.2f}, {100 * me['ci_upper']:+.2f}]; elasticity {el['estimate']:.3f} "
            f"[{el['ci_lower']:.3f}, {el['ci_upper']:.3f}]",
        ]
        if self.groups is not None:
            lines += [
                "",
                f"per group (threshold index {self.threshold:g}):",
                self.groups.to_string(float_format=lambda v: f"{v:.3f}"),
            ]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def plot(self, *, title: str | None = None) -> Figure:
        """The curves and band rates as a matplotlib Figure (see :func:`acsi.outcomes.plots.plot_outcome_curves`)."""
        from acsi.outcomes.plots import plot_outcome_curves

        return plot_outcome_curves(self, title=title)

    def __repr__(self) -> str:
        me = self.effects["marginal_effect"]["estimate"]
        return f"OutcomeResult(outcome={self.outcome!r}, construct={self.construct!r}, n={self.n}, rate={self.rate:.3f}, per_point={me:+.4f})"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame.reset_index() if frame.index.name is not None else frame
    return [{str(k): (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in rows.to_dict("records")]
