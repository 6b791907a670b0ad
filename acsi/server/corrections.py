"""Data corrections: an event recorded on the wrong counter or for the wrong clerk is reassigned,
one that should not count (a test press, a pad left on a desk) is voided, and either can be
undone; stored events are never deleted or changed.

A correction is a new row of ``event_corrections`` naming the original event, the action, the
counter and staff it now counts for, a reason (required) and who made it. The newest
correction of an event decides its effective state:

- ``void``: the event no longer counts;
- ``reassign``: the event counts for ``window_id``/``staff_id`` instead of the recorded ones;
- ``restore``: back to the values recorded (a correction of a correction).

In the same transaction the aggregates follow: the event's previous effective contribution is
counted out (:func:`acsi.server.ingest.aggregate` with weight -1), its new one in, the branch's
data version moves (live pages reload) and an ``event_corrected`` audit row is written.

Who may correct (a role decision): an **admin** for any branch and the **branch manager** for
their own branch (they know what happened at their counters); head office, region managers and
analysts read only, clerks never correct their own ratings.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, select

from acsi.errors import Forbidden, NotFound, ServerError
from acsi.server import audit
from acsi.server.clock import now_iso
from acsi.server.ingest import _bump_branches, aggregate
from acsi.server.schema import branches, counters, event_corrections, events, staff
from acsi.server.scope import Viewer

ACTIONS = ("void", "reassign", "restore")
MIN_REASON, MAX_REASON = 3, 500
LIST_LIMIT = 500


def check_corrector(viewer: Viewer, branch: str) -> None:
    """Allow admins (any branch) and the branch's own manager, else raise Forbidden."""
    if viewer.role == "admin" or (viewer.role == "branch_manager" and viewer.scope == branch):
        return
    raise Forbidden(f"user {viewer.name!r} ({viewer.role}) may not correct the data of branch {branch!r}.")


def _latest(conn: Connection, event_ids: list[str]) -> dict[str, dict]:
    """The newest correction of each of ``event_ids`` that has one."""
    if not event_ids:
        return {}
    c = event_corrections
    newest = select(func.max(c.c.id)).where(c.c.event_id.in_(event_ids)).group_by(c.c.event_id)
    rows = conn.execute(select(c).where(c.c.id.in_(newest))).mappings()
    return {r["event_id"]: dict(r) for r in rows}


def effective(event: dict, correction: dict | None) -> dict | None:
    """The event as it counts after ``correction`` (None: voided)."""
    if correction is None or correction["action"] == "restore":
        return event
    if correction["action"] == "void":
        return None
    return {**event, "window_id": correction["window_id"], "staff_id": correction["staff_id"]}


def correct(
    conn: Connection,
    branch: str,
    event_id: str,
    action: str,
    *,
    reason: str,
    actor: str,
    window_id: str | None = None,
    staff_id: str | None = None,
) -> dict:
    """Record one correction of event ``event_id`` of ``branch`` (see the module docstring);
    returns the correction row. Raises :class:`ServerError` for a bad request and
    :class:`NotFound` for an event that is not this branch's."""
    if action not in ACTIONS:
        raise ServerError(f"action must be one of {', '.join(ACTIONS)}, found {action!r}.")
    reason = (reason or "").strip()
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise ServerError(f"give a reason of {MIN_REASON}-{MAX_REASON} characters for the correction, found {len(reason)}.")
    row = conn.execute(select(events.c.payload).where(events.c.event_id == event_id, events.c.branch_id == branch)).first()
    if row is None:
        raise NotFound(f"no event {event_id!r} at branch {branch!r}.")
    recorded = json.loads(row[0])
    before = effective(recorded, _latest(conn, [event_id]).get(event_id))
    if action == "void":
        if before is None:
            raise ServerError(f"event {event_id!r} is void already.")
        window_id = staff_id = None
        after = None
    elif action == "restore":
        window_id, staff_id = recorded["window_id"], recorded["staff_id"]
        after = recorded
    else:
        window_id = _counter(conn, branch, window_id)
        staff_id = _staff(conn, staff_id)
        after = {**recorded, "window_id": window_id, "staff_id": staff_id}
    if before == after:
        raise ServerError(f"event {event_id!r} counts that way already; nothing to correct.")
    values = {
        "event_id": event_id,
        "branch_id": branch,
        "action": action,
        "window_id": window_id,
        "staff_id": staff_id,
        "reason": reason,
        "actor": actor,
        "at": now_iso(),
    }
    conn.execute(event_corrections.insert().values(**values))
    if before is not None:
        aggregate(conn, [before], weight=-1)
    if after is not None:
        aggregate(conn, [after], weight=1)
    _bump_branches(conn, [recorded])
    was = "void" if before is None else f"{before['window_id'] or '-'}/{before['staff_id'] or '-'}"
    now = "void" if after is None else f"{after['window_id'] or '-'}/{after['staff_id'] or '-'}"
    audit.record(
        conn,
        "event_corrected",
        actor=actor,
        detail=f"branch {branch} event {event_id}: {action} {was} -> {now}; reason: {reason}",
    )
    return values


def _counter(conn: Connection, branch: str, code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is None:
        return None
    found = conn.execute(
        select(counters.c.id)
        .join(branches, branches.c.id == counters.c.branch_id)
        .where(branches.c.code == branch, counters.c.code == code)
    ).first()
    if found is None:
        raise ServerError(f"branch {branch!r} has no counter {code!r}.")
    return code


def _staff(conn: Connection, code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is not None and conn.execute(select(staff.c.id).where(staff.c.code == code)).first() is None:
        raise ServerError(f"no staff member {code!r}.")
    return code


def day_events(conn: Connection, branch: str, day: str, counter: str | None = None) -> list[dict]:
    """The events of ``branch`` on local day ``day`` (at most :data:`LIST_LIMIT`), each with
    its effective counter, staff and state, for the correction page."""
    query = select(
        events.c.event_id,
        events.c.captured_at_utc,
        events.c.local_hour,
        events.c.window_id,
        events.c.staff_id,
        events.c.outcome,
        events.c.level,
        events.c.label,
    ).where(events.c.branch_id == branch, events.c.local_date == day)
    if counter:
        query = query.where(events.c.window_id == counter)
    rows = [dict(r) for r in conn.execute(query.order_by(events.c.captured_at_utc, events.c.seq).limit(LIST_LIMIT)).mappings()]
    latest = _latest(conn, [r["event_id"] for r in rows])
    for r in rows:
        c = latest.get(r["event_id"])
        now = effective(r, c)
        r["state"] = "recorded" if c is None or c["action"] == "restore" else ("void" if now is None else "reassigned")
        r["now_window"] = None if now is None else now["window_id"]
        r["now_staff"] = None if now is None else now["staff_id"]
        r["reason"] = c["reason"] if c else ""
    return rows


def history(conn: Connection, branch: str, limit: int = 50) -> list[dict]:
    """The branch's newest corrections first."""
    c = event_corrections
    rows = conn.execute(select(c).where(c.c.branch_id == branch).order_by(c.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]
