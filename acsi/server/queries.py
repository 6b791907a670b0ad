"""Dashboard numbers, read from the aggregate tables only (never from raw events, except the
short list of the latest dissatisfied ratings, read through an index).

Rates: satisfied rate (满意率) = rated events with level >= ``satisfied_min_level`` / rated
events; bad rate (差评率) = level <= ``bad_max_level``; each event on its own scale. Intervals
are Wilson score intervals (95 %); a change against the previous period or the same period last
year is flagged significant when Newcombe's hybrid score interval (method 10) for the
difference of two proportions excludes zero (Newcombe 1998, *Stat Med* 17:873-890). Each
comparison is a single 95 % test; no correction for multiplicity across branches is made, and
the page says so. Cells with fewer than ``min_n`` rated events are shown greyed and never flagged.
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist

from sqlalchemy import Connection, and_, case, func, or_, select

from acsi.core.proportions import wilson_score_bounds
from acsi.server.periods import Period, last_year, period_containing, previous
from acsi.server.schema import agg_day, agg_fine, agg_month, event_corrections, events

MIN_N = 30
Z95 = NormalDist().inv_cdf(0.975)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval of one rate (:func:`acsi.core.proportions.wilson_score_bounds`); None when n is 0."""
    bounds = wilson_score_bounds(successes, n, z)
    return (None, None) if bounds is None else bounds


def newcombe(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float, float] | None:
    """Difference p1 - p2 and its Newcombe (1998) method-10 interval; None if a side is empty."""
    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1)
    l2, u2 = wilson(x2, n2)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _rate_cells(rated: int, sat: int, bad: int) -> dict:
    low, high = wilson(sat, rated)
    return {
        "n_rated": rated,
        "satisfied": sat,
        "bad": bad,
        "rate": sat / rated if rated else None,
        "low": low,
        "high": high,
        "bad_rate": bad / rated if rated else None,
        "reportable": rated >= MIN_N,
    }


def _sums(table):
    rated = table.c.outcome == "rated"
    return (
        func.sum(case((rated, table.c.n), else_=0)).label("rated"),
        func.sum(case((and_(rated, table.c.level >= table.c.satisfied_min_level), table.c.n), else_=0)).label("sat"),
        func.sum(case((and_(rated, table.c.level <= table.c.bad_max_level), table.c.n), else_=0)).label("bad"),
    )


def latest_day(conn: Connection, branch_codes: set[str] | None) -> dt.date:
    """The last day with data in scope (today when there is none)."""
    query = select(func.max(agg_day.c.local_date))
    if branch_codes is not None:
        query = query.where(agg_day.c.branch_id.in_(sorted(branch_codes)))
    value = conn.execute(query).scalar()
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _compare(cur: dict, other: dict | None) -> dict:
    if other is None or not cur["reportable"] or not other["reportable"]:
        return {"rate": other["rate"] if other else None, "diff": None, "low": None, "high": None, "flag": ""}
    d, low, high = newcombe(cur["satisfied"], cur["n_rated"], other["satisfied"], other["n_rated"])  # type: ignore[misc]
    flag = "up" if low > 0 else "down" if high < 0 else ""
    return {"rate": other["rate"], "diff": d, "low": low, "high": high, "flag": flag}


def _span(period: Period) -> tuple:
    """(table, date column, first, last) covering ``period``: whole months read ``agg_month``."""
    if period.kind == "week":
        return agg_day, agg_day.c.local_date, period.start.isoformat(), period.end.isoformat()
    return agg_month, agg_month.c.month, period.start.isoformat()[:7], period.end.isoformat()[:7]


def ranking(conn: Connection, branch_codes: set[str] | None, period: Period) -> list[dict]:
    """Branches ranked by satisfied rate in ``period``, with the previous period and last year."""
    ranges = {"cur": period, "prev": previous(period), "yoy": last_year(period)}
    table, column, _, _ = _span(period)
    spans = {tag: _span(p)[2:] for tag, p in ranges.items()}
    bucket = case(*[(and_(column >= first, column <= last), tag) for tag, (first, last) in spans.items()], else_=None).label(
        "bucket"
    )
    lowest, highest = min(f for f, _ in spans.values()), max(last for _, last in spans.values())
    query = (
        select(table.c.branch_id, bucket, *_sums(table))
        .where(column >= lowest, column <= highest)
        .group_by(table.c.branch_id, bucket)
    )
    if branch_codes is not None:
        query = query.where(table.c.branch_id.in_(sorted(branch_codes)))
    cells: dict[str, dict[str, dict]] = {}
    for branch, tag, rated, sat, bad in conn.execute(query):
        cells.setdefault(branch, {})[tag] = _rate_cells(int(rated), int(sat), int(bad))
    rows = []
    for branch, by_tag in cells.items():
        cur = by_tag.get("cur")
        if cur is None:
            continue
        rows.append({"branch": branch, **cur, "prev": _compare(cur, by_tag.get("prev")), "yoy": _compare(cur, by_tag.get("yoy"))})
    rows.sort(key=lambda r: (not r["reportable"], -(r["rate"] or 0), r["branch"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def by_unit(
    conn: Connection, unit: str, branch_codes: set[str] | None, period: Period, *, staff: str | None = None
) -> list[dict]:
    """Rates per counter (``unit='window_id'``) or per clerk (``'staff_id'``) in ``period``."""
    column = agg_fine.c[unit]
    query = (
        select(agg_fine.c.branch_id, column.label("unit"), *_sums(agg_fine))
        .where(agg_fine.c.local_date >= period.start.isoformat(), agg_fine.c.local_date <= period.end.isoformat())
        .group_by(agg_fine.c.branch_id, column)
        .order_by(agg_fine.c.branch_id, column)
    )
    if branch_codes is not None:
        query = query.where(agg_fine.c.branch_id.in_(sorted(branch_codes)))
    if staff is not None:
        query = query.where(agg_fine.c.staff_id == staff)
    return [{"branch": b, "unit": u or None, **_rate_cells(int(r), int(s), int(x))} for b, u, r, s, x in conn.execute(query)]


def trend(
    conn: Connection, branch_codes: set[str] | None, *, months: int = 24, end: dt.date, staff: str | None = None
) -> list[dict]:
    """Monthly satisfied rate over the last ``months`` months up to ``end``."""
    first = period_containing(end, "month").start
    for _ in range(months - 1):
        first = period_containing(first - dt.timedelta(days=1), "month").start
    if staff is not None:
        table = agg_fine
        month = func.substr(table.c.local_date, 1, 7).label("month")
        window = and_(table.c.local_date >= first.isoformat(), table.c.local_date <= end.isoformat())
    else:
        table = agg_month
        month = table.c.month.label("month")
        window = and_(table.c.month >= first.isoformat()[:7], table.c.month <= end.isoformat()[:7])
    query = select(month, *_sums(table)).where(window).group_by(month).order_by(month)
    if branch_codes is not None:
        query = query.where(table.c.branch_id.in_(sorted(branch_codes)))
    if staff is not None:
        query = query.where(table.c.staff_id == staff)
    return [{"month": m, **_rate_cells(int(r), int(s), int(x))} for m, r, s, x in conn.execute(query)]


def heat_map(conn: Connection, branch_codes: set[str] | None, period: Period) -> dict[tuple[int, int], dict]:
    """(weekday 0=Monday, hour) -> rate cells over ``period``, from the per-day-and-hour aggregate."""
    query = (
        select(agg_fine.c.local_date, agg_fine.c.local_hour, *_sums(agg_fine))
        .where(agg_fine.c.local_date >= period.start.isoformat(), agg_fine.c.local_date <= period.end.isoformat())
        .group_by(agg_fine.c.local_date, agg_fine.c.local_hour)
    )
    if branch_codes is not None:
        query = query.where(agg_fine.c.branch_id.in_(sorted(branch_codes)))
    sums: dict[tuple[int, int], list[int]] = {}
    for day, hour, rated, sat, bad in conn.execute(query):
        key = (dt.date.fromisoformat(day).weekday(), int(hour))
        acc = sums.setdefault(key, [0, 0, 0])
        acc[0] += int(rated)
        acc[1] += int(sat)
        acc[2] += int(bad)
    return {key: _rate_cells(*acc) for key, acc in sums.items()}


def latest_dissatisfied(conn: Connection, branch_codes: set[str], limit: int = 20) -> list[dict]:
    """The newest bad ratings of the branches by capture time (index ``events_branch_bad_time``),
    as corrected: voided events left out, reassigned ones at their new counter and staff."""
    c, c2 = event_corrections, event_corrections.alias("newer")
    newest = select(func.max(c2.c.id)).where(c2.c.event_id == events.c.event_id).correlate(events).scalar_subquery()
    corrected = c.c.id.is_not(None)
    query = (
        select(
            events.c.branch_id,
            case((corrected, c.c.window_id), else_=events.c.window_id).label("window_id"),
            case((corrected, c.c.staff_id), else_=events.c.staff_id).label("staff_id"),
            events.c.local_date,
            events.c.local_hour,
            events.c.captured_at_utc,
            events.c.level,
            events.c.scale_levels,
            events.c.label,
        )
        .select_from(events.outerjoin(c, and_(c.c.event_id == events.c.event_id, c.c.id == newest)))
        .where(
            events.c.branch_id.in_(sorted(branch_codes)),
            events.c.bad.is_(True),
            or_(c.c.action.is_(None), c.c.action != "void"),
        )
        .order_by(events.c.captured_at_utc.desc(), events.c.seq.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def branches_of_staff(conn: Connection, staff: str) -> set[str]:
    """Branches where ``staff`` has rated events on record."""
    query = select(agg_fine.c.branch_id).where(agg_fine.c.staff_id == staff, agg_fine.c.n > 0).distinct()
    return {r[0] for r in conn.execute(query)}
