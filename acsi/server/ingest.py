"""Events pushed by collectors: validation, idempotent insert, aggregates in the same transaction.

Contract (``POST /api/v1/events``): a JSON array of events in the event store's export schema
(:data:`acsi.ingest.device.events.EVENT_COLUMNS`). Each event is keyed by ``event_id``:

- an id not seen before is **accepted**: stored (with its canonical payload) and counted into
  the aggregates ``agg_fine``, ``agg_day``, ``agg_month`` and ``agg_reasons`` in the same
  transaction;
- an id already stored with the same content (SHA-256 of the canonical JSON of the known
  columns) is a **duplicate**: nothing changes, so a resend never doubles a count;
- an id already stored with *different* content is a **conflict**: the new payload is kept in
  ``event_conflicts``, audited, and returned to the caller by id; the stored event is unchanged.

A batch holding an event of any other branch than the collector token's is refused whole
(:class:`BranchRefused`) before anything is written. Malformed events raise
:class:`EventError` naming the event's position and key.

Concurrency: rows are inserted with ``ON CONFLICT DO NOTHING ... RETURNING event_id`` and only
the returned ids are aggregated, so two collectors racing with the same ids count each event
once; aggregate upserts run in key order, so concurrent PostgreSQL transactions never deadlock.

Speed: the token check and the store share one transaction; each table gets one statement per
batch (:mod:`acsi.server.bulk`); the push route lets :data:`CONCURRENT_PUSHES` batches into the
database at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from acsi.errors import BranchRefused, EventError, LoginRequired
from acsi.server import audit, bulk, tokens
from acsi.server.clock import now_iso
from acsi.server.schema import (
    DAY_KEYS,
    FINE_KEYS,
    MONTH_KEYS,
    REASON_KEYS,
    agg_day,
    agg_fine,
    agg_month,
    agg_reasons,
    branch_state,
    event_conflicts,
    events,
)

MAX_BATCH = 10_000
# Pushes stored at once per server process (the others wait for a slot, holding no connection):
# fewer than the pool's connections, so pushes never open and close overflow connections, and
# enough for PostgreSQL to flush several commits with one WAL write. 200 collectors on 2 cores:
# 2 slots 5,500 events/s, 4 slots 8,500, 8 slots 9,700 (PostgreSQL 15, 200,000 events).
CONCURRENT_PUSHES = 8
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$")
_OUTCOMES = ("rated", "timeout", "cancelled", "late", "unmapped", "unprompted")


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "conflicts": self.conflicts}


def _columns() -> tuple[str, ...]:
    from acsi.ingest.device.events import EVENT_COLUMNS

    return EVENT_COLUMNS


def _int(
    event: dict, index: int, key: str, *, required: bool = True, low: int | None = None, high: int | None = None
) -> int | None:
    value = event.get(key)
    if value is None:
        if required:
            raise EventError(index, key, "is missing; expected an integer")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise EventError(index, key, f"must be an integer, found {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise EventError(index, key, f"must be between {low} and {high}, found {value}")
    return value


def _text(event: dict, index: int, key: str, *, required: bool = False, limit: int = 200) -> str | None:
    value = event.get(key)
    if value is None:
        if required:
            raise EventError(index, key, "is missing; expected text")
        return None
    if not isinstance(value, str) or (required and not value):
        raise EventError(index, key, f"must be {'non-empty ' if required else ''}text, found {value!r}")
    if len(value) > limit:
        raise EventError(index, key, f"is longer than {limit} characters")
    return value


def _json_list(event: dict, index: int, key: str) -> str:
    value = event.get(key, "[]")
    if value is None:
        return "[]"
    if isinstance(value, list):
        items = value
    else:
        try:
            items = json.loads(value) if isinstance(value, str) else None
        except json.JSONDecodeError:
            items = None
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise EventError(index, key, f"must be a JSON array of text, found {value!r}")
    return json.dumps(items)


def normalise(raw: Any, index: int) -> dict:
    """One pushed event, checked, as a dict of the known export columns."""
    if not isinstance(raw, dict):
        raise EventError(index, "(event)", f"must be a JSON object, found {type(raw).__name__}")
    event = {name: raw.get(name) for name in _columns()}
    _text(event, index, "event_id", required=True)
    _text(event, index, "branch_id", required=True, limit=64)
    for key in ("bank_id", "window_id", "staff_id"):
        _text(event, index, key, limit=64)
    _text(event, index, "captured_at_utc", required=True, limit=40)
    date = _text(event, index, "local_date", required=True, limit=10)
    try:
        dt.date.fromisoformat(date)  # type: ignore[arg-type]
    except ValueError as err:
        raise EventError(index, "local_date", f"must be a date YYYY-MM-DD, found {date!r}") from err
    time = _text(event, index, "local_time", required=True, limit=20)
    if not _TIME.match(time):  # type: ignore[arg-type]
        raise EventError(index, "local_time", f"must be a time HH:MM:SS, found {time!r}")
    outcome = _text(event, index, "outcome", required=True, limit=16)
    if outcome not in _OUTCOMES:
        raise EventError(index, "outcome", f"must be one of {', '.join(_OUTCOMES)}, found {outcome!r}")
    k = _int(event, index, "scale_levels", low=2, high=11)
    level = _int(event, index, "level", required=outcome == "rated", low=1, high=k)
    event["level"] = level
    event["scale_levels"] = k
    event["satisfied_min_level"] = _int(event, index, "satisfied_min_level", low=1, high=k)
    event["bad_max_level"] = _int(event, index, "bad_max_level", low=1, high=k)
    event["reason_codes"] = _json_list(event, index, "reason_codes")
    event["flags"] = _json_list(event, index, "flags")
    _text(event, index, "label", limit=32)
    _text(event, index, "prompt_id", limit=200)
    return event


def canonical(event: dict) -> tuple[str, str]:
    """(canonical JSON text, its SHA-256): key order and spacing never matter."""
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def fine_key(e: dict) -> tuple:
    return (
        e["bank_id"] or "",
        e["branch_id"],
        e["window_id"] or "",
        e["staff_id"] or "",
        e["local_date"],
        int(e["local_time"][:2]),
        e["scale_levels"],
        e["satisfied_min_level"],
        e["bad_max_level"],
        e["outcome"],
        e["level"] or 0,
        e["label"] or "",
        e["flags"],
        e["prompt_id"] is not None,
    )


def _add_counts(conn: Connection, table, keys: Sequence[str], counts: Counter) -> None:
    rows = [dict(zip(keys, key), n=n) for key, n in sorted(counts.items(), key=lambda kv: tuple(map(str, kv[0])))]
    bulk.add_counts(conn, table, keys, rows)


def aggregate(conn: Connection, stored: list[dict], weight: int = 1) -> None:
    """Count stored events into the aggregate tables (inside the caller's transaction); a data
    correction takes an event out with ``weight=-1`` (:mod:`acsi.server.corrections`)."""
    fine: Counter = Counter()
    day: Counter = Counter()
    month: Counter = Counter()
    reasons: Counter = Counter()
    for e in stored:
        fine[fine_key(e)] += weight
        rest = (e["scale_levels"], e["satisfied_min_level"], e["bad_max_level"], e["outcome"], e["level"] or 0)
        day[(e["branch_id"], e["local_date"], *rest)] += weight
        month[(e["branch_id"], e["local_date"][:7], *rest)] += weight
        if e["outcome"] == "rated" and e["reason_codes"] != "[]":
            for reason in json.loads(e["reason_codes"]):
                reasons[
                    (e["bank_id"] or "", e["branch_id"], e["window_id"] or "", e["staff_id"] or "", e["local_date"], reason)
                ] += weight
    _add_counts(conn, agg_fine, FINE_KEYS, fine)
    _add_counts(conn, agg_day, DAY_KEYS, day)
    _add_counts(conn, agg_month, MONTH_KEYS, month)
    _add_counts(conn, agg_reasons, REASON_KEYS, reasons)


def _bump_branches(conn: Connection, stored: list[dict]) -> None:
    per_branch = Counter(e["branch_id"] for e in stored)
    now = now_iso()
    for branch, n in sorted(per_branch.items()):
        stmt = bulk.dialect_insert(conn, branch_state).values(branch_id=branch, version=n, last_event_at=now)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["branch_id"], set_={"version": branch_state.c.version + n, "last_event_at": now}
            )
        )


def _event_row(e: dict, text: str, digest: str, received: str, token_id: int | None) -> dict:
    return {
        "event_id": e["event_id"],
        "payload_sha256": digest,
        "bank_id": e["bank_id"],
        "branch_id": e["branch_id"],
        "window_id": e["window_id"],
        "staff_id": e["staff_id"],
        "captured_at_utc": e["captured_at_utc"],
        "local_date": e["local_date"],
        "local_hour": int(e["local_time"][:2]),
        "outcome": e["outcome"],
        "scale_levels": e["scale_levels"],
        "level": e["level"],
        "label": e["label"],
        "bad": e["outcome"] == "rated" and e["level"] is not None and e["level"] <= e["bad_max_level"],
        "payload": text,
        "received_at": received,
        "token_id": token_id,
    }


@dataclass
class _Batch:
    """A checked batch: its events in order, the first copy of each id (event, canonical text,
    digest), and the repeats within the batch (same content: duplicates; other content: conflicts)."""

    normal: list[dict]
    first: dict[str, tuple[dict, str, str]]
    duplicates: int
    conflicts: list[tuple[str, str]]


def _prepare(raw_events: Sequence[Any]) -> _Batch:
    if len(raw_events) > MAX_BATCH:
        raise EventError(MAX_BATCH, "(batch)", f"too many events in one batch: {len(raw_events)} > {MAX_BATCH}")
    batch = _Batch([normalise(raw, i) for i, raw in enumerate(raw_events)], {}, 0, [])
    for e in batch.normal:
        text, digest = canonical(e)
        seen = batch.first.get(e["event_id"])
        if seen is None:
            batch.first[e["event_id"]] = (e, text, digest)
        elif seen[2] == digest:
            batch.duplicates += 1
        else:
            batch.conflicts.append((e["event_id"], text))
    return batch


def _parse(body: bytes) -> list:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise EventError(0, "(body)", f"is not JSON: {err}") from err
    if not isinstance(payload, list):
        raise EventError(0, "(body)", f"must be a JSON array of events, found {type(payload).__name__}")
    return payload


def _refusal(conn: Connection, batch: _Batch, branch: str, token_id: int | None, actor: str | None) -> BranchRefused | None:
    """The refusal (audited in the caller's transaction) when the batch holds other branches' events."""
    wrong = [(i, e["event_id"], e["branch_id"]) for i, e in enumerate(batch.normal) if e["branch_id"] != branch]
    if not wrong:
        return None
    audit.record(
        conn, "events_refused", actor=actor, detail=f"token id={token_id} branch={branch}: {len(wrong)} events of other branches"
    )
    return BranchRefused(branch, wrong)


def store_events(
    engine: Engine, raw_events: Sequence[Any], *, branch: str | None, token_id: int | None = None, actor: str | None = None
) -> IngestResult:
    """Validate and store a batch (see the module docstring). ``branch`` None accepts any branch
    (the demo loader and tests); a collector's push always passes its token's branch."""
    batch = _prepare(raw_events)
    with engine.begin() as conn:
        refused = None if branch is None else _refusal(conn, batch, branch, token_id, actor)
        if refused is None:
            return _write(conn, batch, token_id, actor)
    raise refused  # after the commit of its audit record


def push(engine: Engine, token: str, body: bytes) -> IngestResult:
    """A collector's push (``POST /api/v1/events``) in one transaction: the token's branch first
    (:class:`LoginRequired` when the token is unknown or revoked, so an unknown caller never gets
    its body parsed), then the batch parsed, checked and stored."""
    with engine.begin() as conn:
        row = tokens.resolve(conn, token)
        if row is None:
            raise LoginRequired("the collector token is unknown or revoked.")
        batch = _prepare(_parse(body))
        actor = f"token {row['prefix']}..."
        refused = _refusal(conn, batch, row["branch_code"], row["id"], actor)
        if refused is None:
            return _write(conn, batch, row["id"], actor)
    raise refused  # after the commit of its audit record


def _write(conn: Connection, batch: _Batch, token_id: int | None, actor: str | None) -> IngestResult:
    """Store a checked batch inside the caller's transaction."""
    received = now_iso()
    ids = sorted(batch.first)
    # Insert first: in the usual push every id is new, and one statement decides it. Ids the
    # insert skipped are stored already (perhaps by a concurrent push): their hashes decide
    # between duplicate and conflict.
    inserted = bulk.insert_new(conn, events, [_event_row(*batch.first[i], received, token_id) for i in ids], "event_id")
    skipped = [i for i in ids if i not in inserted]
    stored_hash: dict[str, str] = {}
    for start in range(0, len(skipped), 500):
        chunk = skipped[start : start + 500]
        stored_hash.update(
            conn.execute(select(events.c.event_id, events.c.payload_sha256).where(events.c.event_id.in_(chunk))).all()
        )
    result = IngestResult(duplicates=batch.duplicates)
    conflicts = list(batch.conflicts)
    for event_id in skipped:
        _, text, digest = batch.first[event_id]
        if stored_hash.get(event_id) == digest:
            result.duplicates += 1
        else:
            conflicts.append((event_id, text))
    stored = [batch.first[i][0] for i in ids if i in inserted]
    aggregate(conn, stored)
    if stored:
        _bump_branches(conn, stored)
    for event_id, text in conflicts:
        conn.execute(insert(event_conflicts).values(event_id=event_id, payload=text, received_at=received, token_id=token_id))
    if conflicts:
        audit.record(
            conn,
            "event_conflict",
            actor=actor,
            detail=f"token id={token_id}: {len(conflicts)} event id(s) resent with different content: "
            + ", ".join(c[0] for c in conflicts[:10]),
        )
    result.accepted = len(stored)
    result.conflicts = [c[0] for c in conflicts]
    return result
