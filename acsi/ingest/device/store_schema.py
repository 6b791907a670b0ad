"""The event store's SQLite schema: tables, append-only triggers, indexes and migrations.

Tables: ``events``, ``raw_reports``, ``staff_session``, ``device_status``, ``corrections``,
``export_watermark``, ``meta``. Schema version 2 (``meta.schema_version``) added ``id_hash``;
a version-1 store is migrated when opened. Schema version 3 changed no table: vendor-log event
ids now include the press's time and code (:mod:`~acsi.ingest.device.vendor_log`); a store that
already holds imported events records ``meta.vendor_ids = 'legacy'``.
"""

from __future__ import annotations

import sqlite3

from acsi.ingest.device import event_keys
from acsi.ingest.device.events import EVENT_COLUMNS

__all__ = ["INDEXES", "SCHEMA", "SCHEMA_VERSION", "TABLES", "TRIGGERS", "create_or_migrate"]

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


def trigger_statements(table: str) -> tuple[str, str]:
    """The two triggers that abort UPDATE and DELETE on an append-only ``table``."""
    return tuple(  # type: ignore[return-value]
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} are append-only; write a correction instead'); END"
        for op in ("UPDATE", "DELETE")
    )


TRIGGERS = "".join(f"\n{statement};" for t in _APPEND_ONLY for statement in trigger_statements(t))
_UNIQUE_ID_HASH = "CREATE UNIQUE INDEX IF NOT EXISTS events_id_hash ON events(id_hash)"
INDEXES = f"""
CREATE INDEX IF NOT EXISTS corrections_event ON corrections(event_id);
{_UNIQUE_ID_HASH};
"""

# Kept for readers of the schema: everything a fresh store is made of.
SCHEMA = TABLES + INDEXES + TRIGGERS


def create_or_migrate(conn: sqlite3.Connection) -> None:
    """Create the tables of a fresh store, or bring an older one to :data:`SCHEMA_VERSION`."""
    conn.executescript(TABLES)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    if "id_hash" not in columns:
        migrate_v1(conn)
    conn.executescript(INDEXES + TRIGGERS)
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    migrate_v2(conn)


def migrate_v1(conn: sqlite3.Connection) -> None:
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
            probe, key = 0, event_keys.id_hash(event_id)
            while key in taken:
                probe += 1
                key = event_keys.id_hash(event_id, probe)
            taken.add(key)
            updates.append((key, rowid))
        conn.executemany("UPDATE events SET id_hash = ? WHERE rowid = ?", updates)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        conn.execute(_UNIQUE_ID_HASH)
        for statement in trigger_statements("events"):
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def migrate_v2(conn: sqlite3.Connection) -> None:
    """Schema 2 to 3: no row changes; record whether events imported under the old vendor-log
    ids (record number without time and code) may be present (``meta.vendor_ids``)."""
    if conn.execute("SELECT 1 FROM meta WHERE key = 'vendor_ids'").fetchone() is not None:
        return
    legacy = conn.execute("SELECT 1 FROM events WHERE source LIKE 'import:%' LIMIT 1").fetchone() is not None
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('vendor_ids', ?)", ("legacy" if legacy else "content",))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.execute("COMMIT")
