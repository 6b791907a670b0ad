"""Implied covariance of the constructs of a recursive structural model (pure numpy).

With ``eta = Beta eta + zeta``, ``Beta[target, source]`` the effect of source on target and
``Psi = cov(zeta)``, the constructs' covariance is ``Phi = (I - Beta)^-1 Psi (I - Beta)^-T``
(Bollen 1989, *Structural Equations with Latent Variables*, ch. 4). A path matrix stored as
``B[source, target]`` is passed transposed.
"""

from __future__ import annotations

import numpy as np


def construct_covariance(Beta: np.ndarray, Psi: np.ndarray) -> np.ndarray:
    """``(I - Beta)^-1 Psi (I - Beta)^-T`` for one (k, k) model or a stack (..., k, k); ``Beta[target, source]``."""
    k = Beta.shape[-1]
    inv = np.linalg.inv(np.eye(k) - Beta)
    return np.asarray(inv @ Psi @ np.swapaxes(inv, -1, -2))
