"""Segmentation of the structural model: FIMIX-PLS, its retention criteria, ex-post explanation of the segments.

* :func:`fimix` -> :class:`FimixResult` (:mod:`acsi.segment.fimix`);
* :func:`pls_pos` -> :class:`POSResult` (:mod:`acsi.segment.pos`): prediction-oriented segmentation;
* :mod:`acsi.segment.mixture_regression`: the EM kernel (pure numpy);
* :mod:`acsi.segment.criteria`: AIC ... MDL5, normed entropy, the recommendation rule;
* :mod:`acsi.segment.explain`: which observed variables go with segment membership;
* :mod:`acsi.segment.agreement`: the adjusted Rand index of two partitions.
"""

from __future__ import annotations

from acsi.segment.agreement import adjusted_rand_index
from acsi.segment.fimix import fimix
from acsi.segment.fimix_result import FimixResult, SegmentSolution
from acsi.segment.pos import POSResult, pls_pos

__all__ = ["FimixResult", "POSResult", "SegmentSolution", "adjusted_rand_index", "fimix", "pls_pos"]
