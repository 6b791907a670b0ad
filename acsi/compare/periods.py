"""Period labels parsed into calendar periods, so that "previous period" and "same period last
year" follow the calendar, never the text order of the labels.

Accepted forms (one kind per column):

* day ``2024-03-05``;
* ISO week ``2024-W09`` (also ``2024W09``), weeks 1-52, or 53 in years that have one;
* month ``2024-03`` (also ``2024/03``), months 01-12;
* quarter ``2024Q1``, ``2024-Q1``, ``2024 Q1``, ``Q1/24``, ``Q1-2024``, ``Q1 2024``, quarters 1-4;
* year ``2024``.

Each period is an ordinal count of its kind (days since 0001-01-01, ISO weeks since the first
Monday of year 1, ``12 y + m``, ``4 y + q``, ``y``): the previous period is ``ordinal - 1`` and
the same period a year earlier is ``ordinal - per_year`` (52/53-week years: the same ISO week
number, or the last week when the year before has none).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from acsi.errors import DataError, shorten

ACCEPTED = "2024-03-05 (day), 2024-W09 (ISO week), 2024-03 (month), 2024Q1 / 2024-Q1 / Q1/24 (quarter), 2024 (year)"

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})[-/](\d{2})$")
_QUARTER_YEAR_FIRST = re.compile(r"^(\d{4})[- ]?Q(\d)$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(r"^Q(\d)[-/ ](\d{2}|\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_KIND_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


@dataclass(frozen=True, order=True)
class CalendarPeriod:
    """A day, ISO week, month, quarter or year, ordered within its kind."""

    kind: str  # "D", "W", "M", "Q" or "Y"
    ordinal: int

    @property
    def label(self) -> str:
        """The canonical label: 2024-03-05, 2024-W09, 2024-03, 2024Q1, 2024."""
        if self.kind == "D":
            return dt.date.fromordinal(self.ordinal).isoformat()
        if self.kind == "W":
            year, week, _ = dt.date.fromordinal(self.ordinal * 7 + 1).isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "M":
            return f"{self.ordinal // 12}-{self.ordinal % 12 + 1:02d}"
        if self.kind == "Q":
            return f"{self.ordinal // 4}Q{self.ordinal % 4 + 1}"
        return str(self.ordinal)

    def previous(self) -> CalendarPeriod:
        return CalendarPeriod(self.kind, self.ordinal - 1)

    def year_ago(self) -> CalendarPeriod | None:
        """The same period one year earlier (None for 29 February)."""
        if self.kind == "D":
            day = dt.date.fromordinal(self.ordinal)
            try:
                return CalendarPeriod("D", day.replace(year=day.year - 1).toordinal())
            except ValueError:  # 29 February
                return None
        if self.kind == "W":
            year, week, _ = dt.date.fromordinal(self.ordinal * 7 + 1).isocalendar()
            week = min(week, dt.date(year - 1, 12, 28).isocalendar()[1])  # 28 December is in the last ISO week
            return _week(year - 1, week)
        return CalendarPeriod(self.kind, self.ordinal - {"M": 12, "Q": 4, "Y": 1}[self.kind])


def _week(year: int, week: int) -> CalendarPeriod:
    monday = dt.date.fromisocalendar(year, week, 1)
    return CalendarPeriod("W", (monday.toordinal() - 1) // 7)


def parse_period(label: Any) -> CalendarPeriod | None:
    """The calendar period a label names, or None when it names none (``sometime``, ``2024-13``, ``Q5/24``)."""
    text = str(label).strip()
    try:
        if match := _DAY.match(text):
            return CalendarPeriod("D", dt.date(int(match[1]), int(match[2]), int(match[3])).toordinal())
        if match := _WEEK.match(text):
            return _week(int(match[1]), int(match[2]))
    except ValueError:  # 2024-02-30, 2023-W53
        return None
    if match := _MONTH.match(text):
        month = int(match[2])
        return CalendarPeriod("M", 12 * int(match[1]) + month - 1) if 1 <= month <= 12 else None
    if (match := _QUARTER_YEAR_FIRST.match(text)) or (match := _QUARTER_FIRST.match(text)):
        year, quarter = (match[1], match[2]) if match.re is _QUARTER_YEAR_FIRST else (match[2], match[1])
        year_number = int(year) + (2000 if len(year) == 2 else 0)
        return CalendarPeriod("Q", 4 * year_number + int(quarter) - 1) if 1 <= int(quarter) <= 4 else None
    if _YEAR.match(text):
        return CalendarPeriod("Y", int(text))
    return None


def parse_periods(labels: Iterable[Any], *, column: str = "period") -> dict[Any, CalendarPeriod]:
    """Every distinct label parsed, all of one kind; :class:`DataError` naming the labels that are
    not periods (or the kinds that are mixed) and the accepted forms otherwise."""
    parsed: dict[Any, CalendarPeriod] = {}
    bad: list[Any] = []
    for label in dict.fromkeys(labels):
        period = parse_period(label)
        if period is None:
            bad.append(label)
        else:
            parsed[label] = period
    if bad:
        shown = ", ".join(shorten(str(b), 40) for b in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise DataError(
            f"Column '{column}' has {len(bad)} label(s) that are not calendar periods: {shown}. Changes over time "
            f"need periods in order; accepted forms: {ACCEPTED}."
        )
    kinds: dict[str, Any] = {}
    for label, period in parsed.items():
        kinds.setdefault(period.kind, label)
    if len(kinds) > 1:
        shown = ", ".join(f"{_KIND_NAMES[k]} ({shorten(str(v), 40)})" for k, v in kinds.items())
        raise DataError(
            f"Column '{column}' mixes kinds of period: {shown}. Use one kind (all months, all quarters, ...) so "
            "that the previous period and the same period last year are defined."
        )
    return parsed
