"""A report a research team can publish: one self-contained HTML file (``acsi report``).

:func:`build_report` runs the library calls (:func:`acsi.data.prepare`, the estimator's ``fit``,
:func:`acsi.bootstrap`, :func:`acsi.assess`, :func:`acsi.compare.ipma.ipma` and, with a
group column, :func:`acsi.compare.branches.compare_branches`) and keeps their results in a
:class:`Report`; :meth:`Report.to_html` renders them, computing nothing: every number printed is a
value of :meth:`Report.to_dict` (the results' own ``to_dict()``), rounded for display, and carries
that value and its key in ``data-value`` / ``data-key`` attributes so a test (or a reader's script)
can check it. The page has inline CSS and inline SVG only (no script, no external URL: it opens
offline and can be mailed); :meth:`Report.write` also prints it to PDF through headless Chromium.

Sections: header (acsi version, spec and data file with SHA-256, seed, every setting), data
(rows, missing values and their treatment, item distributions as small bar charts), path diagram
(:mod:`acsi.diagram`), outer model, structural model with intervals, effects, 0-100
indices with intervals, assessment (each threshold met or not, with its source), IPMA, and with a
group column the ranking, the significant differences and the trend over periods; a closing note
lists what SmartPLS's report has that this one lacks.
"""

from __future__ import annotations

import hashlib
import html
import math
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import ParameterError
from acsi.spec.model import ModelSpec

__all__ = ["SECTIONS", "Report", "build_report", "find_chromium"]

#: Section ids in page order; the last three appear only with a group column.
SECTIONS: tuple[str, ...] = (
    "settings",
    "data",
    "diagram",
    "outer-model",
    "structural-model",
    "effects",
    "indices",
    "assessment",
    "ipma",
    "ranking",
    "differences",
    "trend",
    "not-yet",
)
GROUP_SECTIONS = ("ranking", "differences", "trend")

#: What SmartPLS's report (SmartPLS 4 "Calculation results" HTML/Excel export) has that this one lacks.
NOT_YET = (
    "bootstrap intervals of HTMT and of the model fit (SRMR, d_ULS, d_G quantiles HI95/HI99)",
    "histograms of each bootstrap distribution",
    "PLSpredict and CVPAT tables (acsi assess --predict-folds computes PLSpredict; the report does not show it yet)",
    "MICOM and PLS-MGA tables in the report (acsi compare --permutations computes MICOM)",
    "construct scores and the indicator data as tables, and the iteration history of the weights",
    "Excel, LaTeX and Markdown for every summary of the library (acsi report --tables writes the report's own tables)",
    "an interactive diagram (nodes cannot be moved by hand)",
)

_CSS = """
body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#1a1a1a;margin:0;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:18px 28px 40px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;border-bottom:2px solid #2b5b94;padding-bottom:3px;margin-top:30px}
h3{font-size:15px;margin:18px 0 6px}p,li{font-size:13px;line-height:1.45}
table{border-collapse:collapse;font-size:12px;margin:6px 0 12px}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
th{background:#eef2f7;font-weight:600}td{vertical-align:middle}td:first-child{white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.met{color:#1b7837;font-weight:600}.notmet{color:#b2182b;font-weight:600}.marginal{color:#b35806;font-weight:600}
.muted{color:#666}.sig{color:#2b5b94;font-weight:600}.note{font-size:12px;color:#444}
.diagram svg{max-width:100%;height:auto;border:1px solid #e3e6ea}
nav a{margin-right:10px;font-size:12px;color:#2b5b94}
.kv{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:2px 18px;font-size:12px;margin:8px 0}
.kv div{border-bottom:1px solid #eee;padding:2px 0;overflow-wrap:anywhere}.kv .k{color:#555;font-weight:600}
.kv div:nth-child(-n+4){grid-column:span 3}
pre{background:#f3f4f6;padding:8px;font-size:11px;overflow-x:auto}
@media print{body{background:#fff}main{max-width:none;padding:0}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}}
"""


@dataclass(frozen=True)
class Report:
    """The results behind one report, and their rendering.

    Attributes
    ----------
    spec : ModelSpec
    spec_source, data_source : str
        Where the spec and the data came from (file names, or a description).
    spec_sha256, data_sha256 : str or None
        SHA-256 of the files (None for objects passed in memory).
    settings : dict
        Every setting of the run (method and estimator settings, data treatment, bootstrap, groups).
    data : IndicatorData
    result : FitResult
    bootstrap, assessment, ipma, comparison : results or None
    notes : tuple of str
        Why a section is missing or limited.
    """

    spec: ModelSpec
    spec_source: str
    data_source: str
    spec_sha256: str | None
    data_sha256: str | None
    settings: dict[str, Any]
    data: Any
    result: Any
    bootstrap: Any = None
    assessment: Any = None
    ipma: Any = None
    comparison: Any = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The numbers the page shows, as the results' ``to_dict()`` give them: ``settings``, ``fit``,
        ``bootstrap`` (plus ``p`` {kind: {key: value}} from the bootstrap table), ``assessment``, ``ipma``,
        ``comparison`` (each None when not computed)."""
        out: dict[str, Any] = {"settings": dict(self.settings), "fit": self.result.to_dict()}
        out["bootstrap"] = None
        if self.bootstrap is not None:
            out["bootstrap"] = self.bootstrap.to_dict()
            out["bootstrap"]["p"] = _p_values(self.bootstrap)
        out["assessment"] = self.assessment.to_dict() if self.assessment is not None else None
        out["ipma"] = self.ipma.to_dict() if self.ipma is not None else None
        out["comparison"] = self.comparison.to_dict() if self.comparison is not None else None
        return out

    def to_html(self) -> str:
        """The self-contained page (inline CSS and SVG; no script, no external URL)."""
        return _Page(self).render()

    def write(self, path: str | Path, *, format: str = "html") -> Path:  # noqa: A002 - the CLI's --format
        """Write the page as ``format`` ``"html"``, or ``"pdf"`` printed by headless Chromium."""
        target = Path(path)
        page = self.to_html()
        if format == "html":
            target.write_text(page, encoding="utf-8")
        elif format == "pdf":
            print_pdf(page, target)
        else:
            raise ParameterError(f"--format must be html or pdf; got {format!r}.")
        return target


def _p_values(boot: Any) -> dict[str, dict[str, float | None]]:
    """``{kind: {key: p}}`` from the bootstrap table (None where there is no test)."""
    out: dict[str, dict[str, float | None]] = {}
    for row in boot.table.itertuples(index=False):
        p = float(row.p)
        out.setdefault(row.kind, {})[row.key] = p if math.isfinite(p) else None
    return out


# ---------------------------------------------------------------------- building
def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_report(
    spec: ModelSpec | str | Path,
    data: str | Path | pd.DataFrame,
    *,
    method: str = "pls",
    n_boot: int = 0,
    seed: int | None = None,
    ci: str = "percentile",
    level: float = 0.95,
    sign_change: str = "none",
    group: str | None = None,
    period: str | None = None,
    target: str | None = None,
    mapping: Any = None,
    scale: tuple[float, float] | None = None,
    missing: str = "error",
    strict: bool = True,
    sheet: str | int | None = None,
    group_boot: int | None = None,
    workers: int | None = None,
    **estimator_options: Any,
) -> Report:
    """Fit, bootstrap, assess, map and (with ``group``) compare, and keep everything for the report.

    Parameters
    ----------
    spec : ModelSpec or a spec file
    data : survey file (CSV/TSV, Excel, SPSS, Parquet) or DataFrame
    method : {"pls", "plsc", "cbsem", "gsca"}
    n_boot, seed, ci, level, sign_change
        Bootstrap of the fit (:func:`acsi.bootstrap`; none when ``n_boot`` is 0).
    group, period : column names, optional
        Adds the ranking, the differences and the trend (:func:`acsi.compare.branches.compare_branches`).
    target : str, optional
        IPMA target (default: the satisfaction construct, as ``acsi compare`` picks it).
    mapping, scale, missing, strict, sheet
        Passed to :func:`acsi.data.prepare` / :func:`acsi.ingest.survey.read_survey`.
    group_boot : int, optional
        Resamples per group of the comparison (default ``n_boot``, at most 200, 0 without a bootstrap).
    workers : int, optional
        Threads of the bootstrap.
    **estimator_options
        ``scheme``, ``raw``, ``index_weights``, ``tol``, ``max_iter``, ``objective``, ``std_lv``
        (:func:`acsi.api.make_estimator`).
    """
    from acsi import __version__
    from acsi.api import make_estimator
    from acsi.assessment import assess
    from acsi.compare.branches import compare_branches, default_construct
    from acsi.compare.ipma import ipma
    from acsi.data import prepare
    from acsi.inference import TREATED_MISSING, bootstrap
    from acsi.ingest.survey import Survey, read_survey
    from acsi.spec.load import load_spec

    spec_source, spec_sha = "ModelSpec object", None
    if not isinstance(spec, ModelSpec):
        spec_source, spec_sha = str(spec), sha256_of(spec)
        spec = load_spec(Path(spec))
    if isinstance(data, pd.DataFrame):
        survey, data_source, data_sha = Survey(frame=data), "DataFrame object", None
    else:
        survey, data_source, data_sha = read_survey(data, sheet=sheet), str(data), sha256_of(data)
    estimator = make_estimator(method, **estimator_options)
    prepared = prepare(spec, survey, scale=scale, missing=missing, strict=strict, mapping=mapping)
    result = estimator.fit(spec, prepared)
    notes: list[str] = []

    boot = None
    if n_boot:
        if method == "pls" and missing not in TREATED_MISSING:
            boot = bootstrap(result, n_boot=n_boot, seed=seed, ci=ci, level=level, sign_change=sign_change, workers=workers)
        else:  # refit the same resamples; treated missing values are treated again in each resample
            boot = bootstrap(
                estimator,
                spec,
                survey,
                n_boot=n_boot,
                seed=seed,
                ci=ci,
                level=level,
                sign_change=sign_change,
                workers=workers,
                scale=scale,
                missing=missing,
                strict=strict,
                mapping=mapping,
            )
            result = boot.fit  # the refit of the full sample: the same numbers, and the fit the intervals belong to
    else:
        notes.append("No bootstrap: add --bootstrap N (1,000 or more) for standard errors, p values and intervals.")

    assessment = assess(result, data=prepared)
    index_constructs = tuple(result.index.constructs) if result.index is not None else ()
    ipma_result = None
    if index_constructs:
        target = target or default_construct(index_constructs, spec.endogenous)
        ipma_result = ipma(result, target)
    else:
        notes.append("No 0-100 indices and no IPMA: the indicators have no scale (give it in the spec or with --scale).")

    comparison = None
    if group is not None:
        per_group = min(n_boot, 200) if group_boot is None else group_boot
        comparison = compare_branches(
            spec,
            survey,
            group,
            period=period,
            target=target,
            seed=seed,
            estimator=estimator,
            n_boot=per_group,
            level=level,
            scale=scale,
            missing=missing,
            strict=strict,
            mapping=mapping,
        )
    settings: dict[str, Any] = {
        "acsi_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "method": result.method,
        **{f"estimator.{k}": v for k, v in sorted(result.settings.items())},
        "scale": list(scale) if scale is not None else None,
        "missing": missing,
        "strict": strict,
        "mapping": str(mapping) if mapping is not None else None,
        "sheet": sheet,
        "bootstrap": n_boot,
        "seed": boot.seed if boot is not None else seed,
        "ci": ci if n_boot else None,
        "level": level,
        "sign_change": sign_change if n_boot else None,
        "bootstrap_engine": boot.engine if boot is not None else None,
        "ipma_target": target,
        "group": group,
        "period": period,
        "group_bootstrap": (comparison.to_dict()["n_boot"] if comparison is not None else None),
    }
    return Report(
        spec=spec,
        spec_source=spec_source,
        data_source=data_source,
        spec_sha256=spec_sha,
        data_sha256=data_sha,
        settings=settings,
        data=prepared,
        result=result,
        bootstrap=boot,
        assessment=assessment,
        ipma=ipma_result,
        comparison=comparison,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------- PDF
def find_chromium() -> str | None:
    """The headless browser that prints the PDF: ``chromium`` (Debian), ``chromium-browser`` or Chrome."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def print_pdf(page: str, target: Path, *, timeout: float = 120.0) -> None:
    """Print an HTML page to ``target`` (PDF) with headless Chromium; :class:`ParameterError` without Chromium."""
    browser = find_chromium()
    if browser is None:
        raise ParameterError(
            "--format pdf prints the page with headless Chromium, which was not found (looked for chromium, "
            "chromium-browser, google-chrome); install it (Debian: apt-get install chromium) or use --format html "
            "and print the page from any browser."
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        source.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--user-data-dir={folder}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target.resolve()}",
            source.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0 or not target.exists():
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise ParameterError(f"--format pdf: Chromium could not print the page (exit {done.returncode}): {tail[0]}")


# ---------------------------------------------------------------------- rendering helpers
def _e(value: Any) -> str:
    return html.escape(str(value))


def _key(*parts: Any) -> str:
    return "|".join(str(p) for p in parts)


def _num(value: Any, key: str | None, digits: int = 3, *, suffix: str = "") -> str:
    """A table cell with a number rounded to ``digits``; ``data-value`` holds the exact value of ``key``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return '<td class="num muted">-</td>'
    attrs = f' data-key="{_e(key)}" data-value="{float(value)!r}"' if key is not None else ""
    return f'<td class="num"{attrs}>{float(value):.{digits}f}{suffix}</td>'


def _p(value: float | None, key: str) -> str:
    """A p value cell: four decimals, ``< 0.0001`` below that."""
    if value is not None and 0 <= value < 1e-4:
        return f'<td class="num" data-key="{_e(key)}" data-value="{float(value)!r}">&lt; 0.0001</td>'
    return _num(value, key, 4)


def _interval(pair: Sequence[Any] | None, key: str | None, digits: int = 3) -> str:
    if pair is None or any(v is None for v in pair):
        return '<td class="num muted">-</td>'
    lo, hi = (float(v) for v in pair)
    attrs = f' data-key="{_e(key)}" data-value="{lo!r},{hi!r}"' if key is not None else ""
    return f'<td class="num"{attrs}>[{lo:.{digits}f}, {hi:.{digits}f}]</td>'


def _stars(p: float | None) -> str:
    if p is None:
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _table(head: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _bars(counts: Sequence[int], labels: Sequence[str], width: int = 150, height: int = 14) -> str:
    """A small inline bar chart of answer counts (each bar's title gives its answer and count)."""
    top = max(max(counts), 1)
    step = width / max(len(counts), 1)
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="distribution">']
    for j, (count, label) in enumerate(zip(counts, labels)):
        h = max(height * count / top, 0.5)
        parts.append(
            f'<rect x="{j * step + 1:.1f}" y="{height - h:.1f}" width="{step - 2:.1f}" height="{h:.1f}" fill="#6b93c4">'
            f"<title>{_e(label)}: {count}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _inline(svg: str) -> str:
    """An SVG document as an inline element of the page (HTML gives it its namespace: no URL in the page)."""
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def _scatter(points: Sequence[tuple[str, float, float]], x_cut: float, y_cut: float, x_label: str, y_label: str) -> str:
    """An importance-performance map as inline SVG (x importance, y performance 0-100)."""
    width, height, pad = 560, 360, 48
    xs = [p[1] for p in points] + [x_cut, 0.0]
    x_lo, x_hi = min(xs), max(xs)
    span = (x_hi - x_lo) or 1.0
    x_lo, x_hi = x_lo - 0.08 * span, x_hi + 0.15 * span
    ys = [p[2] for p in points] + [y_cut]
    y_lo, y_hi = max(0.0, min(ys) - 10), min(100.0, max(ys) + 10)

    def fx(v: float) -> float:
        return pad + (v - x_lo) / (x_hi - x_lo) * (width - 2 * pad)

    def fy(v: float) -> float:
        return height - pad - (v - y_lo) / ((y_hi - y_lo) or 1.0) * (height - 2 * pad)

    out = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="importance-performance map">'
    ]
    out.append(f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="#fafbfc" stroke="#999"/>')
    out.append(
        f'<line x1="{fx(x_cut):.1f}" y1="{pad}" x2="{fx(x_cut):.1f}" y2="{height - pad}" stroke="#999" stroke-dasharray="4 3"/>'
    )
    out.append(
        f'<line x1="{pad}" y1="{fy(y_cut):.1f}" x2="{width - pad}" y2="{fy(y_cut):.1f}" stroke="#999" stroke-dasharray="4 3"/>'
    )
    for name, x, y in points:
        out.append(f'<circle cx="{fx(x):.1f}" cy="{fy(y):.1f}" r="5" fill="#2b5b94"/>')
        out.append(f'<text x="{fx(x) + 7:.1f}" y="{fy(y) - 6:.1f}" font-size="11">{_e(name)}</text>')
    for v in (y_lo, y_hi):
        out.append(f'<text x="{pad - 6}" y="{fy(v) + 4:.1f}" font-size="10" text-anchor="end">{v:.0f}</text>')
    for v in (x_lo, x_hi):
        out.append(f'<text x="{fx(v):.1f}" y="{height - pad + 14}" font-size="10" text-anchor="middle">{v:.2f}</text>')
    out.append(f'<text x="{width / 2}" y="{height - 8}" font-size="11" text-anchor="middle">{_e(x_label)}</text>')
    out.append(
        f'<text x="14" y="{height / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 {height / 2})">{_e(y_label)}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def _lines(series: Mapping[str, list[tuple[str, float | None]]], periods: Sequence[str], y_label: str) -> str:
    """Lines over periods (one per group) as inline SVG."""
    width, height, pad = 640, 300, 46
    values = [v for rows in series.values() for _, v in rows if v is not None]
    if not values or not periods:
        return ""
    y_lo, y_hi = math.floor(min(values) - 2), math.ceil(max(values) + 2)
    palette = ("#2b5b94", "#c51b7d", "#1b7837", "#b35806", "#542788", "#4d4d4d", "#d6604d", "#4393c3", "#8c510a", "#01665e")
    step = (width - 2 * pad) / max(len(periods) - 1, 1)

    def fy(v: float) -> float:
        return height - pad - (v - y_lo) / ((y_hi - y_lo) or 1.0) * (height - 2 * pad)

    out = [f'<svg width="{width + 110}" height="{height}" viewBox="0 0 {width + 110} {height}" role="img" aria-label="trend">']
    out.append(f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="#fafbfc" stroke="#999"/>')
    for j, period in enumerate(periods):
        out.append(
            f'<text x="{pad + j * step:.1f}" y="{height - pad + 14}" font-size="10" text-anchor="middle">{_e(period)}</text>'
        )
    for v in (y_lo, y_hi):
        out.append(f'<text x="{pad - 6}" y="{fy(v) + 4:.1f}" font-size="10" text-anchor="end">{v}</text>')
    out.append(
        f'<text x="12" y="{height / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {height / 2})">{_e(y_label)}</text>'
    )
    for g, (name, rows) in enumerate(series.items()):
        colour = palette[g % len(palette)]
        points = [(pad + periods.index(p) * step, fy(v)) for p, v in rows if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        for x, y in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
        out.append(f'<text x="{width + 4}" y="{pad + 14 * g + 4}" font-size="11" fill="{colour}">{_e(name)}</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------- the page
class _Page:
    """Renders a :class:`Report` section by section (each method returns one ``<section>``)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.numbers = report.to_dict()
        self.fit = self.numbers["fit"]
        self.boot = self.numbers["bootstrap"]

    def render(self) -> str:
        r = self.report
        title = f"acsi report: {r.spec.name or Path(r.spec_source).stem}"
        sections = [
            self.settings(),
            self.data(),
            self.diagram(),
            self.outer_model(),
            self.structural_model(),
            self.effects(),
            self.indices(),
            self.assessment(),
            self.ipma(),
        ]
        if r.comparison is not None:
            sections += [self.ranking(), self.differences(), self.trend()]
        sections.append(self.not_yet())
        shown = [s for s in SECTIONS if r.comparison is not None or s not in GROUP_SECTIONS]
        nav = "".join(f'<a href="#{s}">{_e(s.replace("-", " "))}</a>' for s in shown)
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{_CSS}</style></head><body><main>"
            f"<h1>{_e(title)}</h1><nav>{nav}</nav>" + "\n".join(sections) + "</main></body></html>\n"
        )

    # -- sections
    def settings(self) -> str:
        r = self.report
        from acsi.spec.lavaan import to_syntax

        facts = [
            ("spec", r.spec_source, None),
            ("spec SHA-256", r.spec_sha256 or "-", None),
            ("data", r.data_source, None),
            ("data SHA-256", r.data_sha256 or "-", None),
        ]
        facts += [(name, "-" if value is None else value, _key("settings", name)) for name, value in r.settings.items()]
        items = "".join(
            f'<div><span class="k">{_e(name)}</span> <span class="v"'
            + (f' data-key="{_e(key)}"' if key else "")
            + f">{_e(value)}</span></div>"
            for name, value, key in facts
        )
        try:
            syntax = to_syntax(r.spec)
        except Exception:  # noqa: BLE001 - a spec the lavaan writer cannot express is still reported
            syntax = "(this spec has no lavaan-style text)"
        messages = list(r.notes) + [f"warning: {w}" for w in self.fit["warnings"]]
        if self.boot is not None and self.boot["bootstrap"]["failed"]:
            b = self.boot["bootstrap"]
            reasons = ", ".join(f"{k} {v}" for k, v in b["failures"].items())
            messages.append(f"warning: {b['failed']} of {b['requested']} resamples failed ({reasons}); {b['used']} used.")
        notes = "".join(f"<li>{_e(n)}</li>" for n in messages)
        return (
            '<section id="settings"><h2>Run and settings</h2>'
            '<p class="note">Everything needed to reproduce this page: the same acsi version, spec, data file '
            "(check its SHA-256), seed and settings give the same numbers.</p>"
            + f'<div class="kv">{items}</div>'
            + f"<details><summary>Model (lavaan-style text)</summary><pre>{_e(syntax)}</pre></details>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</section>"
        )

    def data(self) -> str:
        r = self.report
        fit = self.fit
        missing = fit.get("missing") or {}
        values = np.asarray(r.data.values, dtype=float)
        by_indicator = missing.get("by_indicator") or {}
        rows = []
        for j, indicator in enumerate(r.data.indicators):
            column = values[:, j]
            scale = r.data.scales.get(indicator)
            if scale is not None and np.allclose(column, np.round(column)) and scale.max - scale.min <= 20:
                levels = np.arange(math.ceil(scale.min), math.floor(scale.max) + 1)
                counts = [int((column == v).sum()) for v in levels]
                labels = [f"{v:g}" for v in levels]
            else:
                counts_a, edges = np.histogram(column, bins=10)
                counts, labels = counts_a.tolist(), [f"{e:.3g}" for e in edges[:-1]]
            construct = r.result.constructs[r.result.block[j]]
            scale_text = f"{scale.min:g}-{scale.max:g}" if scale is not None else "-"
            miss = by_indicator.get(indicator)
            miss_cell = "-" if miss is None else _e(miss if not isinstance(miss, Mapping) else miss.get("missing", miss))
            rows.append(
                f"<td>{_e(construct)}</td><td>{_e(indicator)}</td><td>{scale_text}</td>"
                f'<td class="num">{column.mean():.2f}</td><td class="num">{column.std(ddof=1):.2f}</td>'
                f'<td class="num">{miss_cell}</td><td>{_bars(counts, labels)}</td>'
            )
        facts = [
            ("rows used (n)", fit["n_obs"], _key("fit", "n_obs")),
            ("rows dropped", fit["n_dropped"], _key("fit", "n_dropped")),
        ]
        summary = "".join(
            f'<tr><th>{_e(a)}</th><td class="num" data-key="{_e(k)}" data-value="{v}">{v}</td></tr>' for a, v, k in facts
        )
        treatment = _e(missing.get("treatment", self.report.settings.get("missing")))
        extra = "".join(
            f"<tr><th>{_e(k.replace('_', ' '))}</th><td>{_e(v)}</td></tr>"
            for k, v in missing.items()
            if k not in ("by_indicator", "treatment", "rows", "rows_dropped") and not isinstance(v, Mapping | list)
        )
        return (
            '<section id="data"><h2>Data</h2>'
            f"<table>{summary}<tr><th>missing values: treatment</th><td>{treatment}</td></tr>{extra}</table>"
            '<p class="note">Item distributions of the rows used (answers per scale point; mean and standard '
            "deviation with divisor n - 1; missing = cells missing in the file).</p>"
            + _table(("construct", "indicator", "scale", "mean", "sd", "missing", "distribution"), rows)
            + "</section>"
        )

    def diagram(self) -> str:
        from acsi.diagram import path_diagram

        r = self.report
        svg = path_diagram(
            r.result, r.bootstrap, title=f"{r.spec.name or Path(r.spec_source).stem}: {r.result.method}, n = {r.result.n_obs}"
        )
        return (
            '<section id="diagram"><h2>Path diagram</h2>'
            '<p class="note">Constructs (ellipses) with R² of the endogenous ones; indicators (rectangles) with '
            "loadings (Mode A, arrow to the indicator) or weights (Mode B, arrow to the construct); paths with "
            "their estimates"
            + (" and bootstrap intervals; * p &lt; 0.05, ** p &lt; 0.01, *** p &lt; 0.001." if self.boot else ".")
            + f'</p><div class="diagram">{_inline(svg)}</div></section>'
        )

    def _boot_cells(self, kind: str, construct_or_key: str, indicator: str | None = None, key_kind: str | None = None) -> str:
        """Standard error, p and interval cells of one statistic (empty without a bootstrap)."""
        if self.boot is None:
            return ""
        se_map, ci_map = self.boot["std_errors"][kind], self.boot["ci"][kind]
        p_kind = key_kind or kind
        if indicator is None:
            se, ci = se_map.get(construct_or_key), ci_map.get(construct_or_key)
            p = self.boot["p"].get(p_kind, {}).get(construct_or_key)
            base = (construct_or_key,)
        else:
            se, ci = se_map[construct_or_key][indicator], ci_map[construct_or_key][indicator]
            p = self.boot["p"].get(p_kind, {}).get(f"{construct_or_key} / {indicator}")
            base = (construct_or_key, indicator)
        return (
            _num(se, _key("bootstrap", "std_errors", kind, *base))
            + _p(p, _key("bootstrap", "p", p_kind, " / ".join(base)))
            + _interval(ci, _key("bootstrap", "ci", kind, *base))
        )

    def _boot_head(self) -> tuple[str, ...]:
        if self.boot is None:
            return ()
        b = self.boot["bootstrap"]
        return ("SE", "p", f"{100 * b['level']:g}% {b['ci_method']} interval")

    def outer_model(self) -> str:
        r = self.report
        rows = []
        for construct in r.spec.constructs:
            for indicator in construct.indicators:
                w = self.fit["weights"][construct.name][indicator]
                lam = self.fit["loadings"][construct.name][indicator]
                rows.append(
                    f"<td>{_e(construct.name)}</td><td>{_e(indicator)}</td><td>{construct.mode.weighting}</td>"
                    + _num(w, _key("fit", "weights", construct.name, indicator))
                    + (self._boot_cells("weights", construct.name, indicator) if self.boot else "")
                    + _num(lam, _key("fit", "loadings", construct.name, indicator))
                    + (self._boot_cells("loadings", construct.name, indicator) if self.boot else "")
                )
        head = ("construct", "indicator", "mode", "weight", *self._boot_head(), "loading", *self._boot_head())
        note = '<p class="note">Mode A blocks are read by their loadings, Mode B blocks by their weights.'
        if r.result.method == "cbsem":
            note += " CB-SEM loadings are unstandardised (marker identification); weights are factor-score weights."
        return '<section id="outer-model"><h2>Outer model</h2>' + note + "</p>" + _table(head, rows) + "</section>"

    def structural_model(self) -> str:
        rows = []
        for key, value in self.fit["paths"].items():
            p = self.boot["p"].get("paths", {}).get(key) if self.boot else None
            rows.append(
                f"<td>{_e(key)}</td>"
                + _num(value, _key("fit", "paths", key))
                + (self._boot_cells("paths", key) if self.boot else "")
                + f'<td class="sig">{_stars(p)}</td>'
            )
        r2_rows = []
        for name, value in self.fit["r_squared"].items():
            r2_rows.append(
                f"<td>{_e(name)}</td>"
                + _num(value, _key("fit", "r_squared", name))
                + _num(self.fit["adjusted_r_squared"][name], _key("fit", "adjusted_r_squared", name))
                + (
                    _interval(self.boot["ci"]["r_squared"].get(name), _key("bootstrap", "ci", "r_squared", name))
                    if self.boot
                    else ""
                )
            )
        r2_head = ("construct", "R²", "adjusted R²") + (("interval",) if self.boot else ())
        return (
            '<section id="structural-model"><h2>Structural model</h2>'
            + _table(("path", "estimate", *self._boot_head(), ""), rows)
            + "<h3>Explained variance</h3>"
            + _table(r2_head, r2_rows)
            + "</section>"
        )

    def effects(self) -> str:
        rows = []
        for key, parts in self.fit["effects"].items():
            cells = "".join(_num(parts[part], _key("fit", "effects", key, part)) for part in ("direct", "indirect", "total"))
            if self.boot:
                ci = self.boot["ci"]["effects"].get(key, {})
                cells += _interval(ci.get("indirect"), _key("bootstrap", "ci", "effects", key, "indirect"))
                cells += _interval(ci.get("total"), _key("bootstrap", "ci", "effects", key, "total"))
            rows.append(f"<td>{_e(key)}</td>{cells}")
        head = ("effect", "direct", "indirect", "total") + (("indirect interval", "total interval") if self.boot else ())
        return '<section id="effects"><h2>Effects</h2>' + _table(head, rows) + "</section>"

    def indices(self) -> str:
        index = self.fit.get("index")
        if not index:
            return '<section id="indices"><h2>Indices (0-100)</h2><p>No index: the indicators have no scale.</p></section>'
        rows = []
        for name, value in index.items():
            cells = _num(value, _key("fit", "index", name), 1)
            if self.boot:
                cells += _num(self.boot["std_errors"]["index"].get(name), _key("bootstrap", "std_errors", "index", name), 2)
                cells += _interval(self.boot["ci"]["index"].get(name), _key("bootstrap", "ci", "index", name), 1)
            rows.append(f"<td>{_e(name)}</td>{cells}")
        head = ("construct", "index") + (("SE", "interval") if self.boot else ())
        weights = self.report.result.index.table
        weight_rows = [
            f"<td>{_e(row.construct)}</td><td>{_e(row.indicator)}</td>"
            f'<td class="num">{row.weight:.3f}</td><td class="num">{row.mean:.2f}</td>'
            f'<td class="num">{row.scale_min:g}-{row.scale_max:g}</td>'
            for row in weights.itertuples(index=False)
        ]
        return (
            '<section id="indices"><h2>Indices (0-100)</h2>'
            f'<p class="note">index = 100 Σ w̃ (mean - min)/(max - min), {self.fit.get("index_weights")} weights '
            "(Fornell et al. 1996).</p>"
            + _table(head, rows)
            + "<details><summary>Index weights and indicator means</summary>"
            + _table(("construct", "indicator", "weight", "mean", "scale"), weight_rows)
            + "</details></section>"
        )

    def assessment(self) -> str:
        a = self.numbers["assessment"]
        if a is None:
            return '<section id="assessment"><h2>Assessment</h2><p>Not computed.</p></section>'
        rows = [
            f"<td>{_e(c.criterion)}</td><td>{_e(c.subject)}</td>"
            + _num(c.value, c.key)
            + f'<td>{_e(c.rule)}</td><td class="{c.css}">{_e(c.status)}</td><td class="note">{_e(c.source)}</td>'
            for c in checklist(self.report.assessment)
        ]
        flags = "".join(f"<li>{_e(f)}</li>" for f in a["flags"]) or "<li>none: every measure within its usual threshold</li>"
        descriptive = (
            f"GoF = {a['gof']:.3f} ({a['thresholds']['gof']}). " if a.get("gof") is not None else ""
        ) + f"R²: {a['thresholds']['r_squared']}. f²: {a['thresholds']['f_squared']}."
        f2_rows = [f"<td>{_e(k)}</td>" + _num(v, _key("assessment", "f_squared", k)) for k, v in a["f_squared"].items()]
        return (
            '<section id="assessment"><h2>Assessment</h2>'
            '<p class="note">Each usual threshold, met or not, with its source (acsi.thresholds.TABLE).</p>'
            + _table(("criterion", "construct / item", "value", "threshold", "", "source"), rows)
            + f"<h3>Flags</h3><ul>{flags}</ul>"
            + "<h3>Effect sizes f²</h3>"
            + _table(("path", "f²"), f2_rows)
            + f'<p class="note">{_e(descriptive)}</p></section>'
        )

    def ipma(self) -> str:
        m = self.numbers["ipma"]
        if m is None:
            return '<section id="ipma"><h2>Importance-performance map</h2><p>No IPMA: no 0-100 indices.</p></section>'
        rows = []
        for name, row in m["constructs"].items():
            rows.append(
                f"<td>{_e(name)}</td>"
                + _num(row["importance"], _key("ipma", "constructs", name, "importance"))
                + _num(row["performance"], _key("ipma", "constructs", name, "performance"), 1)
                + f"<td>{_e(row['quadrant'])}</td><td>{'mediator' if row['mediator'] else ''}</td>"
            )
        points = [(name, row["importance"], row["performance"]) for name, row in m["constructs"].items()]
        chart = _scatter(
            points,
            m["importance_cut"],
            m["performance_cut"],
            f"importance (total effect on {m['target']})",
            "performance (0-100)",
        )
        lever = f" (a mediator: act on {m['lever']})" if m["act_first_is_mediator"] else ""
        return (
            '<section id="ipma"><h2>Importance-performance map</h2>'
            f"<p>Target <b>{_e(m['target'])}</b>: act first on <b>{_e(m['act_first'])}</b>{_e(lever)}.</p>"
            f'<p class="note">{_e(m["rule"])}</p>'
            + chart
            + _table(("construct", "importance", "performance", "quadrant", ""), rows)
            + "</section>"
        )

    def ranking(self) -> str:
        c = self.numbers["comparison"]
        rows = []
        for group in c["ranking"] + [g for g in c["groups"] if g not in c["ranking"]]:
            entry = c["groups"][group]
            construct = c["construct"]
            rows.append(
                f"<td>{_e('-' if entry.get('rank') is None else int(entry['rank']))}</td><td>{_e(group)}</td>"
                f'<td class="num">{entry["n_obs"]}</td>'
                + _num(entry["index"].get(construct), _key("comparison", "groups", group, "index", construct), 1)
                + _interval(entry["ci"].get(construct), _key("comparison", "groups", group, "ci", construct), 1)
                + f"<td>{_e(entry.get('rank_ci') if c['n_boot'] else '-')}</td><td>{_e(entry.get('flag', ''))}</td>"
            )
        overall = c["overall"]["index"].get(c["construct"])
        return (
            f'<section id="ranking"><h2>Ranking by {_e(c["construct"])} ({_e(c["group_column"])})</h2>'
            f'<p class="note">{c["method"]}, {c["mode"]} model per group, {c["n_boot"]} bootstrap resamples per group, '
            f"{100 * c['level']:g}% percentile intervals; overall index {overall:.1f}. above/below: the interval "
            "excludes the overall index.</p>"
            + _table(("rank", "group", "n", "index", "interval", "rank interval", "flag"), rows)
            + "</section>"
        )

    def differences(self) -> str:
        c = self.numbers["comparison"]
        settings = c["differences_settings"]
        shown = [d for d in c["differences"] if d["quantity"] == "index" and d["parameter"] == c["construct"]]
        significant = [d for d in shown if d["significant"]]
        rows = []
        for j, d in enumerate(c["differences"]):
            if d not in significant:
                continue
            rows.append(
                f"<td>{_e(d['group_a'])} - {_e(d['group_b'])}</td>"
                + _num(d["estimate"], _key("comparison", "differences", j, "estimate"), 2)
                + _interval(d.get("ci"), _key("comparison", "differences", j, "ci"), 2)
                + _p(d["p_adjusted"], _key("comparison", "differences", j, "p_adjusted"))
            )
        notes = "".join(f"<li>{_e(n)}</li>" for n in c["notes"])
        body = (
            _table(("pair", "difference", "interval", "adjusted p"), rows)
            if rows
            else f"<p>No significant difference among {len(shown)} tested pairs.</p>"
        )
        return (
            f'<section id="differences"><h2>Significant differences in {_e(c["construct"])}</h2>'
            f'<p class="note">{len(significant)} of {len(shown)} pairs significant ({_e(settings["test"])} test, '
            f"{_e(settings['adjust'])} adjustment, {_e(settings['pairs'])}).</p>"
            + body
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</section>"
        )

    def trend(self) -> str:
        c = self.numbers["comparison"]
        periods_rows = c.get("periods")
        if not periods_rows:
            return '<section id="trend"><h2>Trend over periods</h2><p>No period column: add --period COLUMN.</p></section>'
        periods = sorted({str(row["period"]) for row in periods_rows})
        series: dict[str, list[tuple[str, float | None]]] = {}
        rows = []
        for j, row in enumerate(periods_rows):
            series.setdefault(str(row["group"]), []).append((str(row["period"]), row["value"]))
            rows.append(
                f'<td>{_e(row["group"])}</td><td>{_e(row["period"])}</td><td class="num">{row["n"]}</td>'
                + _num(row["value"], _key("comparison", "periods", j, "value"), 1)
                + _num(row.get("prev_change"), _key("comparison", "periods", j, "prev_change"), 1)
                + _num(row.get("yoy_change"), _key("comparison", "periods", j, "yoy_change"), 1)
            )
        for name in series:
            series[name].sort()
        return (
            f'<section id="trend"><h2>{_e(c["construct"])} over periods</h2>'
            + _lines(series, periods, f"{c['construct']} (0-100)")
            + "<details><summary>Per group and period</summary>"
            + _table(("group", "period", "n", "index", "change vs previous", "change vs a year earlier"), rows)
            + "</details></section>"
        )

    def not_yet(self) -> str:
        items = "".join(f"<li>{_e(item)}</li>" for item in NOT_YET)
        return (
            '<section id="not-yet"><h2>What SmartPLS\'s report has that this one lacks</h2>'
            f"<ul>{items}</ul>"
            '<p class="note">Made by acsi (open source). No script and no external resource: this file opens offline.</p>'
            "</section>"
        )


# ---------------------------------------------------------------------- assessment checklist
@dataclass(frozen=True)
class Check:
    """One threshold applied to one value: status ``met``, ``marginal`` or ``not met``."""

    criterion: str
    subject: str
    value: float | None
    key: str
    rule: str
    status: str
    source: str

    @property
    def css(self) -> str:
        return {"met": "met", "marginal": "marginal"}.get(self.status, "notmet")


def checklist(assessment: Any) -> list[Check]:
    """Every usual threshold of :data:`acsi.thresholds.THRESHOLDS` applied to the assessment's values, in the order and
    with the rules of :meth:`acsi.assessment.Assessment.flags` (whose lines are the checks that are not met)."""
    from acsi.thresholds import THRESHOLDS

    a = assessment
    spec = a.result.spec
    out: list[Check] = []

    def source(name: str) -> str:
        text = THRESHOLDS[name]
        return text[text.find("(") + 1 : text.find(")")] if "(" in text else ""

    def multi(name: str) -> bool:
        return len(spec.construct(str(name)).indicators) > 1

    for name, value in a.cronbach_alpha.dropna().items():
        status = "not met" if value < 0.75 else "marginal" if value < 0.8 else "met"
        out.append(
            Check(
                "Cronbach's alpha",
                str(name),
                value,
                _key("assessment", "cronbach_alpha", name),
                ">= 0.8 (0.75-0.8 marginal)",
                status,
                source("cronbach_alpha"),
            )
        )
    for label, attr in (("rho_A", "rho_a"), ("rho_C", "rho_c")):
        for name, value in getattr(a, attr).dropna().items():
            if multi(name):
                status = "met" if 0.7 <= value <= 0.95 else "not met"
                out.append(Check(label, str(name), value, _key("assessment", attr, name), "0.7-0.95", status, source(attr)))
    for name, value in a.ave.items():
        out.append(
            Check(
                "AVE",
                str(name),
                value,
                _key("assessment", "ave", name),
                ">= 0.5",
                "met" if value >= 0.5 else "not met",
                source("ave"),
            )
        )
    for (construct, indicator), value in a.result.loadings.items():
        if multi(construct):
            status = "met" if value >= 0.708 else "not met"
            out.append(
                Check(
                    "loading",
                    f"{indicator} ({construct})",
                    value,
                    _key("fit", "loadings", construct, indicator),
                    ">= 0.708",
                    status,
                    source("loadings"),
                )
            )
    cross = a.cross_loadings
    for j, indicator in enumerate(a.result.indicators):
        own = a.result.constructs[a.result.block[j]]
        others = cross.loc[indicator].drop(own)
        status = "not met" if (others.abs() >= abs(cross.at[indicator, own])).any() else "met"
        out.append(
            Check(
                "vs cross-loadings",
                f"{indicator} ({own})",
                cross.at[indicator, own],
                _key("assessment", "cross_loadings", indicator, own),
                "above every cross-loading",
                status,
                source("loadings"),
            )
        )
    names = list(a.htmt.index)
    for i in range(len(names)):
        for k in range(i + 1, len(names)):
            value = a.htmt.iat[i, k]
            status = "not met" if value >= 0.9 else "marginal" if value >= 0.85 else "met"
            out.append(
                Check(
                    "HTMT",
                    f"{names[i]} / {names[k]}",
                    value,
                    _key("assessment", "htmt", names[i], names[k]),
                    "< 0.85 (< 0.90 similar constructs)",
                    status,
                    source("htmt"),
                )
            )
    fl = a.fornell_larcker.to_numpy()
    for i, name in enumerate(names):
        others = np.delete(np.abs(fl[i]), i)
        status = "not met" if others.size and fl[i, i] <= others.max() else "met"
        out.append(
            Check(
                "Fornell-Larcker",
                str(name),
                fl[i, i],
                _key("assessment", "fornell_larcker", name, name),
                "sqrt(AVE) above every correlation",
                status,
                "Fornell & Larcker 1981",
            )
        )
    for (construct, indicator), value in a.outer_vif.items():
        out.append(
            Check(
                "outer VIF",
                f"{indicator} ({construct})",
                value,
                _key("assessment", "vif", "outer", construct, indicator),
                "< 5",
                "met" if value < 5 else "not met",
                source("vif"),
            )
        )
    for target, series in a.inner_vif.items():
        for name, value in series.items():
            out.append(
                Check(
                    "inner VIF",
                    f"{name} -> {target}",
                    value,
                    _key("assessment", "vif", "inner", target, name),
                    "< 5",
                    "met" if value < 5 else "not met",
                    source("vif"),
                )
            )
    part, srmr = a.srmr
    out.append(
        Check(
            "SRMR",
            part.replace("_", " "),
            srmr,
            _key("assessment", "srmr"),
            "< 0.08",
            "met" if srmr < 0.08 else "not met",
            source("srmr"),
        )
    )
    if a.q_squared is not None:
        for name, value in a.q_squared.items():
            out.append(
                Check(
                    "Q²",
                    str(name),
                    value,
                    _key("assessment", "q_squared", name),
                    "> 0",
                    "met" if value > 0 else "not met",
                    source("q_squared"),
                )
            )
    return out
