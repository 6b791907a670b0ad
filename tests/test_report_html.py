"""The HTML report: every section, no external URL, valid HTML and SVG, numbers equal to_dict(), a real browser."""

from __future__ import annotations

import hashlib
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import acsi
from acsi.cli import main
from acsi.errors import ParameterError
from acsi.report import html_report, pdf
from acsi.report.checklist import checklist
from acsi.report.html_report import GROUP_SECTIONS, SECTIONS, build_report
from tests.conftest import MODELS, ROOT

CHROMIUM = "/usr/bin/chromium"
ECSI = ROOT / "docs" / "ecsi_mobi.lav"
BANK = ROOT / "datasets" / "bank_branches_demo.csv"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed", "param"}
SVG_VOID = {"rect", "line", "circle", "ellipse", "path", "polyline", "polygon", "stop", "use"}


@pytest.fixture(scope="module")
def mobi(reference: Path) -> Path:
    return reference / "data" / "mobi.csv"


@pytest.fixture(scope="module")
def ecsi_report(mobi: Path) -> html_report.Report:
    return build_report(ECSI, mobi, scale=(1, 10), n_boot=200, seed=1)


@pytest.fixture(scope="module")
def bank_report() -> html_report.Report:
    return build_report(MODELS / "bank_branch.yaml", BANK, group="branch", period="quarter", n_boot=100, seed=1, group_boot=20)


class _Checker(HTMLParser):
    """Collects tags, ids and data-key/data-value pairs; fails on unbalanced elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.values: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "id" in found:
            self.ids.append(str(found["id"]))
        if "data-key" in found and "data-value" in found:
            self.values.append((str(found["data-key"]), str(found["data-value"])))
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def _check(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker


def _lookup(numbers: dict, key: str):  # noqa: ANN202
    value = numbers
    for part in key.split("|"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_every_section_is_present(ecsi_report: html_report.Report) -> None:
    ids = _check(ecsi_report.to_html()).ids
    assert [s for s in SECTIONS if s not in GROUP_SECTIONS] == [i for i in ids if i in SECTIONS]


def test_a_group_column_adds_the_ranking_the_differences_and_the_trend(bank_report: html_report.Report) -> None:
    page = bank_report.to_html()
    assert [i for i in _check(page).ids if i in SECTIONS] == list(SECTIONS)
    ranking = bank_report.comparison.to_dict()["ranking"]
    assert page.index(f"<td>{ranking[0]}</td>") < page.index(f"<td>{ranking[-1]}</td>")


def test_the_page_has_no_external_url_and_no_script(ecsi_report: html_report.Report, bank_report: html_report.Report) -> None:
    for report in (ecsi_report, bank_report):
        page = report.to_html()
        assert "http://" not in page and "https://" not in page
        assert "@import" not in page and "url(" not in page.replace("url(#", "")
        assert "<script" not in page.lower()
        for tag, name, value in _check(page).attrs:
            if name in ("src", "href", "xlink:href"):
                assert value.startswith("#"), (tag, name, value)


def test_the_html_is_balanced_and_the_diagram_is_valid_svg(ecsi_report: html_report.Report) -> None:
    page = ecsi_report.to_html()
    checker = _check(page)
    assert checker.errors == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>")
    svg = re.search(r'<div class="diagram">(<svg.*?</svg>)</div>', page, re.S).group(1)
    root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    ns = "{http://www.w3.org/2000/svg}"
    spec = ecsi_report.spec
    assert len(list(root.iter(f"{ns}ellipse"))) == len(spec.constructs) == 7
    arrows = [line for line in root.iter(f"{ns}line") if "arrow" in line.get("class", "").split()]
    assert len(arrows) == len(spec.paths) + len(spec.indicators) == 12 + 24


def test_every_number_on_the_page_equals_the_results_to_dict(
    ecsi_report: html_report.Report, bank_report: html_report.Report
) -> None:
    for report in (ecsi_report, bank_report):
        numbers = report.to_dict()
        checker = _check(report.to_html())
        assert len(checker.values) > 300
        for key, shown in checker.values:
            expected = _lookup(numbers, key)
            if "," in shown:  # an interval
                assert [float(v) for v in shown.split(",")] == list(expected), key
            else:
                assert float(shown) == expected, key  # the same float, written with repr


def test_the_printed_roundings_are_those_of_the_values(ecsi_report: html_report.Report) -> None:
    page = ecsi_report.to_html()
    fit = ecsi_report.result.to_dict()
    for key, value in fit["paths"].items():
        assert f'data-key="fit|paths|{key.replace(">", "&gt;")}" data-value="{value!r}">{value:.3f}<' in page
    for name, value in fit["index"].items():
        assert f'data-key="fit|index|{name}" data-value="{value!r}">{value:.1f}<' in page


def test_the_assessment_checklist_fails_exactly_where_assess_flags(
    ecsi_report: html_report.Report, bank_report: html_report.Report
) -> None:
    for report in (ecsi_report, bank_report):
        checks = checklist(report.assessment)
        assert sum(c.status != "met" for c in checks) == len(report.assessment.flags())
        assert all(c.source for c in checks)


def test_the_header_records_version_checksums_seed_and_settings(ecsi_report: html_report.Report, mobi: Path) -> None:
    page = ecsi_report.to_html()
    assert hashlib.sha256(mobi.read_bytes()).hexdigest() in page
    assert hashlib.sha256(ECSI.read_bytes()).hexdigest() in page
    assert f'data-key="settings|acsi_version">{acsi.__version__}<' in page
    assert 'data-key="settings|seed">1<' in page
    for name in ("method", "estimator.scheme", "estimator.tol", "bootstrap", "ci", "level", "missing", "scale", "group"):
        assert f'data-key="settings|{name}"' in page


def test_the_same_inputs_give_the_same_page(mobi: Path, ecsi_report: html_report.Report) -> None:
    again = build_report(ECSI, mobi, scale=(1, 10), n_boot=200, seed=1)
    assert again.to_html() == ecsi_report.to_html()  # same code path on the same machine


def test_without_chromium_pdf_is_refused_with_our_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ecsi_report) -> None:  # noqa: ANN001
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(ParameterError, match="Chromium"):
        ecsi_report.write(tmp_path / "r.pdf", format="pdf")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
def test_the_report_renders_in_headless_chromium_and_is_not_blank(ecsi_report: html_report.Report, tmp_path: Path) -> None:
    from PIL import Image

    page = tmp_path / "report.html"
    ecsi_report.write(page)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", f"--user-data-dir={tmp_path / 'profile'}",
         "--hide-scrollbars", "--window-size=1200,2400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (2400, 1200)
    assert pixels.std() > 20  # text, tables and the diagram, not an empty page
    assert (pixels < 128).mean() > 0.01  # dark pixels: text was drawn


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
def test_format_pdf_prints_through_chromium(ecsi_report: html_report.Report, tmp_path: Path) -> None:
    target = ecsi_report.write(tmp_path / "report.pdf", format="pdf")
    assert target.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------------- command line
def test_acsi_report_writes_the_page(mobi: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "ecsi.html"
    assert main(["report", str(ECSI), str(mobi), "--scale", "1,10", "--bootstrap", "100", "--seed", "1", "--out", str(out)]) == 0
    page = out.read_text()
    assert 'id="not-yet"' in page and "wrote" in capsys.readouterr().out


def test_acsi_report_refuses_period_without_group_and_json(mobi: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = str(tmp_path / "r.html")
    assert main(["report", str(ECSI), str(mobi), "--scale", "1,10", "--period", "x", "--out", out]) == 2
    assert "--period needs --group" in capsys.readouterr().err
    assert main(["report", str(ECSI), str(mobi), "--json", "x.json", "--out", out]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_acsi_plot_writes_svg_and_png_and_refuses_other_suffixes(
    mobi: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for name in ("m.svg", "m.png"):
        assert main(["plot", str(ECSI), str(mobi), "--scale", "1,10", "--out", str(tmp_path / name)]) == 0
    ET.parse(tmp_path / "m.svg")
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()
    assert main(["plot", str(ECSI), str(mobi), "--out", str(tmp_path / "m.pdf")]) == 2
    assert ".svg or .png" in capsys.readouterr().err


@pytest.mark.parametrize(("method", "n_boot"), [("plsc", 40), ("gsca", 40), ("cbsem", 0)])
def test_every_method_gets_a_report_whose_numbers_equal_to_dict(method: str, n_boot: int) -> None:
    report = build_report(MODELS / "acsi.yaml", ROOT / "datasets" / "acsi_demo.csv", method=method, n_boot=n_boot, seed=1)
    checker = _check(report.to_html())
    assert checker.errors == [] and [i for i in checker.ids if i in SECTIONS] == [s for s in SECTIONS if s not in GROUP_SECTIONS]
    numbers = report.to_dict()
    assert numbers["fit"]["method"] == method
    for key, shown in checker.values:
        expected = _lookup(numbers, key)
        assert ([float(v) for v in shown.split(",")] == list(expected)) if "," in shown else float(shown) == expected, key


def test_treated_missing_values_are_bootstrapped_by_refitting(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.read_csv(ROOT / "datasets" / "acsi_demo.csv")
    frame.iloc[::25, 2] = np.nan
    report = build_report(MODELS / "acsi.yaml", frame, missing="mean", n_boot=40, seed=1)
    assert report.bootstrap.engine == "refit" and report.bootstrap.fit is report.result
    assert report.to_dict()["fit"]["missing"]["cells_imputed"] == 20
    assert 'id="indices"' in report.to_html()


def test_a_mapping_gives_the_same_estimates_under_the_spec_s_names(mobi: Path, ecsi_report: html_report.Report) -> None:
    mapped = build_report(MODELS / "ecsi.yaml", mobi, mapping=ROOT / "docs" / "mobi_mapping.yaml", n_boot=0)
    assert mapped.settings["mapping"].endswith("mobi_mapping.yaml")
    short = list(ecsi_report.result.to_dict()["paths"].values())
    long = list(mapped.result.to_dict()["paths"].values())
    np.testing.assert_allclose(long, short, rtol=0, atol=1e-10)  # the same model and data, only renamed
    assert 'id="ipma"' in mapped.to_html()
