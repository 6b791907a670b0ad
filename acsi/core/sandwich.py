"""The sandwich covariance of a weighted least-squares estimator of a covariance structure (numpy).

``theta`` minimises ``(s - sigma(theta))' W (s - sigma(theta))`` with ``W`` diagonal (DWLS) or
the identity (ULS). With ``Delta = d sigma / d theta'`` at the estimate and ``Gamma`` n times the
asymptotic covariance of the sample statistics ``s``,

    acov(theta) = (Delta' W Delta)^-1 Delta' W Gamma W Delta (Delta' W Delta)^-1 / (n - 1),

lavaan's ``se = "robust.sem"`` of WLSMV and ULSMV (Browne 1984; Muthen, du Toit & Spisic 1997),
including its divisor n - 1 (lavaan 0.6-14's standard errors of WLSMV / ULSMV on ``mobi`` are
those of divisor n times sqrt(n / (n - 1)) to 1e-6).

References
----------
Browne, M. W. (1984). Asymptotically distribution-free methods for the analysis of covariance
structures. *British Journal of Mathematical and Statistical Psychology* 37(1), 62-83.
Muthen, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using weighted least squares
and quadratic estimating equations in latent variable modeling with categorical and continuous
outcomes. Unpublished technical report.
"""

from __future__ import annotations

import numpy as np


def least_squares_covariance(jacobian: np.ndarray, weights: np.ndarray, gamma: np.ndarray, n: int) -> np.ndarray:
    """``acov(theta)`` (q, q) from ``Delta`` (s, q), the diagonal weights ``W`` (s,), ``Gamma`` (s, s) and n (> 1)."""
    weighted = weights[:, None] * jacobian
    bread = np.linalg.inv(jacobian.T @ weighted)
    return np.asarray(bread @ (weighted.T @ gamma @ weighted) @ bread / (n - 1))
