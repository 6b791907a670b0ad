"""Our own event exports (:meth:`~acsi.ingest.device.store.EventStore.export`) read back, validated, as rows for SQLite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from acsi.errors import IngestError
from acsi.ingest.device.csv_text import line_list
from acsi.ingest.device.events import EVENT_COLUMNS, OUTCOMES

__all__ = ["read_event_export", "sql_rows"]


def sql_rows(frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows for SQLite as tuples of Python values. NaN needs no conversion: SQLite stores a NaN
    bound as a REAL as NULL; pandas' NA and NaT become None."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype) or str(col.dtype).startswith(("Int", "datetime")):
            values = col.astype(object).where(col.notna(), None).tolist()
        else:
            values = col.tolist()
        columns.append(values)
    return zip(*columns)


def read_event_export(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an export written by :meth:`EventStore.export` (Parquet or CSV), validated.

    Raises
    ------
    IngestError
        Missing columns, empty event ids, or outcomes outside the vocabulary.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Event export '{path}' not found.")
    if file.suffix.lower() == ".parquet":
        frame = pd.read_parquet(file)
    elif file.suffix.lower() == ".csv":
        text_cols = [
            c
            for c in EVENT_COLUMNS
            if c
            not in (
                "captured_mono_ns",
                "profile_version",
                "scale_levels",
                "level",
                "score_0_100",
                "satisfied_min_level",
                "bad_max_level",
                "raw_report_id",
                "schema_version",
            )
        ]
        frame = pd.read_csv(file, dtype={c: str for c in text_cols}, keep_default_na=False, na_values=[r"\N"])
    else:
        raise IngestError(f"Event export '{file}' must be .parquet or .csv.", source=str(file))
    missing = [c for c in EVENT_COLUMNS if c not in frame.columns]
    if missing:
        raise IngestError(
            f"Event export '{file}' lacks the columns {', '.join(missing)}; is it an acsi event export?",
            source=str(file),
            key=missing[0],
        )
    frame = frame[list(EVENT_COLUMNS)]
    bad = frame["event_id"].isna().to_numpy()
    if bad.any():
        raise IngestError(f"Event export '{file}': empty event_id on rows {line_list(bad)}.", source=str(file), key="event_id")
    bad = ~frame["outcome"].isin(OUTCOMES).to_numpy()
    if bad.any():
        first = frame["outcome"].to_numpy()[bad][0]
        raise IngestError(
            f"Event export '{file}': outcome {first!r} on rows {line_list(bad)} is not one of {', '.join(OUTCOMES)}.",
            source=str(file),
            key="outcome",
            raw_value=first,
        )
    return frame
