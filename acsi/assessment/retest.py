"""Test-retest reliability: a questionnaire answered twice by the same respondents, compared item by item and construct by construct."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from acsi.assessment.json_tables import frame_object
from acsi.errors import DataError
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.summary import Section, Summary
from acsi.thresholds import RETEST


@dataclass(frozen=True)
class RetestResult(ResultContract):
    """Paired comparison of a questionnaire answered twice by the same respondents.

    ``items`` and ``constructs`` have one row each with ``n``, ``mean_first``, ``mean_second``,
    ``mean_difference`` (second - first), ``sd_difference``, ``t``, ``df``, ``p`` (paired t
    test, two-sided) and ``correlation`` (Pearson, the test-retest reliability coefficient).
    """

    items: pd.DataFrame
    constructs: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": frame_object(self.items),
            "constructs": frame_object(self.constructs),
            "thresholds": {row.measure: row.text for row in RETEST},
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per indicator and per construct, ``level`` (``indicator`` or ``construct``) and ``name`` first."""
        frames = [
            frame.rename_axis("name").reset_index().assign(level=level)
            for level, frame in (("indicator", self.items), ("construct", self.constructs))
        ]
        table = pd.concat(frames, ignore_index=True)
        return table[["level", "name", *(c for c in table.columns if c not in ("level", "name"))]]

    def summary(self) -> Summary:
        """The paired comparison of each indicator and construct, with the thresholds."""
        notes = tuple(f"  thresholds: {row.measure} {row.text}" for row in RETEST)
        return Summary(
            (f"Test-retest reliability of {len(self.items)} indicators and {len(self.constructs)} constructs",),
            (Section("Indicators", self.items, notes), Section("Constructs", self.constructs, notes)),
        )

    def __repr__(self) -> str:
        return f"RetestResult(indicators={len(self.items)}, constructs={len(self.constructs)})"


def _paired(first: np.ndarray, second: np.ndarray) -> dict[str, float]:
    diff = second - first
    n = diff.size
    sd = diff.std(ddof=1)
    t = diff.mean() / (sd / math.sqrt(n)) if sd > 0 else (0.0 if diff.mean() == 0 else math.copysign(math.inf, diff.mean()))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = float(np.corrcoef(first, second)[0, 1]) if first.std() > 0 and second.std() > 0 else math.nan
    return {
        "n": float(n),
        "mean_first": float(first.mean()),
        "mean_second": float(second.mean()),
        "mean_difference": float(diff.mean()),
        "sd_difference": float(sd),
        "t": float(t),
        "df": float(n - 1),
        "p": float(2.0 * stats.t.sf(abs(t), n - 1)),
        "correlation": r,
    }


def retest_reliability(
    spec: Any, first: pd.DataFrame, second: pd.DataFrame, *, on: str | None = None, result: FitResult | None = None
) -> RetestResult:
    """Test-retest reliability: paired t test and correlation per indicator and per construct.

    Parameters
    ----------
    spec : ModelSpec
    first, second : pandas.DataFrame
        The two administrations. Rows are matched by the column ``on`` (a respondent id) when
        given, else by position (both frames must then have the same length). Rows with a missing
        value in either administration are left out of that indicator's (construct's) test.
    on : str, optional
        Respondent id column present in both frames.
    result : FitResult, optional
        A fit whose 0-100 index weights define each construct's value; by default a construct's
        value is the mean of its indicators.

    Notes
    -----
    Paired t: ``t = mean(d) / (sd(d) / sqrt(n))``, d the second minus the first answer, n - 1
    degrees of freedom; a significant t shows that the mean moved between the administrations.
    The correlation of the two administrations is the test-retest reliability (>= 0.7
    acceptable). Used in customer satisfaction survey practice to check that a measurement is
    stable before it is tracked over time.
    """

    if on is not None:
        for frame, label in ((first, "first"), (second, "second")):
            if on not in frame.columns:
                raise DataError(f"The {label} administration has no id column '{on}'.")
            if frame[on].duplicated().any():
                raise DataError(f"The id column '{on}' of the {label} administration has duplicated ids.")
        merged = first.merge(second, on=on, suffixes=("__1", "__2"))
        a = merged[[f"{i}__1" for i in spec.indicators]].set_axis(list(spec.indicators), axis=1)
        b = merged[[f"{i}__2" for i in spec.indicators]].set_axis(list(spec.indicators), axis=1)
    else:
        if len(first) != len(second):
            raise DataError(
                f"The two administrations have {len(first)} and {len(second)} rows; match them by a respondent id "
                "column (on=...) or pass frames in the same respondent order."
            )
        missing = [i for i in spec.indicators if i not in first.columns or i not in second.columns]
        if missing:
            raise DataError(f"Indicator column(s) missing from an administration: {', '.join(missing)}.")
        a = first[list(spec.indicators)].reset_index(drop=True)
        b = second[list(spec.indicators)].reset_index(drop=True)
    a, b = a.apply(pd.to_numeric, errors="coerce"), b.apply(pd.to_numeric, errors="coerce")
    if len(a) < 3:
        raise DataError(f"Only {len(a)} respondent(s) answered both times; a paired test needs at least 3.")
    items = {}
    for name in spec.indicators:
        both = a[name].notna() & b[name].notna()
        items[name] = _paired(a.loc[both, name].to_numpy(float), b.loc[both, name].to_numpy(float))
    weights = None
    if result is not None and result.index is not None:
        weights = dict(zip(result.index.indicators, result.index.weights))
    constructs = {}
    for construct in spec.constructs:
        cols = list(construct.indicators)
        w = np.array([weights.get(i, np.nan) for i in cols]) if weights else np.full(len(cols), 1.0 / len(cols))
        if np.isnan(w).any():
            w = np.full(len(cols), 1.0 / len(cols))
        both = a[cols].notna().all(axis=1) & b[cols].notna().all(axis=1)
        constructs[construct.name] = _paired(a.loc[both, cols].to_numpy(float) @ w, b.loc[both, cols].to_numpy(float) @ w)
    return RetestResult(
        items=pd.DataFrame.from_dict(items, orient="index").rename_axis("indicator"),
        constructs=pd.DataFrame.from_dict(constructs, orient="index").rename_axis("construct"),
    )
