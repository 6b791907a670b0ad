"""What each page shows: scope check first, then numbers from :mod:`acsi.server.queries`, as
:class:`~acsi.server.tables.DataTable` objects shared by the page and its CSV/Excel export."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from acsi.errors import ParameterError
from acsi.server import queries, survey, svg
from acsi.server.org import branch_names, staff_names
from acsi.server.periods import KINDS, Period, period_containing
from acsi.server.schema import branches, regions
from acsi.server.scope import (
    Forbidden,
    NotFound,
    Viewer,
    check_branch,
    check_region,
    staff_branch_filter,
)
from acsi.server.tables import Column, DataTable

RANK_COLUMNS = [
    Column("rank", "#", "int"),
    Column("branch", "Branch", link="/branch/{value}"),
    Column("name", "Name"),
    Column("region", "Region"),
    Column("n_rated", "Rated", "int"),
    Column("rate", "Satisfied", "pct"),
    Column("low", "95% low", "pct"),
    Column("high", "95% high", "pct"),
    Column("prev_rate", "Previous period", "pct"),
    Column("diff_prev", "Change", "diff"),
    Column("flag_prev", "Sig.", "flag"),
    Column("yoy_rate", "Last year", "pct"),
    Column("diff_yoy", "Change vs last year", "diff"),
    Column("flag_yoy", "Sig. yoy", "flag"),
    Column("survey_index", "Survey index", "num"),
    Column("survey_low", "Survey 95% low", "num"),
    Column("survey_high", "Survey 95% high", "num"),
]
UNIT_COLUMNS = [
    Column("unit", "Unit"),
    Column("n_rated", "Rated", "int"),
    Column("rate", "Satisfied", "pct"),
    Column("low", "95% low", "pct"),
    Column("high", "95% high", "pct"),
    Column("bad_rate", "Dissatisfied", "pct"),
]


def parse_period(kind: str | None, at: str | None, default_day: dt.date) -> Period:
    """The period of kind ``kind`` (default month) containing ``at`` (default: last day with data)."""
    kind = kind or "month"
    if kind not in KINDS:
        raise ParameterError(f"period must be one of {', '.join(KINDS)}, found {kind!r}.")
    day = default_day
    if at:
        try:
            day = dt.date.fromisoformat(at)
        except ValueError as err:
            raise ParameterError(f"at must be a date YYYY-MM-DD, found {at!r}.") from err
    return period_containing(day, kind)


def _survey_by_branch(conn: Connection) -> dict[str, dict]:
    found = survey.latest(conn)
    if found is None:
        return {}
    return {r["group"]: r for r in found["result"]["rows"] if r["reported"]}


def _ranking_table(conn: Connection, codes: set[str] | None, period: Period) -> tuple[DataTable, list[dict]]:
    names = branch_names(conn)
    rows = queries.ranking(conn, codes, period)
    indices = _survey_by_branch(conn)
    flat = []
    for r in rows:
        info = names.get(r["branch"], {})
        index = indices.get(r["branch"], {})
        flat.append(
            {
                "rank": r["rank"],
                "branch": r["branch"],
                "name": info.get("name", ""),
                "region": info.get("region_name") or "",
                "n_rated": r["n_rated"],
                "rate": r["rate"],
                "low": r["low"],
                "high": r["high"],
                "reportable": r["reportable"],
                "prev_rate": r["prev"]["rate"],
                "diff_prev": r["prev"]["diff"],
                "flag_prev": r["prev"]["flag"],
                "yoy_rate": r["yoy"]["rate"],
                "diff_yoy": r["yoy"]["diff"],
                "flag_yoy": r["yoy"]["flag"],
                "survey_index": index.get("value"),
                "survey_low": index.get("ci_lower"),
                "survey_high": index.get("ci_upper"),
            }
        )
    return DataTable("ranking", f"Branches ranked by satisfied rate, {period.label}", RANK_COLUMNS, flat), rows


def _ranking_view(conn: Connection, title: str, codes: set[str] | None, kind: str | None, at: str | None) -> dict:
    """The overview and the region view: branches ranked, with the ranking and trend charts."""
    period = parse_period(kind, at, queries.latest_day(conn, codes))
    table, rows = _ranking_table(conn, codes, period)
    names = {code: info["name"] for code, info in branch_names(conn).items()}
    trend = queries.trend(conn, codes, end=period.end)
    return {
        "title": title,
        "period": period,
        "tables": {"ranking": table},
        "charts": {"ranking": svg.ranking_chart(rows, names), "trend": svg.trend_chart(trend)},
        "scope": codes,
    }


def overview(conn: Connection, viewer: Viewer, kind: str | None, at: str | None) -> dict:
    if not (viewer.bank_wide or viewer.role == "region_manager"):
        raise Forbidden(f"user {viewer.name!r} ({viewer.role}) has no bank overview.")
    return _ranking_view(conn, "Overview", viewer.branch_codes(conn), kind, at)


def region(conn: Connection, viewer: Viewer, code: str, kind: str | None, at: str | None) -> dict:
    check_region(conn, viewer, code)
    region_id = conn.execute(select(regions.c.id, regions.c.name).where(regions.c.code == code)).first()
    codes = {r[0] for r in conn.execute(select(branches.c.code).where(branches.c.region_id == region_id[0]))}
    return _ranking_view(conn, f"Region {region_id[1]}", codes, kind, at)


def branch(conn: Connection, viewer: Viewer, code: str, kind: str | None, at: str | None) -> dict:
    check_branch(conn, viewer, code)
    codes = {code}
    period = parse_period(kind, at, queries.latest_day(conn, codes))
    info = branch_names(conn)[code]
    tables = {
        "counters": DataTable(
            "counters", f"Counters, {period.label}", UNIT_COLUMNS, queries.by_unit(conn, "window_id", codes, period)
        )
    }
    latest_columns = [
        Column("local_date", "Day"),
        Column("local_hour", "Hour", "int"),
        Column("captured_at_utc", "Time (UTC)"),
        Column("window_id", "Counter"),
        Column("level", "Level", "int"),
        Column("label", "Label"),
    ]
    if viewer.sees_clerk_names:
        names = staff_names(conn)
        clerks = queries.by_unit(conn, "staff_id", codes, period)
        for row in clerks:
            row["name"] = names.get(row["unit"] or "", "")
        tables["clerks"] = DataTable(
            "clerks",
            f"Clerks, {period.label}",
            [Column("unit", "Staff", link="/clerk/{value}"), Column("name", "Name"), *UNIT_COLUMNS[1:]],
            clerks,
        )
        latest_columns.insert(4, Column("staff_id", "Staff"))
    latest = queries.latest_dissatisfied(conn, codes)
    tables["dissatisfied"] = DataTable("dissatisfied", "Latest dissatisfied ratings", latest_columns, latest, grey_key=None)
    trend = queries.trend(conn, codes, end=period.end)
    tables["trend"] = DataTable("trend", "Satisfied rate by month", [Column("month", "Month"), *UNIT_COLUMNS[1:]], trend)
    return {
        "title": f"Branch {info['name']}",
        "branch": code,
        "period": period,
        "tables": tables,
        "charts": {"heat": svg.heat_map(queries.heat_map(conn, codes, period)), "trend": svg.trend_chart(trend)},
        "scope": codes,
    }


def clerk(conn: Connection, viewer: Viewer, code: str, kind: str | None, at: str | None) -> dict:
    visible = staff_branch_filter(conn, viewer, code)
    own_branches = queries.branches_of_staff(conn, code)
    if visible is not None:
        own_branches &= visible
    if not own_branches and visible is None and viewer.role != "clerk":
        raise NotFound(f"staff member {code!r} has no ratings.")
    period = parse_period(kind, at, queries.latest_day(conn, own_branches or set()))
    own = queries.trend(conn, own_branches, end=period.end, staff=code) if own_branches else []
    average = queries.trend(conn, own_branches, end=period.end) if own_branches else []
    by_month = {p["month"]: p for p in average}
    rows = [{**p, "branch_rate": by_month.get(p["month"], {}).get("rate")} for p in own]
    name = staff_names(conn).get(code, code)
    table = DataTable(
        "trend",
        "Own satisfied rate by month against the branch average",
        [Column("month", "Month"), *UNIT_COLUMNS[1:], Column("branch_rate", "Branch average", "pct")],
        rows,
    )
    return {
        "title": f"Clerk {name}",
        "period": period,
        "tables": {"trend": table},
        "charts": {"trend": svg.trend_chart(own, compare=average)},
        "scope": own_branches,
    }


SURVEY_UPLOADERS = ("admin", "head_office", "analyst")


def survey_view(conn: Connection, viewer: Viewer) -> dict:
    """The latest survey's per-branch indices and IPMA, for the viewer's branches."""
    if viewer.role == "clerk":
        raise Forbidden(f"user {viewer.name!r} (clerk) sees only their own numbers.")
    codes = viewer.branch_codes(conn)
    found = survey.latest(conn)
    rows, maps = [], []
    label = "none"
    if found is not None:
        label = f"survey{found['id']}"
        for r in found["result"]["rows"]:
            if codes is None or r["group"] in codes:
                rows.append(
                    {
                        "branch": r["group"],
                        "n": r["n"],
                        "value": r["value"],
                        "ci_lower": r["ci_lower"],
                        "ci_upper": r["ci_upper"],
                        "reportable": r["reported"],
                        "note": r["note"],
                    }
                )
        for branch, m in sorted(found["result"]["ipma"].items()):
            if codes is None or branch in codes:
                for c in m["constructs"]:
                    maps.append(
                        {
                            "branch": branch,
                            "construct": c["construct"],
                            "importance": c["importance"],
                            "performance": c["performance"],
                            "priority": c["priority"],
                            "quadrant": c["quadrant"],
                            "act_first": "yes" if c["construct"] == m["act_first"] else "",
                        }
                    )
    index_table = DataTable(
        "indices",
        "Satisfaction index (0-100) per branch, with bootstrap 95% intervals",
        [
            Column("branch", "Branch"),
            Column("n", "Respondents", "int"),
            Column("value", "Index", "num"),
            Column("ci_lower", "95% low", "num"),
            Column("ci_upper", "95% high", "num"),
            Column("note", "Note"),
        ],
        rows,
    )
    ipma_table = DataTable(
        "ipma",
        "Importance-performance (IPMA): what to improve first",
        [
            Column("branch", "Branch"),
            Column("construct", "Driver"),
            Column("importance", "Importance (total effect)", "num3"),
            Column("performance", "Performance (0-100)", "num"),
            Column("priority", "Priority", "num"),
            Column("quadrant", "Quadrant"),
            Column("act_first", "Act first"),
        ],
        maps,
        grey_key=None,
    )
    return {
        "title": "Survey",
        "label": label,
        "survey": found,
        "tables": {"indices": index_table, "ipma": ipma_table},
        "scope": codes,
        "can_upload": viewer.role in SURVEY_UPLOADERS,
    }
