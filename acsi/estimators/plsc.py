"""Consistent PLS (PLSc, Dijkstra & Henseler 2015): PLS corrected for common factors.

:class:`PLSc` runs ordinary PLS path modelling (:class:`~acsi.estimators.pls.PLSPM`, always
on standardised indicators), then corrects loadings, construct correlations, paths and
R-squared of the reflective constructs with the pure kernel :mod:`acsi.core.plsc`.
Composites (``<~`` Mode B and ``composite_a``) are left uncorrected. The weights, the
construct scores and the 0-100 index stay those of PLS (the correction changes the
relations between constructs, not how a score is built from its indicators).

Matches ADANCO 2.2.1 (centroid scheme) on ``satisfaction``: weights, loadings, paths,
R-squared, rho_A, rho_C, alpha, AVE and SRMR/d_ULS/d_G (``shared/reference``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from acsi import notices
from acsi.core import fit_measures
from acsi.core import plsc as kernel
from acsi.core.moments import correlation
from acsi.core.pls import Scheme, Structure
from acsi.core.reliability import composite_reliability, cronbach_alpha
from acsi.data import IndicatorData
from acsi.errors import InadmissibleSolutionWarning
from acsi.estimators.base import Estimate, EstimatorBase
from acsi.estimators.ordinal import OrdinalMode
from acsi.estimators.pls import PLSPM
from acsi.index import IndexWeights
from acsi.spec.model import Mode, ModelSpec
from acsi.structure import model_structure


@dataclass(frozen=True, kw_only=True)
class PLSc(EstimatorBase):
    """Consistent PLS settings (Dijkstra & Henseler 2015).

    Parameters
    ----------
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme of the underlying PLS run.
    tol, max_iter : float, int
        Convergence of the PLS outer weights.
    index_weights : {"fornell", "standardized", "equal"}
        Weights of the 0-100 index (see :mod:`acsi.index`).
    ordinal : {"declared", "auto", "none"}
        Which indicators are ordinal (:mod:`acsi.estimators.ordinal`): PLS and the correction
        then run on their polychoric / polyserial correlations (OrdPLSc, Schuberth, Henseler &
        Dijkstra 2018, as cSEM does).

    Notes
    -----
    See :mod:`acsi.core.plsc` for the formulas. A solution is *inadmissible* when a corrected
    construct correlation or a loading exceeds 1 in absolute value, rho_A exceeds 1 or is not
    positive, the corrected correlation matrix is not positive semi-definite, or an R-squared
    exceeds 1; :class:`~acsi.errors.InadmissibleSolutionWarning` says which, and the numbers
    are returned unchanged (never clamped).

    References
    ----------
    Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least squares path modeling.
    *MIS Quarterly* 39(2), 297-316.
    """

    method: ClassVar[str] = "plsc"
    scheme: Scheme = "path"
    tol: float = 1e-10
    max_iter: int = 1000
    index_weights: IndexWeights = "fornell"
    ordinal: OrdinalMode = "declared"

    def __post_init__(self) -> None:
        # Validation is PLSPM's: build one to check the settings once.
        self._pls()

    def _pls(self) -> PLSPM:
        return PLSPM(
            scheme=self.scheme,
            standardized=True,
            tol=self.tol,
            max_iter=self.max_iter,
            index_weights=self.index_weights,
            ordinal=self.ordinal,
        )

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """Consistent PLS arrays (step 3 of :meth:`EstimatorBase.fit <acsi.estimators.base.EstimatorBase.fit>`).

        Returns
        -------
        Estimate
            ``method="plsc"``; ``loadings`` consistent, ``construct_correlations``,
            ``paths``, ``r_squared`` from the corrected correlations; ``reliability`` holds
            rho_A, rho_C (from the consistent loadings), Cronbach's alpha and AVE; ``model_fit``
            SRMR, d_ULS and d_G of the saturated and the estimated model.

        Warns
        -----
        InadmissibleSolutionWarning
            The corrected solution is inadmissible (see Notes of the class).
        ConvergenceWarning, NegativeWeightWarning
            As :meth:`PLSPM.fit`.
        """
        base = self._pls().estimate(spec, data, mean, covariance)
        structure = model_structure(spec)
        reflective = np.array([c.mode is Mode.REFLECTIVE for c in spec.constructs])
        S = correlation(covariance)
        k = structure.n_constructs
        W = np.zeros((structure.n_indicators, k))
        W[np.arange(structure.n_indicators), structure.block] = base.standardized_weights
        result = kernel.correct(S, W, structure, reflective)
        names = spec.construct_names
        issued = list(base.warnings)
        problems = _admissibility(result, names, data.indicators, reflective, structure.block)
        if problems:
            message = (
                "Consistent PLS gave an inadmissible solution: " + "; ".join(problems) + ". The corrected "
                "estimates are returned unchanged but cannot be interpreted as factor-model parameters; "
                "check for near-collinear constructs or weak blocks, or use method='pls'."
            )
            issued.append(message)
            notices.issue(message, InadmissibleSolutionWarning, stacklevel=3)

        loadings = result.loadings
        cross = loadings[:, None] * result.correlations[structure.block, :]
        reliability = self._reliability(S, loadings, result, structure, names, reflective)
        model_fit = fit_measures.model_fit(
            S, W, result.loadings, result.correlations, result.paths, result.r_squared, structure, reflective
        )
        return dataclasses.replace(
            base,
            settings=dict(base.settings) | {"correction": "rho_a"},
            cross_loading_matrix=cross,
            construct_correlation_matrix=result.correlations,
            path_matrix=result.paths,
            r_squared_vector=result.r_squared,
            warnings=tuple(issued),
            reliability=reliability,
            model_fit=model_fit,
        )

    @staticmethod
    def _reliability(
        S: np.ndarray,
        loadings: np.ndarray,
        result: kernel.Consistent,
        structure: Structure,
        names: Sequence[str],
        reflective: np.ndarray,
    ) -> dict[str, dict[str, float]]:
        rho_a: dict[str, float] = {}
        rho_c: dict[str, float] = {}
        alpha: dict[str, float] = {}
        ave: dict[str, float] = {}
        for b, name in enumerate(names):
            idx = np.flatnonzero(structure.block == b)
            lam = loadings[idx]
            size = idx.size
            if not np.isnan(result.rho_a[b]):
                rho_a[name] = float(result.rho_a[b])
            rho_c[name] = composite_reliability(lam)
            ave[name] = float((lam**2).mean())
            if size > 1:
                alpha[name] = float(cronbach_alpha(S[np.ix_(idx, idx)]))
        return {"rho_a": rho_a, "composite_reliability": rho_c, "cronbach_alpha": alpha, "ave": ave}


def _admissibility(
    result: kernel.Consistent, names: Sequence[str], indicators: Sequence[str], reflective: np.ndarray, block: np.ndarray
) -> list[str]:
    """Human-readable list of what makes a corrected solution inadmissible."""
    slack = kernel.ADMISSIBLE_SLACK
    problems: list[str] = []
    R = result.correlations
    k = len(names)
    for i in range(k):
        for j in range(i + 1, k):
            if not np.isfinite(R[i, j]) or abs(R[i, j]) > 1 + slack:
                problems.append(f"correlation of '{names[i]}' and '{names[j]}' is {R[i, j]:.4f}")
    for b in np.flatnonzero(reflective):
        value = result.rho_a[b]
        if not (0 < value <= 1 + slack):
            problems.append(f"rho_A of '{names[int(b)]}' is {value:.4f}")
    for j, value in enumerate(result.loadings):
        if abs(value) > 1 + slack:
            problems.append(f"loading of '{indicators[j]}' on '{names[block[j]]}' is {value:.4f} (negative error variance)")
    if np.isfinite(R).all() and np.linalg.eigvalsh(R)[0] < -slack:
        problems.append("the corrected construct correlation matrix is not positive semi-definite")
    for j, value in enumerate(result.r_squared):
        if not np.isfinite(value) or value > 1 + slack:
            problems.append(f"R-squared of '{names[j]}' is {value:.4f} (negative residual variance)")
    return problems
