"""EM for a finite mixture of linear regression systems, all random starts at once (pure numpy).

The FIMIX-PLS model (Hahn, Johnson, Herrmann & Huber 2002): respondent i belongs to segment k
with probability rho_k; given k, each endogenous construct score y_im (m = 1..Q) is a linear
regression on its predictors' scores x_im with segment-specific coefficients beta_mk and
residual variance sigma2_mk, the Q residuals independent (a diagonal Psi_k, as in the
recursive models this package fits). The log-likelihood is

    lnL = sum_i ln sum_k rho_k prod_m phi(y_im; x_im' beta_mk, sigma2_mk).

EM (Dempster, Laird & Rubin 1977; McLachlan & Peel 2000, ch. 2):

* E-step: P_ik = rho_k f_k(i) / sum_h rho_h f_h(i), computed in logs (log-sum-exp);
* M-step: rho_k = mean_i P_ik; beta_mk = (X_m' W_k X_m)^-1 X_m' W_k y_m with W_k = diag(P_.k)
  (weighted least squares); sigma2_mk = sum_i P_ik (y_im - x_im' beta_mk)^2 / sum_i P_ik,
  the residual sum expanded as y'Wy - 2 beta'X'Wy + beta'X'WX beta so that only the moments
  x x', x y and y^2 of each respondent enter.

Every start begins from a random hard partition (each respondent assigned uniformly to a
segment) and all starts iterate together as a batch: arrays carry a leading start axis S.
A start stops counting when its log-likelihood changes by less than ``tol * (1 + |lnL|)``;
a start in which a segment holds fewer (expected) respondents than a regression has
coefficients plus one is degenerate and discarded. Residual variances are bounded below by
:data:`VARIANCE_BOUND` times the one-segment residual variance (constrained ML, Hathaway 1985);
:attr:`MixtureFit.at_bound` flags a solution that sits on the bound.

References: Hathaway, R. J. (1985), A constrained formulation of maximum-likelihood estimation
for normal mixture distributions, *Annals of Statistics* 13(2), 795-800; Hahn, C., Johnson, M. D., Herrmann, A. & Huber, F. (2002), Capturing customer
heterogeneity using a finite mixture PLS approach, *Schmalenbach Business Review* 54,
243-269; McLachlan, G. & Peel, D. (2000), *Finite Mixture Models*, Wiley.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Lower bound of a segment's residual variance, as a fraction of the one-segment (OLS) residual
#: variance of the same regression. Without it the likelihood is unbounded: with rating data
#: many respondents share the same scores, and a segment that shrinks onto identical points fits
#: them exactly (Hathaway 1985, constrained maximum likelihood for mixtures).
VARIANCE_BOUND = 0.01


@dataclass(frozen=True)
class MixtureFit:
    """The best start of an EM run.

    Attributes
    ----------
    log_likelihood : float
        lnL of the best start (-inf when every start was degenerate).
    proportions : ndarray (K,)
    coefficients : tuple of ndarray, one (K, p_m) per regression
    variances : ndarray (Q, K)
    posterior : ndarray (n, K)
    n_iter : int
        EM iterations of the best start.
    converged : bool
        The best start met the tolerance before ``max_iter``.
    start_log_likelihoods : ndarray (S,)
        lnL reached by every start (-inf for a degenerate one).
    at_bound : bool
        Some residual variance of the best start sits on its lower bound (:data:`VARIANCE_BOUND`).
    """

    log_likelihood: float
    proportions: np.ndarray
    coefficients: tuple[np.ndarray, ...]
    variances: np.ndarray
    posterior: np.ndarray
    n_iter: int
    converged: bool
    start_log_likelihoods: np.ndarray

    at_bound: bool = False

    @property
    def n_degenerate(self) -> int:
        return int(np.sum(~np.isfinite(self.start_log_likelihoods)))


def mixture_regression(
    outcomes: np.ndarray,
    designs: tuple[np.ndarray, ...],
    n_segments: int,
    *,
    starts: int,
    rng: np.random.Generator,
    tol: float = 1e-7,
    max_iter: int = 5000,
) -> MixtureFit:
    """Fit a K-segment mixture of the Q regressions ``outcomes[:, m] ~ designs[m]`` by EM from ``starts`` random partitions.

    Parameters
    ----------
    outcomes : ndarray (n, Q)
        The dependent scores, one column per regression.
    designs : tuple of Q ndarrays (n, p_m)
        The predictors of each regression (a column of ones for an intercept, if wanted).
    n_segments : int
        K >= 1. With K = 1 the fit is ordinary least squares with ML variances.
    starts : int
        Random starting partitions, iterated together.
    rng : numpy Generator
        Draws the starting partitions.
    tol, max_iter : float, int
        Convergence: |lnL_t - lnL_(t-1)| < tol (1 + |lnL_t|), at most ``max_iter`` iterations.
    """
    n, q = outcomes.shape
    k = n_segments
    s = starts if k > 1 else 1
    # per respondent moments, flattened so that a segment's weighted sums are one matrix product;
    # arrays are laid out (start, segment, respondent) so that sums over segments run on contiguous rows
    moments = [((x[:, :, None] * x[:, None, :]).reshape(n, -1), x * y[:, None], y * y) for x, y in zip(designs, outcomes.T)]
    smallest = max(x.shape[1] for x in designs) + 1
    floor = np.array([VARIANCE_BOUND * _ols_residual_variance(x, y) for x, y in zip(designs, outcomes.T)])
    posterior = np.zeros((s, k, n))
    posterior[np.arange(s)[:, None], rng.integers(k, size=(s, n)), np.arange(n)[None, :]] = 1.0
    log_lik = np.full(s, -np.inf)
    iterations = np.zeros(s, dtype=int)
    converged = np.zeros(s, dtype=bool)
    out = _result_slots(posterior, designs, q)
    active = np.arange(s)
    previous = np.full(s, -np.inf)
    state: tuple[Any, ...] = ()
    for _ in range(max_iter):
        if active.size == 0:
            break
        size = posterior.sum(axis=2)  # (A, K)
        failed = (size < smallest).any(axis=1)
        log_density = np.repeat(np.log(np.maximum(size, 1e-300) / n)[:, :, None], n, axis=2)
        betas, variances = [], []
        for m, (moment, x) in enumerate(zip(moments, designs)):
            beta, variance, singular, residual = _weighted_regression(posterior, size, moment, x, outcomes[:, m], floor[m])
            failed |= singular.any(axis=1)
            log_density -= 0.5 * residual
            betas.append(beta)
            variances.append(variance)
        top = log_density.max(axis=1)  # (A, n)
        log_density -= top[:, None, :]
        density = np.exp(log_density)
        mixture = density.sum(axis=1)
        current = (top + np.log(mixture)).sum(axis=1)
        new_posterior = density / mixture[:, None, :]
        iterations[active] += 1
        done = ~failed & (np.abs(current - previous[active]) < tol * (1 + np.abs(current)))
        stopping = failed | done
        state = (current, new_posterior, betas, variances, size / n)
        if stopping.any():
            ids = active[stopping]
            log_lik[ids] = np.where(failed[stopping], -np.inf, current[stopping])
            converged[ids] = done[stopping]
            _store(out, ids, stopping, *state[1:])
        previous[active] = current
        keep = ~stopping
        active, posterior = active[keep], new_posterior[keep]
        state = (current[keep], new_posterior[keep], [beta[keep] for beta in betas], [v[keep] for v in variances], size[keep] / n)
    if active.size:  # stopped at max_iter
        log_lik[active] = state[0]
        _store(out, active, slice(None), *state[1:])
    best = int(np.argmax(log_lik))
    return MixtureFit(
        log_likelihood=float(log_lik[best]),
        proportions=out["proportions"][best],
        coefficients=tuple(beta[best] for beta in out["betas"]),
        variances=out["variances"][best],
        posterior=out["posterior"][best].T.copy(),
        n_iter=int(iterations[best]),
        converged=bool(converged[best]),
        start_log_likelihoods=log_lik,
        at_bound=bool(np.any(out["variances"][best] <= floor[:, None] * (1 + 1e-9))),
    )


def _ols_residual_variance(x: np.ndarray, y: np.ndarray) -> float:
    """ML residual variance of the least-squares regression of ``y`` on ``x``."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return float(np.mean((y - x @ beta) ** 2))


def _store(
    out: dict[str, Any], ids: np.ndarray, rows: Any, posterior: np.ndarray, betas: list, variances: list, proportions: np.ndarray
) -> None:
    """Copy the state of the stopping starts ``rows`` (of the active batch) to the result slots ``ids``."""
    out["posterior"][ids] = posterior[rows]
    for slot, beta in zip(out["betas"], betas):
        slot[ids] = beta[rows]
    out["variances"][ids] = np.stack([v[rows] for v in variances], axis=1)
    out["proportions"][ids] = proportions[rows]


def _result_slots(posterior: np.ndarray, designs: tuple[np.ndarray, ...], q: int) -> dict[str, Any]:
    """Where each start's final state goes (filled by :func:`_store` when the start stops)."""
    s, k, _ = posterior.shape
    return {
        "posterior": posterior.copy(),
        "betas": [np.zeros((s, k, x.shape[1])) for x in designs],
        "variances": np.zeros((s, q, k)),
        "proportions": np.full((s, k), np.nan),
    }


def _weighted_regression(
    posterior: np.ndarray, size: np.ndarray, moment: tuple[np.ndarray, ...], x: np.ndarray, y: np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The M step of one regression for every start and segment: weighted least squares from the flattened
    moments ``(xx, xy, yy)`` with the posterior as weights, the ML residual variance (at least ``floor``),
    which (start, segment) systems are singular, and the squared standardised residual plus log(2 pi variance)
    of each respondent (minus twice the log normal density)."""
    xx, xy, yy = moment
    dim = x.shape[1]
    a = (posterior @ xx).reshape(*size.shape, dim, dim)
    b = posterior @ xy  # (A, K, p)
    scale = np.sqrt(np.maximum(np.einsum("...ii->...i", a), 1e-300))
    singular = np.abs(np.linalg.det(a / scale[..., :, None] / scale[..., None, :])) < 1e-12
    a[singular] = np.eye(dim)
    beta = np.linalg.solve(a, b[..., None])[..., 0]
    rss = posterior @ yy - 2 * np.sum(beta * b, axis=2) + np.einsum("ska,ska->sk", beta, (a @ beta[..., None])[..., 0])
    variance = rss / np.maximum(size, 1e-300)
    variance = np.maximum(variance, floor)
    residual = y - beta @ x.T  # (A, K, n)
    residual *= residual
    residual /= variance[:, :, None]
    residual += np.log(2 * math.pi * variance)[:, :, None]
    return beta, variance, singular, residual
