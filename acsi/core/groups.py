"""PLS and 0-100 indices for many groups and resamples at once, and the tests' arithmetic (pure numpy).

Everything a group comparison needs is a function of weighted moments of the indicators:
a bootstrap resample is a row of counts over the observations, a permutation of group labels
a row of 0/1 memberships, a sampling weight multiplies both. :class:`acsi.core.resample.MomentBasis`
turns any (R, n) matrix of such case weights into R means and covariance matrices (divisor
the weight total) with one matrix product; this module fits PLS to stacks of them and forms
the indices:

* weighted mean        m = sum_r v_r x_r / sum_r v_r
* weighted covariance  C = sum_r v_r x_r x_r' / sum_r v_r - m m'
* Fornell index        I_b = 100 sum_{i in b} w~_i (m_i - min_i) / (max_i - min_i),
                       w~ = v / sum_{i in b} v,  v_i = w_i / sd_i (raw-scale outer weights)

Weighted PLS (case weights) is PLS on the weighted correlation matrix, with the weighted
means in the index (Becker & Ismail 2016, "Accounting for sampling weights in PLS path
modeling", *Journal of Marketing Analytics* 4, 60-75).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.core import pls as kernel
from acsi.errors import ParameterError

#: Largest number of p x p matrices handed to the PLS kernel at once (memory: a few arrays of
#: ``chunk * p * p`` doubles; 20,000 x 17 x 17 doubles are 46 MB each).
DEFAULT_CHUNK = 20_000


@dataclass(frozen=True)
class StackFit:
    """PLS estimates for a stack of moment matrices (leading shape ``...``).

    ``weights`` (..., p, k) oriented outer weights (unit-variance scores), ``R`` (..., k, k)
    construct correlations, ``B`` (..., k, k) path coefficients, ``r_squared`` (..., k),
    ``converged`` (...) and ``valid`` (...): False where the kernel met a singular matrix.
    """

    weights: np.ndarray
    R: np.ndarray
    B: np.ndarray
    r_squared: np.ndarray
    converged: np.ndarray
    valid: np.ndarray


def _fit_chunk(S: np.ndarray, structure: kernel.Structure, scheme: kernel.Scheme, tol: float, max_iter: int) -> StackFit:
    solution = kernel.outer_weights(S, structure, scheme, tol=tol, max_iter=max_iter)
    W = kernel.orient(solution.weights, S, structure)
    R = np.swapaxes(W, -1, -2) @ S @ W
    B, r_squared = kernel.path_coefficients(R, structure)
    valid = np.isfinite(W).all(axis=(-2, -1)) & np.isfinite(B).all(axis=(-2, -1))
    return StackFit(W, R, B, r_squared, solution.converged, valid)


def fit_stack(
    S: np.ndarray,
    structure: kernel.Structure,
    scheme: kernel.Scheme,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    chunk: int = DEFAULT_CHUNK,
) -> StackFit:
    """PLS on every matrix of ``S`` (..., p, p), ``chunk`` matrices at a time.

    A stack in which some matrix is singular (a resample where an indicator is constant,
    a collinear Mode B block) is refitted matrix by matrix, and those matrices are marked
    ``valid = False`` with NaN estimates, so one bad resample never sinks the others.
    """
    lead = S.shape[:-2]
    p = S.shape[-1]
    flat = S.reshape((-1, p, p))
    parts: list[StackFit] = []
    for start in range(0, flat.shape[0], chunk):
        block = flat[start : start + chunk]
        finite = np.isfinite(block).all(axis=(-2, -1))
        try:
            if not finite.all():
                raise np.linalg.LinAlgError("non-finite moments")
            with np.errstate(invalid="ignore", divide="ignore"):
                parts.append(_fit_chunk(block, structure, scheme, tol, max_iter))
        except np.linalg.LinAlgError:
            parts.append(_fit_one_by_one(block, finite, structure, scheme, tol, max_iter))
    k = structure.n_constructs
    fields = {}
    for name, shape in (("weights", (p, k)), ("R", (k, k)), ("B", (k, k)), ("r_squared", (k,)), ("converged", ()), ("valid", ())):
        fields[name] = np.concatenate([getattr(part, name) for part in parts]).reshape(lead + shape)
    return StackFit(**fields)


def _fit_one_by_one(
    block: np.ndarray, finite: np.ndarray, structure: kernel.Structure, scheme: kernel.Scheme, tol: float, max_iter: int
) -> StackFit:
    m, p, k = block.shape[0], block.shape[-1], structure.n_constructs
    out = StackFit(
        np.full((m, p, k), np.nan),
        np.full((m, k, k), np.nan),
        np.full((m, k, k), np.nan),
        np.full((m, k), np.nan),
        np.zeros(m, dtype=bool),
        np.zeros(m, dtype=bool),
    )
    for i in np.flatnonzero(finite):
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                one = _fit_chunk(block[i], structure, scheme, tol, max_iter)
        except np.linalg.LinAlgError:
            continue
        out.weights[i], out.R[i], out.B[i], out.r_squared[i] = one.weights, one.R, one.B, one.r_squared
        out.converged[i], out.valid[i] = one.converged, one.valid
    return out


def index_weights_stack(
    weights: np.ndarray, sd: np.ndarray, structure: kernel.Structure, method: str, *, standardized: bool = True
) -> np.ndarray:
    """Normalised index weights w~ (..., p) from outer weights (..., p, k); NaN where a block's sum is <= 0.

    ``standardized`` says whether ``weights`` belong to standardised indicators (correlation
    matrix) or to centred raw ones (covariance matrix).
    """
    own = weights[..., np.arange(structure.n_indicators), structure.block]
    if method == "fornell":
        raw = own / sd if standardized else own
    elif method == "standardized":
        raw = own if standardized else own * sd
    elif method == "equal":
        raw = np.ones_like(own)
    else:
        raise ParameterError(f"Unknown index weights {method!r}; expected 'fornell', 'standardized' or 'equal'.")
    totals = raw @ structure.mask
    totals = np.where(totals > 0, totals, np.nan)
    return raw / totals[..., structure.block]


def index_stack(
    normalised: np.ndarray, means: np.ndarray, lower: np.ndarray, upper: np.ndarray, structure: kernel.Structure
) -> np.ndarray:
    """0-100 indices (..., k) of every construct: ``100 sum_i w~_i (m_i - min_i) / (max_i - min_i)``."""
    position = (means - lower) / (upper - lower)
    return 100.0 * (normalised * position) @ structure.mask


def path_values(B: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The coefficients of the declared paths, ``B[..., i, j]`` for each (i, j) of ``pairs``."""
    return B[..., pairs[0], pairs[1]]


def permutation_memberships(n: int, n_a: int, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """``n_perm`` random splits of ``n`` rows into ``n_a`` and ``n - n_a``: 0/1 rows of shape (n_perm, n)."""
    chosen = np.argsort(rng.random((n_perm, n)), axis=1)[:, :n_a]
    M = np.zeros((n_perm, n))
    np.put_along_axis(M, chosen, 1.0, axis=1)
    return M
