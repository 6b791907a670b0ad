"""The report's tables in the formats papers use: Markdown, LaTeX (booktabs) and Excel (one sheet per table).

:func:`report_tables` lays the numbers of :meth:`acsi.report.html_report.Report.to_dict` out as
tables (numbers untouched; an interval is two columns, ``... lower`` and ``... upper``);
:func:`to_markdown` and :func:`to_latex` print them with fixed decimals, intervals in brackets and
the thresholds as footnotes; :func:`write_tables` writes ``tables.md``, ``tables.tex`` and
``tables.xlsx`` (the Excel cells keep the full numbers). This covers the report's own tables
(``acsi report --tables DIR``); the tables of every ``Summary`` (issue 13, item 3) are not built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Table", "report_tables", "to_latex", "to_markdown", "write_tables"]


@dataclass(frozen=True)
class Table:
    """A titled table: ``frame`` (numbers as floats), decimals per column, footnotes."""

    title: str
    frame: pd.DataFrame
    digits: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _pair(values: Any) -> tuple[float, float]:
    if values is None or any(v is None for v in values):
        return math.nan, math.nan
    return float(values[0]), float(values[1])


def _nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def report_tables(report: Any) -> list[Table]:
    """The tables of a :class:`~acsi.report.html_report.Report`, from its ``to_dict()``."""
    numbers = report.to_dict()
    fit, boot = numbers["fit"], numbers["bootstrap"]
    tables: list[Table] = []
    level = f"{100 * boot['bootstrap']['level']:g}% {boot['bootstrap']['ci_method']}" if boot else ""
    boot_note = (
        (f"Bootstrap: {boot['bootstrap']['used']} resamples, seed {boot['bootstrap']['seed']}; {level} intervals.",)
        if boot
        else ()
    )

    rows = []
    for construct in report.spec.constructs:
        for indicator in construct.indicators:
            row: dict[str, Any] = {"construct": construct.name, "indicator": indicator, "mode": construct.mode.weighting}
            for kind, name in (("weights", "weight"), ("loadings", "loading")):
                row[name] = fit[kind][construct.name][indicator]
                if boot:
                    row[f"{name} SE"] = _nan(boot["std_errors"][kind][construct.name][indicator])
                    row[f"{name} lower"], row[f"{name} upper"] = _pair(boot["ci"][kind][construct.name][indicator])
            rows.append(row)
    tables.append(Table("Outer model", pd.DataFrame(rows), notes=boot_note))

    rows = []
    for key, value in fit["paths"].items():
        row = {"path": key, "estimate": value}
        if boot:
            row["SE"] = _nan(boot["std_errors"]["paths"].get(key))
            row["p"] = _nan(boot["p"].get("paths", {}).get(key))
            row["lower"], row["upper"] = _pair(boot["ci"]["paths"].get(key))
        rows.append(row)
    tables.append(Table("Structural model", pd.DataFrame(rows), digits={"p": 4}, notes=boot_note))

    rows = [
        {"construct": name, "R²": value, "adjusted R²": fit["adjusted_r_squared"][name]}
        | (
            {"lower": _pair(boot["ci"]["r_squared"].get(name))[0], "upper": _pair(boot["ci"]["r_squared"].get(name))[1]}
            if boot
            else {}
        )
        for name, value in fit["r_squared"].items()
    ]
    tables.append(Table("Explained variance", pd.DataFrame(rows), notes=boot_note))

    rows = []
    for key, parts in fit["effects"].items():
        row = {"effect": key, **{part: parts[part] for part in ("direct", "indirect", "total")}}
        if boot:
            ci = boot["ci"]["effects"].get(key, {})
            row["total lower"], row["total upper"] = _pair(ci.get("total"))
        rows.append(row)
    tables.append(Table("Effects", pd.DataFrame(rows), notes=boot_note))

    if fit.get("index"):
        rows = []
        for name, value in fit["index"].items():
            row = {"construct": name, "index": value}
            if boot:
                row["SE"] = _nan(boot["std_errors"]["index"].get(name))
                row["lower"], row["upper"] = _pair(boot["ci"]["index"].get(name))
            rows.append(row)
        note = (f"0-100 index with {fit.get('index_weights')} weights (Fornell et al. 1996).",) + boot_note
        tables.append(
            Table("Indices (0-100)", pd.DataFrame(rows), digits={"index": 1, "SE": 2, "lower": 1, "upper": 1}, notes=note)
        )

    if report.assessment is not None:
        from acsi.report.html_report import checklist

        checks = checklist(report.assessment)
        frame = pd.DataFrame(
            [
                {
                    "criterion": c.criterion,
                    "construct / item": c.subject,
                    "value": c.value,
                    "threshold": c.rule,
                    "status": c.status,
                }
                for c in checks
            ]
        )
        sources = tuple(dict.fromkeys(f"{c.criterion}: {c.source}" for c in checks))
        tables.append(Table("Assessment", frame, notes=sources))

    if numbers["ipma"] is not None:
        m = numbers["ipma"]
        frame = pd.DataFrame(
            [
                {"construct": name, "importance": r["importance"], "performance": r["performance"], "quadrant": r["quadrant"]}
                for name, r in m["constructs"].items()
            ]
        )
        tables.append(Table(f"Importance-performance map ({m['target']})", frame, digits={"performance": 1}, notes=(m["rule"],)))

    c = numbers["comparison"]
    if c is not None:
        construct = c["construct"]
        rows = []
        for group in c["ranking"]:
            entry = c["groups"][group]
            lo, hi = _pair(entry["ci"].get(construct))
            rows.append(
                {
                    "rank": entry["rank"],
                    "group": group,
                    "n": entry["n_obs"],
                    "index": entry["index"].get(construct),
                    "lower": lo,
                    "upper": hi,
                }
            )
        tables.append(
            Table(f"Ranking by {construct}", pd.DataFrame(rows), digits={"rank": 0, "n": 0, "index": 1, "lower": 1, "upper": 1})
        )
        rows = [
            {
                "pair": f"{d['group_a']} - {d['group_b']}",
                "difference": d["estimate"],
                "lower": _pair(d.get("ci"))[0],
                "upper": _pair(d.get("ci"))[1],
                "adjusted p": d["p_adjusted"],
            }
            for d in c["differences"]
            if d["quantity"] == "index" and d["parameter"] == construct and d["significant"]
        ]
        settings = c["differences_settings"]
        tables.append(
            Table(
                f"Significant differences in {construct}",
                pd.DataFrame(rows, columns=["pair", "difference", "lower", "upper", "adjusted p"]),
                digits={"difference": 2, "lower": 2, "upper": 2, "adjusted p": 4},
                notes=(f"{settings['test']} test, {settings['adjust']} adjustment, {settings['pairs']}.",),
            )
        )
        if c.get("periods"):
            frame = pd.DataFrame(
                [
                    {
                        "group": r["group"],
                        "period": r["period"],
                        "n": r["n"],
                        "index": _nan(r["value"]),
                        "change vs previous": _nan(r.get("prev_change")),
                    }
                    for r in c["periods"]
                ]
            )
            tables.append(Table(f"{construct} over periods", frame, digits={"n": 0, "index": 1, "change vs previous": 1}))
    return tables


# ---------------------------------------------------------------------- formatting
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
            if upper is None and name in ("p", "adjusted p") and 0 <= _nan(record[name]) < 1e-4:
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


def write_tables(report: Any, folder: str | Path) -> list[Path]:
    """``tables.md``, ``tables.tex`` (booktabs; ``\\usepackage{booktabs}``) and ``tables.xlsx`` (one sheet per
    table, full numbers) in ``folder`` (created if needed)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    tables = report_tables(report)
    markdown = target / "tables.md"
    markdown.write_text("\n".join(to_markdown(t) for t in tables), encoding="utf-8")
    latex = target / "tables.tex"
    latex.write_text("% needs \\usepackage{booktabs}\n" + "\n".join(to_latex(t) for t in tables), encoding="utf-8")
    excel = target / "tables.xlsx"
    with pd.ExcelWriter(excel, engine="openpyxl") as writer:
        used: set[str] = set()
        for table in tables:
            name = _sheet_name(table.title, used)
            table.frame.to_excel(writer, sheet_name=name, index=False)
            if table.notes:
                notes = pd.DataFrame({"note": list(table.notes)})
                notes.to_excel(writer, sheet_name=name, index=False, startrow=len(table.frame) + 2)
    return [markdown, latex, excel]


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    used.add(name.lower())
    return name
