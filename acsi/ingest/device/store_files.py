"""The event store's file on disk: damage seen in its SQLite header, and setting a damaged file aside."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path

from acsi.errors import StoreRecoveredWarning

__all__ = ["set_aside", "store_damage"]


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
