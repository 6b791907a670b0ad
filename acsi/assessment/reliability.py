"""Internal consistency and convergent validity of each block: alpha, rho_A, rho_C, Dillon-Goldstein's rho, AVE.

Reliabilities use the standardised indicators whatever the fit's scaling; single-indicator
constructs have no Cronbach's alpha or second eigenvalue (``NaN``) and rho_A = 1; Mode B
composites have rho_A = 1 (composites are taken as error-free, as cSEM does). Matches R plspm
0.5.1 (``outer_model``, ``unidim``) and ADANCO 2.2.1 (rho_A and alpha from Mode A weights).
"""

from __future__ import annotations

import math

import numpy as np

from acsi.core import reliability
from acsi.core.pls import Structure
from acsi.core.reliability import composite_reliability, cronbach_alpha

#: The per-construct measures of :func:`block_reliability`, in the order of ``acsi assess --json``.
BLOCK_MEASURES: tuple[str, ...] = (
    "cronbach_alpha",
    "rho_a",
    "rho_c",
    "dillon_goldstein_rho",
    "eigenvalue_1",
    "eigenvalue_2",
    "ave",
    "mean_redundancy",
)


def blocks_of(block: np.ndarray, k: int) -> list[np.ndarray]:
    """Positions of the indicators of each of the ``k`` constructs."""
    return [np.flatnonzero(block == b) for b in range(k)]


def rho_a_of_blocks(S: np.ndarray, w: np.ndarray, block: np.ndarray, k: int) -> np.ndarray:
    """rho_A of every block (:func:`acsi.core.reliability.rho_a`) from the standardised weights ``w`` (p,)."""
    W = np.zeros((w.shape[0], k))
    W[np.arange(w.shape[0]), block] = w
    structure = Structure(block=block, mode_b=np.zeros(k, dtype=bool), adjacency=np.zeros((k, k)))
    return reliability.rho_a(S, W, structure)[0]


def first_components(S_bb: np.ndarray) -> tuple[float, float, np.ndarray]:
    """First and second eigenvalue of a block's correlation matrix and the first principal component's loadings.

    ``loadings = |v_1| sqrt(lambda_1)`` (plspm ``unidim``); the second eigenvalue is NaN for one indicator.
    """
    values, vectors = np.linalg.eigh(S_bb)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    loadings = np.abs(vectors[:, 0]) * math.sqrt(values[0])
    second = float(values[1]) if values.size > 1 else math.nan
    return float(values[0]), second, loadings


def block_reliability(
    S: np.ndarray,
    w: np.ndarray,
    loadings: np.ndarray,
    block: np.ndarray,
    mode_b: list[bool],
    r2: np.ndarray,
) -> dict[str, list[float]]:
    """The :data:`BLOCK_MEASURES` of every block, one list per measure in construct order.

    ``AVE = mean(lambda²)`` of the block (Fornell & Larcker 1981); ``mean_redundancy = AVE x R²``;
    ``rho_C = (sum lambda)² / ((sum lambda)² + sum(1 - lambda²))`` (Werts, Linn & Joreskog 1974), and
    Dillon-Goldstein's rho the same on the first principal component's loadings (plspm ``unidim``);
    rho_A (Dijkstra & Henseler 2015) is 1 for Mode B blocks.
    """
    k = len(mode_b)
    rho_A = rho_a_of_blocks(S, w, block, k)
    out: dict[str, list[float]] = {name: [] for name in BLOCK_MEASURES}
    for b, idx in enumerate(blocks_of(block, k)):
        S_bb = S[np.ix_(idx, idx)]
        out["cronbach_alpha"].append(cronbach_alpha(S_bb))
        out["rho_a"].append(1.0 if mode_b[b] else float(rho_A[b]))
        out["rho_c"].append(composite_reliability(loadings[idx]))
        first, second, pc_loadings = first_components(S_bb)
        out["dillon_goldstein_rho"].append(composite_reliability(pc_loadings))
        out["eigenvalue_1"].append(first)
        out["eigenvalue_2"].append(second)
        out["ave"].append(float(np.mean(loadings[idx] ** 2)))
        out["mean_redundancy"].append(float(np.mean(loadings[idx] ** 2) * r2[b]))
    return out
