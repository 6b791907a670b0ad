"""SERVQUAL gap scores per respondent: items, dimensions, and the (importance-weighted) overall score.

Parasuraman, Zeithaml & Berry (1988), "SERVQUAL: a multiple-item scale for measuring consumer
perceptions of service quality", Journal of Retailing 64(1), 12-40: the gap of an item is
``G = P - E`` (perception minus expectation); a dimension's score is the mean of its items'
gaps; the unweighted SERVQUAL score is the mean of the five dimension scores. Parasuraman, Berry
& Zeithaml (1991), Journal of Retailing 67(4), 420-450: with importance points (100 allocated
over the dimensions) the weighted score is ``sum_d (points_d / 100) * G_d`` per respondent.
SERVPERF (Cronin & Taylor 1992, Journal of Marketing 56(3), 55-68) scores the perceptions
``P`` alone, the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from acsi.core.disconfirmation import disconfirmation
from acsi.errors import DataError, SpecError
from acsi.spec.model import ModelSpec


@dataclass(frozen=True)
class GapItem:
    """One SERVQUAL item: its dimension, gap indicator, perception and expectation columns."""

    dimension: str
    indicator: str
    perceived: str
    expected: str


def gap_items(spec: ModelSpec) -> tuple[GapItem, ...]:
    """The spec's difference-kind derived indicators, with the construct (dimension) each measures.

    Raises
    ------
    SpecError
        The spec has no ``derived`` difference indicators (no perception/expectation pairs).
    """
    owner = {i: c.name for c in spec.constructs for i in c.indicators}
    items = tuple(GapItem(owner[d.name], d.name, d.perceived, d.expected) for d in spec.derived if d.kind == "difference")
    if not items:
        raise SpecError(
            "The spec pairs no perception and expectation items: give it a 'derived' section of 'difference' "
            "indicators (see models/servqual.yaml).",
            culprit="derived",
        )
    return items


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def item_scores(items: tuple[GapItem, ...], frame: pd.DataFrame, servperf: bool) -> pd.DataFrame:
    """Per respondent and item: the gap ``P - E`` (SERVQUAL) or the perception ``P`` (SERVPERF).

    Raises
    ------
    DataError
        Perception or expectation columns absent from the data, all named.
    """
    needed = [c for item in items for c in ((item.perceived,) if servperf else (item.perceived, item.expected))]
    absent = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if absent:
        raise DataError(f"The SERVQUAL items need the column(s) {', '.join(absent)}, which the data lack.")
    values = {
        item.indicator: _column(frame, item.perceived)
        if servperf
        else disconfirmation(_column(frame, item.perceived), _column(frame, item.expected), "difference")
        for item in items
    }
    return pd.DataFrame(values, index=frame.index)


def dimension_scores(items: tuple[GapItem, ...], scores: pd.DataFrame) -> pd.DataFrame:
    """Per respondent and dimension: the mean of the dimension's item scores (missing if any item is)."""
    dimensions = list(dict.fromkeys(item.dimension for item in items))
    return pd.DataFrame(
        {d: scores[[i.indicator for i in items if i.dimension == d]].mean(axis=1, skipna=False) for d in dimensions}
    )


def importance_weights(frame: pd.DataFrame, importance: Mapping[str, str], dimensions: list[str]) -> pd.DataFrame:
    """Per respondent and dimension: importance points over 100 (every dimension needs a column).

    Raises
    ------
    DataError
        A dimension without an importance column, an absent column, or negative points.
    """
    missing = [d for d in dimensions if d not in importance]
    if missing:
        raise DataError(f"Importance weighting needs a points column for every dimension; none for {', '.join(missing)}.")
    absent = [importance[d] for d in dimensions if importance[d] not in frame.columns]
    if absent:
        raise DataError(f"The importance column(s) {', '.join(absent)} are not in the data.")
    points = pd.DataFrame({d: _column(frame, importance[d]) for d in dimensions}, index=frame.index)
    if (points < 0).any().any():
        raise DataError("Importance points must be non-negative (100 points allocated over the dimensions).")
    return points / 100.0


def overall_scores(dimensions: pd.DataFrame, weights: pd.DataFrame | None) -> pd.DataFrame:
    """Per respondent: the unweighted score (mean of the dimensions) and, with weights, the weighted one."""
    out = pd.DataFrame({"unweighted": dimensions.mean(axis=1, skipna=False)})
    if weights is not None:
        out["weighted"] = (dimensions * weights).sum(axis=1, min_count=dimensions.shape[1])
    return out
