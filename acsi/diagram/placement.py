"""The layout search: constructs' cells on a unit grid, then indicator sides on the real geometry (see :mod:`acsi.diagram`)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from acsi.diagram.geometry import _diagram, _Geometry, layers
from acsi.diagram.shapes import SIDES, Diagram
from acsi.spec.model import ModelSpec


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


def _segments_cross(s: tuple, u: tuple) -> bool:
    """Whether two segments (x0, y0, x1, y1, ...) cross properly (orientation test; touching ends do not count)."""
    ax, ay, bx, by = s[:4]
    cx, cy, ex, ey = u[:4]
    if max(ax, bx) < min(cx, ex) or max(cx, ex) < min(ax, bx) or max(ay, by) < min(cy, ey) or max(cy, ey) < min(ay, by):
        return False
    d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d2 = (bx - ax) * (ey - ay) - (by - ay) * (ex - ax)
    d3 = (ex - cx) * (ay - cy) - (ey - cy) * (ax - cx)
    d4 = (ex - cx) * (by - cy) - (ey - cy) * (bx - cx)
    return d1 * d2 < -1e-9 and d3 * d4 < -1e-9


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
                    new_faults += sum(_segments_cross(seg, u) for u in segments + added)
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
