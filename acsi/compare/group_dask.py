"""The split of a group comparison whose rows stay on a Dask cluster: per-group moments instead of rows.

Without resamples or permutations every number of a PLS group comparison is a function of
each group's means and covariance matrix and of the pooled ones: the group estimates and
their 0-100 indices (separate or pooled mode), the ranking, the aggregation over a hierarchy
and the importance-performance maps. :func:`split_groups_dask` validates the data as
:func:`acsi.distributed.prepare.prepare_dask` does (one pass) and merges each group's
:class:`~acsi.core.accumulator.MomentAccumulator` over the partitions
(:func:`acsi.distributed.moments.group_summaries`, a second pass); the PLS path of
:func:`acsi.compare.estimate_groups` then estimates the moments
(:class:`~acsi.compare.group_inputs.GroupMoments`), as it estimates the moments of the rows
in memory.

Case weights come from a column (``weights="w"`` or ``DaskRows(frame, weight="w")``): the moments
are weighted, and each group's rows with a positive weight are counted for the rule "at least 3
such rows". The changes over periods estimate each (group, period) cell the same way (:func:`dask_cells`).
What needs the rows is refused, naming the option: bootstrap intervals
(``n_boot``), methods other than PLS (they refit rows), weights given as an array, a mapping
and ``strict=False``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from acsi.compare.group_inputs import GroupMoments, GroupRequest, GroupSplit, scale_bounds
from acsi.distributed.frames import DaskRows
from acsi.errors import DataError, ParameterError
from acsi.spec.model import ModelSpec, Scale


def check_dask_request(request: GroupRequest, rows: DaskRows, options: dict[str, Any]) -> None:
    """ParameterError for a group comparison of Dask rows that needs the rows in memory (``options`` by argument name)."""
    refused = {
        "n_boot": request.n_boot > 0,
        f"estimator ({request.estimator.method})": request.estimator.method != "pls",
        "weights (other than a column name)": not isinstance(options.get("weights"), str | None),
        "mapping": options.get("mapping") is not None,
        "strict=False": not options.get("strict", True),
    }
    given = [name for name, bad in refused.items() if bad]
    if given:
        raise ParameterError(
            f"{', '.join(given)}: a group comparison of a Dask DataFrame estimates each group's moments (PLS, no "
            "resamples, no case weights); these need the rows in memory. Drop them or compare in memory."
        )


def split_groups_dask(
    spec: ModelSpec, rows: DaskRows, group: str, *, scale: tuple[float, float] | Scale | None, missing: str
) -> GroupSplit:
    """The :class:`~acsi.compare.group_inputs.GroupSplit` of Dask rows, carrying per-group moments (see the module notes).

    Raises
    ------
    DataError
        As :func:`acsi.distributed.prepare.prepare_dask`; a missing group column; rows without a group label.
    """
    from acsi.distributed.moments import group_summaries
    from acsi.distributed.prepare import prepare_dask

    data = prepare_dask(spec, rows.frame, scale=scale, missing=missing, weight=rows.weight)
    summaries = group_summaries(rows.frame, spec.indicators, group, weight=rows.weight, listwise=missing == "listwise")
    report = data.missing_report
    unlabelled = report.n_rows - sum(summary.n_rows for summary in summaries.values())
    if unlabelled:
        raise DataError(f"{unlabelled} row(s) have no group label in column '{group}'. Fill in the labels or drop those rows.")
    kept = {key: summary for key, summary in summaries.items() if summary.moments.n_rows > 0}
    moments = []
    for summary in kept.values():
        with np.errstate(invalid="ignore", divide="ignore"):  # all weights 0: NaN, and the group is not reported
            mean, covariance = summary.moments.mean_and_covariance()
        moments.append((mean[None], covariance[None]))
    n = data.n_obs
    lower, upper, indexed = scale_bounds(spec, data)
    return GroupSplit(
        spec=spec,
        group=group,
        data=data,
        values=data.values,
        w=None,
        labels=tuple(key.item() if isinstance(key, np.generic) else key for key in kept),
        codes=np.broadcast_to(np.int64(-1), (n,)),
        n_obs=np.array([summary.moments.n_rows for summary in kept.values()], dtype=np.int64),
        lower=lower,
        upper=upper,
        indexed=indexed,
        moments=GroupMoments(
            groups=tuple(moments),
            overall=data.moments,
            positive=None if rows.weight is None else tuple(summary.n_positive for summary in kept.values()),
        ),
    )


def dask_cells(rows: DaskRows, group: str, period: str, sep: str) -> DaskRows:
    """``rows`` with a column ``_cell``: the group label, ``sep`` and the period label (as text), for the changes over periods.

    Raises
    ------
    DataError
        A missing column, or rows without a group or period label (counted in one pass over the two columns).
    """
    from acsi.distributed.moments import check_columns

    frame = rows.frame
    check_columns(frame, (), (group, period))
    labelled = frame[group].notnull() & frame[period].notnull()
    unlabelled = int((~labelled).sum().compute())
    if unlabelled:
        raise DataError(
            f"{unlabelled} row(s) have no label in the group column '{group}' or the period column '{period}'. "
            "Fill in the labels or drop those rows."
        )
    cell = frame[group].astype(str) + sep + frame[period].astype(str)
    return DaskRows(frame.assign(_cell=cell), rows.weight)
