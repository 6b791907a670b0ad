"""Collinearity: variance inflation factors of the indicators of a block (outer) and of the predictors of a construct (inner).

``VIF_i = [R^-1]_ii = 1 / (1 - R²_i)``, R²_i of variable i regressed on the others of its set
(Hair, Hult, Ringle & Sarstedt 2017, ch. 5-6; threshold in :mod:`acsi.thresholds`).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from acsi.errors import CollinearityWarning


def outer_vif(S_bb: np.ndarray, indicators: list[str], construct: str) -> np.ndarray:
    """VIF of each indicator of a block: the diagonal of ``S_bb^-1`` (= 1 / (1 - R²_i) of the indicator
    on the others). Infinite for perfectly collinear indicators (``null`` in JSON), with
    :class:`~acsi.errors.CollinearityWarning` naming them."""
    try:
        vif = np.diag(np.linalg.inv(S_bb))
    except np.linalg.LinAlgError:
        vif = np.full(S_bb.shape[0], math.nan)
    if np.isfinite(vif).all() and np.linalg.cond(S_bb) < 1e12:
        return vif
    warnings.warn(
        f"The indicators of '{construct}' ({', '.join(indicators)}) are perfectly collinear: their correlation matrix "
        "is singular, so their outer VIFs are infinite. Remove a duplicated indicator.",
        CollinearityWarning,
        stacklevel=4,
    )
    return np.full(S_bb.shape[0], math.inf)


def outer_vifs(S: np.ndarray, blocks: list[np.ndarray], indicators: tuple[str, ...], constructs: tuple[str, ...]) -> list[float]:
    """:func:`outer_vif` of every indicator in indicator order (1 for a single-indicator block)."""
    out: list[float] = []
    for b, idx in enumerate(blocks):
        S_bb = S[np.ix_(idx, idx)]
        out.extend(outer_vif(S_bb, [indicators[i] for i in idx], constructs[b]) if idx.size > 1 else [1.0])
    return out


def inner_vif(R_pp: np.ndarray) -> np.ndarray:
    """VIF of each predictor of one structural equation from their correlations ``R_pp`` (1 for one predictor)."""
    return np.diag(np.linalg.inv(R_pp)) if R_pp.shape[0] > 1 else np.array([1.0])
