"""Indicator values of interaction (product) terms: products of standardised indicators, orthogonalised products (pure numpy).

- Product indicators (Kenny & Judd 1984; Henseler & Chin 2010, "product indicator approach"):
  every product ``z_a z_b`` of a standardised indicator of A and one of B, ``z = (x - mean) / sd``.
- Orthogonalised products (Little, Bovaird & Widaman 2006): the residual of each product after
  its least-squares regression on an intercept and all indicators of A and B, so the
  interaction construct is uncorrelated with the indicators of its first-order constructs.
- Two-stage (Chin, Marcolin & Newsted 2003; Henseler & Chin 2010): the single product of the
  stage-1 construct scores of A and B.

Means and standard deviations are weighted when case weights are given (divisor: the sum of
the weights), so a resample with repeated rows computes what its rows imply.
"""

from __future__ import annotations

import numpy as np


def standardise(X: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """``(X - mean) / sd`` column by column, shape (n, p); weighted moments with ``case_weights``."""
    w = np.ones(X.shape[0]) if case_weights is None else np.asarray(case_weights, dtype=float)
    mean = w @ X / w.sum()
    centred = X - mean
    sd = np.sqrt(w @ centred**2 / w.sum())
    return np.asarray(centred / sd)


def pairwise_products(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Every product of a column of ``left`` (n, p) with a column of ``right`` (n, q): shape (n, p q), left-major order."""
    return np.asarray((left[:, :, None] * right[:, None, :]).reshape(left.shape[0], -1))


def orthogonalise(products: np.ndarray, predictors: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """Residuals of each column of ``products`` regressed (least squares, weighted by ``case_weights``)
    on an intercept and the columns of ``predictors``, shape of ``products``."""
    design = np.column_stack([np.ones(predictors.shape[0]), predictors])
    root = np.ones(design.shape[0]) if case_weights is None else np.sqrt(np.asarray(case_weights, dtype=float))
    coefficients, *_ = np.linalg.lstsq(design * root[:, None], products * root[:, None], rcond=None)
    return np.asarray(products - design @ coefficients)
