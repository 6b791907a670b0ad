"""``GET /api/v1/indicators``: the rows of ``acsi device indicators`` computed from the server's
aggregates, for the caller's branches only.

The aggregate ``agg_fine`` holds the count-table keys of
:data:`acsi.ingest.device.indicators.COUNT_KEYS` (plus the hour, summed away here), so the count
table handed to :func:`acsi.ingest.device.indicators.indicators_from_counts` is the one the
event store's ``count_table()`` would give for the same events: the same arithmetic, the same
rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from acsi.errors import ParameterError
from acsi.ingest.device.indicators import COUNT_KEYS
from acsi.server.schema import agg_fine, agg_reasons


def _date(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise ParameterError(f"{name} must be a date YYYY-MM-DD, found {value!r}.") from err


def count_tables(conn: Connection, branch_codes: set[str] | None, since: str | None = None, until: str | None = None):
    """(counts, reasons) DataFrames in the event store's count-table layout."""
    import numpy as np
    import pandas as pd

    since, until = _date(since, "since"), _date(until, "until")
    cols = [agg_fine.c[name] for name in COUNT_KEYS]
    query = select(*cols, func.sum(agg_fine.c.n).label("n")).group_by(*cols)
    reason_cols = [agg_reasons.c[name] for name in ("bank_id", "branch_id", "window_id", "staff_id", "local_date", "reason")]
    rquery = select(*reason_cols, func.sum(agg_reasons.c.n).label("n")).group_by(*reason_cols)

    def scoped(stmt, table):
        if branch_codes is not None:
            stmt = stmt.where(table.c.branch_id.in_(sorted(branch_codes)))
        if since:
            stmt = stmt.where(table.c.local_date >= since)
        if until:
            stmt = stmt.where(table.c.local_date <= until)
        return stmt

    query, rquery = scoped(query, agg_fine), scoped(rquery, agg_reasons)
    counts = pd.DataFrame(conn.execute(query).all(), columns=[*COUNT_KEYS, "n"])
    reasons = pd.DataFrame(
        conn.execute(rquery).all(), columns=["bank_id", "branch_id", "window_id", "staff_id", "local_date", "reason", "n"]
    )
    for frame in (counts, reasons):
        for name in ("bank_id", "window_id", "staff_id"):
            frame[name] = frame[name].astype(object).where(frame[name] != "", None)
        frame["n"] = frame["n"].astype("int64")
    counts["label"] = counts["label"].astype(object).where(counts["label"] != "", None)
    counts["level"] = counts["level"].astype(float).where(counts["level"] != 0, np.nan)
    counts["prompted"] = counts["prompted"].astype(bool)
    return counts, reasons


def indicator_rows(
    conn: Connection,
    branch_codes: set[str] | None,
    *,
    by: str = "branch,month",
    since: str | None = None,
    until: str | None = None,
    min_n: int = 30,
    small_n: str = "mask",
    compare: bool = True,
) -> list[dict]:
    """Indicator rows (dicts, NaN as None) for the branches in scope."""
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.strict_json import finite_or_none

    counts, reasons = count_tables(conn, branch_codes, since, until)
    if counts.empty:
        return []
    table = indicators_from_counts(counts, reasons, by=by, min_n=min_n, small_n=small_n, compare=compare)
    records = table.to_dict(orient="records")
    out = []
    for record in records:
        row = {}
        for key, value in record.items():
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif hasattr(value, "item"):
                value = value.item()
            row[key] = finite_or_none(value)
        out.append(row)
    return out
