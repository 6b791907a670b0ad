"""Publication tables: one titled table printed as Markdown, LaTeX (booktabs) or Excel, as journals expect.

Fixed decimals per column (3 unless the table says), an interval's ``... lower``/``... upper`` pair
printed as one ``[lower, upper]`` column, p-values below 1e-4 as ``< 0.0001``, missing numbers
blank, and the notes (thresholds, their sources, the bootstrap settings) as footnotes. Excel keeps
the full numbers, one sheet per table. Used by every :class:`acsi.summary.Summary`
(``as_latex``, ``to_excel``) and by ``acsi report --tables``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Table", "number_or_nan", "to_latex", "to_markdown", "write_excel"]


@dataclass(frozen=True)
class Table:
    """A titled table: ``frame`` (numbers as floats), decimals per column, footnotes."""

    title: str
    frame: pd.DataFrame
    digits: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def number_or_nan(value: Any) -> float:
    """``value`` as a float, NaN for None (a null of strict JSON)."""
    return math.nan if value is None else float(value)


def _cells(table: Table) -> tuple[list[str], list[list[str]], list[bool]]:
    """Printed header, cells and which columns hold numbers: fixed decimals (3 unless the table says),
    ``lower``/``upper`` pairs as one ``[lower, upper]`` column, blanks for missing numbers."""
    frame = table.frame
    columns = list(frame.columns)
    header: list[str] = []
    plan: list[tuple[str, str | None]] = []
    for name in columns:
        if name.endswith("upper"):
            continue
        if name.endswith("lower") and name[: -len("lower")] + "upper" in columns:
            header.append((name[: -len("lower")] + "interval").strip())
            plan.append((name, name[: -len("lower")] + "upper"))
        else:
            header.append(name)
            plan.append((name, None))

    def number(value: Any, digits: int) -> str:
        if isinstance(value, str):
            return value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return f"{float(value):.{digits}f}"

    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for name, upper in plan:
            digits = table.digits.get(name, 3)
            if upper is None and name in ("p", "adjusted p") and 0 <= number_or_nan(record[name]) < 1e-4:
                cells.append("< 0.0001")
            elif upper is None:
                cells.append(number(record[name], digits))
            else:
                lo, hi = number(record[name], digits), number(record[upper], table.digits.get(upper, digits))
                cells.append(f"[{lo}, {hi}]" if lo and hi else "")
        rows.append(cells)
    numeric = [pd.api.types.is_numeric_dtype(frame[name]) for name, _ in plan]
    return header, rows, numeric


def to_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table with its title and footnotes."""
    header, rows, _ = _cells(table)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    out = [f"### {table.title}", "", line(header), "|" + "|".join(" --- " for _ in header) + "|"]
    out += [line(r) for r in rows]
    out += [""] + [f"Note: {n}" for n in table.notes]
    return "\n".join(out).rstrip() + "\n"


_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    out = "".join(_LATEX.get(ch, ch) for ch in text)
    return out.replace("->", r"$\rightarrow$").replace("²", r"$^2$").replace(">=", r"$\geq$").replace("<", r"$<$")


def to_latex(table: Table) -> str:
    """A booktabs table (``\\toprule``, ``\\midrule``, ``\\bottomrule``) with the notes as footnotes."""
    header, rows, numeric = _cells(table)
    align = "".join("r" if n else "l" for n in numeric)
    out = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_tex(table.title)}}}",
        rf"\begin{{tabular}}{{{align}}}",
        r"\toprule",
        " & ".join(_tex(h) for h in header) + r" \\",
        r"\midrule",
    ]
    out += [" & ".join(_tex(c) for c in row) + r" \\" for row in rows]
    out += [r"\bottomrule", r"\end{tabular}"]
    if table.notes:
        out.append(r"\par\footnotesize")
        out += [f"{_tex(note)}\\\\" for note in table.notes]
    out.append(r"\end{table}")
    return "\n".join(out) + "\n"


def write_excel(tables: Sequence[Table], path: str | Path) -> Path:
    """``tables`` in one Excel workbook at ``path``: one sheet per table (full numbers), its notes below it."""
    target = Path(path)
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        used: set[str] = set()
        for table in tables:
            name = _sheet_name(table.title, used)
            table.frame.to_excel(writer, sheet_name=name, index=False)
            if table.notes:
                notes = pd.DataFrame({"note": list(table.notes)})
                notes.to_excel(writer, sheet_name=name, index=False, startrow=len(table.frame) + 2)
    return target


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    used.add(name.lower())
    return name
