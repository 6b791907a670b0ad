"""Checking an event store without changing it: the ``acsi device check`` report, and a checked read-only opening."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from acsi.errors import AcsiError, StoreError
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.store_files import store_damage

__all__ = ["check_store", "open_checked"]


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
            rows = store.pragma_rows(pragma)
            report["problems"] = [] if rows == ["ok"] else rows
            for table in ("events", "raw_reports", "device_status", "staff_session", "corrections"):
                report["counts"][table] = store.count(table)
            version = store.meta("schema_version")
            report["schema_version"] = None if version is None else int(version)
    except StoreError as err:
        report["problems"].append(str(err))
    except sqlite3.DatabaseError as err:
        report["problems"].append(str(err))
    report["ok"] = not report["problems"]
    return report


@contextlib.contextmanager
def open_checked(path: str | os.PathLike[str], *, check: bool = True) -> Iterator[EventStore]:
    """An existing store opened read-only and, with ``check``, verified by ``PRAGMA quick_check``
    (about 2 s per million events) so that a damaged page is an error, not a silently short
    table; damage met while reading also becomes a :class:`~acsi.errors.StoreError`."""
    with EventStore.open_readonly(path) as store:
        try:
            if check:
                problems = store.pragma_rows("quick_check")
                if problems != ["ok"]:
                    raise StoreError(
                        f"Event store '{path}' is damaged ({problems[0]}). Nothing was changed. Run "
                        f"'acsi device check --db {path}'; a writer ('acsi device import' or 'listen') "
                        "keeps the damaged file aside and starts a fresh store.",
                        source=str(path),
                    )
            yield store
        except Exception as err:
            cause = err if isinstance(err, sqlite3.DatabaseError) else err.__cause__
            if isinstance(err, AcsiError) or not isinstance(cause, sqlite3.DatabaseError):
                raise
            raise StoreError(
                f"Event store '{path}' cannot be read: {cause}. Nothing was changed; run 'acsi device check --db {path}'.",
                source=str(path),
            ) from err
