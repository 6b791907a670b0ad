"""The path diagram of a model: a computed layout and its SVG drawing (pure Python, no renderer to install).

Layout (:func:`layout`, from the spec alone, so every method and every group gets the same
picture): columns follow the structural order (every exogenous construct in column 0, a path
never points left, so outcomes end on the right). First the constructs' cells are enumerated on
a unit grid of 2, then 3, then 4 rows (depth first in structural order, each construct in its
latest source's column or the next, cut as soon as paths cross or run through another
construct), ranked by those faults, arrow length and width; then the real geometry (ellipse and
box sizes from the labels, indicators stacked on one side: left, right, above or below) is
checked with two rules for the sides, and the first layout where no arrow crosses another (exact
segment intersection), runs through a node it does not connect or where boxes overlap is taken;
failing that, the sides of the best few are improved by coordinate descent. This is the layered
drawing of Sugiyama, Tagawa & Toda (1981, "Methods for visual understanding of hierarchical
system structures", IEEE SMC 11, 109-125) reduced to what small SEM models need. Deterministic;
cached per model structure.

Drawing (:func:`path_diagram`): constructs are ellipses with their R² inside when
endogenous; indicators are rectangles; Mode A blocks have arrows construct -> indicator
labelled with the loading, Mode B blocks indicator -> construct labelled with the weight;
paths carry the estimate, with significance marks (``*`` p < 0.05, ``**`` p < 0.01, ``***``
p < 0.001, the bootstrap's two-sided t test) and the bootstrap interval when a
:class:`~acsi.inference.BootstrapResult` is given. Numbers are those of ``result.to_dict()``
(``loadings``, ``weights``, ``paths``, ``r_squared``) rounded for display. For group
estimates (:class:`~acsi.compare.groups.GroupEstimates`) :func:`path_diagram` draws one
group's paths with their percentile intervals (one diagram per group: :func:`group_diagrams`).
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import numpy as np

from acsi.errors import ParameterError
from acsi.spec.model import ModelSpec

__all__ = [
    "Arrow",
    "Diagram",
    "DiagramLabels",
    "Node",
    "crossings",
    "group_diagrams",
    "labels_from_fit",
    "labels_from_groups",
    "layout",
    "path_diagram",
    "render_svg",
    "save_diagram",
]

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


def layers(spec: ModelSpec) -> dict[str, int]:
    """Column of each construct: the number of paths on the longest chain leading to it (0 for exogenous)."""
    column: dict[str, int] = {}
    remaining = list(spec.construct_names)
    while remaining:  # the spec is acyclic, so each sweep places at least one construct
        for name in list(remaining):
            sources = spec.predecessors(name)
            if all(s in column for s in sources):
                column[name] = 1 + max((column[s] for s in sources), default=-1)
                remaining.remove(name)
    return column


def _ellipse(spec: ModelSpec, name: str) -> tuple[float, float, tuple[str, ...]]:
    construct = spec.construct(name)
    lines = _wrap(construct.label or name)
    rx = max(58.0, max(_text_width(line, _FONT) for line in lines) / 2 + 22.0)
    ry = 18.0 + 8.0 * len(lines)
    return rx, ry, lines


def _indicator_boxes(spec: ModelSpec, name: str, x: float, y: float, rx: float, ry: float, side: str) -> list[Node]:
    indicators = spec.construct(name).indicators
    # boxes side by side are at least as wide as the estimate written on their arrow ("0.803***")
    least = 20.0 if side in ("left", "right") else 34.0
    halves = [max(least, _text_width(i, _SMALL) / 2 + 6.0) for i in indicators]
    boxes = []
    if side in ("left", "right"):
        widest = max(halves)
        sign = -1.0 if side == "left" else 1.0
        cx = x + sign * (rx + _GAP_INDICATORS + widest)
        top = y - (len(indicators) - 1) * _BOX_STEP / 2
        for j, (indicator, half) in enumerate(zip(indicators, halves)):
            boxes.append(Node(indicator, "indicator", cx, top + j * _BOX_STEP, half, _BOX_H / 2))
    else:
        sign = -1.0 if side == "top" else 1.0
        cy = y + sign * (ry + _GAP_INDICATORS + _BOX_H / 2)
        total = sum(2 * h for h in halves) + 8.0 * (len(halves) - 1)
        left = x - total / 2
        for indicator, half in zip(indicators, halves):
            boxes.append(Node(indicator, "indicator", left + half, cy, half, _BOX_H / 2))
            left += 2 * half + 8.0
    return boxes


class _Geometry:
    """Sizes of every node, computed once per spec, and the arrays of a placement (fast enough to try
    hundreds of placements in a fraction of a second)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.names = spec.construct_names
        shapes = [_ellipse(spec, name) for name in self.names]
        self.radii = np.array([[rx, ry] for rx, ry, _ in shapes])
        self.lines = {name: lines for name, (_, _, lines) in zip(self.names, shapes)}
        self.indicators = [i for c in spec.constructs for i in c.indicators]
        self.owner = np.array([self.names.index(c.name) for c in spec.constructs for _ in c.indicators])
        # offsets[side][box] = (dx, dy, half width, half height) relative to the owner's centre
        self.offsets = {}
        self.extent = {}  # side -> (k, 4): left, right, up, down
        for side in SIDES:
            rows, ext = [], []
            for name, (rx, ry) in zip(self.names, self.radii):
                boxes = _indicator_boxes(spec, name, 0.0, 0.0, rx, ry, side)
                rows += [(b.x, b.y, b.rx, b.ry) for b in boxes]
                ext.append(
                    (
                        max([rx] + [-(b.x - b.rx) for b in boxes]),
                        max([rx] + [b.x + b.rx for b in boxes]),
                        max([ry] + [-(b.y - b.ry) for b in boxes]),
                        max([ry] + [b.y + b.ry for b in boxes]),
                    )
                )
            self.offsets[side] = np.array(rows)
            self.extent[side] = np.array(ext)
        position = {name: j for j, name in enumerate(self.names)}
        self.path_pairs = np.array([(position[p.source], position[p.target]) for p in spec.paths], dtype=int).reshape(-1, 2)
        self.n_nodes = len(self.names) + len(self.indicators)
        # arrow a touches nodes own[a] (constructs first, then indicators)
        own = np.zeros((len(self.path_pairs) + len(self.indicators), self.n_nodes), dtype=bool)
        for a, (s, t) in enumerate(self.path_pairs):
            own[a, s] = own[a, t] = True
        for j, b in enumerate(self.owner):
            own[len(self.path_pairs) + j, b] = own[len(self.path_pairs) + j, len(self.names) + j] = True
        self.own = own
        self.is_ellipse = np.arange(self.n_nodes) < len(self.names)

    def place(
        self, col: np.ndarray, row: np.ndarray, sides: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
        """Centres (k, 2), boxes (k + p, 4: x, y, half width, half height), segments (A, 4), width, height."""
        ext = np.array([self.extent[s][j] for j, s in enumerate(sides)])
        offsets = np.array([self.offsets[sides[b]][j] for j, b in enumerate(self.owner)]).reshape(-1, 4)
        n_cols, n_rows = int(col.max()) + 1, int(row.max()) + 1
        xs, x = np.zeros(n_cols), _MARGIN
        for c in range(n_cols):
            members = col == c
            if not members.any():
                xs[c] = x
                continue
            x += ext[members, 0].max()
            xs[c] = x
            x += ext[members, 1].max() + _GAP_COLUMNS
        ys, y = np.zeros(n_rows), _MARGIN + 30.0
        for r in range(n_rows):
            members = row == r
            if not members.any():
                ys[r] = y
                continue
            y += ext[members, 2].max()
            ys[r] = y
            y += ext[members, 3].max() + _GAP_ROWS
        centres = np.column_stack([xs[col], ys[row]])
        box_xy = centres[self.owner] + offsets[:, :2]
        nodes = np.vstack([np.column_stack([centres, self.radii]), np.column_stack([box_xy, offsets[:, 2:]])])
        s, t = self.path_pairs[:, 0], self.path_pairs[:, 1]
        start = _boundary(centres[s], self.radii[s], centres[t], True)
        end = _boundary(centres[t], self.radii[t], centres[s], True)
        facing = np.array([_FACING[sides[b]] for b in self.owner]).reshape(-1, 2)
        b_end = box_xy + facing * offsets[:, 2:]  # the middle of the box's edge that faces its construct
        c_end = _boundary(centres[self.owner], self.radii[self.owner], b_end, True)
        segments = np.vstack([np.column_stack([start, end]), np.column_stack([c_end, b_end])])
        width = float((nodes[:, 0] + nodes[:, 2]).max() + _MARGIN)
        height = float((nodes[:, 1] + nodes[:, 3]).max() + _MARGIN + 20.0)
        return centres, nodes, segments, width, height

    def cost(self, col: np.ndarray, row: np.ndarray, sides: list[str]) -> tuple[int, float]:
        """(crossings + arrows through other nodes + overlapping nodes, area / 1000 + arrow length)."""
        _, nodes, seg, width, height = self.place(col, row, sides)
        bad = int(np.triu(_crossing_matrix(seg), 1).sum()) + _node_hits(nodes, self.is_ellipse, seg, self.own)
        bad += _overlaps(nodes)
        length = float(np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]).sum())
        return bad, width * height / 1000.0 + length


def _boundary(centre: np.ndarray, half: np.ndarray, towards: np.ndarray, ellipse: bool) -> np.ndarray:
    """Where the ray from each ``centre`` towards ``towards`` leaves its ellipse (or rectangle) of half-axes ``half``."""
    d = towards - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        if ellipse:
            t = 1.0 / np.sqrt((d[:, 0] / half[:, 0]) ** 2 + (d[:, 1] / half[:, 1]) ** 2)
        else:
            t = np.minimum(np.abs(half[:, 0] / d[:, 0]), np.abs(half[:, 1] / d[:, 1]))
    t = np.where(np.isfinite(t), t, 0.0)
    return centre + t[:, None] * d


def _crossing_matrix(seg: np.ndarray) -> np.ndarray:
    """``[i, j]`` True where segments i and j cross: each one's ends lie strictly on opposite sides of the other."""
    p, r = seg[:, None, :2], seg[:, None, 2:] - seg[:, None, :2]  # segment i: p + t r
    q, s = seg[None, :, :2], seg[None, :, 2:] - seg[None, :, :2]

    def cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]

    d1, d2 = cross(r, q - p), cross(r, q + s - p)
    d3, d4 = cross(s, p - q), cross(s, p + r - q)
    tol_i = 1e-6 * (np.hypot(r[..., 0], r[..., 1]) + 1.0)  # a touch at an end point is no crossing
    tol_j = 1e-6 * (np.hypot(s[..., 0], s[..., 1]) + 1.0)
    opposite_j = ((d1 > tol_i) & (d2 < -tol_i)) | ((d1 < -tol_i) & (d2 > tol_i))
    opposite_i = ((d3 > tol_j) & (d4 < -tol_j)) | ((d3 < -tol_j) & (d4 > tol_j))
    return opposite_i & opposite_j


def _node_hits(nodes: np.ndarray, is_ellipse: np.ndarray, seg: np.ndarray, own: np.ndarray, margin: float = 6.0) -> int:
    """Arrows that pass through (or within ``margin`` of) a node they do not connect (exact: the nearest point
    of the segment to an ellipse's centre in the ellipse's unit scale; the slab test for rectangles)."""
    # paths keep ``margin`` from every node; arrows to indicators only 1 px from boxes (they sit close together)
    is_path = own[:, is_ellipse].sum(axis=1) == 2
    pad = np.where(is_ellipse[None, :] | is_path[:, None], margin, 1.0)  # (A, N)
    half = nodes[None, :, 2:] + pad[:, :, None]  # (A, N, 2)
    p = (seg[:, None, :2] - nodes[None, :, :2]) / half  # segment start relative to each node, unit scale (A, N, 2)
    d = (seg[:, None, 2:] - seg[:, None, :2]) / half
    lo_t, hi_t = 0.02, 0.98  # the arrow ends touch their own nodes only
    dd = (d**2).sum(axis=-1)
    t = np.clip(-(p * d).sum(axis=-1) / np.where(dd > 0, dd, 1.0), lo_t, hi_t)
    nearest = p + t[..., None] * d
    in_ellipse = (nearest**2).sum(axis=-1) < 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (-1.0 - p) / d, (1.0 - p) / d
    parallel = d == 0
    enter = np.where(parallel, np.where(np.abs(p) < 1.0, -np.inf, np.inf), np.minimum(t1, t2))
    leave = np.where(parallel, np.where(np.abs(p) < 1.0, np.inf, -np.inf), np.maximum(t1, t2))
    start = np.maximum(enter.max(axis=-1), lo_t)
    stop = np.minimum(leave.min(axis=-1), hi_t)
    in_box = start < stop
    inside = np.where(is_ellipse[None, :], in_ellipse, in_box)
    return int((inside & ~own).sum())


def _overlaps(nodes: np.ndarray, margin: float = 2.0) -> int:
    lo = nodes[:, :2] - nodes[:, 2:] - margin
    hi = nodes[:, :2] + nodes[:, 2:] + margin
    apart = (hi[:, None, 0] <= lo[None, :, 0]) | (hi[None, :, 0] <= lo[:, None, 0])
    apart |= (hi[:, None, 1] <= lo[None, :, 1]) | (hi[None, :, 1] <= lo[:, None, 1])
    return int(np.triu(~apart, 1).sum())


def _diagram(geometry: _Geometry, col: np.ndarray, row: np.ndarray, sides: list[str]) -> Diagram:
    spec = geometry.spec
    centres, nodes, seg, width, height = geometry.place(col, row, sides)
    k = len(geometry.names)
    constructs = {
        name: Node(name, "construct", *map(float, nodes[j]), geometry.lines[name]) for j, name in enumerate(geometry.names)
    }
    indicators = {name: Node(name, "indicator", *map(float, nodes[k + j])) for j, name in enumerate(geometry.indicators)}
    arrows = []
    for a, path in enumerate(spec.paths):
        arrows.append(Arrow("path", path.source, path.target, *map(float, seg[a]), path.key))
    a = len(spec.paths)
    for construct in spec.constructs:
        for indicator in construct.indicators:
            x1, y1, x2, y2 = map(float, seg[a])
            if construct.mode.weighting == "B":
                arrows.append(Arrow("weight", indicator, construct.name, x2, y2, x1, y1, (construct.name, indicator)))
            else:
                arrows.append(Arrow("loading", construct.name, indicator, x1, y1, x2, y2, (construct.name, indicator)))
            a += 1
    placement = {n: (int(col[j]), int(row[j]), sides[j]) for j, n in enumerate(geometry.names)}
    return Diagram(spec, constructs, indicators, tuple(arrows), width, height, placement)


def crossings(diagram: Diagram) -> list[tuple[Arrow, Arrow]]:
    """Pairs of arrows whose segments cross (exact test on the drawn segments)."""
    seg = np.array([[a.x1, a.y1, a.x2, a.y2] for a in diagram.arrows], dtype=float).reshape(-1, 4)
    hits = _crossing_matrix(seg)
    return [(diagram.arrows[i], diagram.arrows[j]) for i, j in zip(*np.nonzero(np.triu(hits, 1)))]


def layout(spec: ModelSpec) -> Diagram:
    """The diagram layout of ``spec``: columns follow the structural order (a path never goes right to left;
    exogenous constructs in column 0). First the constructs' cells are chosen on a unit grid (no crossing,
    no path through another construct, short arrows, few columns), then cells and indicator sides are
    improved on the real geometry by coordinate descent, restarted from seeded perturbations until nothing
    crosses or the budget is spent (see the module docstring). Deterministic; cached per model structure."""
    key = _structure_key(spec)
    if key not in _CACHE:
        if len(_CACHE) >= 32:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _search_layout(spec)
    return dataclasses.replace(_CACHE[key], spec=spec)


_CACHE: dict[tuple, Diagram] = {}
_BUDGET = 3000  # branches of the grid enumeration
_CHECKS = 200  # layouts checked on the real geometry


def _structure_key(spec: ModelSpec) -> tuple:
    return (
        tuple((c.name, c.label, c.indicators, c.mode.weighting) for c in spec.constructs),
        tuple(p.key for p in spec.paths),
    )


def _search_layout(spec: ModelSpec) -> Diagram:
    geometry = _Geometry(spec)
    tried = []
    fewest = max(2, sum(not spec.predecessors(n) for n in geometry.names))  # every exogenous construct in column 0
    for n_rows in (fewest, fewest + 1, fewest + 2):  # fewest rows first
        for (faults, _), col, row in _cells(spec, geometry, n_rows):  # quick look: two rules for the indicator sides
            if (faults and tried) or len(tried) >= _CHECKS:  # a grid fault stays a fault on the real geometry (nearly always)
                continue
            for sides in _default_sides(col, row):
                tried.append((geometry.cost(col, row, sides), (col, row, sides)))
                if tried[-1][0][0] == 0:
                    return _diagram(geometry, col, row, sides)
    if not tried:  # no grid layout at all (cannot happen with enough rows): one column per structural layer
        longest = layers(spec)
        col = np.array([longest[n] for n in geometry.names])
        row = np.array([sum(longest[m] == longest[n] for m in geometry.names[:j]) for j, n in enumerate(geometry.names)])
        tried.append((geometry.cost(col, row, _default_sides(col, row)[0]), (col, row, _default_sides(col, row)[0])))
    tried.sort(key=lambda item: item[0])
    best = tried[0]
    for _, (col, row, sides) in tried[:6]:  # no rule fits: improve the sides of the most promising layouts
        found = _sides(geometry, col, row, sides)
        if found[0] < best[0]:
            best = found
    _, (col, row, sides) = best
    return _diagram(geometry, col, row, sides)


def _default_sides(col: np.ndarray, row: np.ndarray) -> list[list[str]]:
    """Outward fans: top row up and bottom row down (or, second rule, everything left of the middle column to the
    left and the rest to the right); middle rows to the nearer outer side."""
    middle = col.max() / 2
    horizontal = ["left" if c <= middle else "right" for c in col]
    vertical = ["top" if r == 0 else "bottom" if r == row.max() else h for r, h in zip(row, horizontal)]
    return [vertical, horizontal]


def _cells(
    spec: ModelSpec, geometry: _Geometry, n_rows: int, n_candidates: int = 400
) -> list[tuple[tuple[int, float], np.ndarray, np.ndarray]]:
    """Cells (column, row) of the constructs on a unit grid of ``n_rows`` rows, best first.

    A depth-first enumeration in structural order: each construct goes in the column of its rightmost
    source or the next one (exogenous constructs in column 0), in any free row; a branch is cut as soon as
    its paths cross or run through a placed construct more often than the best complete layout's. Complete
    layouts are ranked by those faults, then by arrow length plus four units per column. The enumeration
    stops after ``_BUDGET`` branches (the best found so far is kept)."""
    names = geometry.names
    k = len(names)
    longest = layers(spec)
    order = sorted(range(k), key=lambda j: (longest[names[j]], j))
    sources = {j: [names.index(p) for p in spec.predecessors(names[j])] for j in range(k)}
    edges_to = {j: [(s, j) for s in sources[j]] for j in range(k)}
    rx, ry, dx, dy = 0.9, 0.42, 3.0, 1.6  # ellipse half-axes; columns 3 apart, rows 1.6
    pos: dict[int, tuple[float, float]] = {}
    segments: list[tuple[float, float, float, float, int, int]] = []
    results: list[tuple[int, float, tuple[int, ...], tuple[int, ...]]] = []
    cells: dict[int, tuple[int, int]] = {}
    budget = [_BUDGET]

    def clip(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        vx, vy = b[0] - a[0], b[1] - a[1]
        t = 1.0 / math.sqrt((vx / rx) ** 2 + (vy / ry) ** 2)
        return a[0] + t * vx, a[1] + t * vy

    def crosses(s: tuple, u: tuple) -> bool:
        ax, ay, bx, by = s[:4]
        cx, cy, ex, ey = u[:4]
        if max(ax, bx) < min(cx, ex) or max(cx, ex) < min(ax, bx) or max(ay, by) < min(cy, ey) or max(cy, ey) < min(ay, by):
            return False
        d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
        d2 = (bx - ax) * (ey - ay) - (by - ay) * (ex - ax)
        d3 = (ex - cx) * (ay - cy) - (ey - cy) * (ax - cx)
        d4 = (ex - cx) * (by - cy) - (ey - cy) * (bx - cx)
        return d1 * d2 < -1e-9 and d3 * d4 < -1e-9

    def hits(s: tuple, centre: tuple[float, float]) -> bool:
        px, py = (s[0] - centre[0]) / (rx + 0.15), (s[1] - centre[1]) / (ry + 0.15)
        vx, vy = (s[2] - s[0]) / (rx + 0.15), (s[3] - s[1]) / (ry + 0.15)
        t = min(max(-(px * vx + py * vy) / (vx * vx + vy * vy), 0.0), 1.0)
        return (px + t * vx) ** 2 + (py + t * vy) ** 2 < 1.0

    def place(depth: int, faults: int, length: float) -> None:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        bound = results[0][0] if len(results) >= n_candidates else math.inf
        if faults > bound:
            return
        if depth == k:
            width = max(c for c, _ in cells.values())
            used_rows = len({r for _, r in cells.values()})
            score = length + 4.0 * width + 0.5 * used_rows
            results.append((faults, score, tuple(cells[j][0] for j in range(k)), tuple(cells[j][1] for j in range(k))))
            results.sort()
            del results[n_candidates:]
            return
        j = order[depth]
        first = max((cells[s][0] for s in sources[j]), default=0)
        options = [first] if not sources[j] else [first, first + 1]
        rows = range((n_rows + 1) // 2) if depth == 0 else range(n_rows)  # mirror images are equally good
        for c in options:
            for r in rows:
                if (c, r) in cells.values():
                    continue
                centre = (dx * c, dy * r)
                new_faults = sum(hits(s, centre) for s in segments)  # old paths through the new construct
                added = []
                for s_j, t_j in edges_to[j]:
                    a, b = pos[s_j], centre
                    seg = (*clip(a, b), *clip(b, a), s_j, t_j)
                    new_faults += sum(crosses(seg, u) for u in segments + added)
                    new_faults += sum(hits(seg, pos[m]) for m in pos if m not in (s_j, t_j))
                    added.append(seg)
                extra = sum(math.hypot(s[2] - s[0], s[3] - s[1]) for s in added)
                cells[j], pos[j] = (c, r), centre
                segments.extend(added)
                place(depth + 1, faults + new_faults, length + extra)
                del segments[len(segments) - len(added) :]
                del cells[j], pos[j]

    place(0, 0, 0.0)
    out = []
    for faults, score, col, row in results:
        col_a = np.unique(np.array(col), return_inverse=True)[1].reshape(-1)  # no empty columns or rows
        row_a = np.unique(np.array(row), return_inverse=True)[1].reshape(-1)
        out.append(((faults, score), col_a, row_a))
    return out


def _sides(geometry: _Geometry, col: np.ndarray, row: np.ndarray, sides: list[str]) -> tuple[tuple[int, float], tuple]:
    """Coordinate descent over single indicator sides for fixed cells, on the real geometry."""
    cost = geometry.cost(col, row, sides)
    for _ in range(4):
        improved = False
        for j in range(len(sides)):
            for s in SIDES:
                if s == sides[j]:
                    continue
                trial_sides = sides[:j] + [s] + sides[j + 1 :]
                trial = geometry.cost(col, row, trial_sides)
                if trial < cost:
                    sides, cost, improved = trial_sides, trial, True
        if not improved:
            break
    return cost, (col, row, sides)


# ---------------------------------------------------------------------- labels
def _stars(p: float) -> str:
    if not math.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _fmt(value: float, digits: int) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def labels_from_fit(result: Any, bootstrap: Any = None, *, digits: int = 3) -> DiagramLabels:
    """The texts of a fit's diagram, from ``result.to_dict()`` (and ``bootstrap.table`` for marks and intervals)."""
    out = result.to_dict()
    marks: dict[tuple[str, str], str] = {}
    intervals: dict[str, str] = {}
    note = ""
    if bootstrap is not None:
        table = bootstrap.table
        for row in table.itertuples(index=False):
            marks[(row.kind, row.key)] = _stars(float(row.p))
            if row.kind == "paths":
                intervals[row.key] = f"[{_fmt(row.ci_lower, 2)}, {_fmt(row.ci_upper, 2)}]"
        level = f"{100 * bootstrap.level:g}%"
        note = (
            f"Bootstrap: {bootstrap.used} resamples, seed {bootstrap.seed}; {level} {bootstrap.ci_method} intervals "
            "in brackets; * p < 0.05, ** p < 0.01, *** p < 0.001 (two-sided t test)."
        )
    paths = {key: _fmt(value, digits) + marks.get(("paths", key), "") for key, value in out["paths"].items()}
    outer: dict[tuple[str, str], str] = {}
    for construct in result.spec.constructs:
        kind = "weights" if construct.mode.weighting == "B" else "loadings"
        for indicator in construct.indicators:
            value = out[kind][construct.name][indicator]
            outer[(construct.name, indicator)] = _fmt(value, digits) + marks.get((kind, f"{construct.name} / {indicator}"), "")
    r2 = {name: f"R² = {_fmt(value, digits)}" for name, value in out["r_squared"].items()}
    method = {"pls": "PLS-PM", "plsc": "consistent PLS", "cbsem": "CB-SEM", "gsca": "GSCA"}.get(result.method, result.method)
    title = f"{result.spec.name or 'Model'}: {method}, n = {result.n_obs}"
    if result.method == "cbsem":
        note = (note + " " if note else "") + "CB-SEM loadings and paths are unstandardised (marker identification)."
    return DiagramLabels(paths=paths, path_notes=intervals, outer=outer, r_squared=r2, title=title, note=note)


def labels_from_groups(estimates: Any, group: Any, *, digits: int = 3) -> DiagramLabels:
    """The texts of one group's diagram (:class:`~acsi.compare.groups.GroupEstimates`): its paths and, with a
    bootstrap, their percentile intervals (``estimates.to_dict()[group]``); group fits keep no outer estimates."""
    entries = estimates.to_dict()
    key = str(group)
    if key not in entries:
        shown = ", ".join(list(entries)[:10])
        raise ParameterError(f"group {group!r} is not a group of {estimates.group_column!r}; choose from: {shown}.")
    entry = entries[key]
    paths = {k: _fmt(v if v is not None else math.nan, digits) for k, v in entry["paths"].items()}
    notes = {}
    if estimates.n_boot:
        notes = {
            k: f"[{_fmt(lo if lo is not None else math.nan, 2)}, {_fmt(hi if hi is not None else math.nan, 2)}]"
            for k, (lo, hi) in entry["path_ci"].items()
        }
    title = f"{estimates.spec.name or 'Model'}: {estimates.group_column} = {key}, n = {entry['n_obs']}"
    note = "" if entry["reported"] else f"Not reported: {entry['note']}"
    if estimates.n_boot:
        note = (
            note + " " if note else ""
        ) + f"{100 * estimates.level:g}% percentile intervals from {estimates.n_boot} resamples."
    return DiagramLabels(paths=paths, path_notes=notes, title=title, note=note)


# ---------------------------------------------------------------------- drawing
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
