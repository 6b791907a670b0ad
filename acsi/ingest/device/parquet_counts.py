"""Count tables from a Parquet export, aggregated by Arrow: the fast path for many millions of events.

Row group by row group, only the needed columns are read, text columns as Arrow dictionaries;
each dictionary is mapped to integer codes shared by the whole file (:class:`_Codes`), events
are counted per combination of integer keys (Arrow's hash group-by), and the per-row-group
counts are summed. No column of ten million strings is ever built, and memory stays at one
row group.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import IngestError
from acsi.ingest.device.indicators import COUNT_KEYS, UNITS, _normalise_counts, _parse_by, _period_start

__all__ = ["counts_from_parquet"]


def counts_from_parquet(
    path: str | os.PathLike[str], *, by: str | Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count table and reason counts from a Parquet export (the input of
    :func:`~acsi.ingest.device.indicators.indicators_from_counts`).

    Parameters
    ----------
    path : str or Path
        A Parquet file with the event columns (e.g. from :meth:`EventStore.export`).
    by : str or sequence, optional
        The ``by`` of the :func:`~acsi.ingest.device.indicators.indicators_from_counts` call to
        come. When given, only the unit columns it needs are read, and ``local_date`` is
        replaced by the first day of its period (which maps to the same period), so the table
        has one row per period rather than per day; the table remembers ``by`` and refuses a
        different one.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if by is None:
        units, kind = [k for unit in UNITS.values() for k in unit if k], None
        units = list(dict.fromkeys(units))
    else:
        units, kind = _parse_by(by)
    count_keys = [*units, *COUNT_KEYS[4:-1]]  # units, local_date, scale ... flags
    reason_keys = [*units, "local_date"]
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise IngestError(f"'{path}' is not a readable Parquet export of an event store: {err}", source=str(path)) from err
    schema = file.schema_arrow
    texts = [
        c
        for c in {*count_keys, "reason_codes", "outcome"}
        if c in schema.names and (pa.types.is_string(schema.field(c).type) or pa.types.is_large_string(schema.field(c).type))
    ]
    file = pq.ParquetFile(path, read_dictionary=texts)
    read = [*dict.fromkeys([*count_keys, "prompt_id", "reason_codes"])]
    codes = _Codes(read, texts, kind)
    counts_parts, reason_parts = [], []
    for group in range(file.num_row_groups):
        batch = file.read_row_group(group, columns=[c for c in read if c in schema.names])
        counted, reasons_counted = _count_row_group(batch, codes, count_keys, reason_keys)
        counts_parts.append(counted)
        if reasons_counted is not None:
            reason_parts.append(reasons_counted)
    counts, reasons = _sum_parts(counts_parts, reason_parts, codes, count_keys, reason_keys)
    counts = _normalise_counts(counts)
    made_for = (tuple(units), kind, by if isinstance(by, str) or by is None else ",".join(by))
    counts.attrs["acsi_by"] = reasons.attrs["acsi_by"] = made_for
    return counts, reasons


class _Codes:
    """Integer codes of text values shared across row groups (null stays null), and their decoding."""

    def __init__(self, read: list[str], texts: list[str], kind: str | None) -> None:
        self.texts, self.kind = texts, kind
        self.codes: dict[str, dict] = {c: {} for c in read}  # value -> integer code, per text column
        self.coded: set[str] = set()  # columns stored as codes (text, or entirely null)
        self.starts: dict[str, str] = {}

    def encode(self, name: str, column: Any) -> Any:
        """``column`` as integer codes (a text column; ``local_date`` folded into its period's first day)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_null(array.type):
            self.coded.add(name)
            return pa.nulls(len(array), pa.int32())
        if not pa.types.is_dictionary(array.type):
            if name in self.texts or pa.types.is_string(array.type):
                array = array.dictionary_encode()
            else:
                return array
        self.coded.add(name)
        table = self.codes[name]
        values = array.dictionary.to_pylist()
        if name == "local_date" and self.kind is not None:
            values = [_period_start(v, self.kind, self.starts) for v in values]
        mapping = pa.array([table.setdefault(v, len(table)) for v in values], pa.int32())
        return pc.take(mapping, array.indices)

    def decode(self, table: Any) -> pd.DataFrame:
        """An aggregated Arrow table with coded columns back as values (a null code: None)."""
        frame = {}
        for name in table.column_names:
            values = table[name].to_numpy(zero_copy_only=False)
            if name in self.coded:
                lookup = np.array([*self.codes[name], None], dtype=object)  # value by code; a null code -> None
                index = table[name].fill_null(len(self.codes[name])).to_numpy(zero_copy_only=False)
                values = lookup[index]
            frame[name] = values
        return pd.DataFrame(frame)


def _count_row_group(batch: Any, codes: _Codes, count_keys: list[str], reason_keys: list[str]) -> tuple[Any, Any]:
    """Events of one row group counted per coded key combination, and rated events per reason text (or None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows

    def column(name: str) -> Any:
        return batch[name] if name in batch.column_names else pa.nulls(n, pa.string())

    keys = {name: codes.encode(name, column(name)) for name in count_keys}
    keys["prompted"] = pc.is_valid(column("prompt_id"))
    counted = pa.table(keys).group_by(list(keys), use_threads=True).aggregate([([], "count_all")])
    outcome, reasons = column("outcome").combine_chunks(), column("reason_codes").combine_chunks()
    mask = pc.and_(pc.equal(outcome, "rated"), pc.not_equal(reasons, "[]"))
    if not pc.any(mask).as_py():
        return counted, None
    r = {name: keys[name] for name in reason_keys}
    r["reason_codes"] = codes.encode("reason_codes", reasons)
    part = pa.table(r).filter(mask)
    return counted, part.group_by(list(r), use_threads=True).aggregate([([], "count_all")])


def _sum_parts(
    counts_parts: list, reason_parts: list, codes: _Codes, count_keys: list[str], reason_keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The row groups' counts summed and decoded: the count table and the reason counts."""
    import pyarrow as pa

    empty = pa.table(
        {
            **{k: pa.array([], pa.int32()) for k in count_keys},
            "prompted": pa.array([], pa.bool_()),
            "count_all": pa.array([], pa.int64()),
        }
    )
    total = pa.concat_tables(counts_parts) if counts_parts else empty
    total = total.group_by([*count_keys, "prompted"], use_threads=True).aggregate([("count_all", "sum")])
    counts = codes.decode(total).rename(columns={"count_all_sum": "n"})[[*count_keys, "prompted", "n"]]
    if reason_parts:
        r = pa.concat_tables(reason_parts)
        r = r.group_by([*reason_keys, "reason_codes"], use_threads=True).aggregate([("count_all", "sum")])
        r = codes.decode(r).rename(columns={"count_all_sum": "n"})
        reasons = _explode_reasons(r, reason_keys)
    else:
        reasons = pd.DataFrame(
            {**{k: pd.Series([], dtype=object) for k in [*reason_keys, "reason"]}, "n": pd.Series([], dtype="int64")}
        )
    return counts, reasons


def _explode_reasons(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Reason counts from counts per distinct ``reason_codes`` text (each text parsed once)."""
    parsed = {text: json.loads(text) for text in table["reason_codes"].unique()}
    rows = []
    for values in table[[*keys, "reason_codes", "n"]].itertuples(index=False, name=None):
        for reason in parsed[values[-2]]:
            rows.append((*values[:-2], reason, values[-1]))
    frame = pd.DataFrame(rows, columns=[*keys, "reason", "n"])
    return frame.groupby([*keys, "reason"], dropna=False)["n"].sum().reset_index()
