"""Calendar periods for the dashboard: the period containing a day, the previous period (环比)
and the same period one year earlier (同比), as ``[start, end]`` date ranges (inclusive)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acsi.errors import ParameterError

KINDS = ("week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(day: dt.date, kind: str) -> Period:
    if kind not in KINDS:
        raise ParameterError(f"period must be one of {', '.join(KINDS)}, got {kind!r}.")
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    else:
        start = dt.date(day.year, 1, 1)
    return Period(kind, start, _add_months(start, months) - dt.timedelta(days=1))


def previous(period: Period) -> Period:
    return period_containing(period.start - dt.timedelta(days=1), period.kind)


def last_year(period: Period) -> Period:
    """The same calendar period a year earlier (ISO week number kept for weeks)."""
    if period.kind == "week":
        year, week, _ = period.start.isocalendar()
        try:
            start = dt.date.fromisocalendar(year - 1, week, 1)
        except ValueError:
            start = dt.date.fromisocalendar(year - 1, week - 1, 1)
        return period_containing(start, "week")
    return period_containing(period.start.replace(year=period.start.year - 1), period.kind)
