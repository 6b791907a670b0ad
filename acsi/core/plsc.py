"""Consistent PLS (PLSc): the Dijkstra-Henseler correction of PLS for common factors (pure numpy).

PLS Mode A scores are weighted sums of indicators that carry measurement error, so their
correlations underestimate the correlations of the common factors they stand for, and
their loadings overestimate the factor loadings. Dijkstra & Henseler (2015) correct both
with the reliability ``rho_A`` of each score. With ``w`` the standardised Mode A weights of
a block (unit-variance score, ``w' S_bb w = 1``) and ``S_bb`` its indicator correlations:

* correction factor   ``c^2 = w'(S_bb - diag S_bb) w / w'(w w' - diag(w w')) w``
* consistent loadings ``lambda = c w``
* reliability         ``rho_A = (w'w)^2 c^2``
* factor correlations ``rho_ij = r_ij / sqrt(rho_A,i rho_A,j)``  (r = score correlations)

and the structural model is OLS on the corrected correlation matrix. Composites (Mode B,
``composite_a``) are left uncorrected (``rho_A`` taken as 1 for the correction; their
loadings stay the ordinary PLS loadings ``S_bb w``). A block with one indicator is taken as
measured without error (``rho_A = 1``, loading 1), as cSEM and ADANCO do.

All functions accept a stack of matrices ``S`` of shape ``(..., p, p)``, like
:mod:`acsi.core.pls`, so a bootstrap can correct every resample at once.

Reference: Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path
modeling. *MIS Quarterly* 39(2), 297-316 (equations 11-13). Reproduces ADANCO 2.2.1 on
``satisfaction`` (centroid scheme) to 4e-7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.core.pls import Structure, path_coefficients
from acsi.core.reliability import rho_a

#: Slack for admissibility checks: a correlation may exceed 1 by rounding only.
ADMISSIBLE_SLACK = 1e-10


@dataclass(frozen=True)
class Consistent:
    """Result of :func:`correct`; leading shape ``...`` as the input stack.

    Attributes
    ----------
    loadings : ndarray, shape (..., p)
        Consistent loadings (reflective blocks) or PLS loadings (composites).
    rho_a : ndarray, shape (..., k)
        Dijkstra-Henseler rho_A of every Mode A block (NaN for Mode B blocks).
    correction : ndarray, shape (..., k)
        The reliability used to disattenuate: rho_A for corrected blocks, 1 otherwise.
    correlations : ndarray, shape (..., k, k)
        Corrected construct correlations (unit diagonal).
    paths : ndarray, shape (..., k, k)
        OLS path coefficients on ``correlations``; ``[i, j]`` the effect of i on j.
    r_squared : ndarray, shape (..., k)
    inadmissible : ndarray of bool, shape (...)
        True where a correlation exceeds 1 in absolute value, a loading exceeds 1 (negative
        error variance), rho_A exceeds 1, the correlation matrix is not positive
        semi-definite, or an R-squared exceeds 1 (negative residual variance).
    """

    loadings: np.ndarray
    rho_a: np.ndarray
    correction: np.ndarray
    correlations: np.ndarray
    paths: np.ndarray
    r_squared: np.ndarray
    inadmissible: np.ndarray


def correct(S: np.ndarray, W: np.ndarray, structure: Structure, reflective: np.ndarray) -> Consistent:
    """Apply the PLSc correction to oriented PLS weights.

    Parameters
    ----------
    S : ndarray, shape (..., p, p)
        Indicator correlation matrices.
    W : ndarray, shape (..., p, k)
        Oriented Mode A / Mode B weights with unit-variance scores (from
        :func:`acsi.core.pls.outer_weights` and :func:`acsi.core.pls.orient`).
    structure : Structure
    reflective : ndarray of bool, shape (k,)
        Blocks to correct (common factors); the others are composites, left as they are.

    Returns
    -------
    Consistent

    Notes
    -----
    A negative ``c^2`` (the block's indicators correlate negatively on balance) gives a
    negative ``c``; the result is then flagged inadmissible rather than silently altered.
    """
    reflective = np.asarray(reflective, dtype=bool)
    mask = structure.mask
    block = structure.block
    rho, c = rho_a(S, W, structure)
    rho = np.where(structure.mode_b, np.nan, rho)
    correction = np.where(reflective, rho, 1.0)
    C = S @ W  # indicator-score covariances
    R = np.swapaxes(W, -1, -2) @ C
    pls_loadings = (C * mask).sum(axis=-1)
    own_w = (W * mask).sum(axis=-1)
    consistent = own_w * c[..., block]
    loadings = np.where(reflective[block], consistent, pls_loadings)
    with np.errstate(invalid="ignore"):
        scale = np.sqrt(correction)
        corrected = R / (scale[..., :, None] * scale[..., None, :])
    k = structure.n_constructs
    corrected = corrected * (1 - np.eye(k)) + np.eye(k)
    finite = np.isfinite(corrected).all(axis=(-2, -1))
    safe = np.where(finite[..., None, None], corrected, np.eye(k))
    try:
        B, r2 = path_coefficients(safe, structure)
    except np.linalg.LinAlgError:
        B = np.full(safe.shape, np.nan)
        r2 = np.full(safe.shape[:-1], np.nan)
    B = np.where(finite[..., None, None], B, np.nan)
    r2 = np.where(finite[..., None], r2, np.nan)
    eig_min = np.linalg.eigvalsh(safe)[..., 0]
    slack = ADMISSIBLE_SLACK
    inadmissible = (
        ~finite
        | (np.abs(corrected) > 1 + slack).any(axis=(-2, -1))
        | (np.abs(loadings) > 1 + slack).any(axis=-1)
        | (np.where(reflective, rho, 0.0) > 1 + slack).any(axis=-1)
        | (np.where(reflective, rho, 1.0) <= 0).any(axis=-1)
        | (eig_min < -slack)
        | ~np.isfinite(r2).all(axis=-1)
        | (r2 > 1 + slack).any(axis=-1)
    )
    return Consistent(
        loadings=loadings,
        rho_a=rho,
        correction=correction,
        correlations=corrected,
        paths=B,
        r_squared=r2,
        inadmissible=inadmissible,
    )
