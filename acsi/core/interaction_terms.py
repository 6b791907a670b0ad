"""Indicator values of interaction (product) terms: products of standardised indicators, orthogonalised products (pure numpy).

- Product indicators (Kenny & Judd 1984; Henseler & Chin 2010, "product indicator approach"):
  every product ``z_a z_b`` of a standardised indicator of A and one of B, ``z = (x - mean) / sd``.
- Orthogonalised products (Little, Bovaird & Widaman 2006): the residual of each product after
  its least-squares regression on an intercept and all indicators of A and B, so the
  interaction construct is uncorrelated with the indicators of its first-order constructs.
- Two-stage (Chin, Marcolin & Newsted 2003; Henseler & Chin 2010): the single product of the
  stage-1 construct scores of A and B.
- Double-mean-centred products (Lin, Wen, Marsh & Lin 2010), for covariance-based SEM: every
  product of a mean-centred indicator of A and one of B, centred again, so that the latent
  interaction needs no mean structure (the indicators keep their raw scale).

Means and standard deviations are weighted when case weights are given (divisor: the sum of
the weights), so a resample with repeated rows computes what its rows imply.
"""

from __future__ import annotations

import numpy as np


def centre(X: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """``X - mean`` column by column, shape (n, p); the weighted mean with ``case_weights``."""
    w = np.ones(X.shape[0]) if case_weights is None else np.asarray(case_weights, dtype=float)
    return np.asarray(X - w @ X / w.sum())


def standardise(X: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """``(X - mean) / sd`` column by column, shape (n, p); weighted moments with ``case_weights``."""
    w = np.ones(X.shape[0]) if case_weights is None else np.asarray(case_weights, dtype=float)
    centred = centre(X, w)
    sd = np.sqrt(w @ centred**2 / w.sum())
    return np.asarray(centred / sd)


def pairwise_products(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Every product of a column of ``left`` (n, p) with a column of ``right`` (n, q): shape (n, p q), left-major order."""
    return np.asarray((left[:, :, None] * right[:, None, :]).reshape(left.shape[0], -1))


def double_mean_centred_products(left: np.ndarray, right: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """``centre(centre(x_a) centre(x_b))`` for every column a of ``left`` (n, p) and b of ``right`` (n, q): shape (n, p q), left-major.

    The double-mean-centring of Lin, Wen, Marsh & Lin (2010): the indicators are centred, multiplied
    and the products centred again, so every product has mean 0 and the latent interaction model
    is fitted to covariances alone (no intercepts, no mean of the latent product).

    Reference: Lin, G.-C., Wen, Z., Marsh, H. W., & Lin, H.-S. (2010). Structural equation models of
    latent interactions: clarification of orthogonalizing and double-mean-centering strategies.
    *Structural Equation Modeling* 17(3), 374-391.
    """
    products = pairwise_products(centre(left, case_weights), centre(right, case_weights))
    return centre(products, case_weights)


def orthogonalise(products: np.ndarray, predictors: np.ndarray, case_weights: np.ndarray | None = None) -> np.ndarray:
    """Residuals of each column of ``products`` regressed (least squares, weighted by ``case_weights``)
    on an intercept and the columns of ``predictors``, shape of ``products``."""
    design = np.column_stack([np.ones(predictors.shape[0]), predictors])
    root = np.ones(design.shape[0]) if case_weights is None else np.sqrt(np.asarray(case_weights, dtype=float))
    coefficients, *_ = np.linalg.lstsq(design * root[:, None], products * root[:, None], rcond=None)
    return np.asarray(products - design @ coefficients)


def latent_product_moments(
    scores: np.ndarray, rho: np.ndarray, R: np.ndarray, left: int, right: int, case_weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Consistent moments of the latent product ``eta_l eta_r`` from PLS proxies (Dijkstra & Schermelleh-Engel 2014).

    Each proxy (standardised composite score) is ``s_i = sqrt(rho_i) eta_i + delta_i`` with
    ``rho_i`` its reliability (rho_A; 1 for a composite) and errors independent of everything
    else, so that ``E[s_l s_r s_k] = sqrt(rho_l rho_r rho_k) E[eta_l eta_r eta_k]`` and
    ``E[s_l^2 s_r^2] = rho_l rho_r E[eta_l^2 eta_r^2] + 1 - rho_l rho_r``. Hence

    * ``cov(eta_l eta_r, eta_k) = mean(s_l s_r s_k) / sqrt(rho_l rho_r rho_k)`` for every construct k,
    * ``var(eta_l eta_r) = (mean(s_l^2 s_r^2) - 1 + rho_l rho_r) / (rho_l rho_r) - R[l, r]^2``,

    with ``R`` the consistent construct correlations. Returns the correlations of the
    standardised product with every construct (k,) and the variance of the product. seminr's
    ``PLSc_interact`` uses the same variance correction.

    Reference: Dijkstra, T. K., & Schermelleh-Engel, K. (2014). Consistent partial least squares
    for nonlinear structural equation models. *Psychometrika* 79(4), 585-604.
    """
    w = np.ones(scores.shape[0]) if case_weights is None else np.asarray(case_weights, dtype=float)
    w = w / w.sum()
    product = scores[:, left] * scores[:, right]
    third = (w * product) @ scores
    covariance = third / np.sqrt(rho[left] * rho[right] * rho)
    reliability = rho[left] * rho[right]
    variance = float((w @ product**2 - 1.0 + reliability) / reliability - R[left, right] ** 2)
    return np.asarray(covariance / np.sqrt(variance)), variance
