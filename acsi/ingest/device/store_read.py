"""Reading the event store: counts aggregated in SQL per unit x period, corrections applied."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - typing only
    from acsi.ingest.device.store import EventStore

__all__ = ["apply_corrections", "count_table", "flags_of"]

# The first day of the calendar period of ``local_date`` (YYYY-MM-DD), as
# :func:`acsi.ingest.device.indicators.period_of` computes it; ISO weeks start on Monday.
PERIOD_START_SQL = {
    "day": "local_date",
    "week": "date(local_date, '-6 days', 'weekday 1')",
    "month": "substr(local_date, 1, 8) || '01'",
    "quarter": "substr(local_date, 1, 5) || printf('%02d', (CAST(substr(local_date, 6, 2) AS INTEGER) - 1) / 3 * 3 + 1) || '-01'",
    "year": "substr(local_date, 1, 5) || '01-01'",
}


def count_table(store: EventStore, *, by: str | Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Event counts per (bank, branch, window, staff, day, scale, outcome, level, label,
    prompted) and reason counts of rated events, aggregated in SQL; corrected events are
    aggregated from :meth:`EventStore.events_frame` and added. Input of
    :func:`acsi.ingest.device.indicators.indicators_from_counts`.

    ``by`` (as in :func:`~acsi.ingest.device.indicators.counts_from_parquet`) groups only by
    the unit columns it needs and folds days into the first day of their period in SQL.
    """
    from acsi.ingest.device.indicators import COUNT_KEYS, UNITS, _parse_by, counts_from_events, fold_counts

    if by is None:
        units, kind = list(dict.fromkeys(k for unit in UNITS.values() for k in unit)), None
    else:
        units, kind = _parse_by(by)
    day = PERIOD_START_SQL[kind] if kind else "local_date"
    rest = list(COUNT_KEYS[5:-1])
    select = ", ".join([*units, f"{day} AS period_day", *rest])
    group = ", ".join([*units, "period_day", *rest])
    fixed = store.corrected_ids()
    exclude = "WHERE event_id NOT IN (SELECT event_id FROM corrections)" if fixed else ""
    and_exclude = "AND e.event_id NOT IN (SELECT event_id FROM corrections)" if fixed else ""
    reason_units = ", ".join(f"e.{u}" for u in units)
    counts, reasons = store.read_frames(
        f"SELECT {select}, prompt_id IS NOT NULL AS prompted, COUNT(*) AS n FROM events {exclude} GROUP BY {group}, prompted",
        f"SELECT {reason_units}, {day.replace('local_date', 'e.local_date')} AS period_day, j.value AS reason, "
        "COUNT(*) AS n FROM events e, json_each(e.reason_codes) j "
        f"WHERE e.outcome = 'rated' AND e.reason_codes != '[]' {and_exclude} "
        f"GROUP BY {reason_units}, period_day, reason",
    )
    counts = counts.rename(columns={"period_day": "local_date"})
    reasons = reasons.rename(columns={"period_day": "local_date"})
    if fixed:
        placeholders = ",".join("?" * len(fixed))
        extra = store.events_frame(where=f"WHERE event_id IN ({placeholders})", params=tuple(fixed))
        c2, r2 = counts_from_events(extra)
        c2, r2 = fold_counts(c2, units, kind), fold_counts(r2, units, kind)
        counts = pd.concat([counts, c2], ignore_index=True)
        reasons = pd.concat([reasons, r2], ignore_index=True)
    counts["prompted"] = counts["prompted"].astype(bool)
    made_for = (tuple(units), kind, by if isinstance(by, str) or by is None else ",".join(by))
    counts.attrs["acsi_by"] = reasons.attrs["acsi_by"] = made_for
    return counts, reasons


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
    """The JSON list of flags stored in an event's ``flags`` text (empty text: none)."""
    return json.loads(text) if text else []
