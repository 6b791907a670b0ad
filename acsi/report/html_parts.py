"""The pieces of the report page: its CSS, number formatting with ``data-value``/``data-key``, tables and small inline SVG charts."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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


def higher_order_table(measures: Mapping[str, Any] | None) -> str:
    """The higher-order constructs' loadings (or weights) on their components with rho_A, rho_C and AVE
    (:mod:`acsi.assessment.higher_order`), or nothing."""
    if not measures:
        return ""
    rows = []
    for name, hoc in measures["constructs"].items():
        kind = "loadings" if "loadings" in hoc else "weights"
        for component, value in hoc[kind].items():
            rows.append(
                f"<td>{_e(name)}</td><td>{_e(component)}</td><td>{kind[:-1]}</td>"
                + _num(value, _key("assessment", "higher_order", "constructs", name, kind, component))
                + "".join(
                    _num(hoc[m], _key("assessment", "higher_order", "constructs", name, m)) for m in ("rho_a", "rho_c", "ave")
                )
            )
    return f"<h3>Higher-order constructs ({_e(measures['approach'])}; Sarstedt et al. 2019)</h3>" + _table(
        ("construct", "component", "", "value", "rho_A", "rho_C", "AVE"), rows
    )
