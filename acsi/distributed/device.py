"""Device events at scale: a Parquet lake partitioned by month, counted file by file on Dask.

:func:`write_lake` writes events as ``DIR/month=YYYY-MM/part-0.parquet`` (the month of
``local_date``). :func:`counts_from_lake` counts every file with the Arrow path of
:func:`acsi.ingest.device.parquet_counts.counts_from_parquet` as one Dask task and sums the
count tables (and the reason counts) over the key columns: counts add, so the sum equals the
count table of all events in one file, and :func:`~acsi.ingest.device.indicators.indicators_from_counts`
gives the same indicators as the SQLite store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from acsi.errors import IngestError


def write_lake(events: pd.DataFrame, directory: str | os.PathLike[str]) -> int:
    """Write ``events`` (columns as in the store) as one Parquet file per month of ``local_date``; returns the events written.

    Raises
    ------
    IngestError
        ``directory`` exists and is not empty (a lake is written whole, never mixed with an older one).
    """
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        raise IngestError(
            f"Lake directory '{root}' is not empty; write a partitioned export to a new directory.", source=str(root)
        )
    root.mkdir(parents=True, exist_ok=True)
    months = events["local_date"].astype(str).str.slice(0, 7)
    for month, rows in events.groupby(months, sort=True):
        target = root / f"month={month}"
        target.mkdir()
        rows.to_parquet(target / "part-0.parquet", index=False)
    return len(events)


def lake_files(directory: str | os.PathLike[str]) -> list[Path]:
    """The Parquet files of a lake directory (any depth), sorted; IngestError when there are none."""
    files = sorted(Path(directory).rglob("*.parquet"))
    if not files:
        raise IngestError(
            f"No Parquet file under '{directory}'; expected an event lake (acsi device export --partition-by month)."
        )
    return files


def counts_from_lake(
    directory: str | os.PathLike[str], *, by: str | Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count table and reason counts of every event in the lake, counted per file on the active Dask scheduler."""
    import dask

    from acsi.ingest.device.parquet_counts import counts_from_parquet

    count = dask.delayed(counts_from_parquet, pure=True)
    return summed_counts(dask.compute(*[count(str(path), by=by) for path in lake_files(directory)]))


def summed_counts(parts: Sequence[tuple[pd.DataFrame, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The count tables and reason counts of disjoint sets of events (``counts_from_parquet`` outputs), added."""
    counts = _summed([part[0] for part in parts])
    reasons = _summed([part[1] for part in parts])
    counts["prompted"] = counts["prompted"].astype(bool)
    counts.attrs["acsi_by"] = reasons.attrs["acsi_by"] = parts[0][0].attrs["acsi_by"]
    return counts, reasons


def _summed(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Tables of counts ``n`` per key combination, summed over the tables."""
    keys = [c for c in tables[0].columns if c != "n"]
    stacked = pd.concat(tables, ignore_index=True)
    return stacked.groupby(keys, dropna=False, sort=False)["n"].sum().astype("int64").reset_index()
