"""Collector side of the push: forward new events of a local event store to ``acsi serve``.

The local store (``acsi device listen --db``) stays the durable record exactly as before; this
client reads its ``events`` table by rowid after a watermark, posts batches to
``POST /api/v1/events`` with the collector token, and moves the watermark (row
``push:<url>`` of the store's ``export_watermark`` table, committed with ``synchronous=FULL``)
only after the server answered 200. A crash between the post and the watermark write resends
the batch, which the server counts as duplicates: nothing is lost, nothing doubles.

When the server cannot be reached (or answers an error), :meth:`PushClient.run` waits with
exponential back-off (1 s doubling to 60 s) and tries again, so a backlog of days arrives once
the server is back. Only the standard library is used (``urllib``), so a branch PC needs no
web-client package. The token is never logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from acsi.errors import PushError

T = TypeVar("T")

log = logging.getLogger("acsi.push")

EVENTS_PATH = "/api/v1/events"


@dataclass
class PushReport:
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    backlog: int = 0


def events_url(url: str) -> str:
    """``http://host:8000`` or ``.../api/v1/events`` -> the events endpoint."""
    url = url.rstrip("/")
    return url if url.endswith(EVENTS_PATH) else url + EVENTS_PATH


class PushClient:
    """Pushes the events of the store at ``store_path`` to ``url`` with ``token``."""

    def __init__(
        self,
        store_path: str | Path,
        url: str,
        token: str,
        *,
        batch: int = 500,
        timeout: float = 30.0,
        backoff: tuple[float, float] = (1.0, 60.0),
    ) -> None:
        from acsi.ingest.device.events import EVENT_COLUMNS

        self.store_path = Path(store_path)
        self.url = events_url(url)
        self._token = token
        self.batch = batch
        self.timeout = timeout
        self.backoff = backoff
        self.columns = EVENT_COLUMNS
        self.watermark_name = f"push:{self.url}"

    def __repr__(self) -> str:  # never show the token
        return f"PushClient({str(self.store_path)!r}, {self.url!r})"

    # -- the local store -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.store_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def watermark(self) -> int:
        with self._connect() as conn:
            row = conn.execute("SELECT last_rowid FROM export_watermark WHERE name = ?", (self.watermark_name,)).fetchone()
        return int(row[0]) if row else 0

    def _save_watermark(self, rowid: int) -> None:
        conn = self._connect()
        try:
            conn.execute(
                "INSERT OR REPLACE INTO export_watermark (name, last_rowid, at_utc) VALUES (?, ?, "
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (self.watermark_name, rowid),
            )
        finally:
            conn.close()

    def pending(self) -> tuple[list[int], list[dict], int]:
        """(rowids, events, backlog after this batch) of the next batch after the watermark."""
        after = self.watermark()
        conn = self._connect()
        try:
            rows = conn.execute(
                f"SELECT rowid, {', '.join(self.columns)} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, self.batch)
            ).fetchall()
            total = conn.execute("SELECT COUNT(*) FROM events WHERE rowid > ?", (after,)).fetchone()[0]
        finally:
            conn.close()
        return [r[0] for r in rows], [dict(zip(self.columns, r[1:])) for r in rows], total - len(rows)

    # -- the server ------------------------------------------------------------------------
    def post(self, events: list[dict]) -> dict:
        body = json.dumps(events, allow_nan=False).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self._token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            detail = err.read()[:500].decode("utf-8", "replace")
            raise PushError(f"server answered {err.code}: {detail}", status=err.code) from None
        except (urllib.error.URLError, OSError, TimeoutError) as err:
            reason = getattr(err, "reason", err)
            raise PushError(f"server {self.url} not reachable: {reason}") from None

    def push_pending(self) -> PushReport:
        """Send every event after the watermark, batch by batch; raises :class:`PushError` on the
        first batch that fails (the watermark stays before it)."""
        report = PushReport()
        while True:
            rowids, events, backlog = self.pending()
            if not events:
                return report
            answer = self.post(events)
            self._save_watermark(rowids[-1])
            report.sent += len(events)
            report.accepted += int(answer.get("accepted", 0))
            report.duplicates += int(answer.get("duplicates", 0))
            conflicts = answer.get("conflicts") or []
            report.conflicts += len(conflicts)
            report.backlog = backlog
            if conflicts:
                log.warning(
                    "server kept %d event(s) as conflicts (same id, other content): %s", len(conflicts), ", ".join(conflicts[:5])
                )
            log.info(
                "pushed %d events (accepted %d, duplicates %d); backlog %d",
                len(events),
                answer.get("accepted", 0),
                answer.get("duplicates", 0),
                backlog,
            )

    def run(self, stop: threading.Event, *, interval: float = 2.0) -> None:
        """Push until ``stop`` is set: every ``interval`` seconds, backing off after failures."""
        delay = self.backoff[0]
        while not stop.is_set():
            try:
                self.push_pending()
                delay = self.backoff[0]
                stop.wait(interval)
            except (PushError, sqlite3.Error) as err:  # server away, or the store not made yet
                log.warning("push failed (%s); retrying in %.0f s", err, delay)
                stop.wait(delay)
                delay = min(self.backoff[1], delay * 2)


def push_alongside(store_path: str | Path, url: str, token: str, work: Callable[[], T]) -> tuple[T, PushReport | None]:
    """Run ``work()`` (e.g. ``acsi device listen``) while a :class:`PushClient` forwards the
    store's new events in a background thread; when ``work`` returns, push what is left once more.

    Returns ``work``'s result and the report of the final push (None when it failed: the events
    stay in the local store and go with the next push).
    """
    client = PushClient(store_path, url, token)
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(stop,), name="acsi-push", daemon=True)
    thread.start()
    try:
        result = work()
    finally:
        stop.set()
        thread.join(client.timeout + 5)
    try:
        return result, client.push_pending()
    except (PushError, sqlite3.Error) as err:
        log.warning("final push failed (%s); the events stay in %s for the next push", err, store_path)
        return result, None
