"""Reliability of a block of standardised indicators (pure numpy).

Used by the assessment layer and by consistent PLS, which reports the same measures.
"""

from __future__ import annotations

import math

import numpy as np


def cronbach_alpha(S_bb: np.ndarray) -> float:
    """Cronbach's alpha of standardised indicators: ``p/(p-1) (1 - p / sum_ij r_ij)``.

    Thresholds: >= 0.9 high, 0.8-0.9 acceptable, 0.75-0.8 marginal, < 0.75 not acceptable.
    NaN for a single indicator. Cronbach (1951), Psychometrika 16, 297-334.
    """
    p = S_bb.shape[0]
    if p < 2:
        return math.nan
    return p / (p - 1) * (1.0 - p / S_bb.sum())


def composite_reliability(loadings: np.ndarray) -> float:
    """rho_C = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) (Joreskog 1971; Werts, Linn & Joreskog 1974).

    Threshold 0.7-0.95.
    """
    total = loadings.sum() ** 2
    return float(total / (total + (1.0 - loadings**2).sum()))
