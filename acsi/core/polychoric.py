"""Polychoric and polyserial correlations: two-step maximum likelihood, vectorised over pairs (numpy).

An ordinal item with K observed levels is taken as a standard normal latent variable cut at
thresholds ``tau_1 < ... < tau_{K-1}`` (``tau_0 = -inf``, ``tau_K = +inf``). Two steps
(Olsson 1979; Olsson, Drasgow & Dorans 1982), as lavaan's ``lavCor`` and R polycor's default:

1. thresholds from the marginal proportions: ``tau_k = Phi^-1(share of answers in levels <= k)``;
2. the correlation ``rho`` maximising the likelihood with the thresholds held fixed.

Polychoric (two ordinal items a, b), with cell counts ``n_ij`` and
``P_ij(rho) = Phi2(a_i, b_j) - Phi2(a_{i-1}, b_j) - Phi2(a_i, b_{j-1}) + Phi2(a_{i-1}, b_{j-1})``:

    log L(rho) = sum_ij n_ij log P_ij(rho),   dP_ij/drho = the same differences of phi2

(``dPhi2/drho = phi2``, Plackett's identity). Polyserial (ordinal x, continuous y standardised
with divisor n), with ``z_k = (tau_k - rho y) / sqrt(1 - rho^2)``:

    log L(rho) = sum_i log(Phi(z_{x_i}) - Phi(z_{x_i - 1})),   dz_k/drho = (rho tau_k - y) / (1 - rho^2)^(3/2).

``rho`` is found by Fisher scoring (polychoric: expected information
``N sum_ij (dP_ij/drho)^2 / P_ij``; polyserial: the outer product of the scores), all pairs at
once, with step halving whenever the log-likelihood would fall. No continuity correction is
added to empty cells (lavaan's default for tables larger than 2 x 2).

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
*Psychometrika* 44(4), 443-460.
Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial correlation coefficient.
*Psychometrika* 47(3), 337-347.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from acsi.core import bivariate_normal as bvn

#: Largest |rho| the search may reach; a pair that ends there is reported at the boundary.
RHO_LIMIT = 1 - 1e-7
_HALVINGS = 30
#: Largest number of (pair, row) cells one polyserial search holds at once (about 16 MB per array).
_POLYSERIAL_CELLS = 2_000_000
#: A pair's log-likelihood, score and information at the correlations given (all arrays of shape (P,)).
Evaluate = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PairFit:
    """Correlations of a set of pairs and how their search ended.

    Attributes
    ----------
    rho : ndarray, shape (P,)
    converged : ndarray of bool, shape (P,)
        The Fisher-scoring step fell below the tolerance within the iteration limit.
    boundary : ndarray of bool, shape (P,)
        The estimate sits at +-``RHO_LIMIT`` (the likelihood rises towards a perfect association).
    """

    rho: np.ndarray
    converged: np.ndarray
    boundary: np.ndarray


def category_codes(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes ``0..K-1`` of an ordinal column's observed levels (in increasing order) and those levels."""
    levels, codes = np.unique(column, return_inverse=True)
    return codes.reshape(-1), levels


def thresholds(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """The ``n_levels - 1`` thresholds ``tau_k = Phi^-1(#{codes <= k} / n)`` (step 1), ``k = 0..K-2``."""
    counts = np.bincount(codes, minlength=n_levels)
    return np.asarray(special.ndtri(np.cumsum(counts)[:-1] / codes.size))


def _padded_thresholds(taus: list[np.ndarray], width: int) -> np.ndarray:
    """Rows ``[-inf, tau_1, ..., tau_{K-1}, +inf, +inf, ...]`` of length ``width + 1`` (padding at +inf)."""
    out = np.full((len(taus), width + 1), np.inf)
    out[:, 0] = -np.inf
    for row, tau in enumerate(taus):
        out[row, 1 : tau.size + 1] = tau
    return out


def polychoric(
    codes: np.ndarray, pairs: np.ndarray, *, tol: float = 1e-9, max_iter: int = 100
) -> tuple[PairFit, list[np.ndarray]]:
    """Polychoric correlations of the column pairs ``pairs`` (P, 2) of integer ``codes`` (n, q).

    Each column holds the codes ``0..K_j-1`` of :func:`category_codes` with every level
    observed. Returns the :class:`PairFit` and the thresholds of every column (step 1).
    """
    a, b, counts, taus = _pair_tables(codes, pairs)
    start = np.array([np.corrcoef(codes[:, i], codes[:, j])[0, 1] for i, j in pairs]).reshape(-1)

    def evaluate(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r = rho[:, None, None]
        cells = _rectangles(bvn.cdf(a, b, r))
        slopes = _rectangles(bvn.density(a, b, r))
        used = cells > 0
        safe = np.where(used, cells, 1.0)
        loglik = np.where(used, counts * np.log(safe), np.where(counts > 0, -np.inf, 0.0)).sum(axis=(1, 2))
        score = np.where(used, counts * slopes / safe, 0.0).sum(axis=(1, 2))
        information = counts.sum(axis=(1, 2)) * np.where(used, slopes**2 / safe, 0.0).sum(axis=(1, 2))
        return loglik, score, information

    return _fisher_scoring(evaluate, np.clip(start, -0.9, 0.9), tol, max_iter), taus


def _pair_tables(codes: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Thresholds of the pairs' first (P, K+1, 1) and second (P, 1, K+1) items (padded as in
    :func:`_padded_thresholds`), their cell counts (P, K, K) and every column's thresholds."""
    n_levels = codes.max(axis=0) + 1
    taus = [thresholds(codes[:, j], int(n_levels[j])) for j in range(codes.shape[1])]
    width = int(n_levels.max())
    tau = _padded_thresholds(taus, width)
    counts = np.stack([np.bincount(codes[:, i] * width + codes[:, j], minlength=width * width) for i, j in pairs])
    return tau[pairs[:, 0]][:, :, None], tau[pairs[:, 1]][:, None, :], counts.reshape(-1, width, width).astype(float), taus


def influence_table(codes: np.ndarray, pairs: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The influence of an answer in each cell on each two-step polychoric correlation, and the cells' shares.

    Returns ``IF`` and ``p`` (both (P, K, K)); ``sum_ij p_ij IF_ij^2`` is n times the asymptotic
    variance, threshold estimation included (lavaan's ``NACOV``, Muthen 1984). With ``p_ij = n_ij / n``
    the observed cell shares, ``P_ij`` the model's cell probabilities and ``Q = (dP/drho) / P``
    the score of an answer in cell (i, j), the delta method on the two steps gives that answer
    the influence

        IF_ij = (Q_ij - T^a_i - T^b_j + c) / H,   H = sum_ij p_ij Q_ij^2,

    with ``T^a_i = sum_{m > i} u^a_m``, ``u^a_m = sum_ij p_ij Q_ij (dP_ij/da_m) / (P_ij phi(a_m))``
    (the score's sensitivity to threshold m per unit of its cumulative share: thresholds are
    normal quantiles of those shares) and ``c = sum_m u^a_m Phi(a_m) + sum_m u^b_m Phi(b_m)``
    (the influences have mean 0). Here
    ``dP_ij/da_m = phi(a_m) [Phi((b_{j+1} - rho a_m)/s) - Phi((b_j - rho a_m)/s)]`` for
    ``m = i + 1`` and minus that for ``m = i`` (``s = sqrt(1 - rho^2)``). ``H`` and ``u`` use the
    observed shares (outer products of the scores), as lavaan does; they equal the expected
    information when the bivariate normal model holds, where the variance is that of
    Olsson (1979).
    """
    a, b, counts, _ = _pair_tables(codes, pairs)
    r = rho[:, None, None]
    cells = _rectangles(bvn.cdf(a, b, r))
    slopes = _rectangles(bvn.density(a, b, r))
    used = cells > 0
    safe = np.where(used, cells, 1.0)
    Q = np.where(used, slopes / safe, 0.0)
    share = counts / counts.sum(axis=(1, 2), keepdims=True)
    H = (share * Q**2).sum(axis=(1, 2))
    weighted = np.where(used, Q * share / safe, 0.0)
    u_a = _threshold_sensitivity(weighted, a[:, :, 0], b[:, 0, :], rho)
    u_b = _threshold_sensitivity(np.swapaxes(weighted, 1, 2), b[:, 0, :], a[:, :, 0], rho)
    c = (u_a * bvn.normal_cdf(a[:, :, 0])).sum(axis=1) + (u_b * bvn.normal_cdf(b[:, 0, :])).sum(axis=1)
    t_a = np.cumsum(u_a[:, ::-1], axis=1)[:, ::-1][:, 1:]  # T_i = sum_{m > i} u_m, i = 0..K-1
    t_b = np.cumsum(u_b[:, ::-1], axis=1)[:, ::-1][:, 1:]
    influence = (Q - t_a[:, :, None] - t_b[:, None, :] + c[:, None, None]) / H[:, None, None]
    return influence, share


def polychoric_gamma(codes: np.ndarray, pairs: np.ndarray, rho: np.ndarray, *, rows_at_once: int = 20_000) -> np.ndarray:
    """n times the asymptotic covariance matrix (P, P) of the polychoric correlations of ``pairs``.

    ``Gamma_pq = mean over answers of IF_p IF_q`` (:func:`influence_table`): lavaan's ``NACOV``
    block of the correlations. Its diagonal's inverse weights WLSMV; the whole matrix enters
    the robust standard errors. Rows are taken ``rows_at_once`` at a time.
    """
    influence, _ = influence_table(codes, pairs, rho)
    which = np.arange(len(pairs))
    gamma = np.zeros((len(pairs), len(pairs)))
    for start in range(0, codes.shape[0], rows_at_once):
        chunk = codes[start : start + rows_at_once]
        per_answer = influence[which, chunk[:, pairs[:, 0]], chunk[:, pairs[:, 1]]]  # (rows, P)
        gamma += per_answer.T @ per_answer
    return np.asarray(gamma / codes.shape[0])


def _threshold_sensitivity(Q: np.ndarray, own: np.ndarray, other: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """``u_m = sum_ij Q_ij (dP_ij/d own_m) / phi(own_m)`` for the thresholds ``own`` (P, K+1) of the rows
    of ``Q`` (P, K, K; here the shares times the scores over P), ``other`` (P, K+1) those of its
    columns; 0 at the infinite ends."""
    r = rho[:, None, None]
    conditional = bvn.normal_cdf((bvn.finite(other)[:, None, :] - r * bvn.finite(own)[:, :, None]) / np.sqrt(1 - r * r))
    share = conditional[:, :, 1:] - conditional[:, :, :-1]  # (P, K+1 thresholds, K columns)
    padded = np.pad(Q, ((0, 0), (1, 1), (0, 0)))  # row m: Q[m-1]; row m+1: Q[m]
    u = (share * (padded[:, :-1, :] - padded[:, 1:, :])).sum(axis=2)
    return np.asarray(np.where(np.isfinite(own), u, 0.0))


def _rectangles(corners: np.ndarray) -> np.ndarray:
    """Cell values ``F(i, j) - F(i-1, j) - F(i, j-1) + F(i-1, j-1)`` from corner values (P, K+1, K+1)."""
    return np.asarray(corners[:, 1:, 1:] - corners[:, :-1, 1:] - corners[:, 1:, :-1] + corners[:, :-1, :-1])


def polyserial(
    codes: np.ndarray, continuous: np.ndarray, pairs: np.ndarray, *, tol: float = 1e-9, max_iter: int = 200
) -> PairFit:
    """Polyserial correlations of ordinal column ``pairs[:, 0]`` of ``codes`` (n, q) with column
    ``pairs[:, 1]`` of ``continuous`` (n, c), each standardised with divisor n."""
    y = (continuous - continuous.mean(axis=0)) / continuous.std(axis=0)
    n_levels = codes.max(axis=0) + 1
    taus = [thresholds(codes[:, j], int(n_levels[j])) for j in range(codes.shape[1])]
    tau = _padded_thresholds(taus, int(n_levels.max()))
    x = codes[:, pairs[:, 0]].T  # (P, n)
    yy = y[:, pairs[:, 1]].T
    upper = np.take_along_axis(tau[pairs[:, 0]], x + 1, axis=1)
    lower = np.take_along_axis(tau[pairs[:, 0]], x, axis=1)
    upper_b, lower_b = bvn.finite(upper), bvn.finite(lower)

    def evaluate(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r = rho[:, None]
        s = np.sqrt(1 - r * r)
        z_up, z_low = (upper_b - r * yy) / s, (lower_b - r * yy) / s
        prob = special.ndtr(z_up) - special.ndtr(z_low)
        safe = np.maximum(prob, 1e-300)
        d_up = _normal_density(z_up) * (r * upper_b - yy) / s**3
        d_low = _normal_density(z_low) * (r * lower_b - yy) / s**3
        scores = (d_up - d_low) / safe
        return np.log(safe).sum(axis=1), scores.sum(axis=1), (scores**2).sum(axis=1)

    sd_codes = codes[:, pairs[:, 0]].std(axis=0)
    pearson = np.mean((codes[:, pairs[:, 0]] - codes[:, pairs[:, 0]].mean(axis=0)) * y[:, pairs[:, 1]], axis=0) / sd_codes
    density_sum = np.array([_normal_density(t).sum() for t in taus])[pairs[:, 0]]
    start = pearson * sd_codes / density_sum  # Olsson, Drasgow & Dorans' (1982) ad hoc estimator
    return _fisher_scoring(evaluate, np.clip(start, -0.9, 0.9), tol, max_iter)


def _normal_density(z: np.ndarray) -> np.ndarray:
    return np.asarray(np.exp(-0.5 * np.asarray(z) ** 2) / np.sqrt(2 * np.pi))


def _fisher_scoring(evaluate: Evaluate, start: np.ndarray, tol: float, max_iter: int) -> PairFit:
    """Maximise P one-parameter log-likelihoods at once: ``rho += score / information``, the step
    halved while the log-likelihood falls; a pair whose log-likelihood cannot rise stops there."""
    rho = start.astype(float)
    loglik, score, information = evaluate(rho)
    converged = np.zeros(rho.shape, dtype=bool)
    for _ in range(max_iter):
        if converged.all():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(converged, 0.0, np.nan_to_num(score / information))
        for _ in range(_HALVINGS):
            trial = np.clip(rho + step, -RHO_LIMIT, RHO_LIMIT)
            new = evaluate(trial)
            worse = new[0] < loglik - 1e-12 * np.abs(loglik)
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
        trial = np.where(worse, rho, trial)
        converged |= np.abs(trial - rho) < tol
        loglik, score, information = (np.where(worse, old, fresh) for old, fresh in zip((loglik, score, information), new))
        rho = trial
    boundary = np.abs(rho) >= RHO_LIMIT
    return PairFit(rho=rho, converged=converged & ~boundary, boundary=boundary)


@dataclass(frozen=True)
class MixedCorrelation:
    """A correlation matrix with polychoric, polyserial and Pearson entries, and how each pair's search ended.

    Attributes
    ----------
    matrix : ndarray, shape (p, p)
    converged, boundary : ndarray of bool, shape (p, p)
        Per pair as in :class:`PairFit` (Pearson pairs count as converged, never at the boundary).
    thresholds : dict of int -> ndarray
        The thresholds of each ordinal column (step 1), keyed by column.
    levels : dict of int -> ndarray
        The observed levels of each ordinal column, in increasing order.
    """

    matrix: np.ndarray
    converged: np.ndarray
    boundary: np.ndarray
    thresholds: dict[int, np.ndarray]
    levels: dict[int, np.ndarray]


def mixed_correlation(values: np.ndarray, ordinal: np.ndarray, *, tol: float = 1e-9, max_iter: int = 200) -> MixedCorrelation:
    """The correlation matrix of ``values`` (n, p): polychoric between the columns flagged by
    ``ordinal`` (p,), polyserial between an ordinal and a continuous column, Pearson (divisor n)
    between continuous columns. Every ordinal column needs at least two observed levels.
    """
    p = values.shape[1]
    ordinal_columns = np.flatnonzero(ordinal)
    continuous_columns = np.flatnonzero(~np.asarray(ordinal, dtype=bool))
    coded = [category_codes(values[:, j]) for j in ordinal_columns]
    codes = np.column_stack([c for c, _ in coded]) if coded else np.zeros((values.shape[0], 0), dtype=int)
    matrix = np.corrcoef(values, rowvar=False) if p > 1 else np.ones((1, 1))
    converged = np.ones((p, p), dtype=bool)
    boundary = np.zeros((p, p), dtype=bool)
    taus: dict[int, np.ndarray] = {}
    if ordinal_columns.size > 1:
        pairs = np.array([(i, j) for i in range(ordinal_columns.size) for j in range(i + 1, ordinal_columns.size)])
        fit, step_one = polychoric(codes, pairs, tol=tol, max_iter=max_iter)
        _place(matrix, converged, boundary, ordinal_columns[pairs[:, 0]], ordinal_columns[pairs[:, 1]], fit)
        taus = {int(ordinal_columns[c]): t for c, t in enumerate(step_one)}
    elif ordinal_columns.size == 1:
        taus = {int(ordinal_columns[0]): thresholds(codes[:, 0], int(codes[:, 0].max()) + 1)}
    if ordinal_columns.size and continuous_columns.size:
        pairs = np.array([(i, j) for i in range(ordinal_columns.size) for j in range(continuous_columns.size)])
        step = max(1, _POLYSERIAL_CELLS // values.shape[0])  # polyserial works on (pairs, n) arrays: bound their size
        for chunk in np.array_split(pairs, -(-len(pairs) // step)):
            fit = polyserial(codes, values[:, continuous_columns], chunk, tol=tol, max_iter=max_iter)
            _place(matrix, converged, boundary, ordinal_columns[chunk[:, 0]], continuous_columns[chunk[:, 1]], fit)
    np.fill_diagonal(matrix, 1.0)
    levels = {int(j): lv for j, (_, lv) in zip(ordinal_columns, coded)}
    return MixedCorrelation(matrix=matrix, converged=converged, boundary=boundary, thresholds=taus, levels=levels)


def _place(
    matrix: np.ndarray, converged: np.ndarray, boundary: np.ndarray, rows: np.ndarray, cols: np.ndarray, fit: PairFit
) -> None:
    """Write the pairs' results symmetrically into the (p, p) arrays."""
    for target, value in ((matrix, fit.rho), (converged, fit.converged), (boundary, fit.boundary)):
        target[rows, cols] = value
        target[cols, rows] = value
