"""Wall-clock helpers (UTC ISO-8601 text, as the event store writes it)."""

from __future__ import annotations

import datetime as dt


def now_iso() -> str:
    """Now in UTC, ISO-8601 with milliseconds and ``Z``."""
    moment = dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
