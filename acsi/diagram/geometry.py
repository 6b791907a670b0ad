"""The real geometry of a layout: node sizes from the labels, arrow end points, crossings, arrows through nodes and overlaps."""

from __future__ import annotations

import numpy as np

from acsi.diagram.shapes import (
    _BOX_H,
    _BOX_STEP,
    _FACING,
    _FONT,
    _GAP_COLUMNS,
    _GAP_INDICATORS,
    _GAP_ROWS,
    _MARGIN,
    _SMALL,
    SIDES,
    Arrow,
    Diagram,
    Node,
    _text_width,
    _wrap,
)
from acsi.spec.model import ModelSpec


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
