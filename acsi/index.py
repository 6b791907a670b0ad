"""The 0-100 customer satisfaction index of each construct.

Following Fornell et al. (1996), the index of a construct is a weighted mean of its
indicators on their theoretical scale, mapped to 0-100:

    index = 100 * sum_i w~_i (mean_i - min_i) / (max_i - min_i),   w~_i = v_i / sum_j v_j

where the unnormalised weights v_i are chosen by ``index_weights``:

* ``"fornell"`` (default): the outer weights expressed for the raw indicators, the
  standardised weight divided by the indicator's standard deviation (after a raw fit the
  weights are already raw-scale);
* ``"standardized"``: the standardised weights, as R plspm's ``rescale()`` does after a
  standardised fit (``gastonstat/plspm: R/rescale.r``);
* ``"equal"``: every indicator counts the same (the item mean).

The same weights applied to each respondent's answers give per-respondent indices whose
mean is the aggregate index.

Reference: Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996).
The American Customer Satisfaction Index: nature, purpose, and findings. *Journal of
Marketing* 60(4), 7-18.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from acsi import notices
from acsi.errors import NegativeWeightWarning, ParameterError

IndexWeights = Literal["fornell", "standardized", "equal"]

#: Index points outside 0-100 that are rounding of a convex combination (about 1e-14 in practice).
ROUNDING = 1e-9
INDEX_WEIGHTS: tuple[str, ...] = ("fornell", "standardized", "equal")


def normalised_index_weights(
    standardized_weights: np.ndarray,
    std: np.ndarray,
    block: np.ndarray,
    method: IndexWeights,
    *,
    construct_names: tuple[str, ...] = (),
    indicator_names: tuple[str, ...] = (),
) -> np.ndarray:
    """Index weights per indicator, normalised to sum to one within each block.

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
    if method == "fornell":
        raw = standardized_weights / std
    elif method == "standardized":
        raw = np.asarray(standardized_weights, dtype=float)
    elif method == "equal":
        raw = np.ones_like(standardized_weights, dtype=float)
    else:
        raise ParameterError(f"Unknown index weights {method!r}; expected one of {', '.join(INDEX_WEIGHTS)}.")
    totals = np.bincount(block, weights=raw)
    for b in np.flatnonzero(totals <= 0):
        name = construct_names[b] if construct_names else str(b)
        notices.issue(
            f"The index weights of construct '{name}' sum to {totals[b]:.3g}; they cannot be normalised, so "
            "this construct gets no index. Check the orientation of its indicators (reverse-coded items) or "
            "use index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=3,
        )
    totals = np.where(totals > 0, totals, np.nan)
    normalised = raw / totals[block]
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
        index = values @ self.loading - self.offset
        part = index[..., self.convex]
        rounding = ((part < 0.0) & (part >= -ROUNDING)) | ((part > 100.0) & (part <= 100.0 + ROUNDING))
        index[..., self.convex] = np.where(rounding, np.clip(part, 0.0, 100.0), part)
        return index


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
