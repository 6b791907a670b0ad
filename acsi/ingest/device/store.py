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

Tables: ``events``, ``raw_reports``, ``staff_session``, ``device_status``, ``corrections``,
``export_watermark``, ``meta``. Schema version 2 (``meta.schema_version``) added ``id_hash``;
a version-1 store is migrated when opened. Schema version 3 changed no table: vendor-log event
ids now include the press's time and code (:mod:`~acsi.ingest.device.vendor_log`). Stored ids
are never rewritten; a store opened for writing that already holds imported events records
``meta.vendor_ids = 'legacy'``, and vendor imports into it also look rows up under the old id
(same time, device and code: the same press, not added again).

Bulk writes (:meth:`EventStore.add_columns`) bind only the columns that vary from row to row;
columns constant over an import go into the statement as SQL literals, and missing values are
bound as NaN (which SQLite stores as NULL) rather than ``None`` (which Python's ``sqlite3``
binds through its adapter lookup, several times slower).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import os
import sqlite3
import threading
import urllib.parse
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import EventConflictError, IngestError, ParameterError, StoreError, StoreRecoveredWarning
from acsi.ingest.device.events import EVENT_COLUMNS, OUTCOMES, EvaluationEvent, iso_utc

__all__ = [
    "CORRECTABLE",
    "PRESS_COLUMNS",
    "EventStore",
    "StoreRecoveredWarning",
    "check_store",
    "id_hash",
    "id_hashes",
    "store_damage",
]

CORRECTABLE = ("staff_id", "window_id", "branch_id", "bank_id", "service_ref", "outcome")

_EVENT_TYPES = {
    "captured_mono_ns": "INTEGER",
    "profile_version": "INTEGER",
    "scale_levels": "INTEGER NOT NULL",
    "level": "INTEGER",
    "score_0_100": "REAL",
    "satisfied_min_level": "INTEGER NOT NULL",
    "bad_max_level": "INTEGER NOT NULL",
    "raw_report_id": "INTEGER",
    "schema_version": "INTEGER NOT NULL",
    "event_id": "TEXT NOT NULL",
    "captured_at_utc": "TEXT NOT NULL",
    "local_date": "TEXT NOT NULL",
    "outcome": "TEXT NOT NULL",
    "tz": "TEXT NOT NULL",
    "profile_id": "TEXT NOT NULL",
}

SCHEMA_VERSION = 3

TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS raw_reports (
    id INTEGER PRIMARY KEY, device_uid TEXT, captured_at_utc TEXT NOT NULL,
    captured_mono_ns INTEGER, bytes BLOB NOT NULL, direction TEXT NOT NULL DEFAULT 'in');
CREATE TABLE IF NOT EXISTS events (
    {", ".join(f"{c} {_EVENT_TYPES.get(c, 'TEXT')}" for c in EVENT_COLUMNS)}, id_hash INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS staff_session (
    id INTEGER PRIMARY KEY, window_id TEXT, staff_id TEXT, action TEXT NOT NULL, at_utc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS device_status (
    id INTEGER PRIMARY KEY, device_uid TEXT, at_utc TEXT NOT NULL, state TEXT NOT NULL, detail TEXT);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY, event_id TEXT NOT NULL, field TEXT NOT NULL, new_value TEXT,
    reason TEXT NOT NULL, at_utc TEXT NOT NULL, by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS export_watermark (name TEXT PRIMARY KEY, last_rowid INTEGER NOT NULL, at_utc TEXT);
"""

_APPEND_ONLY = ("events", "raw_reports", "staff_session", "corrections")


def _trigger_statements(table: str) -> tuple[str, str]:
    return tuple(  # type: ignore[return-value]
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} are append-only; write a correction instead'); END"
        for op in ("UPDATE", "DELETE")
    )


TRIGGERS = "".join(f"\n{statement};" for t in _APPEND_ONLY for statement in _trigger_statements(t))
_UNIQUE_ID_HASH = "CREATE UNIQUE INDEX IF NOT EXISTS events_id_hash ON events(id_hash)"
INDEXES = f"""
CREATE INDEX IF NOT EXISTS corrections_event ON corrections(event_id);
{_UNIQUE_ID_HASH};
"""

# Kept for readers of the schema: everything a fresh store is made of.
SCHEMA = TABLES + INDEXES + TRIGGERS


def id_hash(event_id: str, probe: int = 0) -> int:
    """The 64-bit key of an event id: BLAKE2b-64 of its UTF-8 text as a signed big-endian integer.

    ``probe`` > 0 hashes ``f"{probe}:{event_id}"`` instead: the next slot when another id took
    this one (probability about n^2 / 2^65 for n events: 3e-6 for ten million).
    """
    text = event_id if probe == 0 else f"{probe}:{event_id}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def id_hashes(event_ids: Sequence[str]) -> list[int]:
    """:func:`id_hash` (first probe) of many ids at once."""
    blake = hashlib.blake2b
    digests = b"".join([blake(e.encode(), digest_size=8).digest() for e in event_ids])
    return np.frombuffer(digests, dtype=">i8").tolist()


def _literal(value: Any) -> str:
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


def _plain(value: Any) -> Any:
    """A value as SQLite returns it: NULL for None/NaN, integral floats as int."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _show(values: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in values.items()) + "}"


_ALL_COLUMNS = (*EVENT_COLUMNS, "id_hash")

# The first day of the calendar period of ``local_date`` (YYYY-MM-DD), as
# :func:`acsi.ingest.device.indicators.period_of` computes it; ISO weeks start on Monday.
_PERIOD_START_SQL = {
    "day": "local_date",
    "week": "date(local_date, '-6 days', 'weekday 1')",
    "month": "substr(local_date, 1, 8) || '01'",
    "quarter": "substr(local_date, 1, 5) || printf('%02d', (CAST(substr(local_date, 6, 2) AS INTEGER) - 1) / 3 * 3 + 1) || '-01'",
    "year": "substr(local_date, 1, 5) || '01-01'",
}


def store_damage(path: str | os.PathLike[str]) -> str | None:
    """What is wrong with the file's SQLite header, read without opening it as a database; None
    when nothing is seen (a sound header says little about the pages: see :func:`check_store`).

    Detects a file that is not SQLite and a file cut short: the header (bytes 16-17 page size,
    28-31 page count, valid when bytes 24-27 equal 92-95; https://www.sqlite.org/fileformat.html)
    promises more pages than the file holds.
    """
    file = Path(path)
    size = file.stat().st_size
    if size == 0:
        return None  # an empty file is a database with no pages yet
    with open(file, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return f"not an SQLite database ({size} bytes, no SQLite header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and header[24:28] == header[92:96] and size < pages * page_size:
        return (
            f"the file is cut short: {size} bytes where the header promises {pages} pages of {page_size} bytes "
            f"({pages * page_size} bytes)"
        )
    return None


def check_store(path: str | os.PathLike[str], *, quick: bool = False) -> dict[str, Any]:
    """Check a store read-only: header, ``PRAGMA integrity_check`` (or ``quick_check``) and row
    counts. Returns ``{"path", "ok", "problems", "counts", "schema_version"}``; never changes the file.

    Raises
    ------
    StoreError
        The file does not exist.
    """
    file = Path(path)
    report: dict[str, Any] = {"path": str(file), "ok": False, "problems": [], "counts": {}, "schema_version": None}
    if not file.is_file():
        raise StoreError(f"Event store '{file}' does not exist; nothing to check.", source=str(file))
    damage = store_damage(file)
    if damage:
        report["problems"] = [damage]
        return report
    try:
        with EventStore.open_readonly(file) as store:
            pragma = "quick_check" if quick else "integrity_check"
            rows = [r[0] for r in store._conn.execute(f"PRAGMA {pragma}").fetchall()]
            report["problems"] = [] if rows == ["ok"] else rows
            for table in ("events", "raw_reports", "device_status", "staff_session", "corrections"):
                report["counts"][table] = store.count(table)
            row = store._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            report["schema_version"] = None if row is None else int(row[0])
    except StoreError as err:
        report["problems"].append(str(err))
    except sqlite3.DatabaseError as err:
        report["problems"].append(str(err))
    report["ok"] = not report["problems"]
    return report


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
            self._conn = self._connect_readonly()
            return
        damage = store_damage(self.path) if self.path.is_file() else None
        if damage and not damage.startswith("not an SQLite"):
            self._set_aside(damage)  # a store cut short: recovery belongs to writers
        self._conn = self._connect(synchronous)
        if check:
            problems = self.integrity_check()
            if problems:
                self._conn.close()
                self._set_aside(problems[0])
                self._conn = self._connect(synchronous)

    def _set_aside(self, problem: str) -> None:
        """Rename a damaged store (and its WAL files) to ``<name>.corrupt-<timestamp>`` and warn
        where it went; the next connection starts a fresh store at the original path."""
        kept = self.path.with_name(f"{self.path.name}.corrupt-{dt.datetime.now():%Y%m%d%H%M%S}")
        self.path.rename(kept)
        for suffix in ("-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            if side.exists():
                side.rename(Path(str(kept) + suffix))
        warnings.warn(
            f"Event store '{self.path}' is damaged ({problem}); kept it as '{kept}' and started a fresh store.",
            StoreRecoveredWarning,
            stacklevel=3,
        )

    @classmethod
    def open_readonly(cls, path: str | os.PathLike[str]) -> EventStore:
        """Open an existing store for reading only (SQLite ``mode=ro``): never created, renamed
        or written. Damage found at opening raises :class:`StoreError` (see :func:`store_damage`)."""
        return cls(path, readonly=True)

    def _connect_readonly(self) -> sqlite3.Connection:
        if not self.path.is_file():
            where = "is a directory" if self.path.is_dir() else "does not exist"
            raise StoreError(
                f"Event store '{self.path}' {where}; give the path of an existing store "
                "(commands that only read never create one).",
                source=str(self.path),
            )
        damage = store_damage(self.path)
        if damage:
            raise StoreError(
                f"Event store '{self.path}' is damaged: {damage}. Nothing was changed. Run "
                f"'acsi device check --db {self.path}'; a writer ('acsi device import' or 'listen') "
                "keeps the damaged file aside and starts a fresh store.",
                source=str(self.path),
            )
        uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as err:
            raise StoreError(
                f"Event store '{self.path}' cannot be read: {err}. Is it an acsi event store (SQLite)?", source=str(self.path)
            ) from err
        if "events" not in tables:
            conn.close()
            raise StoreError(
                f"'{self.path}' is an SQLite file but not an acsi event store (no 'events' table).", source=str(self.path)
            )
        return conn

    def _connect(self, synchronous: str) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports keep the id index in memory
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA journal_size_limit = 67108864")  # truncate the WAL to 64 MiB after checkpoints
            conn.executescript(TABLES)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
            if "id_hash" not in columns:
                self._migrate_v1(conn)
            conn.executescript(INDEXES + TRIGGERS)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._migrate_v2(conn)
        except sqlite3.DatabaseError as err:
            raise IngestError(
                f"Event store '{self.path}' cannot be opened: {err}. Is it an acsi event store (SQLite)?", source=str(self.path)
            ) from err
        return conn

    @staticmethod
    def _migrate_v1(conn: sqlite3.Connection) -> None:
        """Schema 1 to 2: add ``id_hash`` (probing past collisions) in one transaction.

        The append-only trigger is dropped and recreated inside the transaction, so no other
        writer can update events meanwhile; the old unique index on the text id stays.
        """
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DROP TRIGGER IF EXISTS events_no_update")
            conn.execute("ALTER TABLE events ADD COLUMN id_hash INTEGER")
            taken: set[int] = set()
            updates = []
            for rowid, event_id in conn.execute("SELECT rowid, event_id FROM events ORDER BY rowid").fetchall():
                probe, key = 0, id_hash(event_id)
                while key in taken:
                    probe += 1
                    key = id_hash(event_id, probe)
                taken.add(key)
                updates.append((key, rowid))
            conn.executemany("UPDATE events SET id_hash = ? WHERE rowid = ?", updates)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.execute(_UNIQUE_ID_HASH)
            for statement in _trigger_statements("events"):
                conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _migrate_v2(conn: sqlite3.Connection) -> None:
        """Schema 2 to 3: no row changes; record whether events imported under the old vendor-log
        ids (record number without time and code) may be present (``meta.vendor_ids``)."""
        if conn.execute("SELECT 1 FROM meta WHERE key = 'vendor_ids'").fetchone() is not None:
            return
        legacy = conn.execute("SELECT 1 FROM events WHERE source LIKE 'import:%' LIMIT 1").fetchone() is not None
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('vendor_ids', ?)", ("legacy" if legacy else "content",))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")

    def has_legacy_vendor_ids(self) -> bool:
        """True when the store may hold vendor-log events under ids of schema 2 or earlier."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'vendor_ids'").fetchone()
        return row is not None and row[0] == "legacy"

    def stored_presses(self, event_ids: Sequence[str], captured_at_utc: Sequence[str], raw_code: Sequence[Any]) -> np.ndarray:
        """Which of these ids are stored with the same ``captured_at_utc`` and ``raw_code`` (a bool array)."""
        found: dict[str, tuple] = {}
        ids = list(event_ids)
        for start in range(0, len(ids), 20_000):
            chunk = json.dumps(id_hashes(ids[start : start + 20_000]))
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
        return self._conn.execute(f"PRAGMA {name}").fetchone()[0]

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
                    self._write(cur, _ALL_COLUMNS, [(*e.row(), id_hash(e.event_id)) for e in stored])
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
            self._check_ids(ids)
            added += self._commit(_ALL_COLUMNS, [(*row, key) for row, key in zip(chunk, id_hashes(ids))], offset=done)
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
        added = 0
        for start in range(0, n, batch):
            stop = min(n, start + batch)
            chunk_ids = ids[start:stop]
            try:
                keys = id_hashes(chunk_ids)
            except (AttributeError, TypeError):
                keys = []
            if len(keys) != len(chunk_ids) or "" in chunk_ids:
                self._check_ids(chunk_ids, offset=start)
            values = [v[start:stop] for _, v in varying]
            rows = list(zip(*values, keys))
            added += self._commit(names, rows, constant, offset=start)
        return added

    @staticmethod
    def _check_ids(ids: Sequence, offset: int = 0) -> None:
        for i, event_id in enumerate(ids):
            if not isinstance(event_id, str) or not event_id:
                raise IngestError(
                    f"Event {offset + i + 1} of the batch has no event id ({event_id!r}); every event needs a non-empty text id.",
                    key="event_id",
                    record=offset + i + 1,
                    raw_value=event_id,
                )

    def _commit(
        self, names: Sequence[str], rows: list[tuple], constants: Mapping[str, Any] | None = None, offset: int = 0
    ) -> int:
        """Write one batch in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``)."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                added = self._write(cur, names, rows, constants, offset)
                cur.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return added

    def _write(
        self,
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
        literals = {name: _literal(value) for name, value in constants.items()}
        columns = ", ".join([*names, *literals])
        values = ", ".join(["?"] * len(names) + list(literals.values()))
        insert = f"INSERT INTO events ({columns}) VALUES ({values})"
        before = self._conn.total_changes
        cur.executemany(insert.replace("INSERT", "INSERT OR IGNORE", 1), rows)
        added = self._conn.total_changes - before
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
                    self._same_press(names, row, constants, found[1:], offset + start + i)
                    continue  # stored before or earlier in this batch
                added += self._write_one(cur, insert, row, event_id)
        return added

    @staticmethod
    def _same_press(names: Sequence[str], row: tuple, constants: Mapping[str, Any], stored: tuple, index: int) -> None:
        """Raise :class:`EventConflictError` unless ``row`` is the press stored under its id."""
        incoming = {}
        for name in PRESS_COLUMNS:
            value = row[names.index(name)] if name in names else constants.get(name)
            incoming[name] = _plain(value)
        before = {name: _plain(value) for name, value in zip(PRESS_COLUMNS, stored)}
        if incoming == before:
            return
        event_id = row[names.index("event_id")]
        differ = [n for n in PRESS_COLUMNS if incoming[n] != before[n]]
        err = EventConflictError(
            f"Event '{event_id}' (input row {index + 1}) has the id of a stored event but is a different press "
            f"({', '.join(differ)} differ): stored {_show(before)}; incoming {_show(incoming)}. Nothing of this "
            "batch was stored.",
            key="event_id",
            record=index + 1,
            raw_value=event_id,
        )
        err.stored, err.incoming, err.index = before, incoming, index
        raise err

    def _write_one(self, cur: sqlite3.Cursor, insert: str, row: tuple, event_id: str) -> int:
        """Write one row at the first free slot of its id's probe chain; 0 if the id is stored."""
        probe = 0
        while True:
            key = id_hash(event_id, probe)
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

    def _find(self, event_id: str) -> int | None:
        """The rowid of ``event_id``, following its probe chain; None when it is not stored."""
        probe = 0
        while True:
            found = self._conn.execute(
                "SELECT rowid, event_id FROM events WHERE id_hash = ?", (id_hash(event_id, probe),)
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

    def events_frame(self, *, corrected: bool = True, where: str = "", params: tuple = ()) -> pd.DataFrame:
        """All events as a DataFrame (columns :data:`EVENT_COLUMNS`), corrections applied.

        A correction of ``outcome`` to ``void`` removes the event from the frame.
        """
        with self._lock:
            frame = pd.read_sql_query(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events {where} ORDER BY rowid", self._conn, params=params
            )
            fixes = pd.read_sql_query("SELECT event_id, field, new_value FROM corrections ORDER BY id", self._conn)
        if corrected and len(fixes):
            frame = apply_corrections(frame, fixes)
        return frame

    def corrected_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT DISTINCT event_id FROM corrections")}

    def count_table(self, *, by: str | Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Event counts per (bank, branch, window, staff, day, scale, outcome, level, label,
        prompted) and reason counts of rated events, aggregated in SQL; corrected events are
        aggregated from :meth:`events_frame` and added. Input of
        :func:`acsi.ingest.device.indicators.indicators_from_counts`.

        ``by`` (as in :func:`~acsi.ingest.device.indicators.counts_from_parquet`) groups only by
        the unit columns it needs and folds days into the first day of their period in SQL.
        """
        from acsi.ingest.device.indicators import COUNT_KEYS, UNITS, _parse_by, counts_from_events, fold_counts

        if by is None:
            units, kind = list(dict.fromkeys(k for unit in UNITS.values() for k in unit)), None
        else:
            units, kind = _parse_by(by)
        day = _PERIOD_START_SQL[kind] if kind else "local_date"
        rest = list(COUNT_KEYS[5:-1])
        select = ", ".join([*units, f"{day} AS period_day", *rest])
        group = ", ".join([*units, "period_day", *rest])
        fixed = self.corrected_ids()
        exclude = "WHERE event_id NOT IN (SELECT event_id FROM corrections)" if fixed else ""
        and_exclude = "AND e.event_id NOT IN (SELECT event_id FROM corrections)" if fixed else ""
        reason_units = ", ".join(f"e.{u}" for u in units)
        with self._lock:
            counts = pd.read_sql_query(
                f"SELECT {select}, prompt_id IS NOT NULL AS prompted, COUNT(*) AS n FROM events {exclude} "
                f"GROUP BY {group}, prompted",
                self._conn,
            )
            reasons = pd.read_sql_query(
                f"SELECT {reason_units}, {day.replace('local_date', 'e.local_date')} AS period_day, j.value AS reason, "
                "COUNT(*) AS n FROM events e, json_each(e.reason_codes) j "
                f"WHERE e.outcome = 'rated' AND e.reason_codes != '[]' {and_exclude} "
                f"GROUP BY {reason_units}, period_day, reason",
                self._conn,
            )
        counts = counts.rename(columns={"period_day": "local_date"})
        reasons = reasons.rename(columns={"period_day": "local_date"})
        if fixed:
            placeholders = ",".join("?" * len(fixed))
            extra = self.events_frame(where=f"WHERE event_id IN ({placeholders})", params=tuple(fixed))
            c2, r2 = counts_from_events(extra)
            c2, r2 = fold_counts(c2, units, kind), fold_counts(r2, units, kind)
            counts = pd.concat([counts, c2], ignore_index=True)
            reasons = pd.concat([reasons, r2], ignore_index=True)
        counts["prompted"] = counts["prompted"].astype(bool)
        made_for = (tuple(units), kind, by if isinstance(by, str) or by is None else ",".join(by))
        counts.attrs["acsi_by"] = reasons.attrs["acsi_by"] = made_for
        return counts, reasons

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
        from acsi.ingest.device.vendor_log import read_event_export, sql_rows

        return self.add_rows(sql_rows(read_event_export(source)))


def apply_corrections(frame: pd.DataFrame, fixes: pd.DataFrame) -> pd.DataFrame:
    """Apply correction rows (latest per event and field wins); ``outcome = void`` drops the event."""
    frame = frame.copy()
    latest = fixes.drop_duplicates(["event_id", "field"], keep="last")
    index = pd.Index(frame["event_id"])
    for field, group in latest.groupby("field"):
        pos = index.get_indexer(group["event_id"])
        ok = pos >= 0
        col = frame.columns.get_loc(field)
        for p, v in zip(pos[ok], group["new_value"].to_numpy()[ok]):
            frame.iat[p, col] = v
    return frame[frame["outcome"] != "void"].reset_index(drop=True)


def flags_of(text: str) -> list[str]:
    return json.loads(text) if text else []
