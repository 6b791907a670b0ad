"""The spec -> arrays adapter: the index arrays of a :class:`~acsi.spec.model.ModelSpec` for the numeric kernels.

Every kernel in :mod:`acsi.core` works on plain arrays: the block (construct position) of each
indicator, which blocks are Mode B, and the adjacency matrix of the structural paths
(``adjacency[source, target] = 1``). This module is the one place that builds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acsi.core.pls import Structure
    from acsi.spec.model import ModelSpec


def model_structure(spec: ModelSpec) -> Structure:
    """The index arrays of ``spec`` for the numeric kernels (blocks, Mode B flags, paths)."""
    import numpy as np

    from acsi.core.pls import Structure

    names = spec.construct_names
    position = {name: b for b, name in enumerate(names)}
    block = np.array([position[c.name] for c in spec.constructs for _ in c.indicators], dtype=int)
    mode_b = np.array([c.mode.weighting == "B" for c in spec.constructs])
    adjacency = np.zeros((len(names), len(names)))
    for path in spec.paths:
        adjacency[position[path.source], position[path.target]] = 1.0
    return Structure(block=block, mode_b=mode_b, adjacency=adjacency)
