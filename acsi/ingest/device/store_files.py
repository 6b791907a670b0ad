"""The event store's file on disk: damage seen in its SQLite header, the read-only connection, and setting a
damaged file aside."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import urllib.parse
import warnings
from pathlib import Path

from acsi.errors import StoreError, StoreRecoveredWarning

__all__ = ["connect_readonly", "set_aside", "store_damage"]


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


def set_aside(path: Path, problem: str) -> None:
    """Rename a damaged store (and its WAL files) to ``<name>.corrupt-<timestamp>`` and warn
    where it went; the next connection starts a fresh store at the original path."""
    kept = path.with_name(f"{path.name}.corrupt-{dt.datetime.now():%Y%m%d%H%M%S}")
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            side.rename(Path(str(kept) + suffix))
    warnings.warn(
        f"Event store '{path}' is damaged ({problem}); kept it as '{kept}' and started a fresh store.",
        StoreRecoveredWarning,
        stacklevel=3,
    )


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (SQLite ``mode=ro``) to an existing, undamaged event store; :class:`StoreError`
    naming the file when it is missing, damaged (:func:`store_damage`), unreadable or not an event store."""
    if not path.is_file():
        where = "is a directory" if path.is_dir() else "does not exist"
        raise StoreError(
            f"Event store '{path}' {where}; give the path of an existing store (commands that only read never create one).",
            source=str(path),
        )
    damage = store_damage(path)
    if damage:
        raise StoreError(
            f"Event store '{path}' is damaged: {damage}. Nothing was changed. Run "
            f"'acsi device check --db {path}'; a writer ('acsi device import' or 'listen') "
            "keeps the damaged file aside and starts a fresh store.",
            source=str(path),
        )
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise StoreError(
            f"Event store '{path}' cannot be read: {err}. Is it an acsi event store (SQLite)?", source=str(path)
        ) from err
    if "events" not in tables:
        conn.close()
        raise StoreError(f"'{path}' is an SQLite file but not an acsi event store (no 'events' table).", source=str(path))
    return conn
