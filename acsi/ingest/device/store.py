"""The durable event store: one embedded SQLite file per branch PC (WAL, ``synchronous=FULL``).

Guarantees
----------
- **Raw first**: every USB report that changed the device state is written to ``raw_reports``
  in the same transaction as the events decoded from it, so a mapping fix can re-derive them.
- **Commit before acknowledge**: :meth:`EventStore.capture` returns only after the commit; the
  reader acknowledges to the device (or prints) afterwards. With ``synchronous=FULL`` SQLite
  syncs the WAL at each commit, so a committed event survives a power cut; with ``NORMAL`` the
  last commits could be lost (https://www.sqlite.org/pragma.html#pragma_synchronous).
- **Append-only**: triggers abort UPDATE and DELETE on ``events``, ``raw_reports``,
  ``staff_session`` and ``corrections``; a fix is a new row in ``corrections``, applied when
  events are read.
- **Idempotent**: each event is keyed by ``id_hash``, a 64-bit BLAKE2b digest of its text
  ``event_id`` under a unique index, and an id already stored is skipped, so a retried write, a
  replayed export or a second import of the same log changes nothing. The full ``event_id`` is
  stored too: two different ids with the same 64-bit digest are told apart (open addressing:
  the second id takes the digest of ``"1:" + id``, then ``"2:" + id`` ...; rows are never
  deleted, so a probe chain has no holes). An integer key costs a fraction of a text key per
  insert, which is what makes bulk imports of a million events take seconds.
- **Validated**: a row that breaks a NOT NULL constraint raises :class:`IngestError` naming the
  event; nothing is skipped silently.

Tables and migrations: :mod:`~acsi.ingest.device.store_schema`. Stored ids are never rewritten;
a store opened for writing that already holds imported events records ``meta.vendor_ids =
'legacy'``, and vendor imports into it also look rows up under the old id (same time, device
and code: the same press, not added again).

Modules, one job each: this one holds :class:`EventStore` (connections, transactions, the
public reading and writing calls); :mod:`~acsi.ingest.device.event_keys` the 64-bit keys,
:mod:`~acsi.ingest.device.store_schema` the schema, :mod:`~acsi.ingest.device.store_write` the
idempotent batch insert, :mod:`~acsi.ingest.device.store_read` the counts and corrections,
:mod:`~acsi.ingest.device.store_files` header damage, the read-only connection and setting a damaged
file aside, and
:mod:`~acsi.ingest.device.store_check` the read-only check (``acsi device check``).

Bulk writes (:meth:`EventStore.add_columns`) bind only the columns that vary from row to row;
columns constant over an import go into the statement as SQL literals, and missing values are
bound as NaN (which SQLite stores as NULL) rather than ``None`` (which Python's ``sqlite3``
binds through its adapter lookup, several times slower).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import IngestError, ParameterError
from acsi.ingest.device import event_keys
from acsi.ingest.device.events import EVENT_COLUMNS, OUTCOMES, EvaluationEvent, iso_utc
from acsi.ingest.device.store_files import connect_readonly, set_aside, store_damage
from acsi.ingest.device.store_read import apply_corrections, count_table
from acsi.ingest.device.store_schema import create_or_migrate
from acsi.ingest.device.store_write import check_ids, column_batches, write_rows

__all__ = ["CORRECTABLE", "EventStore"]

CORRECTABLE = ("staff_id", "window_id", "branch_id", "bank_id", "service_ref", "outcome")
_ALL_COLUMNS = (*EVENT_COLUMNS, "id_hash")


def _now() -> str:
    return iso_utc(dt.datetime.now(dt.UTC))


class EventStore:
    """An append-only SQLite event store. One writer connection, safe to share across threads.

    Parameters
    ----------
    path : str or Path
        The database file (created if missing).
    synchronous : {"FULL", "NORMAL"}
        ``FULL`` (default) makes every commit durable against power loss.
    check : bool
        Writers: run ``PRAGMA integrity_check`` at opening; on failure (or a file cut short, seen
        in its header) rename the file to ``<path>.corrupt-<timestamp>``, start a fresh one and
        warn where the old one went (:class:`StoreRecoveredWarning`).
    readonly : bool
        Open an existing store with SQLite ``mode=ro`` (:meth:`open_readonly`): never created,
        renamed or written; a missing or damaged file raises :class:`StoreError`.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str = "FULL", check: bool = True, readonly: bool = False
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ParameterError(f"synchronous must be 'FULL' or 'NORMAL', got {synchronous!r}.")
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        if readonly:
            self._conn = connect_readonly(self.path)
            return
        damage = store_damage(self.path) if self.path.is_file() else None
        if damage and not damage.startswith("not an SQLite"):
            set_aside(self.path, damage)  # a store cut short: recovery belongs to writers
        self._conn = self._connect(synchronous)
        if check:
            problems = self.integrity_check()
            if problems:
                self._conn.close()
                set_aside(self.path, problems[0])
                self._conn = self._connect(synchronous)

    @classmethod
    def open_readonly(cls, path: str | os.PathLike[str]) -> EventStore:
        """Open an existing store for reading only (SQLite ``mode=ro``): never created, renamed
        or written. Damage found at opening raises :class:`StoreError` (see :func:`store_damage`)."""
        return cls(path, readonly=True)

    def _connect(self, synchronous: str) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports keep the id index in memory
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA journal_size_limit = 67108864")  # truncate the WAL to 64 MiB after checkpoints
            create_or_migrate(conn)
        except sqlite3.DatabaseError as err:
            raise IngestError(
                f"Event store '{self.path}' cannot be opened: {err}. Is it an acsi event store (SQLite)?", source=str(self.path)
            ) from err
        return conn

    def has_legacy_vendor_ids(self) -> bool:
        """True when the store may hold vendor-log events under ids of schema 2 or earlier."""
        return self.meta("vendor_ids") == "legacy"

    def stored_presses(self, event_ids: Sequence[str], captured_at_utc: Sequence[str], raw_code: Sequence[Any]) -> np.ndarray:
        """Which of these ids are stored with the same ``captured_at_utc`` and ``raw_code`` (a bool array)."""
        found: dict[str, tuple] = {}
        ids = list(event_ids)
        for start in range(0, len(ids), 20_000):
            chunk = json.dumps(event_keys.id_hashes(ids[start : start + 20_000]))
            for event_id, captured, code in self._conn.execute(
                "SELECT event_id, captured_at_utc, raw_code FROM events WHERE id_hash IN (SELECT value FROM json_each(?))",
                (chunk,),
            ):
                found[event_id] = (captured, code)
        return np.array([found.get(e) == (c, r) for e, c, r in zip(ids, captured_at_utc, raw_code)], dtype=bool)

    # -- housekeeping --------------------------------------------------------------------------
    def integrity_check(self) -> list[str]:
        """Problems reported by ``PRAGMA integrity_check`` (empty when the file is sound)."""
        with self._lock:
            try:
                rows = [r[0] for r in self._conn.execute("PRAGMA integrity_check").fetchall()]
            except sqlite3.DatabaseError as err:
                return [str(err)]
        return [] if rows == ["ok"] else rows

    def pragma(self, name: str) -> object:
        """The first value of ``PRAGMA name``."""
        return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

    def pragma_rows(self, name: str) -> list:
        """The first column of every row of ``PRAGMA name`` (``["ok"]`` from a sound integrity check)."""
        return [r[0] for r in self._conn.execute(f"PRAGMA {name}").fetchall()]

    def meta(self, key: str) -> str | None:
        """The value of ``key`` in the ``meta`` table (``schema_version``, ``vendor_ids``), None when absent."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup(self, target: str | os.PathLike[str]) -> None:
        """An online, consistent copy (``sqlite3.Connection.backup``)."""
        with self._lock, sqlite3.connect(target) as dst:
            self._conn.backup(dst)
        dst.close()

    def count(self, table: str = "events") -> int:
        if table not in ("events", "raw_reports", "staff_session", "device_status", "corrections"):
            raise ParameterError(f"unknown table {table!r}")
        return self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # -- writing -------------------------------------------------------------------------------
    def capture(
        self,
        events: Sequence[EvaluationEvent],
        *,
        raw: bytes | None = None,
        device_uid: str | None = None,
        captured_at_utc: str | None = None,
        mono_ns: int | None = None,
    ) -> list[EvaluationEvent]:
        """Write one raw report and the events decoded from it in one durable transaction.

        Returns the events as stored (with ``raw_report_id``), after the commit: only then may
        the caller acknowledge them.
        """
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                stored = list(events)
                if raw is not None:
                    cur.execute(
                        "INSERT INTO raw_reports (device_uid, captured_at_utc, captured_mono_ns, bytes) VALUES (?,?,?,?)",
                        (device_uid, captured_at_utc or _now(), mono_ns, bytes(raw)),
                    )
                    rid = cur.lastrowid
                    stored = [replace(e, raw_report_id=rid) for e in stored]
                if stored:
                    write_rows(cur, _ALL_COLUMNS, [(*e.row(), event_keys.id_hash(e.event_id)) for e in stored])
                cur.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return stored

    def add_rows(self, rows: Iterable[Sequence], *, batch: int = 200_000) -> int:
        """Insert event rows (tuples in :data:`EVENT_COLUMNS` order) in batched transactions,
        skipping ids already stored. Returns the number of new events.

        Raises
        ------
        IngestError
            A row without an event id or breaking a NOT NULL constraint (the batch holding it
            is rolled back; earlier batches stay committed).
        """
        id_pos = EVENT_COLUMNS.index("event_id")
        added = done = 0
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, batch)):
            ids = [row[id_pos] for row in chunk]
            check_ids(ids)
            added += self._commit(_ALL_COLUMNS, [(*row, key) for row, key in zip(chunk, event_keys.id_hashes(ids))], offset=done)
            done += len(chunk)
        return added

    def add_columns(self, columns: Mapping[str, Any], n: int, *, batch: int = 200_000) -> int:
        """Insert ``n`` events given column-wise, in batched durable transactions; the fast path
        of bulk imports. Returns the number of new events (ids already stored are skipped).

        Parameters
        ----------
        columns : mapping
            :data:`EVENT_COLUMNS` names to a sequence or array of ``n`` values, or to one value
            shared by all rows (written into the statement as a literal, not bound per row).
            Missing names are NULL. Missing values may be ``None`` or NaN; NaN binds faster.
            ``event_id`` must be a sequence of text.
        n : int
            The number of events.

        Raises
        ------
        IngestError
            As :meth:`add_rows`.
        """
        added = 0
        for names, rows, constant, start in column_batches(columns, n, batch):
            added += self._commit(names, rows, constant, offset=start)
        return added

    def _commit(
        self, names: Sequence[str], rows: list[tuple], constants: Mapping[str, Any] | None = None, offset: int = 0
    ) -> int:
        """Write one batch in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``)."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                added = write_rows(cur, names, rows, constants, offset)
                cur.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return added

    def _find(self, event_id: str) -> int | None:
        """The rowid of ``event_id``, following its probe chain; None when it is not stored."""
        probe = 0
        while True:
            found = self._conn.execute(
                "SELECT rowid, event_id FROM events WHERE id_hash = ?", (event_keys.id_hash(event_id, probe),)
            ).fetchone()
            if found is None:
                return None
            if found[1] == event_id:
                return found[0]
            probe += 1

    def add_events(self, events: Iterable[EvaluationEvent], *, batch: int = 200_000) -> int:
        return self.add_rows((e.row() for e in events), batch=batch)

    def _rollback(self) -> None:
        """Roll back the open transaction, if any: an interrupt (Ctrl-C) can arrive just after
        COMMIT returned, when there is nothing left to roll back."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _log(self, sql: str, values: tuple) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(sql, values)
                self._conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def log_staff(self, window_id: str | None, staff_id: str | None, action: str) -> None:
        """Append a staff ``login`` or ``logout`` row."""
        if action not in ("login", "logout"):
            raise ParameterError(f"action must be 'login' or 'logout', got {action!r}.")
        self._log(
            "INSERT INTO staff_session (window_id, staff_id, action, at_utc) VALUES (?,?,?,?)",
            (window_id, staff_id, action, _now()),
        )

    def log_status(self, device_uid: str | None, state: str, detail: str = "") -> None:
        """Append a ``device_status`` row (connected, disconnected, busy, permission, ...)."""
        self._log(
            "INSERT INTO device_status (device_uid, at_utc, state, detail) VALUES (?,?,?,?)", (device_uid, _now(), state, detail)
        )

    def correct(self, event_id: str, field: str, new_value: str | None, *, reason: str, by: str) -> None:
        """Record a correction; events themselves never change.

        Raises
        ------
        IngestError
            Unknown event, a field that cannot be corrected, or an invalid outcome.
        """
        if field not in CORRECTABLE:
            raise IngestError(f"Field '{field}' cannot be corrected; correctable fields: {', '.join(CORRECTABLE)}.", key=field)
        if field == "outcome" and new_value not in (*OUTCOMES, "void"):
            raise IngestError(f"Outcome {new_value!r} is not one of {', '.join(OUTCOMES)}, void.", key=field, raw_value=new_value)
        if self._find(event_id) is None:
            raise IngestError(f"No event with id '{event_id}' in '{self.path}'.", raw_value=event_id)
        self._log(
            "INSERT INTO corrections (event_id, field, new_value, reason, at_utc, by) VALUES (?,?,?,?,?,?)",
            (event_id, field, new_value, reason, _now(), by),
        )

    # -- reading -------------------------------------------------------------------------------
    def event_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT event_id FROM events")}

    def read_frames(self, *queries: str | tuple[str, tuple]) -> list[pd.DataFrame]:
        """The result of each query (SQL text, or SQL and parameters) as a DataFrame, all read
        under one lock so that a concurrent writer cannot commit between them."""
        with self._lock:
            return [
                pd.read_sql_query(q, self._conn) if isinstance(q, str) else pd.read_sql_query(q[0], self._conn, params=q[1])
                for q in queries
            ]

    def events_frame(self, *, corrected: bool = True, where: str = "", params: tuple = ()) -> pd.DataFrame:
        """All events as a DataFrame (columns :data:`EVENT_COLUMNS`), corrections applied.

        A correction of ``outcome`` to ``void`` removes the event from the frame.
        """
        frame, fixes = self.read_frames(
            (f"SELECT {', '.join(EVENT_COLUMNS)} FROM events {where} ORDER BY rowid", params),
            "SELECT event_id, field, new_value FROM corrections ORDER BY id",
        )
        if corrected and len(fixes):
            frame = apply_corrections(frame, fixes)
        return frame

    def corrected_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT DISTINCT event_id FROM corrections")}

    def count_table(self, *, by: str | Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Event and reason counts per unit x period: :func:`acsi.ingest.device.store_read.count_table`."""
        return count_table(self, by=by)

    # -- export and re-import ------------------------------------------------------------------
    def export(self, target: str | os.PathLike[str], *, fmt: str | None = None, since_watermark: str | None = None) -> int:
        """Write events (corrections applied) to Parquet or CSV; returns the number written.

        ``since_watermark`` names a watermark: only events added since the last export under that
        name are written, and the watermark moves forward (daily incremental exports).
        """
        target = Path(target)
        fmt = fmt or target.suffix.lstrip(".").lower()
        if fmt not in ("parquet", "csv"):
            raise IngestError(f"Export format {fmt!r} is not supported; use .parquet or .csv.", source=str(target))
        where, params, last = "", (), 0
        if since_watermark:
            row = self._conn.execute("SELECT last_rowid FROM export_watermark WHERE name = ?", (since_watermark,)).fetchone()
            last = row[0] if row else 0
            where, params = "WHERE rowid > ?", (last,)
        top = self._conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0]
        frame = self.events_frame(where=where + (" AND" if where else "WHERE") + " rowid <= ?", params=(*params, top))
        if fmt == "parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_csv(target, index=False, na_rep=r"\N")  # NULL apart from the empty string
        if since_watermark:
            self._log(
                "INSERT OR REPLACE INTO export_watermark (name, last_rowid, at_utc) VALUES (?,?,?)",
                (since_watermark, top, _now()),
            )
        return len(frame)

    def import_export(self, source: str | os.PathLike[str]) -> int:
        """Load an export (Parquet or CSV written by :meth:`export`) back; ids already stored are
        ignored. Returns the number of new events."""
        from acsi.ingest.device.event_export import read_event_export, sql_rows

        return self.add_rows(sql_rows(read_event_export(source)))
