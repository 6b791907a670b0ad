"""Writing event rows into the store inside a transaction: idempotent, collision-safe, validated.

Rows go in with one ``INSERT OR IGNORE`` per batch; ignored rows are reconciled (the same press
again is skipped, a different press under a stored id is an :class:`~acsi.errors.EventConflictError`,
a digest collision is written along its probe chain, a NOT NULL violation is an
:class:`~acsi.errors.IngestError` naming the event). Columns constant over a batch are written
into the statement as SQL literals rather than bound per row.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import EventConflictError, IngestError, ParameterError
from acsi.ingest.device import event_keys
from acsi.ingest.device.events import EVENT_COLUMNS

__all__ = ["PRESS_COLUMNS", "check_ids", "column_batches", "literal", "write_rows"]


def literal(value: Any) -> str:
    """A constant as an SQL literal (text quoted, NULL for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot store a constant of type {type(value).__name__}")


# What a press is: two rows with one event id are the same press only if these agree. Fields a
# correction may change (staff, window, outcome ...) are not among them, so re-importing a
# corrected export is not a conflict.
PRESS_COLUMNS = ("captured_at_utc", "device_uid", "raw_code", "level", "reason_codes")


def plain(value: Any) -> Any:
    """A value as SQLite returns it: NULL for None/NaN, integral floats as int."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def show(values: Mapping[str, Any]) -> str:
    """``{name=value, ...}`` for messages."""
    return "{" + ", ".join(f"{k}={v!r}" for k, v in values.items()) + "}"


def check_ids(ids: Sequence, offset: int = 0) -> None:
    """Every id a non-empty text; an :class:`~acsi.errors.IngestError` naming the first that is not."""
    for i, event_id in enumerate(ids):
        if not isinstance(event_id, str) or not event_id:
            raise IngestError(
                f"Event {offset + i + 1} of the batch has no event id ({event_id!r}); every event needs a non-empty text id.",
                key="event_id",
                record=offset + i + 1,
                raw_value=event_id,
            )


def write_rows(
    cur: sqlite3.Cursor,
    names: Sequence[str],
    rows: Sequence[tuple],
    constants: Mapping[str, Any] | None = None,
    offset: int = 0,
) -> int:
    """Insert rows (``names`` order, ``id_hash`` last) inside the caller's transaction;
    ``constants`` are columns shared by every row, written as SQL literals.

    Fast path: one ``executemany`` of ``INSERT OR IGNORE``. When every row went in, that is
    all (a fresh import). When some were ignored, the batch is reconciled: the ids stored
    under the batch's keys are fetched in one query per 20,000 rows; a row whose key holds
    its own id was stored before (or earlier in this batch) and is skipped only if it is the
    same press (:data:`PRESS_COLUMNS` equal), else :class:`EventConflictError`; a row whose
    key holds a *different* id collided and is written along its probe chain; a row whose
    key holds nothing was refused for another reason (a NOT NULL column) and is written
    again so that the error names it. (No SAVEPOINT around the fast path: with one open,
    SQLite journals every page the batch touches, and a batch into a full table slows
    twenty-fold.) ``offset`` is the position of the first row in the caller's input.
    """
    constants = constants or {}
    literals = {name: literal(value) for name, value in constants.items()}
    columns = ", ".join([*names, *literals])
    values = ", ".join(["?"] * len(names) + list(literals.values()))
    insert = f"INSERT INTO events ({columns}) VALUES ({values})"
    before = cur.connection.total_changes
    cur.executemany(insert.replace("INSERT", "INSERT OR IGNORE", 1), rows)
    added = cur.connection.total_changes - before
    if added == len(rows):
        return added
    id_pos = names.index("event_id")
    press = ", ".join(PRESS_COLUMNS)
    for start in range(0, len(rows), 20_000):
        chunk = rows[start : start + 20_000]
        keys = json.dumps([row[-1] for row in chunk])
        stored = {
            r[0]: r[1:]
            for r in cur.execute(
                f"SELECT id_hash, event_id, {press} FROM events WHERE id_hash IN (SELECT value FROM json_each(?))", (keys,)
            ).fetchall()
        }
        for i, row in enumerate(chunk):
            event_id = row[id_pos]
            found = stored.get(row[-1])
            if found is not None and found[0] == event_id:
                same_press(names, row, constants, found[1:], offset + start + i)
                continue  # stored before or earlier in this batch
            added += write_one(cur, insert, row, event_id)
    return added


def same_press(names: Sequence[str], row: tuple, constants: Mapping[str, Any], stored: tuple, index: int) -> None:
    """Raise :class:`EventConflictError` unless ``row`` is the press stored under its id."""
    incoming = {}
    for name in PRESS_COLUMNS:
        value = row[names.index(name)] if name in names else constants.get(name)
        incoming[name] = plain(value)
    before = {name: plain(value) for name, value in zip(PRESS_COLUMNS, stored)}
    if incoming == before:
        return
    event_id = row[names.index("event_id")]
    differ = [n for n in PRESS_COLUMNS if incoming[n] != before[n]]
    err = EventConflictError(
        f"Event '{event_id}' (input row {index + 1}) has the id of a stored event but is a different press "
        f"({', '.join(differ)} differ): stored {show(before)}; incoming {show(incoming)}. Nothing of this "
        "batch was stored.",
        key="event_id",
        record=index + 1,
        raw_value=event_id,
    )
    err.stored, err.incoming, err.index = before, incoming, index
    raise err


def write_one(cur: sqlite3.Cursor, insert: str, row: tuple, event_id: str) -> int:
    """Write one row at the first free slot of its id's probe chain; 0 if the id is stored."""
    probe = 0
    while True:
        key = event_keys.id_hash(event_id, probe)
        found = cur.execute("SELECT event_id FROM events WHERE id_hash = ?", (key,)).fetchone()
        if found is None:
            try:
                cur.execute(insert, (*row[:-1], key))
            except sqlite3.IntegrityError as err:
                raise IngestError(
                    f"Event '{event_id}' cannot be stored: {err}. Check the source of this "
                    "event; required fields must not be empty.",
                    key="event_id",
                    raw_value=event_id,
                ) from err
            return 1
        if found[0] == event_id:
            return 0
        probe += 1


def column_batches(
    columns: Mapping[str, Any], n: int, batch: int
) -> Iterator[tuple[tuple[str, ...], list[tuple], dict[str, Any], int]]:
    """Column-wise events (see :meth:`~acsi.ingest.device.store.EventStore.add_columns`) as
    batches ``(names, rows, constants, start)``: the varying columns' names with ``id_hash``
    last, their rows, the constant columns, and the position of the batch's first event.

    Raises :class:`~acsi.errors.ParameterError` for unknown columns or lengths other than ``n``,
    :class:`~acsi.errors.IngestError` for a missing event id (see :func:`check_ids`).
    """
    unknown = [c for c in columns if c not in EVENT_COLUMNS]
    if unknown:
        raise ParameterError(f"Unknown event columns: {', '.join(unknown)}; expected names from EVENT_COLUMNS.")
    ids = columns.get("event_id")
    if ids is None or isinstance(ids, str):
        raise ParameterError("add_columns needs 'event_id' as a sequence of ids, one per event.")
    ids = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    varying, constant = [], {}
    for name in EVENT_COLUMNS:
        value = columns.get(name)
        if isinstance(value, (np.ndarray, pd.Series, pd.Index, list, tuple)):
            values = value.tolist() if hasattr(value, "tolist") else list(value)
            if len(values) != n:
                raise ParameterError(f"Column '{name}' has {len(values)} values for {n} events.")
            varying.append((name, values))
        else:
            constant[name] = value
    if len(ids) != n:
        raise ParameterError(f"Column 'event_id' has {len(ids)} values for {n} events.")
    names = (*[name for name, _ in varying], "id_hash")
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        chunk_ids = ids[start:stop]
        try:
            keys = event_keys.id_hashes(chunk_ids)
        except (AttributeError, TypeError):
            keys = []
        if len(keys) != len(chunk_ids) or "" in chunk_ids:
            check_ids(chunk_ids, offset=start)
        values = [v[start:stop] for _, v in varying]
        rows = list(zip(*values, keys))
        yield names, rows, constant, start
