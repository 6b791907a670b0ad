"""``acsi.prepare`` for a Dask DataFrame: validated moments instead of rows.

The estimators read the moments of :class:`~acsi.data.IndicatorData` (``moments``) and the
number of rows (``values.shape[0]``). The data stay on the cluster, so ``values`` is a
read-only all-NaN array of the right shape that takes no memory (``np.broadcast_to``): the
fit's estimates, indices and JSON equal the in-memory engine's, while per-respondent
results (construct scores, individual indices) are NaN; compute them with the in-memory
engine on the rows you need. CB-SEM, which hands semopy the rows, is not offered.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from acsi import notices
from acsi.data import MissingReport, check_sample_size
from acsi.distributed.moments import PartSummary, merge_summaries, partition_summaries
from acsi.errors import DataError, MissingDataWarning, SmallSampleWarning
from acsi.spec.model import ModelSpec, Scale

#: Missing-data treatments the distributed engine offers (they are functions of mergeable moments).
DISTRIBUTED_MISSING = ("error", "listwise", "pairwise")


def prepare_dask(
    spec: ModelSpec,
    ddf: Any,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: str = "error",
    weight: str | None = None,
    source: str | None = None,
    parts: list[PartSummary] | None = None,
) -> Any:
    """Validate a Dask DataFrame against ``spec`` and compute its moments in one pass (an IndicatorData).

    Parameters as :func:`acsi.data.prepare`; ``weight`` names a case-weight column. ``parts``:
    the partition summaries of that pass when the caller has them already
    (:func:`acsi.distributed.moments.partition_summaries` with the same weight and listwise flag). The checks
    are those of the in-memory engine (missing values under ``"error"``, values outside a
    declared scale, constant indicators, fewer than 3 rows, pairs observed together fewer
    than 3 times), computed from the merged partition summaries.

    Raises
    ------
    DataError
        As :func:`acsi.data.prepare`, or a missing-data treatment the engine does not offer
        (``"mean"`` and ``"em"`` need the rows).
    """
    from acsi.data import IndicatorData

    if missing not in DISTRIBUTED_MISSING:
        raise DataError(
            f"missing={missing!r} needs the rows in memory; the Dask engine offers {', '.join(map(repr, DISTRIBUTED_MISSING))}."
        )
    indicators = spec.indicators
    scales: dict[str, Scale] = dict(spec.scales)
    if scale is not None:
        default = scale if isinstance(scale, Scale) else Scale(*scale)
        scales = {name: scales.get(name, default) for name in indicators}
    where = f" in {source}" if source else ""
    if parts is None:
        parts = partition_summaries(ddf, indicators, weight=weight, listwise=missing == "listwise")
    total = merge_summaries(parts)
    _check(total, indicators, scales, missing, where)
    acc = total.moments
    if missing == "pairwise":
        mean, covariance, pairs = acc.pairwise_moments()
        _check_pairs(pairs, covariance, indicators, where)
        n = total.n_rows - total.n_empty
    else:
        mean, covariance = acc.mean_and_covariance()
        n = acc.n_rows
    if n < 3:
        raise DataError(f"Only {n} complete observation(s){where}; PLS needs at least 3 (and many more to be useful).")
    for array in (mean, covariance):
        array.setflags(write=False)
    report = MissingReport(
        treatment=missing,
        n_rows=total.n_rows,
        n_rows_dropped=total.n_rows - n,
        n_incomplete_rows=total.n_incomplete,
        n_cells_missing=int(total.missing.sum()),
        n_cells_imputed=int(total.missing.sum()) - total.n_empty * len(indicators) if missing == "pairwise" else 0,
        by_indicator=MappingProxyType({name: {"missing": int(k)} for name, k in zip(indicators, total.missing)}),
    )
    data = IndicatorData(
        values=np.broadcast_to(np.nan, (n, len(indicators))),
        indicators=indicators,
        row_labels=pd.RangeIndex(n),
        scales=MappingProxyType({k: v for k, v in scales.items() if k in indicators}),
        n_dropped=total.n_rows - n,
        missing=missing,
        source=source,
        moments=(mean, covariance),
        missing_report=report,
    )
    message = check_sample_size(spec, n, where=where)
    if message is not None:
        warnings.warn(message, SmallSampleWarning, stacklevel=2)
        data = replace(data, warnings=(message,))
    return data


def _check(total: PartSummary, indicators: tuple[str, ...], scales: dict[str, Scale], missing: str, where: str) -> None:
    """The in-memory engine's data checks, on the merged summary."""
    if missing == "error" and total.n_incomplete:
        holes = ", ".join(name for name, k in zip(indicators, total.missing) if k)
        raise DataError(
            f"{total.n_incomplete} row(s){where} have missing indicator values (columns {holes}). Drop them with "
            "missing='listwise' (CLI: --missing listwise) or estimate around them with missing='pairwise'."
        )
    thin = [name for name, k in zip(indicators, total.missing) if total.n_rows - k < 3]
    if thin:
        raise DataError(f"Indicator(s) {', '.join(thin)}{where} have fewer than 3 observed values. Remove them from the model.")
    acc = total.moments
    problems = [
        f"Indicator '{name}'{where} has values outside its scale {scales[name].min:g}-{scales[name].max:g} "
        f"(found {acc.low[j]:g} to {acc.high[j]:g})"
        for j, name in enumerate(indicators)
        if name in scales and (acc.low[j] < scales[name].min or acc.high[j] > scales[name].max)
    ]
    if problems:
        raise DataError("; ".join(problems) + ". Correct the scale (spec or --scale) or declare these codes missing.")
    constant = [name for j, name in enumerate(indicators) if acc.low[j] == acc.high[j]]
    if constant:
        raise DataError(
            f"Indicator(s) {', '.join(constant)}{where} are constant (every respondent gave the same value). Remove it from the spec."
        )


def _check_pairs(pairs: np.ndarray, covariance: np.ndarray, indicators: tuple[str, ...], where: str) -> None:
    thin = np.argwhere(np.triu(pairs < 3, 1))
    if thin.size:
        names = ", ".join(f"{indicators[i]}/{indicators[j]}" for i, j in thin[:5])
        raise DataError(f"Indicator pair(s) {names}{where} are observed together in fewer than 3 rows. Collect more data.")
    sd = np.sqrt(np.diag(covariance))
    smallest = float(np.linalg.eigvalsh(covariance / np.outer(sd, sd)).min())
    if smallest < -1e-10:
        notices.issue(
            f"The pairwise correlation matrix{where} is not positive semidefinite (smallest eigenvalue {smallest:.3g}).",
            MissingDataWarning,
            stacklevel=4,
        )
