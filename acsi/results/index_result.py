"""0-100 indices of a fit: :class:`IndexResult`, the aggregate index of each construct and each respondent's."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
import pandas as pd

from acsi.result_contract import ResultContract
from acsi.summary import Section, Summary


class IndicatorMap(Protocol):
    """A map from indicator values (..., p) to 0-100 indices (..., m): :class:`acsi.index.IndexMap`."""

    def apply(self, values: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class IndexResult(ResultContract):
    """0-100 indices of the constructs whose indicators all have a theoretical scale.

    Attributes
    ----------
    constructs : tuple of str
        Constructs with an index, in spec order.
    values : ndarray, shape (m,)
        Aggregate index of each construct (index of the indicator means).
    indicators : tuple of str
        Indicators of those constructs.
    weights : ndarray, shape (q,)
        Normalised index weights (summing to one within each construct).
    lower, upper : ndarray, shape (q,)
        Theoretical scale bounds used.
    means : ndarray, shape (q,)
        Indicator means.
    mapping : IndicatorMap
        The linear map from all p indicator values to the m indices.
    indicator_values : ndarray, shape (n, p)
        The (read-only) data, from which :attr:`respondents` is computed on first use.
    method : str
        ``"fornell"``, ``"standardized"`` or ``"equal"``.
    """

    constructs: tuple[str, ...]
    values: np.ndarray
    indicators: tuple[str, ...]
    indicator_constructs: tuple[str, ...]
    weights: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    means: np.ndarray
    mapping: IndicatorMap = field(repr=False)
    indicator_values: np.ndarray = field(repr=False)
    row_labels: pd.Index = field(repr=False)
    method: str = "fornell"

    @cached_property
    def respondents(self) -> np.ndarray:
        """Per-respondent indices, shape (n, m); their column means equal ``values``."""
        indices = self.mapping.apply(self.indicator_values)
        indices.setflags(write=False)
        return indices

    def to_dict(self) -> dict[str, float]:
        """``{construct: index}``."""
        return {name: float(v) for name, v in zip(self.constructs, self.values)}

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per indicator: construct, weight, mean, scale bounds."""
        return pd.DataFrame(
            {
                "construct": self.indicator_constructs,
                "indicator": self.indicators,
                "weight": self.weights,
                "mean": self.means,
                "scale_min": self.lower,
                "scale_max": self.upper,
            }
        )

    @cached_property
    def respondent_scores(self) -> pd.DataFrame:
        """Per-respondent 0-100 indices, rows labelled as in the input data."""
        return pd.DataFrame(self.respondents, index=self.row_labels, columns=list(self.constructs))

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per indicator (:attr:`table`) with its construct's ``index`` beside it."""
        index = dict(zip(self.constructs, self.values.tolist()))
        return self.table.assign(index=[index[c] for c in self.indicator_constructs])

    def summary(self) -> Summary:
        """The indices, then the indicator weights and means behind them."""
        values = pd.Series(self.to_dict(), name="index").to_frame()
        return Summary(
            (f"0-100 indices ({self.method} weights) of {len(self.constructs)} constructs",),
            (Section("Index (0-100)", values), Section("Indicators", self.table, index=False)),
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{c}={v:.1f}" for c, v in zip(self.constructs, self.values.tolist()))
        return f"IndexResult(method={self.method!r}, {shown})"
