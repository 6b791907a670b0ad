"""Drawing a layout with its labels as an SVG document, and the path diagrams of a fit or of each group."""

from __future__ import annotations

import dataclasses
import html
import math
from typing import Any

from acsi.diagram.labels import labels_from_fit, labels_from_groups
from acsi.diagram.placement import layout
from acsi.diagram.shapes import _MARGIN, _SMALL, Diagram, DiagramLabels, _text_width
from acsi.errors import ParameterError

_STYLE = (
    ".c{fill:#eaf1fb;stroke:#2b5b94;stroke-width:1.5}.i{fill:#fdfdfd;stroke:#555;stroke-width:1}"
    ".a{stroke:#2b5b94;stroke-width:1.6;fill:none}.o{stroke:#777;stroke-width:1;fill:none}"
    "text{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;fill:#1a1a1a}"
    ".n{font-size:12px;font-weight:bold}.s{font-size:11px}.e{font-size:11px}.v{font-size:10px;fill:#444}"
    ".t{font-size:14px;font-weight:bold}.f{font-size:10px;fill:#555}.bg{fill:#fff;opacity:.85}"
)


def _text(x: float, y: float, text: str, cls: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{html.escape(text)}</text>'


def _label(x: float, y: float, lines: list[str], cls: str) -> str:
    width = max(_text_width(line, _SMALL) for line in lines) + 6
    height = 13.0 * len(lines) + 2
    parts = [f'<rect class="bg" x="{x - width / 2:.1f}" y="{y - height / 2:.1f}" width="{width:.1f}" height="{height:.1f}"/>']
    for j, line in enumerate(lines):
        parts.append(_text(x, y - height / 2 + 11 + 13 * j, line, cls if j == 0 else "v"))
    return "".join(parts)


def render_svg(diagram: Diagram, labels: DiagramLabels | None = None) -> str:
    """The SVG document of a layout with its labels (strict XML, inline style, no external reference)."""
    labels = labels or DiagramLabels()
    w, h = diagram.width, diagram.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" '
        f'role="img" aria-label="{html.escape(labels.title or "path diagram")}">',
        f"<style>{_STYLE}</style>",
        '<defs><marker id="ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#2b5b94"/></marker>'
        '<marker id="ao" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>',
    ]
    if labels.title:
        out.append(_text(_MARGIN, _MARGIN + 8, labels.title, "t", "start"))
    for arrow in diagram.arrows:
        cls, marker = ("a", "ah") if arrow.kind == "path" else ("o", "ao")
        out.append(
            f'<line class="{cls} arrow {arrow.kind}" x1="{arrow.x1:.1f}" y1="{arrow.y1:.1f}" x2="{arrow.x2:.1f}" '
            f'y2="{arrow.y2:.1f}" marker-end="url(#{marker})" data-key="{html.escape(_key_text(arrow.key))}"/>'
        )
    for node in diagram.indicators.values():
        out.append(
            f'<rect class="i indicator" x="{node.x - node.rx:.1f}" y="{node.y - node.ry:.1f}" width="{2 * node.rx:.1f}" '
            f'height="{2 * node.ry:.1f}" data-name="{html.escape(node.name)}"/>'
        )
        out.append(_text(node.x, node.y + 4, node.name, "s"))
    for node in diagram.constructs.values():
        out.append(
            f'<ellipse class="c construct" cx="{node.x:.1f}" cy="{node.y:.1f}" rx="{node.rx:.1f}" ry="{node.ry:.1f}" '
            f'data-name="{html.escape(node.name)}"/>'
        )
        r2 = labels.r_squared.get(node.name)
        lines = list(node.lines) + ([r2] if r2 else [])
        top = node.y - 7.5 * (len(lines) - 1) + 4
        for j, line in enumerate(lines):
            out.append(_text(node.x, top + 15 * j, line, "v" if r2 and j == len(lines) - 1 else "n"))
    for arrow in diagram.arrows:  # estimates last, on top of everything
        if arrow.kind == "path":
            text = labels.paths.get(arrow.key)
            if text is None:
                continue
            lines = [text] + ([labels.path_notes[arrow.key]] if arrow.key in labels.path_notes else [])
            out.append(_label((arrow.x1 + arrow.x2) / 2, (arrow.y1 + arrow.y2) / 2, lines, "e"))
        else:
            text = labels.outer.get(arrow.key)
            if text is None:
                continue
            # just off the indicator's box, where the arrows are as far apart as the boxes
            bx, by, cx, cy = (
                (arrow.x2, arrow.y2, arrow.x1, arrow.y1) if arrow.kind == "loading" else (arrow.x1, arrow.y1, arrow.x2, arrow.y2)
            )
            length = math.hypot(cx - bx, cy - by) or 1.0
            ux, uy = (cx - bx) / length, (cy - by) / length
            half_w, half_h = (_text_width(text, _SMALL) + 6) / 2 + 9, 7.5 + 9  # clear of the arrowhead
            reach = min(half_w / abs(ux) if ux else math.inf, half_h / abs(uy) if uy else math.inf, 0.6 * length)
            x, y = bx + reach * ux, by + reach * uy
            out.append(_label(x, y, [text], "e"))
    if labels.note:
        out.append(_text(_MARGIN, h - 8, labels.note, "f", "start"))
    out.append("</svg>")
    return "\n".join(out)


def _key_text(key: Any) -> str:
    return " / ".join(key) if isinstance(key, tuple) else str(key)


def path_diagram(result: Any, bootstrap: Any = None, *, group: Any = None, digits: int = 3, title: str | None = None) -> str:
    """The path diagram of a fit (``FitResult``, optionally with its ``BootstrapResult``) or of one group of
    :class:`~acsi.compare.groups.GroupEstimates` (``group=`` its label), as an SVG string.

    Examples
    --------
    >>> svg = acsi.diagram.path_diagram(result, acsi.bootstrap(result, n_boot=1000, seed=1))  # doctest: +SKIP
    """
    if hasattr(result, "group_column"):  # group estimates
        if group is None:
            raise ParameterError("path_diagram of group estimates needs group=<label>; group_diagrams() draws every group.")
        labels = labels_from_groups(result, group, digits=digits)
        return render_svg(layout(result.spec), labels if title is None else dataclasses.replace(labels, title=title))
    if bootstrap is not None and bootstrap.fit is not result:
        raise ParameterError("bootstrap= must be the bootstrap of this fit (bootstrap.fit is another result).")
    labels = labels_from_fit(result, bootstrap, digits=digits)
    return render_svg(layout(result.spec), labels if title is None else dataclasses.replace(labels, title=title))


def group_diagrams(estimates: Any, *, digits: int = 3) -> dict[str, str]:
    """One diagram per reported group of :class:`~acsi.compare.groups.GroupEstimates`: ``{group: svg}``."""
    drawn = layout(estimates.spec)  # one layout for all groups: the pictures compare at a glance
    return {
        str(label): render_svg(drawn, labels_from_groups(estimates, label, digits=digits))
        for label, reported in zip(estimates.labels, estimates.reported)
        if reported
    }
