"""Logistic regression of a binary outcome on one predictor, its curve and marginal effects (pure numpy).

``logit P(y = 1 | x) = a + b x`` is fitted by Newton-Raphson (iteratively reweighted least
squares): with ``p = expit(X beta)`` and ``W = diag(p (1 - p))``, ``beta <- beta + (X'WX)^-1 X'(y - p)``
until the step is below ``tol``; the covariance of ``beta`` is ``(X'WX)^-1`` at the optimum
(McCullagh & Nelder 1989, ch. 4).

* Curve intervals: Wald on the logit scale, ``eta(x) +- z sqrt(g' V g)`` with ``g = (1, x)``,
  mapped through expit (so they stay in [0, 1]).
* Average marginal effect of one point of x: ``AME = mean_i b p_i (1 - p_i)``, the change of the
  outcome rate per point (Cameron & Trivedi 2005, sec. 14.3.4), with a delta-method interval:
  its gradient is ``(mean b p(1-p)(1-2p), mean [p(1-p) + b x p(1-p)(1-2p)])``.
* Average elasticity: ``mean_i b x_i (1 - p_i)``, the percentage change of the rate per 1% change
  of x, with a delta-method interval (gradient ``(mean -b x p(1-p), mean [x(1-p) - b x^2 p(1-p)])``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def expit(eta: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-eta))``, computed as ``exp(-log(1 + exp(-eta)))`` so that no ``exp`` overflows for large |eta|."""
    return np.exp(-np.logaddexp(0.0, -eta))


@dataclass(frozen=True)
class LogisticFit:
    """``coefficients`` (a, b), their ``covariance`` (2, 2), ``converged`` and ``n_iter``.

    Newton-Raphson does not converge when x separates the outcomes perfectly (the slope runs off
    to infinity); ``converged`` is then False.
    """

    coefficients: np.ndarray
    covariance: np.ndarray
    converged: bool
    n_iter: int

    def curve(self, grid: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fitted rate on ``grid`` and its Wald interval (logit scale, mapped through expit)."""
        design = np.column_stack([np.ones_like(grid), grid])
        eta = design @ self.coefficients
        se = np.sqrt(np.einsum("ia,ab,ib->i", design, self.covariance, design))
        return expit(eta), expit(eta - z * se), expit(eta + z * se)

    def marginal_effect(self, x: np.ndarray) -> tuple[float, float]:
        """AME = mean b p (1 - p) and its delta-method standard error."""
        a, b = self.coefficients
        p = expit(a + b * x)
        v = p * (1 - p)
        gradient = np.array([np.mean(b * v * (1 - 2 * p)), np.mean(v + b * x * v * (1 - 2 * p))])
        return float(np.mean(b * v)), float(np.sqrt(gradient @ self.covariance @ gradient))

    def elasticity(self, x: np.ndarray) -> tuple[float, float]:
        """Average elasticity mean b x (1 - p) and its delta-method standard error."""
        a, b = self.coefficients
        p = expit(a + b * x)
        gradient = np.array([np.mean(-b * x * p * (1 - p)), np.mean(x * (1 - p) - b * x * x * p * (1 - p))])
        return float(np.mean(b * x * (1 - p))), float(np.sqrt(gradient @ self.covariance @ gradient))


def fit_logistic(x: np.ndarray, y: np.ndarray, *, tol: float = 1e-10, max_iter: int = 100) -> LogisticFit:
    """Maximum-likelihood ``logit P(y=1) = a + b x`` by Newton-Raphson, starting from the intercept-only fit."""
    design = np.column_stack([np.ones_like(x, dtype=float), np.asarray(x, dtype=float)])
    y = np.asarray(y, dtype=float)
    mean = np.clip(y.mean(), 1e-6, 1 - 1e-6)
    beta = np.array([np.log(mean / (1 - mean)), 0.0])
    converged = False
    n_iter = 0
    information = np.eye(2)
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        p = expit(design @ beta)
        information = design.T @ (design * (p * (1 - p))[:, None])
        step = np.linalg.solve(information, design.T @ (y - p))
        beta = beta + step
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
    p = expit(design @ beta)
    information = design.T @ (design * (p * (1 - p))[:, None])
    return LogisticFit(beta, np.linalg.inv(information), converged, n_iter)
