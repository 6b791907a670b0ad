"""Reliability of a block of standardised indicators (pure numpy).

Used by the assessment layer and by consistent PLS, which reports the same measures.
"""

from __future__ import annotations

import math

import numpy as np

from acsi.core.pls import Structure


def cronbach_alpha(S_bb: np.ndarray) -> float:
    """Cronbach's alpha of standardised indicators: ``p/(p-1) (1 - p / sum_ij r_ij)``.

    Thresholds: >= 0.9 high, 0.8-0.9 acceptable, 0.75-0.8 marginal, < 0.75 not acceptable.
    NaN for a single indicator. Cronbach (1951), Psychometrika 16, 297-334.
    """
    p = S_bb.shape[0]
    if p < 2:
        return math.nan
    return float(p / (p - 1) * (1.0 - p / S_bb.sum()))


def composite_reliability(loadings: np.ndarray) -> float:
    """rho_C = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) (Joreskog 1971; Werts, Linn & Joreskog 1974).

    Threshold 0.7-0.95.
    """
    total = loadings.sum() ** 2
    return float(total / (total + (1.0 - loadings**2).sum()))


def rho_a(S: np.ndarray, W: np.ndarray, structure: Structure) -> tuple[np.ndarray, np.ndarray]:
    """Dijkstra-Henseler ``rho_A`` and the PLSc correction factor ``c`` of every block.

    Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling.
    *MIS Quarterly* 39(2), 297-316. Threshold 0.7-0.95.

    Parameters
    ----------
    S : ndarray, shape (..., p, p)
        Indicator correlation matrices.
    W : ndarray, shape (..., p, k)
        Outer weights, zero outside each block, scaled to unit-variance scores.

    Returns
    -------
    rho_a, c : ndarray, shape (..., k)
        ``c^2 = w'(S - diag S)w / w'(ww' - diag(ww'))w`` and ``rho_A = (w'w)^2 c^2`` per block;
        single-indicator blocks get ``rho_A = 1`` and ``c = 1 / w`` (loading 1).
    """
    mask = structure.mask
    offdiag_S = S - S * np.eye(S.shape[-1])
    numerator = np.einsum("...ik,...ij,...jk->...k", W, offdiag_S, W)
    ww = (W * W).sum(axis=-2)  # w'w per block
    w4 = (W**4).sum(axis=-2)
    denominator = ww**2 - w4  # w'(ww' - diag(ww'))w
    sizes = mask.sum(axis=0)
    single = sizes == 1
    safe = np.where(single, 1.0, denominator)
    c2 = numerator / safe
    rho = ww**2 * c2
    # A single indicator is its own construct: loading 1, reliability 1.
    w_single = np.sqrt(np.where(single, ww, 1.0))
    c = np.where(single, 1.0 / w_single, np.sqrt(np.abs(c2)) * np.sign(c2))
    rho = np.where(single, 1.0, rho)
    return rho, c
