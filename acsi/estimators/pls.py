"""PLS path modelling (Wold / Lohmöller), the estimator ACSI uses.

:class:`PLSPM` holds validated, keyword-only settings; :meth:`PLSPM.fit` turns a spec and
data into arrays, runs the pure kernel of :mod:`acsi.core.pls` on the indicator
correlation (or covariance) matrix, orients the constructs, and returns a
:class:`~acsi.results.FitResult`.

Matches R plspm 0.5.1 (all three schemes, ``scaled = TRUE`` and ``FALSE``) and ADANCO
2.2.1 (Mode B) on ``satisfaction`` to the tolerances of ``shared/reference``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from acsi import notices
from acsi.core import pls as kernel
from acsi.core.moments import correlation
from acsi.data import IndicatorData
from acsi.errors import ConvergenceWarning, EstimationError, ParameterError
from acsi.estimators.base import Estimate, EstimatorBase, check_settings
from acsi.estimators.ordinal import ORDINAL_MODES, OrdinalMode, ordinal_indicators
from acsi.index import INDEX_WEIGHTS, IndexWeights
from acsi.spec.model import ModelSpec
from acsi.structure import model_structure


@dataclass(frozen=True, kw_only=True)
class PLSPM(EstimatorBase):
    """PLS path modelling settings.

    Parameters
    ----------
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme; ``"path"`` (the default of ACSI practice, SmartPLS and seminr).
    standardized : bool
        True (default): indicators standardised, the solution depends only on their
        correlation matrix. False: indicators only centred (R plspm ``scaled = FALSE``);
        weights are then raw-scale and scores have unit variance with divisor n.
    tol : float
        Convergence tolerance on the largest change of an outer weight.
    max_iter : int
        Iteration limit; reaching it issues :class:`~acsi.errors.ConvergenceWarning`.
    index_weights : {"fornell", "standardized", "equal"}
        Weights of the 0-100 index (see :mod:`acsi.index`).
    ordinal : {"declared", "auto", "none"}
        Which indicators are ordinal (:mod:`acsi.estimators.ordinal`): PLS then runs on their
        polychoric / polyserial correlations (OrdPLS); needs ``standardized=True``.

    Notes
    -----
    Sign convention: each construct is oriented so that the sum of its loadings is
    positive. A single-indicator block (ACSI complaints) thus points the way its indicator
    does, and a negative relation to other constructs stays negative.
    """

    method: ClassVar[str] = "pls"
    scheme: kernel.Scheme = "path"
    standardized: bool = True
    tol: float = 1e-10
    max_iter: int = 1000
    index_weights: IndexWeights = "fornell"
    ordinal: OrdinalMode = "declared"

    def __post_init__(self) -> None:
        check_settings(
            self,
            {
                "scheme": ("choice", kernel.SCHEMES),
                "standardized": ("bool", None),
                "tol": ("fraction", None),
                "max_iter": ("positive_int", None),
                "index_weights": ("choice", INDEX_WEIGHTS),
                "ordinal": ("choice", ORDINAL_MODES),
            },
        )

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """PLS arrays from prepared data and their moments (step 3 of :meth:`EstimatorBase.fit <acsi.estimators.base.EstimatorBase.fit>`).

        Also the first step of consistent PLS.

        Raises
        ------
        SpecError
            (from ``fit``) The spec has covariance statements, fixed values or unconnected constructs.
        EstimationError
            A Mode B block or a set of predictors is perfectly collinear.

        Warns
        -----
        ConvergenceWarning
            The weights did not settle within ``max_iter`` iterations.
        NegativeWeightWarning
            (from ``fit``) An index weight is negative.
        """
        issued: list[str] = []
        if not self.standardized and ordinal_indicators(spec, data, self.ordinal):
            raise ParameterError(
                "Ordinal indicators are analysed through their polychoric correlations, which have no raw scale; "
                "use standardized=True (no raw=True) or ordinal='none'."
            )
        structure = model_structure(spec)
        n = data.values.shape[0]
        sd = np.sqrt(np.diag(covariance))  # divisor n
        S = correlation(covariance) if self.standardized else covariance
        self._check_mode_b_blocks(spec, S, structure)

        try:
            solution = kernel.outer_weights(S, structure, self.scheme, tol=self.tol, max_iter=self.max_iter)
            W = kernel.orient(solution.weights, S, structure)
            C = S @ W
            R = W.T @ C
            B, r_squared = kernel.path_coefficients(R, structure)
        except np.linalg.LinAlgError as err:
            raise EstimationError(
                "The construct scores of some predictors are perfectly collinear, so the path weighting or the "
                "path coefficients are not identified. Check for duplicated blocks or indicators."
            ) from err
        converged = bool(solution.converged)
        if not converged:
            message = (
                f"PLS outer weights did not converge within max_iter={self.max_iter} iterations "
                f"(tol={self.tol:g}); the estimates are unreliable. Raise max_iter, loosen tol, or "
                "try scheme='factorial' or 'path'."
            )
            issued.append(message)
            notices.issue(message, ConvergenceWarning, stacklevel=3)
        cross_loadings = C / np.sqrt(np.diag(S))[:, None]
        rows = np.arange(structure.n_indicators)
        weights = W[rows, structure.block]
        # Scores: standardised indicators (divisor n - 1, as R's scale()) or centred ones (divisor n),
        # as one product with the data: scores = X @ (W / d) - (mean / d) @ W.
        divisor = sd * math.sqrt(n / (n - 1)) if self.standardized else np.ones_like(sd)
        return Estimate(
            settings={
                "scheme": self.scheme,
                "standardized": self.standardized,
                "tol": self.tol,
                "max_iter": self.max_iter,
                "index_weights": self.index_weights,
            },
            converged=converged,
            n_iter=int(solution.n_iter),
            outer_weights=weights,
            standardized_weights=weights if self.standardized else weights * sd,
            cross_loading_matrix=cross_loadings,
            construct_correlation_matrix=R,
            path_matrix=B,
            r_squared_vector=r_squared,
            score_weights=W / divisor[:, None],
            warnings=tuple(issued),
        )

    @staticmethod
    def _check_mode_b_blocks(spec: ModelSpec, S: np.ndarray, structure: kernel.Structure) -> None:
        for b in np.flatnonzero(structure.mode_b):
            idx = np.flatnonzero(structure.block == b)
            block_S = S[np.ix_(idx, idx)]
            if np.linalg.cond(block_S) > 1e12:
                raise EstimationError(
                    f"The indicators of Mode B construct '{spec.construct_names[b]}' are perfectly collinear "
                    "(their correlation matrix is singular), so regression weights do not exist. Remove a "
                    "redundant indicator or declare the construct reflective ('=~')."
                )
