"""One pass over a Dask DataFrame: every partition summarised by a MomentAccumulator, then merged.

Each partition becomes a :class:`PartSummary` on the workers (a few p x p arrays); the
summaries come back in partition order and are merged by
:func:`acsi.core.accumulator.merge_all`. Keeping them per partition gives each partition's
number of rows, which the Poisson bootstrap needs to number the rows (:mod:`acsi.core.poisson`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from acsi.core.accumulator import MomentAccumulator, merge_all
from acsi.errors import DataError


@dataclass(frozen=True)
class PartSummary:
    """A partition's moments and missing-value counts.

    Attributes
    ----------
    moments : MomentAccumulator
        Of the rows kept: all rows, or the complete ones under listwise deletion.
    n_rows, n_incomplete, n_empty : int
        Rows, rows with a missing cell, rows without any observed indicator (all rows of the partition).
    missing : ndarray, shape (p,)
        Missing cells per indicator.
    n_positive : int
        Rows kept with a positive case weight (all rows kept when unweighted).
    """

    moments: MomentAccumulator
    n_rows: int
    n_incomplete: int
    n_empty: int
    missing: np.ndarray
    n_positive: int = 0

    def merge(self, other: PartSummary) -> PartSummary:
        """The summary of both partitions."""
        return PartSummary(
            self.moments.merge(other.moments),
            self.n_rows + other.n_rows,
            self.n_incomplete + other.n_incomplete,
            self.n_empty + other.n_empty,
            self.missing + other.missing,
            self.n_positive + other.n_positive,
        )


def indicator_block(frame: Any, indicators: tuple[str, ...]) -> np.ndarray:
    """The indicator columns of a pandas partition as floats (NaN = missing), or a DataError naming the column."""
    import pandas as pd

    columns = []
    for name in indicators:
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna() & frame[name].notna()
        if bad.any():
            raise DataError(
                f"Indicator column '{name}' holds non-numeric values such as {frame[name][bad].iloc[0]!r}; expected numbers."
            )
        columns.append(values.to_numpy(dtype=float, na_value=np.nan))
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


def summarise_partition(frame: Any, indicators: tuple[str, ...], weight: str | None, listwise: bool) -> PartSummary:
    """The :class:`PartSummary` of one pandas partition."""
    X = indicator_block(frame, indicators)
    w = None if weight is None else case_weights(frame, weight)
    holes = np.isnan(X)
    incomplete = holes.any(axis=1)
    kept = ~incomplete if listwise else slice(None)
    moments = MomentAccumulator.from_block(X[kept], None if w is None else w[kept])
    positive = moments.n_rows if w is None else int((w[kept] > 0).sum())
    return PartSummary(moments, X.shape[0], int(incomplete.sum()), int(holes.all(axis=1).sum()), holes.sum(axis=0), positive)


def case_weights(frame: Any, weight: str) -> np.ndarray:
    """The case-weight column of a pandas partition, or a DataError naming it when a weight is missing, negative or not a number."""
    import pandas as pd

    values = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            f"{int(bad.sum())} case weight(s) in column '{weight}' are missing, negative or not numbers (such as "
            f"{frame[weight].iloc[int(np.argmax(bad))]!r}). Weights must be finite and non-negative."
        )
    return values


def check_columns(ddf: Any, indicators: tuple[str, ...], extra: tuple[str, ...] = ()) -> None:
    """DataError if the Dask frame lacks an indicator (or weight / group) column."""
    absent = [name for name in (*indicators, *extra) if name not in ddf.columns]
    if absent:
        found = ", ".join(map(str, list(ddf.columns)[:30]))
        raise DataError(f"The data lack {len(absent)} column(s) of the model: {', '.join(absent)}. Columns found: {found}.")


def partition_summaries(
    ddf: Any, indicators: tuple[str, ...], *, weight: str | None = None, listwise: bool = False
) -> list[PartSummary]:
    """The summaries of every partition of ``ddf``, in partition order, computed on the active Dask scheduler."""
    import dask

    check_columns(ddf, indicators, (weight,) if weight else ())
    parts = ddf.to_delayed()
    summarise = dask.delayed(summarise_partition, pure=True)
    return list(dask.compute(*[summarise(part, indicators, weight, listwise) for part in parts]))


def summarise_groups(
    frame: Any, indicators: tuple[str, ...], by: str, weight: str | None, listwise: bool
) -> dict[Any, PartSummary]:
    """Per value of the column ``by``: the :class:`PartSummary` of a partition's rows with that value."""
    return {key: summarise_partition(rows, indicators, weight, listwise) for key, rows in frame.groupby(by, sort=False)}


def group_summaries(
    ddf: Any, indicators: tuple[str, ...], by: str, *, weight: str | None = None, listwise: bool = False
) -> dict[Any, PartSummary]:
    """Merged summaries per group (the values of column ``by``), in sorted group order."""
    import dask

    check_columns(ddf, indicators, (by, *((weight,) if weight else ())))
    summarise = dask.delayed(summarise_groups, pure=True)
    per_part = dask.compute(*[summarise(part, indicators, by, weight, listwise) for part in ddf.to_delayed()])
    merged: dict[Any, PartSummary] = {}
    for part in per_part:
        for key, summary in part.items():
            merged[key] = merged[key].merge(summary) if key in merged else summary
    return {key: merged[key] for key in sorted(merged)}


def merge_summaries(parts: list[PartSummary]) -> PartSummary:
    """All partitions merged as a balanced tree (the moments by :func:`acsi.core.accumulator.merge_all`)."""
    return PartSummary(
        merge_all([part.moments for part in parts]),
        sum(part.n_rows for part in parts),
        sum(part.n_incomplete for part in parts),
        sum(part.n_empty for part in parts),
        np.sum([part.missing for part in parts], axis=0),
        sum(part.n_positive for part in parts),
    )
