"""Charts as server-rendered SVG (no JavaScript library, nothing fetched from the internet).

Every text placed in a chart goes through :func:`html.escape`; the functions return
:class:`markupsafe.Markup` so templates insert them as they are.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _colour(rate: float | None) -> str:
    """Red (low) to green (high) over rates 0.5 .. 1."""
    if rate is None:
        return "#e5e5e5"
    t = max(0.0, min(1.0, (rate - 0.5) / 0.5))
    red, green = int(220 - 170 * t), int(60 + 130 * t)
    return f"rgb({red},{green},80)"


def heat_map(cells: dict[tuple[int, int], dict], hours: range = range(8, 19)) -> Markup:
    """Weekday x hour grid of satisfied rates (percent in each cell); cells with fewer than the
    minimum n of rated events are drawn pale and say so in their tooltip."""
    size, left, top = 34, 40, 20
    width, height = left + size * len(hours) + 4, top + size * 7 + 4
    parts = [
        f'<svg class="chart" role="img" aria-label="satisfied rate by weekday and hour" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for j, hour in enumerate(hours):
        parts.append(f'<text x="{left + j * size + size / 2}" y="14" text-anchor="middle" class="axis">{hour}</text>')
    for day in range(7):
        y = top + day * size
        parts.append(f'<text x="2" y="{y + size / 2 + 4}" class="axis">{WEEKDAYS[day]}</text>')
        for j, hour in enumerate(hours):
            cell = cells.get((day, hour))
            x = left + j * size
            if cell is None or not cell["n_rated"]:
                parts.append(f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" fill="#f3f3f3"/>')
                continue
            small = not cell["reportable"]
            label = f"{WEEKDAYS[day]} {hour}:00 - n={cell['n_rated']}, satisfied {cell['rate']:.1%}" + (
                " (fewer than 30 rated: indicative only)" if small else ""
            )
            pale = ' fill-opacity="0.4"' if small else ""
            parts.append(
                f'<rect x="{x}" y="{y}" width="{size - 2}" height="{size - 2}" fill="{_colour(cell["rate"])}"'
                f"{pale}><title>{escape(label)}</title></rect>"
            )
            parts.append(
                f'<text x="{x + size / 2 - 1}" y="{y + size / 2 + 3}" text-anchor="middle" '
                f'class="cell{" small" if small else ""}">{cell["rate"] * 100:.0f}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _path(points: list[dict], x, y) -> str:  # noqa: ANN001
    return " ".join(f"{x(p['month']):.1f},{y(p['rate']):.1f}" for p in points)


def trend_chart(points: list[dict], *, compare: list[dict] | None = None, width: int = 640, height: int = 200) -> Markup:
    """Monthly satisfied rate with Wilson intervals (band); ``compare`` drawn as a dashed line."""
    if not points:
        return Markup('<p class="muted">No ratings in this period.</p>')
    left, right, top, bottom = 44, 34, 10, 30
    months = sorted({p["month"] for p in points} | {p["month"] for p in compare or []})
    rates = [v for p in points + (compare or []) for v in (p["low"], p["high"]) if v is not None]
    lo = min(rates + [0.8]) if rates else 0.5
    lo = max(0.0, min(lo, 1.0) - 0.02)
    step = (width - left - right) / max(1, len(months) - 1)

    def x(month: str) -> float:
        return left + months.index(month) * step

    def y(rate: float) -> float:
        return top + (1 - (rate - lo) / (1 - lo)) * (height - top - bottom)

    parts = [
        f'<svg class="chart" role="img" aria-label="satisfied rate by month" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (lo, (lo + 1) / 2, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
            f'<text x="2" y="{y(tick) + 4:.1f}" class="axis">{tick:.0%}</text>'
        )
    ok = [p for p in points if p["reportable"]]
    if ok:
        band = [f"{x(p['month']):.1f},{y(p['high']):.1f}" for p in ok] + [
            f"{x(p['month']):.1f},{y(p['low']):.1f}" for p in reversed(ok)
        ]
        parts.append(f'<polygon points="{" ".join(band)}" class="band"/>')
        parts.append(f'<polyline points="{_path(ok, x, y)}" class="line"/>')
    cmp_ok = [p for p in compare or [] if p["reportable"]]
    if cmp_ok:
        parts.append(f'<polyline points="{_path(cmp_ok, x, y)}" class="line compare"/>')
    for p in ok:
        parts.append(
            f'<circle cx="{x(p["month"]):.1f}" cy="{y(p["rate"]):.1f}" r="3" class="dot">'
            f"<title>{escape(p['month'])}: {p['rate']:.1%} (n={p['n_rated']})</title></circle>"
        )
    for i, month in enumerate(months):
        if i % max(1, len(months) // 8) == 0:
            parts.append(f'<text x="{x(month):.1f}" y="{height - 10}" text-anchor="middle" class="axis">{escape(month)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def ranking_chart(rows: list[dict], names: dict[str, str], width: int = 640) -> Markup:
    """Branches as dots with Wilson-interval whiskers, best first."""
    rows = [r for r in rows if r["reportable"]]
    if not rows:
        return Markup("")
    left, right, row_h = 170, 20, 18
    height = 20 + row_h * len(rows)
    lo = max(0.0, min(r["low"] for r in rows) - 0.02)
    hi = min(1.0, max(r["high"] for r in rows) + 0.02)

    def x(rate: float) -> float:
        return left + (rate - lo) / max(1e-9, hi - lo) * (width - left - right)

    parts = [
        f'<svg class="chart" role="img" aria-label="satisfied rate by branch" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, r in enumerate(rows):
        y = 14 + i * row_h
        label = f"{r['branch']} {names.get(r['branch'], '')}"[:26]
        parts.append(
            f'<text x="2" y="{y + 4}" class="axis">{escape(label)}</text>'
            f'<line x1="{x(r["low"]):.1f}" x2="{x(r["high"]):.1f}" y1="{y}" y2="{y}" class="whisker"/>'
            f'<circle cx="{x(r["rate"]):.1f}" cy="{y}" r="4" class="dot"><title>{escape(r["branch"])}: '
            f"{r['rate']:.1%} [{r['low']:.1%}, {r['high']:.1%}] n={r['n_rated']}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
