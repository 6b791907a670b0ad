"""The 0-100 customer satisfaction index of each construct: names, warnings and the respondent map.

The arithmetic (index weights v_i chosen by ``index_weights``, normalised within each block,
and ``index = 100 * sum_i w~_i (mean_i - min_i) / (max_i - min_i)``) lives in
:mod:`acsi.core.index`, shared with the bootstrap and the group comparisons. This module adds
what a fit reports around it: the warnings that name constructs and indicators, and the
:class:`IndexMap` that turns each respondent's answers into indices whose mean is the
aggregate index.

Reference: Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996).
The American Customer Satisfaction Index: nature, purpose, and findings. *Journal of
Marketing* 60(4), 7-18.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi import notices
from acsi.core.index import INDEX_WEIGHTS, ROUNDING, IndexWeights, clip_rounding, normalised_weights
from acsi.errors import NegativeWeightWarning

__all__ = ["INDEX_WEIGHTS", "ROUNDING", "IndexMap", "IndexWeights", "construct_index", "index_map", "normalised_index_weights"]


def normalised_index_weights(
    standardized_weights: np.ndarray,
    std: np.ndarray,
    block: np.ndarray,
    method: IndexWeights,
    *,
    construct_names: tuple[str, ...] = (),
    indicator_names: tuple[str, ...] = (),
) -> np.ndarray:
    """Index weights per indicator, normalised to sum to one within each block (:func:`acsi.core.index.normalised_weights`).

    Parameters
    ----------
    standardized_weights : ndarray, shape (p,)
        Outer weight of each indicator in its own block, for standardised indicators.
    std : ndarray, shape (p,)
        Indicator standard deviations (any divisor: it cancels in the normalisation).
    block : ndarray of int, shape (p,)
        Construct index of each indicator.
    method : {"fornell", "standardized", "equal"}

    Warns
    -----
    NegativeWeightWarning
        When a normalised weight is negative: the index is no longer a convex combination.

    NegativeWeightWarning
        When a block's weights sum to zero or less: no normalisation exists, and that
        block's weights are returned as NaN (the caller then reports no index for it).
    """
    normalised, totals = normalised_weights(standardized_weights, std, block, int(block.max()) + 1, method)
    for b in np.flatnonzero(totals <= 0):
        name = construct_names[b] if construct_names else str(b)
        notices.issue(
            f"The index weights of construct '{name}' sum to {totals[b]:.3g}; they cannot be normalised, so "
            "this construct gets no index. Check the orientation of its indicators (reverse-coded items) or "
            "use index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=3,
        )
    negative = np.flatnonzero(np.nan_to_num(normalised) < 0)
    if negative.size:
        listed = ", ".join(f"{indicator_names[i] if indicator_names else i} ({normalised[i]:.3f})" for i in negative)
        notices.issue(
            f"Negative index weight(s): {listed}. The index is then not a convex combination of its "
            "indicators and may leave 0-100 for some respondents; check for reverse-coded items.",
            NegativeWeightWarning,
            stacklevel=3,
        )
    return normalised


@dataclass(frozen=True)
class IndexMap:
    """The linear map from indicator values to 0-100 indices, ``index = x @ loading - offset``.

    ``loading[i, b] = 100 w~_i / (max_i - min_i)`` for indicator i of construct b and
    ``offset_b = sum_i min_i loading[i, b]``, so the index is
    ``100 sum_i w~_i (x_i - min_i) / (max_i - min_i)`` without an (n, p) temporary.
    Where a construct's weights are all non-negative the index is a convex combination of
    positions in [0, 1], so values within their scales give an index inside [0, 100] up to
    rounding; only that rounding (at most :data:`ROUNDING` outside) is clipped. An index further
    outside (values beyond their scale, as conditional means of missing cells can be) is kept as
    it is: nothing is clipped silently.
    """

    loading: np.ndarray
    offset: np.ndarray
    convex: np.ndarray

    def apply(self, values: np.ndarray) -> np.ndarray:
        """Indices for ``values`` of shape (..., p): means give (m,), respondents (n, m)."""
        return clip_rounding(values @ self.loading - self.offset, self.convex)


def index_map(
    weights: np.ndarray,
    block: np.ndarray,
    n_constructs: int,
    lower: np.ndarray,
    upper: np.ndarray,
) -> IndexMap:
    """Build the :class:`IndexMap` of normalised weights on the theoretical scales.

    Indicators with ``block < 0`` take no part (their rows of ``loading`` are zero).
    """
    member = block >= 0
    loading = np.zeros((block.shape[0], n_constructs))
    loading[np.flatnonzero(member), block[member]] = 100.0 * weights[member] / (upper[member] - lower[member])
    offset = np.where(member, lower, 0.0) @ loading
    convex = np.ones(n_constructs, dtype=bool)
    convex[block[member & (weights < 0)]] = False
    return IndexMap(loading=loading, offset=offset, convex=convex)


def construct_index(
    values: np.ndarray,
    weights: np.ndarray,
    block: np.ndarray,
    n_constructs: int,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """0-100 index of each construct for each row of ``values`` (see :class:`IndexMap`)."""
    return index_map(weights, block, n_constructs, lower, upper).apply(values)
