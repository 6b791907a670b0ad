"""Tables shown on the pages and exported as CSV or Excel from the very same rows (so an export
passes through the same scope check as the page it comes from)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

KINDS = ("text", "int", "num", "num3", "pct", "diff", "flag")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"
    link: str | None = None  # URL pattern with {value}, e.g. "/branch/{value}"


@dataclass
class DataTable:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    grey_key: str | None = "reportable"  # rows whose value here is False are shown greyed

    def values(self) -> list[list]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]


def to_csv(table: DataTable) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it with the right encoding); rates as fractions."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.key for c in table.columns])
    for values in table.values():
        writer.writerow(["" if v is None else _safe_cell(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_xlsx(table: DataTable) -> bytes:
    """An Excel workbook with one sheet (openpyxl); rates as numbers formatted as percentages."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append([c.title for c in table.columns])
    for values in table.values():
        sheet.append([_safe_cell(v) for v in values])
    for index, column in enumerate(table.columns, start=1):
        if column.kind in ("pct", "diff"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
