"""Regression on sum scores: each construct the unit-weighted sum of its standardised indicators.

The baseline every PLS and SEM simulation compares against (Goodhue, Lewis & Thompson 2012,
"regression with equally weighted indicators"; Kock 2019, "OLS regression with summed
indicators"; Rönkkö & Evermann 2013, "summed scales"). With S the indicator correlation matrix
and the block indicator matrix E (``E[i, b] = 1`` when indicator i measures construct b), the
scores are ``X_std W`` with

    W = E diag(E' S E)^(-1/2)          (unit-variance sum scores),

their correlations ``R = W' S W``, the loadings ``S W`` and the paths the OLS solution
``beta_j = R_PP^-1 r_Pj`` of every endogenous construct j on its predecessors P. Nothing is
iterated. The declared mode is ignored (every block is summed), and so is the scale of the raw
indicators (they are standardised first; on items of one rating scale with similar spreads a sum
of the raw items gives nearly the same scores).

Like PLS and GSCA the sum score is a composite: on common-factor data its paths are attenuated
by the reliability of the sums (Cronbach's alpha on standardised items), which is the point of
the comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from acsi.core import pls as kernel
from acsi.core.moments import correlation
from acsi.data import IndicatorData
from acsi.errors import EstimationError
from acsi.estimators.base import Estimate, EstimatorBase, check_settings
from acsi.index import INDEX_WEIGHTS, IndexWeights
from acsi.spec.model import ModelSpec
from acsi.structure import model_structure


@dataclass(frozen=True, kw_only=True)
class SumScore(EstimatorBase):
    """Sum-score regression settings.

    Parameters
    ----------
    index_weights : {"fornell", "standardized", "equal"}
        Weights of the 0-100 index (see :mod:`acsi.index`), applied to the equal standardised
        weights as for PLS.

    References
    ----------
    Goodhue, D. L., Lewis, W., & Thompson, R. (2012). Does PLS have advantages for small sample
    size or non-normal data? *MIS Quarterly* 36(3), 981-1001.
    """

    method: ClassVar[str] = "sumscore"
    index_weights: IndexWeights = "fornell"

    def __post_init__(self) -> None:
        check_settings(self, {"index_weights": ("choice", INDEX_WEIGHTS)})

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """Sum-score arrays (step 3 of :meth:`EstimatorBase.fit <acsi.estimators.base.EstimatorBase.fit>`).

        Raises
        ------
        EstimationError
            A sum score has no variance (its standardised indicators cancel out) or the sum
            scores of some predictors are perfectly collinear.
        """
        structure = model_structure(spec)
        n = data.values.shape[0]
        sd = np.sqrt(np.diag(covariance))
        S = correlation(covariance)
        E = structure.mask.astype(float)
        variance = np.einsum("ib,ij,jb->b", E, S, E)
        if np.any(variance <= 1e-12 * E.sum(axis=0) ** 2):
            flat = [spec.construct_names[b] for b in np.flatnonzero(variance <= 1e-12 * E.sum(axis=0) ** 2)]
            raise EstimationError(
                f"The sum score of {', '.join(repr(c) for c in flat)} has no variance: its standardised indicators "
                "cancel out (some are perfectly negatively correlated). Reverse-code those indicators."
            )
        W = kernel.orient(E / np.sqrt(variance), S, structure)
        R = W.T @ S @ W
        try:
            B, r_squared = kernel.path_coefficients(R, structure)
        except np.linalg.LinAlgError as err:
            raise EstimationError(
                "The sum scores of some predictors are perfectly collinear, so the path coefficients are not "
                "identified. Check for duplicated blocks or indicators."
            ) from err
        weights = W[np.arange(structure.n_indicators), structure.block]
        divisor = sd * math.sqrt(n / (n - 1))
        return Estimate(
            settings={"index_weights": self.index_weights, "standardized": True},
            converged=True,
            n_iter=0,
            outer_weights=weights,
            standardized_weights=weights,
            cross_loading_matrix=S @ W,
            construct_correlation_matrix=R,
            path_matrix=B,
            r_squared_vector=r_squared,
            score_weights=W / divisor[:, None],
        )
