"""PLS on a stack of moment matrices: bootstrap resamples, groups, permutations (pure numpy).

Every caller that estimates PLS on many indicator correlation (or covariance) matrices at once
goes through :func:`fit_stack`: the bootstrap (one matrix per resample), the group estimates
(one per group and resample), the permutation tests and MICOM (one per permuted split). For
each matrix ``S`` of the stack (..., p, p) and the oriented outer weights ``W`` (p, k) of
:mod:`acsi.core.pls`:

* indicator-construct covariances   C = S W
* construct correlations            R = W' C
* path coefficients and R²          OLS on R (:func:`acsi.core.pls.path_coefficients`)
* loadings                          l_i = C_ib / sqrt(S_ii) for indicator i of block b

These are the products the single fit (:class:`acsi.estimators.pls.PLSPM`) forms, in the same
order, so a matrix fitted inside a stack gives the numbers it gives alone.

The matrices are handed to the kernel ``chunk`` at a time. numpy's linear algebra raises for a
whole stack when one matrix is singular (a resample where a Mode B block or a set of predictors
is collinear); such a chunk is refitted matrix by matrix, and the matrices that fail alone are
marked ``singular`` with NaN estimates, so one bad matrix never sinks the others. Matrices with
non-finite entries are not fitted at all (``valid = False``).

Optional construct-level sign change (Tenenhaus, Esposito Vinzi, Chatelin & Lauro 2005, PLS
path modeling, *Computational Statistics & Data Analysis* 48, 159-205, section 2.6): a construct
is flipped where ``|sum(l_hat - l*)| > |sum(l_hat + l*)|``, ``l_hat`` the reference loadings
(p,) and ``l*`` the matrix's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.core import pls as kernel

#: Largest number of p x p matrices handed to the PLS kernel at once (memory: a few arrays of
#: ``chunk * p * p`` doubles; 20,000 x 17 x 17 doubles are 46 MB each).
DEFAULT_CHUNK = 20_000


@dataclass(frozen=True)
class StackFit:
    """PLS estimates for a stack of moment matrices (leading shape ``...``).

    ``W`` (..., p, k) oriented outer weights (unit-variance scores, zero outside each block),
    ``C`` (..., p, k) indicator-construct covariances ``S W``, ``R`` (..., k, k) construct
    correlations, ``B`` (..., k, k) path coefficients (``B[i, j]`` the effect of i on j),
    ``r_squared`` (..., k), ``converged`` (...), ``singular`` (...): the kernel met a singular
    matrix, and ``valid`` (...): every estimate of the matrix is finite.
    """

    W: np.ndarray
    C: np.ndarray
    R: np.ndarray
    B: np.ndarray
    r_squared: np.ndarray
    converged: np.ndarray
    singular: np.ndarray
    valid: np.ndarray

    def weights(self, structure: kernel.Structure) -> np.ndarray:
        """Outer weight of each indicator in its own block, (..., p)."""
        return self.W[..., np.arange(structure.n_indicators), structure.block]

    def loadings(self, structure: kernel.Structure, S: np.ndarray) -> np.ndarray:
        """Loading ``C_ib / sqrt(S_ii)`` of each indicator i on its own block b, (..., p)."""
        sd = np.sqrt(np.einsum("...ii->...i", S))
        own = self.C[..., np.arange(structure.n_indicators), structure.block]
        return np.asarray(own / sd)

    def total_effects(self) -> np.ndarray:
        """Total effects ``(I - B)^-1 - I`` (..., k, k); NaN for matrices that are not valid."""
        B = np.where(self.valid[..., None, None], self.B, 0.0)
        total = kernel.total_effects(B)
        return np.where(self.valid[..., None, None], total, np.nan)


def path_values(B: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The coefficients of the declared paths, ``B[..., i, j]`` for each (i, j) of ``pairs``."""
    return B[..., pairs[0], pairs[1]]


def _flip(S: np.ndarray, W: np.ndarray, structure: kernel.Structure, reference: np.ndarray) -> np.ndarray:
    """Construct-level sign change of ``W`` (..., p, k) towards the ``reference`` loadings (p,)."""
    rows = np.arange(structure.n_indicators)
    sd = np.sqrt(np.einsum("...ii->...i", S))
    own = ((S @ W) / sd[..., :, None])[..., rows, structure.block]
    differ = np.abs((reference - own) @ structure.mask)
    agree = np.abs((reference + own) @ structure.mask)
    sign = np.where(differ > agree, -1.0, 1.0)
    return np.asarray(W * sign[..., None, :])


@dataclass(frozen=True)
class _Kernel:
    """The PLS settings of one :func:`fit_stack` call, applied to a chunk or to its matrices one by one."""

    structure: kernel.Structure
    scheme: kernel.Scheme
    tol: float
    max_iter: int
    reference_loadings: np.ndarray | None

    def fit(self, S: np.ndarray) -> StackFit:
        """All matrices of ``S`` (m, p, p) at once; raises ``LinAlgError`` if any one is singular."""
        structure = self.structure
        solution = kernel.outer_weights(S, structure, self.scheme, tol=self.tol, max_iter=self.max_iter)
        W = kernel.orient(solution.weights, S, structure)
        if self.reference_loadings is not None:
            W = _flip(S, W, structure, self.reference_loadings)
        C = S @ W
        R = np.swapaxes(W, -1, -2) @ C
        B, r_squared = kernel.path_coefficients(R, structure)
        valid = np.isfinite(W).all(axis=(-2, -1)) & np.isfinite(B).all(axis=(-2, -1))
        return StackFit(W, C, R, B, r_squared, solution.converged, np.zeros(valid.shape, dtype=bool), valid)

    def fit_one_by_one(self, S: np.ndarray, finite: np.ndarray) -> StackFit:
        """The ``finite`` matrices of ``S`` (m, p, p) one at a time; the others and the singular ones get NaN."""
        m, p, k = S.shape[0], S.shape[-1], self.structure.n_constructs
        out = StackFit(
            np.full((m, p, k), np.nan),
            np.full((m, p, k), np.nan),
            np.full((m, k, k), np.nan),
            np.full((m, k, k), np.nan),
            np.full((m, k), np.nan),
            *(np.zeros(m, dtype=bool) for _ in range(3)),
        )
        for i in np.flatnonzero(finite):
            try:
                one = self.fit(S[i])
            except np.linalg.LinAlgError:
                out.singular[i] = True
                continue
            out.W[i], out.C[i], out.R[i], out.B[i], out.r_squared[i] = one.W, one.C, one.R, one.B, one.r_squared
            out.converged[i], out.valid[i] = one.converged, one.valid
        return out


def fit_stack(
    S: np.ndarray,
    structure: kernel.Structure,
    scheme: kernel.Scheme,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    reference_loadings: np.ndarray | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> StackFit:
    """PLS on every matrix of ``S`` (..., p, p), ``chunk`` matrices at a time.

    ``reference_loadings`` (p,), when given, turn on the construct-level sign change. Floating
    point warnings are silenced: a failed matrix shows as ``valid = False``.
    """
    lead = S.shape[:-2]
    p = S.shape[-1]
    flat = S.reshape((-1, p, p))
    fitter = _Kernel(structure, scheme, tol, max_iter, reference_loadings)
    parts: list[StackFit] = []
    with np.errstate(all="ignore"):
        for start in range(0, flat.shape[0], chunk):
            block = flat[start : start + chunk]
            finite = np.isfinite(block).all(axis=(-2, -1))
            try:
                if not finite.all():
                    raise np.linalg.LinAlgError("non-finite moments")
                parts.append(fitter.fit(block))
            except np.linalg.LinAlgError:
                parts.append(fitter.fit_one_by_one(block, finite))
    k = structure.n_constructs
    shapes = {"W": (p, k), "C": (p, k), "R": (k, k), "B": (k, k), "r_squared": (k,)}
    shapes.update(converged=(), singular=(), valid=())
    fields = {}
    for name, shape in shapes.items():
        pieces = [getattr(part, name) for part in parts]
        fields[name] = (pieces[0] if len(pieces) == 1 else np.concatenate(pieces)).reshape(lead + shape)
    return StackFit(**fields)
