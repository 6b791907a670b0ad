"""What a path diagram is made of: nodes, arrows, the diagram and its labels, and the sizes they are drawn at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from acsi.spec.model import ModelSpec

SIDES = ("left", "right", "top", "bottom")
_FACING = {"left": (1.0, 0.0), "right": (-1.0, 0.0), "top": (0.0, 1.0), "bottom": (0.0, -1.0)}
_FONT = 12.0  # px, construct labels
_SMALL = 11.0  # px, indicators and estimates
_CHAR = 0.6  # average glyph width as a share of the font size (sans-serif)
_GAP_INDICATORS = 90.0  # construct edge to indicator boxes
_GAP_COLUMNS = 110.0
_GAP_ROWS = 50.0
_MARGIN = 20.0
_BOX_H = 22.0
_BOX_STEP = 30.0


@dataclass(frozen=True)
class Node:
    """A construct (ellipse, half-axes ``rx``, ``ry``) or an indicator (rectangle, half-sizes ``rx``, ``ry``)."""

    name: str
    kind: str  # "construct" or "indicator"
    x: float
    y: float
    rx: float
    ry: float
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arrow:
    """A straight arrow from ``(x1, y1)`` to ``(x2, y2)``; ``kind`` is path, loading or weight; ``key`` names
    the estimate (``"From -> To"`` or ``(construct, indicator)``)."""

    kind: str
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    key: Any = None


@dataclass(frozen=True)
class Diagram:
    """A computed layout: nodes, arrows, the size of the drawing and the chosen rows and sides."""

    spec: ModelSpec
    constructs: dict[str, Node]
    indicators: dict[str, Node]
    arrows: tuple[Arrow, ...]
    width: float
    height: float
    placement: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # construct -> (column, row, side)


@dataclass(frozen=True)
class DiagramLabels:
    """Texts to write on a diagram: per path key, per (construct, indicator), R² per construct, a title."""

    paths: Mapping[str, str] = field(default_factory=dict)
    path_notes: Mapping[str, str] = field(default_factory=dict)
    outer: Mapping[tuple[str, str], str] = field(default_factory=dict)
    r_squared: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    note: str = ""


# ---------------------------------------------------------------------- layout
def _text_width(text: str, size: float) -> float:
    return len(text) * size * _CHAR


def _wrap(text: str, width: int = 16) -> tuple[str, ...]:
    """Split a construct label into at most two lines near ``width`` characters."""
    if len(text) <= width:
        return (text,)
    words = text.replace("_", "_ ").split(" ")
    best = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]).replace("_ ", "_"), " ".join(words[cut:]).replace("_ ", "_")
        score = max(len(first), len(second))
        if best is None or score < best[0]:
            best = (score, first, second)
    return (text,) if best is None else (best[1], best[2])
