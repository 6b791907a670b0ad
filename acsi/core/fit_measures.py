"""Model-implied correlations and the discrepancy measures SRMR, d_ULS and d_G (pure numpy).

Shared by consistent PLS, which reports them with its estimates, and the assessment of any
composite or common-factor solution. Definitions as ADANCO 2.2.1 and cSEM ``fit()`` (see
``../shared/reference/README.md``, "Fit measures"); d_G uses the base-10 logarithm.
All functions accept stacks of matrices with leading dimensions.
"""

from __future__ import annotations

import numpy as np

from acsi.core.implied import construct_covariance
from acsi.core.pls import Structure
from acsi.errors import InadmissibleSolutionWarning
from acsi.notices import issue


def implied_correlation(
    S: np.ndarray,
    W: np.ndarray,
    loadings: np.ndarray,
    construct_correlations: np.ndarray,
    structure: Structure,
    reflective: np.ndarray,
) -> np.ndarray:
    """Model-implied indicator correlation matrix of a PLSc (or PLS) solution.

    Between blocks ``sigma_ij = lambda_i lambda_j rho_ab``; within a common-factor block
    ``lambda_i lambda_j`` off the diagonal and 1 on it; within a composite block the observed
    ``S_bb``, with ``lambda = S_bb w_b`` for composites (ADANCO, cSEM ``fit()``).

    Parameters
    ----------
    S : ndarray, shape (..., p, p)
    W : ndarray, shape (..., p, k)
    loadings : ndarray, shape (..., p)
        Consistent loadings of the reflective blocks (others ignored).
    construct_correlations : ndarray, shape (..., k, k)
    structure : Structure
    reflective : ndarray of bool, shape (k,)

    Returns
    -------
    ndarray, shape (..., p, p)
    """
    block = structure.block
    reflective = np.asarray(reflective, dtype=bool)
    composite_loadings = ((S @ W) * structure.mask).sum(axis=-1)
    lam = np.where(reflective[block], loadings, composite_loadings)
    rho = construct_correlations[..., block[:, None], block[None, :]]
    sigma = lam[..., :, None] * lam[..., None, :] * rho
    same = block[:, None] == block[None, :]
    composite_cell = same & ~reflective[block][:, None]
    sigma = np.where(composite_cell, S, sigma)
    p = S.shape[-1]
    return sigma * (1 - np.eye(p)) + np.eye(p)


def structural_implied_correlations(R: np.ndarray, B: np.ndarray, r_squared: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """Construct correlations implied by a recursive structural model.

    ``Phi = (I - B')^-1 Psi (I - B')^-T`` with Psi the correlations ``R`` among exogenous
    constructs and ``1 - R²`` on the diagonal for endogenous ones (their disturbances are
    uncorrelated with everything else); the diagonal is then set to 1 (cSEM ``fit()``).

    Parameters
    ----------
    R : ndarray, shape (..., k, k)
        Construct correlations (the exogenous block is used).
    B : ndarray, shape (..., k, k)
        ``B[i, j]`` the effect of i on j.
    r_squared : ndarray, shape (..., k)
    adjacency : ndarray, shape (k, k)
    """
    k = adjacency.shape[0]
    endogenous = adjacency.sum(axis=0) > 0
    exo = ~endogenous
    Psi = R * (exo[:, None] & exo[None, :])
    Psi = Psi + np.eye(k) * np.where(endogenous, 1.0 - r_squared, 0.0)[..., None, :]
    Phi = construct_covariance(np.swapaxes(B, -1, -2), Psi)
    return Phi * (1 - np.eye(k)) + np.eye(k)


def discrepancies(S: np.ndarray, Sigma: np.ndarray) -> dict[str, np.ndarray]:
    """SRMR, d_ULS and d_G between an observed and an implied correlation matrix.

    * ``srmr = sqrt(mean over i >= j of (s_ij - sigma_ij)^2)``
    * ``d_uls = 0.5 sum_ij (s_ij - sigma_ij)^2``
    * ``d_g = 0.5 sum_k (log10 phi_k)^2``, phi_k the eigenvalues of ``S^-1 Sigma`` (base-10
      logarithm, as ADANCO and cSEM ``calculateDG``).
    """
    p = S.shape[-1]
    diff = S - Sigma
    lower = np.tril(np.ones((p, p), dtype=bool))
    srmr = np.sqrt((diff**2 * lower).sum(axis=(-2, -1)) / lower.sum())
    d_uls = 0.5 * (diff**2).sum(axis=(-2, -1))
    return {"srmr": srmr, "d_uls": d_uls, "d_g": geodesic_discrepancy(S, Sigma)}


def geodesic_discrepancy(S: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
    """``d_G = 0.5 sum_k (log10 phi_k)^2``, phi_k the eigenvalues of ``S^-1 Sigma``.

    Defined only when both matrices are positive definite (every phi_k > 0): NaN otherwise
    (a singular ``S``, or an inadmissible implied ``Sigma`` with a non-positive eigenvalue),
    never a numpy warning. :func:`model_fit` reports the NaN with our warning.
    """
    try:
        phi = np.linalg.eigvals(np.linalg.solve(S, Sigma)).real
    except np.linalg.LinAlgError:  # S singular (duplicated indicators): d_G undefined
        return np.full(np.shape(S)[:-2], np.nan)
    positive = phi > 0
    logs = np.log10(np.where(positive, phi, 1.0))
    return np.where(positive.all(axis=-1), 0.5 * (logs**2).sum(axis=-1), np.nan)


def model_fit(
    S: np.ndarray,
    W: np.ndarray,
    loadings: np.ndarray,
    construct_correlations: np.ndarray,
    paths: np.ndarray,
    r_squared: np.ndarray,
    structure: Structure,
    reflective: np.ndarray,
) -> dict[str, dict[str, float]]:
    """SRMR, d_ULS and d_G of the saturated and the estimated model of one solution.

    The one implementation behind the fit measures of consistent PLS and of
    :func:`acsi.assessment.assess`: ``saturated_model`` compares ``S`` with
    :func:`implied_correlation` at the estimated construct correlations,
    ``estimated_model`` with it at the correlations implied by the structural model
    (:func:`structural_implied_correlations`). ``reflective`` marks the blocks taken as common
    factors (PLSc's corrected blocks); the others are composites. ``{}`` when the paths are
    not finite (no structural model to imply anything).
    """
    if not np.isfinite(paths).all():
        return {}
    saturated = implied_correlation(S, W, loadings, construct_correlations, structure, reflective)
    implied_constructs = structural_implied_correlations(construct_correlations, paths, r_squared, structure.adjacency)
    estimated = implied_correlation(S, W, loadings, implied_constructs, structure, reflective)
    out = {}
    for part, sigma in (("saturated_model", saturated), ("estimated_model", estimated)):
        out[part] = {key: float(v) for key, v in discrepancies(S, sigma).items()}
    if any(np.isnan(part["d_g"]) for part in out.values()):
        issue(
            "d_G is not reported (null): the observed or the model-implied indicator correlation matrix is not "
            "positive definite (singular indicators, or an inadmissible solution); SRMR and d_ULS are.",
            InadmissibleSolutionWarning,
        )
    return out
