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

from acsi.diagram.geometry import crossings
from acsi.diagram.labels import labels_from_fit, labels_from_groups
from acsi.diagram.placement import layout
from acsi.diagram.png import save_diagram
from acsi.diagram.shapes import Arrow, Diagram, DiagramLabels, Node
from acsi.diagram.svg import group_diagrams, path_diagram, render_svg

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
