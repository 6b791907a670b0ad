"""The report's tables in the formats papers use: Markdown, LaTeX (booktabs) and Excel (one sheet per table).

:func:`report_tables` lays the numbers of :meth:`acsi.report.html_report.Report.to_dict` out as
tables (numbers untouched; an interval is two columns, ``... lower`` and ``... upper``);
:func:`to_markdown` and :func:`to_latex` print them with fixed decimals, intervals in brackets and
the thresholds as footnotes; :func:`write_tables` writes ``tables.md``, ``tables.tex`` and
``tables.xlsx`` (the Excel cells keep the full numbers) through :mod:`acsi.table_format`, the one
formatter that every ``Summary`` also prints its tables with (``as_latex``, ``to_excel``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from acsi.report.checklist import checklist
from acsi.table_format import Table, number_or_nan, to_latex, to_markdown, write_excel

__all__ = ["report_tables", "write_tables"]


def _pair(values: Any) -> tuple[float, float]:
    if values is None or any(v is None for v in values):
        return math.nan, math.nan
    return float(values[0]), float(values[1])


def report_tables(report: Any) -> list[Table]:
    """The tables of a :class:`~acsi.report.html_report.Report`, from its ``to_dict()``."""
    numbers = report.to_dict()
    tables = _estimate_tables(report.spec, numbers["fit"], numbers["bootstrap"])
    if report.assessment is not None:
        tables.append(_assessment_table(report.assessment))
    if numbers["ipma"] is not None:
        tables.append(_ipma_table(numbers["ipma"]))
    if numbers["comparison"] is not None:
        tables += _comparison_tables(numbers["comparison"])
    return tables


def _estimate_tables(spec: Any, fit: dict[str, Any], boot: dict[str, Any] | None) -> list[Table]:
    """Outer model, structural model, explained variance, effects and the 0-100 indices, with the bootstrap's
    standard errors and intervals when there is one."""
    tables: list[Table] = []
    level = f"{100 * boot['bootstrap']['level']:g}% {boot['bootstrap']['ci_method']}" if boot else ""
    boot_note = (
        (f"Bootstrap: {boot['bootstrap']['used']} resamples, seed {boot['bootstrap']['seed']}; {level} intervals.",)
        if boot
        else ()
    )

    rows = []
    for construct in spec.constructs:
        for indicator in construct.indicators:
            row: dict[str, Any] = {"construct": construct.name, "indicator": indicator, "mode": construct.mode.weighting}
            for kind, name in (("weights", "weight"), ("loadings", "loading")):
                row[name] = fit[kind][construct.name][indicator]
                if boot:
                    row[f"{name} SE"] = number_or_nan(boot["std_errors"][kind][construct.name][indicator])
                    row[f"{name} lower"], row[f"{name} upper"] = _pair(boot["ci"][kind][construct.name][indicator])
            rows.append(row)
    tables.append(Table("Outer model", pd.DataFrame(rows), notes=boot_note))

    rows = []
    for key, value in fit["paths"].items():
        row = {"path": key, "estimate": value}
        if boot:
            row["SE"] = number_or_nan(boot["std_errors"]["paths"].get(key))
            row["p"] = number_or_nan(boot["p"].get("paths", {}).get(key))
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
                row["SE"] = number_or_nan(boot["std_errors"]["index"].get(name))
                row["lower"], row["upper"] = _pair(boot["ci"]["index"].get(name))
            rows.append(row)
        note = (f"0-100 index with {fit.get('index_weights')} weights (Fornell et al. 1996).",) + boot_note
        tables.append(
            Table("Indices (0-100)", pd.DataFrame(rows), digits={"index": 1, "SE": 2, "lower": 1, "upper": 1}, notes=note)
        )
    return tables


def _assessment_table(assessment: Any) -> Table:
    """Every checklist line: criterion, subject, value, threshold and status, with the sources as notes."""
    checks = checklist(assessment)
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
    return Table("Assessment", frame, notes=sources)


def _ipma_table(m: dict[str, Any]) -> Table:
    """Importance and performance of each construct, with its quadrant."""
    frame = pd.DataFrame(
        [
            {"construct": name, "importance": r["importance"], "performance": r["performance"], "quadrant": r["quadrant"]}
            for name, r in m["constructs"].items()
        ]
    )
    return Table(f"Importance-performance map ({m['target']})", frame, digits={"performance": 1}, notes=(m["rule"],))


def _comparison_tables(c: dict[str, Any]) -> list[Table]:
    """The ranking of the groups, their significant differences and, with periods, the trend."""
    tables: list[Table] = []
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
                    "index": number_or_nan(r["value"]),
                    "change vs previous": number_or_nan(r.get("prev_change")),
                }
                for r in c["periods"]
            ]
        )
        tables.append(Table(f"{construct} over periods", frame, digits={"n": 0, "index": 1, "change vs previous": 1}))
    return tables


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
    return [markdown, latex, write_excel(tables, target / "tables.xlsx")]
