"""Saving a diagram as SVG, or as PNG re-traced from the SVG's own elements with matplotlib."""

from __future__ import annotations

from pathlib import Path as FilePath

from acsi.errors import ParameterError


def save_diagram(svg: str, path: str | FilePath) -> FilePath:
    """Write an SVG diagram as ``.svg``, or as ``.png`` rendered through matplotlib (the drawing is re-traced
    from the SVG's own elements, so no SVG renderer is needed)."""
    target = FilePath(path)
    suffix = target.suffix.lower()
    if suffix == ".svg":
        target.write_text(svg + "\n", encoding="utf-8")
    elif suffix == ".png":
        _svg_to_png(svg, target)
    else:
        raise ParameterError(f"--out '{target}' must end in .svg or .png; got '{target.suffix}'.")
    return target


def _svg_to_png(svg: str, target: FilePath) -> None:
    """Trace the diagram's lines, ellipses, rectangles and texts with matplotlib at 2x."""
    import xml.etree.ElementTree as ET

    from matplotlib.figure import Figure  # a Figure saved directly: no pyplot, the user's backend is left alone
    from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    width, height = float(root.get("width")), float(root.get("height"))
    dpi = 100
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    for el in root.iter():
        tag, cls = el.tag.removeprefix(ns), el.get("class", "")
        if tag == "line":
            path = "path" in cls.split()
            colour = "#2b5b94" if path else "#777777"
            ax.add_patch(
                FancyArrowPatch(
                    (float(el.get("x1")), float(el.get("y1"))),
                    (float(el.get("x2")), float(el.get("y2"))),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=colour,
                    linewidth=1.4 if path else 0.9,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
            ax.add_patch(Ellipse((cx, cy), 2 * rx, 2 * ry, facecolor="#eaf1fb", edgecolor="#2b5b94", linewidth=1.4, zorder=3))
        elif tag == "rect":
            x, y, w, h = (float(el.get(k)) for k in ("x", "y", "width", "height"))
            filled = "bg" in cls.split()
            ax.add_patch(
                Rectangle(
                    (x, y),
                    w,
                    h,
                    facecolor="white",
                    edgecolor="none" if filled else "#555555",
                    linewidth=0.9,
                    zorder=4 if filled else 3,
                )
            )
        elif tag == "text":
            size = {"t": 14, "n": 12, "f": 10, "v": 10}.get(cls, 11) * 0.75  # px -> pt
            anchor = {"middle": "center", "start": "left", "end": "right"}[el.get("text-anchor", "start")]
            ax.text(
                float(el.get("x")),
                float(el.get("y")),
                el.text or "",
                fontsize=size,
                ha=anchor,
                va="baseline",
                weight="bold" if cls in ("n", "t") else "normal",
                zorder=5,
            )
    fig.savefig(target, dpi=2 * dpi, facecolor="white")
