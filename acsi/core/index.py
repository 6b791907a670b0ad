"""The 0-100 index of each construct, for one estimate or a stack of them (pure numpy).

Following Fornell et al. (1996), the index of block b is a weighted mean of its indicators'
means on their theoretical scales [min_i, max_i], mapped to 0-100:

    I_b  = 100 sum_{i in b} w~_i (m_i - min_i) / (max_i - min_i)
    w~_i = v_i / sum_{j in b} v_j

with the unnormalised weights v chosen by ``method``, from the outer weights w_i of
standardised indicators and the standard deviations sd_i:

* ``"fornell"``: raw-scale weights v_i = w_i / sd_i;
* ``"standardized"``: v_i = w_i (R plspm's ``rescale()`` after a standardised fit);
* ``"equal"``: v_i = 1 (the mean of the items).

Every array may carry leading dimensions (resamples, groups); a block sum adds the block's
indicators in their order with one numpy reduction per block, so an estimate gives the same
numbers alone or inside a stack. The fit, the bootstrap and the group comparisons all use
these functions.

Reference: Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant, B. E. (1996).
The American Customer Satisfaction Index: nature, purpose, and findings. *Journal of
Marketing* 60(4), 7-18.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from acsi.errors import ParameterError

IndexWeights = Literal["fornell", "standardized", "equal"]
INDEX_WEIGHTS: tuple[str, ...] = ("fornell", "standardized", "equal")

#: Index points outside 0-100 that are rounding of a convex combination (about 1e-14 in practice).
ROUNDING = 1e-9


def block_sums(values: np.ndarray, block: np.ndarray, n_blocks: int) -> np.ndarray:
    """``sum_{i: block_i = b} values[..., i]`` for b = 0..n_blocks-1, shape (..., n_blocks).

    Indicators with ``block < 0`` take no part; an empty block sums to 0.
    """
    out = np.zeros(values.shape[:-1] + (n_blocks,))
    for b in range(n_blocks):
        out[..., b] = values[..., np.flatnonzero(block == b)].sum(axis=-1)
    return out


def raw_index_weights(standardized_weights: np.ndarray, sd: np.ndarray, method: str) -> np.ndarray:
    """Unnormalised index weights v (..., p) from standardised outer weights and standard deviations."""
    if method == "fornell":
        return np.asarray(standardized_weights / sd, dtype=float)
    if method == "standardized":
        return np.asarray(standardized_weights, dtype=float)
    if method == "equal":
        return np.ones(np.shape(standardized_weights))
    raise ParameterError(f"Unknown index weights {method!r}; expected one of {', '.join(INDEX_WEIGHTS)}.")


def normalised_weights(
    weights: np.ndarray,
    sd: np.ndarray,
    block: np.ndarray,
    n_blocks: int,
    method: str,
    *,
    standardized: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Index weights normalised within each block, ``w~_i = v_i / sum_{j in b} v_j``, and the block totals.

    ``weights`` (..., p) are the outer weights of standardised indicators, or with
    ``standardized=False`` those of centred raw ones (a covariance-matrix fit), which are
    first made standardised, ``w_i sd_i``. Returns ``(normalised (..., p), totals (...,
    n_blocks))``. A block whose total is 0 or less has no normalisation: its weights are NaN.
    Indicators with ``block < 0`` get weight 0. ``sd`` may use any divisor (it cancels).
    """
    raw = raw_index_weights(weights if standardized else weights * sd, sd, method)
    totals = block_sums(raw, block, n_blocks)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = raw / np.where(totals > 0, totals, np.nan)[..., np.maximum(block, 0)]
    return np.where(block >= 0, share, 0.0), totals


def clip_rounding(index: np.ndarray, convex: np.ndarray) -> np.ndarray:
    """Clip to [0, 100] the indices of ``convex`` constructs that leave it by at most :data:`ROUNDING`.

    ``convex`` broadcasts against ``index``. A convex combination of positions in [0, 1] is
    inside [0, 100] up to rounding; anything further outside is kept as it is (nothing is
    clipped silently).
    """
    rounding = convex & (((index < 0.0) & (index >= -ROUNDING)) | ((index > 100.0) & (index <= 100.0 + ROUNDING)))
    return np.where(rounding, np.clip(index, 0.0, 100.0), index)


def index_values(
    normalised: np.ndarray,
    means: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    block: np.ndarray,
    n_blocks: int,
) -> np.ndarray:
    """0-100 indices (..., n_blocks): ``I_b = 100 sum_{i in b} w~_i (m_i - min_i) / (max_i - min_i)``.

    ``normalised`` (..., p) from :func:`normalised_weights`, ``means`` (..., p), ``lower`` and
    ``upper`` (p,) the theoretical scales (any finite values for indicators with ``block < 0``).
    Blocks with no negative weight are clipped for rounding only (:func:`clip_rounding`).
    """
    span = np.where(block >= 0, upper - lower, 1.0)
    position = (means - np.where(block >= 0, lower, 0.0)) / span
    index = 100.0 * block_sums(normalised * position, block, n_blocks)
    negative = block_sums(np.where(normalised < 0, 1.0, 0.0), block, n_blocks)
    return clip_rounding(index, negative == 0)
