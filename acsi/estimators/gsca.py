"""Generalized structured component analysis (GSCA, Hwang & Takane 2004).

:class:`GSCA` runs the alternating-least-squares kernel :func:`acsi.core.gsca.gsca` on the
indicator correlation matrix and returns the same :class:`~acsi.results.FitResult` and JSON
keys as PLS, plus ``fit_indices`` ``{"fit", "afit"}``. Every construct is estimated as a
component (a weighted sum of its indicators), whatever its declared mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from acsi import notices
from acsi.core import gsca as kernel
from acsi.core.moments import correlation
from acsi.data import IndicatorData
from acsi.errors import ConvergenceWarning
from acsi.estimators.base import Estimate, EstimatorBase, check_settings
from acsi.index import INDEX_WEIGHTS, IndexWeights
from acsi.spec.model import ModelSpec
from acsi.structure import model_structure


@dataclass(frozen=True, kw_only=True)
class GSCA(EstimatorBase):
    """GSCA settings.

    Parameters
    ----------
    tol : float
        Stop when the least-squares criterion changes by less than ``tol`` times its
        total ``SS(ZV)``.
    max_iter : int
        Iteration limit; reaching it issues :class:`~acsi.errors.ConvergenceWarning`.
    index_weights : {"fornell", "standardized", "equal"}
        Weights of the 0-100 index, applied to the GSCA weights as for PLS.

    References
    ----------
    Hwang, H., & Takane, Y. (2004). Generalized structured component analysis.
    *Psychometrika* 69(1), 81-99.
    """

    method: ClassVar[str] = "gsca"
    tol: float = 1e-10
    max_iter: int = 1000
    index_weights: IndexWeights = "fornell"

    def __post_init__(self) -> None:
        check_settings(
            self,
            {"tol": ("fraction", None), "max_iter": ("positive_int", None), "index_weights": ("choice", INDEX_WEIGHTS)},
        )

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """GSCA arrays (step 3 of :meth:`EstimatorBase.fit <acsi.estimators.base.EstimatorBase.fit>`).

        Returns
        -------
        Estimate
            ``fit_indices`` holds FIT and AFIT.

        Warns
        -----
        ConvergenceWarning
            The criterion did not settle within ``max_iter`` iterations.
        """
        structure = model_structure(spec)
        n = data.values.shape[0]
        sd = np.sqrt(np.diag(covariance))
        S = correlation(covariance)
        solution = kernel.gsca(S, structure, tol=self.tol, max_iter=self.max_iter)
        issued: list[str] = []
        if not solution.converged:
            message = (
                f"GSCA did not converge within max_iter={self.max_iter} iterations (tol={self.tol:g}); the estimates "
                "are unreliable. Raise max_iter or loosen tol."
            )
            issued.append(message)
            notices.issue(message, ConvergenceWarning, stacklevel=3)
        W = solution.weights
        weights = W[np.arange(structure.n_indicators), structure.block]
        divisor = sd * math.sqrt(n / (n - 1))
        return Estimate(
            settings={"tol": self.tol, "max_iter": self.max_iter, "index_weights": self.index_weights, "standardized": True},
            converged=solution.converged,
            n_iter=solution.n_iter,
            outer_weights=weights,
            standardized_weights=weights,
            cross_loading_matrix=S @ W,  # indicator-component correlations (unit-variance components)
            construct_correlation_matrix=W.T @ S @ W,
            path_matrix=solution.paths,
            r_squared_vector=solution.r_squared,
            score_weights=W / divisor[:, None],
            warnings=tuple(issued),
            fit_indices={"fit": solution.fit, "afit": kernel.adjusted_fit(solution.fit, n, structure)},
        )
