"""Field-by-field changes to the organisation, made by admins in the browser.

Every change is one audit row (``org_changed``) naming the node, the field and the old and new
value. What a change means for stored data:

- renaming a region, branch, counter or staff member changes only the name shown;
- moving a branch to another region changes the region its numbers are shown under, for past
  periods as well (events carry the branch code, not the region);
- moving a staff member closes their open assignment the day before ``since`` and opens a new
  one (:func:`acsi.server.org.assign`); events keep the branch, counter and staff code they were
  recorded at, so history is never rewritten;
- deactivating marks a node inactive (shown so in the organisation pages); nothing is deleted,
  assignments stay as they are, events of inactive nodes still count (a pad's backlog may arrive
  late), and reactivating is one click.

Codes typed in the browser must match :data:`CODE` (they appear in URLs); names are free text,
stored as typed and shown escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, insert, select, update

from acsi.errors import ServerError
from acsi.server import audit
from acsi.server.org import assign
from acsi.server.schema import branches, counters, regions, staff, staff_assignments

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_NAME = 200


def _code(value: str, what: str) -> str:
    value = (value or "").strip()
    if not CODE.match(value):
        raise ServerError(f"{what} code {value!r} is not valid: use 1-64 letters, digits, '_', '.' or '-'.")
    return value


def _name(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > MAX_NAME:
        raise ServerError(f"{what} name must have 1-{MAX_NAME} characters, found {len(value)}.")
    return value


def _tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as err:
        raise ServerError(f"time zone {value!r} is unknown; use an IANA name such as Asia/Shanghai.") from err
    return value


def _row(conn: Connection, table, what: str, **match) -> dict:
    row = conn.execute(select(table).where(*[table.c[k] == v for k, v in match.items()])).mappings().first()
    if row is None:
        raise ServerError(f"no {what} {' '.join(str(v) for v in match.values())!r}.")
    return dict(row)


def _absent(conn: Connection, table, what: str, **match) -> None:
    if conn.execute(select(table.c.id).where(*[table.c[k] == v for k, v in match.items()])).first() is not None:
        raise ServerError(f"{what} {' '.join(str(v) for v in match.values())!r} exists already.")


def _apply(conn: Connection, table, row: dict, label: str, changes: dict, actor: str) -> list[str]:
    """Write the fields of ``changes`` that differ from ``row``; one audit row per field."""
    done = []
    for field, (new, shown_old, shown_new) in changes.items():
        if new == row[field]:
            continue
        conn.execute(update(table).where(table.c.id == row["id"]).values({field: new}))
        audit.record(conn, "org_changed", actor=actor, detail=f"{label}: {field} {shown_old!r} -> {shown_new!r}")
        done.append(field)
    return done


def _active(value: str | None) -> bool | None:
    """A form's ``active`` field: "1"/"0", or absent (no change)."""
    if value is None or value == "":
        return None
    if value not in ("0", "1"):
        raise ServerError(f"active must be 0 or 1, found {value!r}.")
    return value == "1"


def _common_changes(row: dict, form: dict, what: str) -> dict:
    """The ``name`` and ``active`` fields of a form as {field: (new, old shown, new shown)}."""
    changes = {}
    if form.get("name") is not None:
        name = _name(form["name"], what)
        changes["name"] = (name, row["name"], name)
    active = _active(form.get("active"))
    if active is not None:
        changes["active"] = (active, row["active"], active)
    return changes


def add_region(conn: Connection, code: str, name: str, *, actor: str) -> None:
    code = _code(code, "region")
    _absent(conn, regions, "region", code=code)
    conn.execute(insert(regions).values(code=code, name=_name(name, "region"), active=True))
    audit.record(conn, "org_changed", actor=actor, detail=f"region {code}: added")


def edit_region(conn: Connection, code: str, form: dict, *, actor: str) -> list[str]:
    """Change the ``name`` and/or ``active`` of region ``code``; returns the fields changed."""
    row = _row(conn, regions, "region", code=code)
    changes = _common_changes(row, form, "region")
    return _apply(conn, regions, row, f"region {code}", changes, actor)


def add_branch(conn: Connection, code: str, name: str, region: str, tz: str, *, actor: str) -> None:
    code = _code(code, "branch")
    _absent(conn, branches, "branch", code=code)
    region_row = _row(conn, regions, "region", code=region)
    conn.execute(
        insert(branches).values(
            code=code,
            name=_name(name, "branch"),
            region_id=region_row["id"],
            bank_id=_bank_of(conn),
            tz=_tz(tz or "Asia/Shanghai"),
            active=True,
        )
    )
    audit.record(conn, "org_changed", actor=actor, detail=f"branch {code}: added in region {region}")


def _bank_of(conn: Connection) -> str | None:
    return conn.execute(select(branches.c.bank_id).where(branches.c.bank_id.is_not(None)).limit(1)).scalar()


def edit_branch(conn: Connection, code: str, form: dict, *, actor: str) -> list[str]:
    """Change ``name``, ``region`` (a move to another region), ``tz`` and/or ``active``."""
    row = _row(conn, branches, "branch", code=code)
    changes = _common_changes(row, form, "branch")
    if form.get("region"):
        target = _row(conn, regions, "region", code=form["region"].strip())
        old = conn.execute(select(regions.c.code).where(regions.c.id == row["region_id"])).scalar()
        changes["region_id"] = (target["id"], old, target["code"])
    if form.get("tz"):
        tz = _tz(form["tz"].strip())
        changes["tz"] = (tz, row["tz"], tz)
    return _apply(conn, branches, row, f"branch {code}", changes, actor)


def add_counter(conn: Connection, branch: str, code: str, name: str, *, actor: str) -> None:
    branch_row = _row(conn, branches, "branch", code=branch)
    code = _code(code, "counter")
    _absent(conn, counters, f"counter of branch {branch}", branch_id=branch_row["id"], code=code)
    conn.execute(insert(counters).values(branch_id=branch_row["id"], code=code, name=_name(name or code, "counter"), active=True))
    audit.record(conn, "org_changed", actor=actor, detail=f"counter {branch}/{code}: added")


def edit_counter(conn: Connection, branch: str, code: str, form: dict, *, actor: str) -> list[str]:
    branch_row = _row(conn, branches, "branch", code=branch)
    row = _row(conn, counters, f"counter of branch {branch}", branch_id=branch_row["id"], code=code)
    changes = _common_changes(row, form, "counter")
    return _apply(conn, counters, row, f"counter {branch}/{code}", changes, actor)


def _since(value: str | None, today: dt.date) -> dt.date:
    if not value:
        return today
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise ServerError(f"since must be a date YYYY-MM-DD, found {value!r}.") from err


def _counter_of(conn: Connection, branch_id: int, branch: str, counter: str | None) -> str | None:
    counter = (counter or "").strip() or None
    if counter is not None:
        _row(conn, counters, f"counter of branch {branch}", branch_id=branch_id, code=counter)
    return counter


def add_staff(
    conn: Connection,
    code: str,
    name: str,
    branch: str,
    counter: str | None,
    since: str | None,
    *,
    actor: str,
    today: dt.date | None = None,
) -> None:
    code = _code(code, "staff")
    _absent(conn, staff, "staff member", code=code)
    branch_row = _row(conn, branches, "branch", code=branch)
    counter = _counter_of(conn, branch_row["id"], branch, counter)
    staff_id = conn.execute(insert(staff).values(code=code, name=_name(name, "staff"), active=True)).inserted_primary_key[0]
    assign(conn, int(staff_id), branch_row["id"], counter, _since(since, today or dt.date.today()))
    audit.record(conn, "org_changed", actor=actor, detail=f"staff {code}: added at {branch}/{counter or '-'}")


def edit_staff(conn: Connection, code: str, form: dict, *, actor: str, today: dt.date | None = None) -> list[str]:
    """Change ``name`` and ``active``, or move the staff member to ``branch``/``counter`` from
    ``since`` (default today); a move keeps past events where they were recorded."""
    today = today or dt.date.today()
    row = _row(conn, staff, "staff member", code=code)
    changes = _common_changes(row, form, "staff")
    done = _apply(conn, staff, row, f"staff {code}", changes, actor)
    if form.get("branch"):
        branch = form["branch"].strip()
        branch_row = _row(conn, branches, "branch", code=branch)
        counter = _counter_of(conn, branch_row["id"], branch, form.get("counter"))
        before = current_place(conn, code)
        since = _since(form.get("since"), today)
        if before != (branch, counter):
            assign(conn, row["id"], branch_row["id"], counter, since)
            old = "/".join(p or "-" for p in before) if before else "-"
            audit.record(
                conn,
                "org_changed",
                actor=actor,
                detail=f"staff {code}: moved {old!r} -> {branch + '/' + (counter or '-')!r} from {since.isoformat()}",
            )
            done.append("place")
    return done


def current_place(conn: Connection, code: str) -> tuple[str, str | None] | None:
    """(branch code, counter code) of the staff member's open assignment, or None."""
    sa = staff_assignments
    row = conn.execute(
        select(branches.c.code, sa.c.counter_code)
        .join(sa, sa.c.branch_id == branches.c.id)
        .join(staff, staff.c.id == sa.c.staff_id)
        .where(staff.c.code == code, sa.c.valid_to.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def organisation(conn: Connection) -> dict:
    """Regions and branches (with region code and active flags) for the organisation page."""
    region_rows = [dict(r) for r in conn.execute(select(regions).order_by(regions.c.code)).mappings()]
    by_id = {r["id"]: r["code"] for r in region_rows}
    branch_rows = [
        {**dict(r), "region": by_id.get(r["region_id"])}
        for r in conn.execute(select(branches).order_by(branches.c.code)).mappings()
    ]
    return {"regions": region_rows, "branches": branch_rows}


def branch_detail(conn: Connection, code: str) -> dict:
    """A branch with its counters and the staff whose open assignment is there."""
    row = _row(conn, branches, "branch", code=code)
    counter_rows = [
        dict(r)
        for r in conn.execute(select(counters).where(counters.c.branch_id == row["id"]).order_by(counters.c.code)).mappings()
    ]
    sa = staff_assignments
    staff_rows = [
        dict(r)
        for r in conn.execute(
            select(staff.c.code, staff.c.name, staff.c.active, sa.c.counter_code, sa.c.valid_from)
            .join(sa, sa.c.staff_id == staff.c.id)
            .where(sa.c.branch_id == row["id"], sa.c.valid_to.is_(None))
            .order_by(staff.c.code)
        ).mappings()
    ]
    return {"branch": row, "counters": counter_rows, "staff": staff_rows}
