"""The report's tables as Markdown, LaTeX (booktabs) and Excel: the same numbers, journal formatting."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.cli import main
from acsi.report.html_report import build_report
from acsi.report.report_tables import report_tables, write_tables
from acsi.table_format import Table, to_latex, to_markdown
from tests.conftest import MODELS, ROOT


@pytest.fixture(scope="module")
def report():  # noqa: ANN201
    return build_report(MODELS / "acsi.yaml", ROOT / "datasets" / "acsi_demo.csv", n_boot=100, seed=1)


def test_the_tables_hold_the_numbers_of_to_dict(report) -> None:  # noqa: ANN001
    tables = {t.title: t.frame for t in report_tables(report)}
    fit, boot = report.result.to_dict(), report.bootstrap.to_dict()
    structural = tables["Structural model"].set_index("path")
    for key, value in fit["paths"].items():
        assert structural.at[key, "estimate"] == value
        assert [structural.at[key, "lower"], structural.at[key, "upper"]] == boot["ci"]["paths"][key]
    indices = tables["Indices (0-100)"].set_index("construct")
    for name, value in fit["index"].items():
        assert indices.at[name, "index"] == value


def test_markdown_has_one_line_per_row_and_intervals_in_brackets(report) -> None:  # noqa: ANN001
    table = next(t for t in report_tables(report) if t.title == "Structural model")
    text = to_markdown(table)
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(table.frame)
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    first = table.frame.iloc[0]
    assert f"| {first['estimate']:.3f} |" in text
    assert f"[{first['lower']:.3f}, {first['upper']:.3f}]" in text
    assert "Note: Bootstrap: 100 resamples, seed 1" in text


def test_latex_uses_booktabs_escapes_and_footnotes(report) -> None:  # noqa: ANN001
    table = next(t for t in report_tables(report) if t.title == "Assessment")
    text = to_latex(table)
    assert text.index(r"\toprule") < text.index(r"\midrule") < text.index(r"\bottomrule")
    assert "customer\\_satisfaction" in text and "customer_satisfaction" not in text.replace("customer\\_satisfaction", "")
    notes = text[text.index(r"\footnotesize") :]
    assert "Fornell \\& Larcker 1981" in notes and " & " not in notes  # every '&' of a note is escaped
    body = text[text.index(r"\midrule") : text.index(r"\bottomrule")]
    assert body.count(r"\\") == len(table.frame) and all(line.count(" & ") == 4 for line in body.splitlines()[1:])


def test_special_characters_are_escaped_for_latex() -> None:
    table = Table("A & B_1 100%", pd.DataFrame({"name": ["x_1 & {y}"], "value": [math.pi]}), notes=("p < 0.05 # one",))
    text = to_latex(table)
    assert r"A \& B\_1 100\%" in text and r"x\_1 \& \{y\}" in text and r"p $<$ 0.05 \# one" in text
    assert "3.142" in text


def test_excel_has_one_sheet_per_table_with_the_full_numbers(report, tmp_path: Path) -> None:  # noqa: ANN001
    paths = write_tables(report, tmp_path / "tables")
    assert [p.name for p in paths] == ["tables.md", "tables.tex", "tables.xlsx"]
    tables = report_tables(report)
    sheets = pd.read_excel(paths[2], sheet_name=None)
    assert len(sheets) == len(tables)
    for table, (name, sheet) in zip(tables, sheets.items()):
        assert name == table.title[:31]
        head = sheet.iloc[: len(table.frame)]
        for column in table.frame.select_dtypes("number").columns:
            expected = table.frame[column].to_numpy(dtype=float)
            got = head[column].to_numpy(dtype=float)
            # openpyxl writes the numbers as text with 16-17 significant digits: equal to a few units in the last place
            assert np.allclose(expected, got, rtol=1e-15, atol=0, equal_nan=True), (table.title, column)


def test_acsi_report_tables_option_writes_the_three_files(tmp_path: Path) -> None:
    args = ["report", str(MODELS / "acsi.yaml"), str(ROOT / "datasets" / "acsi_demo.csv"), "--out", str(tmp_path / "r.html")]
    assert main([*args, "--tables", str(tmp_path / "t")]) == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == ["tables.md", "tables.tex", "tables.xlsx"]
