"""The one readable summary every result fills: header lines and titled sections, as text, Markdown or HTML.

A result's ``summary()`` collects its numbers into a :class:`Summary` (tables it already holds,
lines of prose); the summary only lays them out (lavaan's ``summary``/``print`` split). Text
is what the CLI prints; Markdown and HTML are the same sections for reports and notebooks
(``_repr_html_`` of every result is :meth:`Summary.as_html`). The tables print as papers want
them through :mod:`acsi.table_format`: LaTeX (booktabs) and Excel (one sheet per table), with the
section's lines as footnotes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from acsi.table_format import Table, to_latex, write_excel


@dataclass(frozen=True)
class Section:
    """One titled block: an optional table, then lines of text.

    ``digits`` is the number of decimals of the table's floats (None: pandas' default format),
    ``na_rep`` what undefined numbers show as, ``index`` whether the table's row labels are shown.
    """

    title: str
    table: pd.DataFrame | None = None
    lines: tuple[str, ...] = ()
    digits: int | None = 3
    na_rep: str = "NaN"
    index: bool = True

    def _float(self) -> Callable[[float], str] | None:
        return None if self.digits is None else f"{{:.{self.digits}f}}".format

    def as_text(self) -> list[str]:
        out = ["", self.title, "-" * len(self.title)] if self.title else []
        if self.table is not None:
            out.append(self.table.to_string(float_format=self._float(), na_rep=self.na_rep, index=self.index))
        return out + list(self.lines)

    def as_markdown(self) -> list[str]:
        out = ["", f"## {self.title}"] if self.title else []
        if self.table is not None:
            out += ["", *_markdown_table(self.table, self._float(), self.na_rep, self.index)]
        if self.lines:
            out += ["", *(line.strip() for line in self.lines)]
        return out

    def as_html(self) -> str:
        out = f"<h4>{html.escape(self.title)}</h4>" if self.title else ""
        if self.table is not None:
            out += self.table.to_html(float_format=self._float(), na_rep=self.na_rep, index=self.index)
        if self.lines:
            out += "".join(f"<p>{html.escape(line.strip())}</p>" for line in self.lines if line.strip())
        return out


@dataclass(frozen=True)
class Summary:
    """Header lines and sections of a result; ``str(summary)`` is the text the CLI prints."""

    header: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the summary, by section title."""
        return {s.title: s.table for s in self.sections if s.table is not None}

    def as_text(self) -> str:
        lines = list(self.header)
        for section in self.sections:
            lines += section.as_text()
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [line.strip() for line in self.header]
        for section in self.sections:
            lines += section.as_markdown()
        return "\n".join(lines).strip() + "\n"

    def publication_tables(self) -> list[Table]:
        """Each section's table (row labels as the first column) with its lines as footnotes."""
        out = []
        for section in self.sections:
            if section.table is None:
                continue
            frame = section.table.reset_index() if section.index else section.table.reset_index(drop=True)
            frame.columns = [str(c) for c in frame.columns]
            digits = {} if section.digits is None else {c: section.digits for c in frame.columns}
            notes = tuple(line.strip() for line in section.lines if line.strip())
            out.append(Table(section.title or "table", frame, digits, notes))
        return out

    def as_latex(self) -> str:
        """The tables as booktabs LaTeX (``\\usepackage{booktabs}``), one ``table`` environment each."""
        return "\n".join(to_latex(table) for table in self.publication_tables())

    def to_excel(self, path: str | Path) -> Path:
        """The tables in one Excel workbook, one sheet per table (full numbers, notes below)."""
        return write_excel(self.publication_tables(), path)

    def as_html(self) -> str:
        head = "".join(f"<p>{html.escape(line.strip())}</p>" for line in self.header if line.strip())
        return f'<div class="acsi-summary">{head}{"".join(s.as_html() for s in self.sections)}</div>'

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def _markdown_table(table: pd.DataFrame, number: Callable[[float], str] | None, na_rep: str, index: bool) -> list[str]:
    """A GitHub-flavoured Markdown table (pipes escaped) of ``table``."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            text = na_rep if value != value else (number or "{:g}".format)(value)
        else:
            text = "" if value is None else str(value)
        return text.replace("|", "\\|")

    frame = table.reset_index() if index else table
    columns = [str(c) for c in frame.columns]
    rows = [" | ".join(cell(v) for v in row) for row in frame.itertuples(index=False)]
    return [f"| {' | '.join(columns)} |", "|" + "---|" * len(columns), *(f"| {row} |" for row in rows)]
