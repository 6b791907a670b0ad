"""Inference for least-squares estimators of a covariance structure: robust covariance and adjusted tests (numpy).

``theta`` minimises ``F = (s - sigma(theta))' W (s - sigma(theta))`` with ``W`` diagonal (DWLS) or
the identity (ULS). With ``Delta = d sigma / d theta'`` at the estimate and ``Gamma`` n times the
asymptotic covariance of the sample statistics ``s``:

- the sandwich ``acov(theta) = (Delta' W Delta)^-1 Delta' W Gamma W Delta (Delta' W Delta)^-1 / (n - 1)``
  (Browne 1984; lavaan's ``se = "robust.sem"``);
- the test statistic ``T = (n - 1) F`` and its mean-and-variance adjusted ("scaled and shifted")
  version ``T_ss = a T + b``, ``a = sqrt(df / tr((U Gamma)^2))``, ``b = df - a tr(U Gamma)``,
  ``U = W - W Delta (Delta' W Delta)^-1 Delta' W`` (Asparouhov & Muthen 2010; lavaan's
  ``test = "scaled.shifted"``, the default of WLSMV and ULSMV).

The divisor n - 1 is lavaan's for these estimators (its standard errors, statistics and RMSEA on
``mobi`` agree with it to 1e-6).

References
----------
Browne, M. W. (1984). Asymptotically distribution-free methods for the analysis of covariance
structures. *British Journal of Mathematical and Statistical Psychology* 37(1), 62-83.
Asparouhov, T., & Muthen, B. (2010). Simple second order chi-square correction. Mplus technical
appendix.
"""

from __future__ import annotations

import numpy as np


def least_squares_covariance(jacobian: np.ndarray, weights: np.ndarray, gamma: np.ndarray, n: int) -> np.ndarray:
    """``acov(theta)`` (q, q) from ``Delta`` (s, q), the diagonal weights ``W`` (s,), ``Gamma`` (s, s) and n (> 1)."""
    weighted = weights[:, None] * jacobian
    bread = np.linalg.inv(jacobian.T @ weighted)
    return np.asarray(bread @ (weighted.T @ gamma @ weighted) @ bread / (n - 1))


def scaled_shifted(statistic: float, df: int, jacobian: np.ndarray, weights: np.ndarray, gamma: np.ndarray) -> float:
    """``T_ss = a T + b`` of the module docstring; ``jacobian`` (s, q) may have no column (the baseline model: ``U = W``)."""
    U = np.diag(weights)
    if jacobian.shape[1]:
        weighted = weights[:, None] * jacobian
        U = U - weighted @ np.linalg.solve(jacobian.T @ weighted, weighted.T)
    product = U @ gamma
    a = np.sqrt(df / np.trace(product @ product))
    return float(a * statistic + df - a * np.trace(product))
