"""PLS path modelling with interaction (moderation) terms: build each ``A:B`` construct from the data, then fit.

:class:`InteractionPLS` wraps a :class:`~acsi.estimators.pls.PLSPM`. Its ``fit`` prepares the
data of the main-effects model, computes the indicators of every interaction construct
(:mod:`acsi.core.interaction_terms`; names from :mod:`acsi.spec.interactions`) and fits the
spec with the interactions built as constructs. Given data that already hold the interaction
columns (a resample of a fit's own data, as the bootstrap and the other refits pass), it
recomputes them from the main indicators of those rows, so every resample standardises,
multiplies (and, two-stage, re-estimates stage 1) on its own: the bootstrap intervals of an
interaction path carry the uncertainty of the product terms.

Every construct score has unit variance, the interaction's too: its path ``"A:B -> C"`` is
the effect of one standard deviation of the product term. See the README ("Moderation") for
the conversion to the unstandardised product of the scores.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
import pandas as pd

from acsi import notices
from acsi.core.interaction_terms import orthogonalise, pairwise_products, standardise
from acsi.data import IndicatorData, MissingPolicy, prepare
from acsi.errors import ParameterError
from acsi.estimators.pls import PLSPM
from acsi.estimators.plsc import PLSc
from acsi.results import FitResult
from acsi.spec.interactions import APPROACHES, Approach, expand, main_effects
from acsi.spec.model import Interaction, ModelSpec, Scale
from acsi.validate import check_choice

#: Missing-data treatments whose rows are complete, so that products of indicators exist.
COMPLETE_ROWS = ("error", "listwise")


@dataclass(frozen=True, kw_only=True)
class InteractionPLS:
    """PLS with interaction terms built by ``approach``: ``"product-indicator"``, ``"orthogonal"`` or ``"two-stage"``.

    Parameters
    ----------
    base : PLSPM or PLSc
        The estimator of every stage (PLSc: used by :class:`~acsi.estimators.interaction_plsc.InteractionPLSc`).
    approach : {"product-indicator", "orthogonal", "two-stage"}
        How the interaction constructs are measured (:mod:`acsi.spec.interactions`).
    """

    method: ClassVar[str] = "pls"
    base: PLSPM | PLSc = field(default_factory=PLSPM)
    approach: Approach = "two-stage"

    def __post_init__(self) -> None:
        check_choice("interactions", self.approach, APPROACHES)
        if not (isinstance(self.base, PLSc) or (isinstance(self.base, PLSPM) and self.base.standardized)):
            raise ParameterError("Interaction terms are built for PLS on standardised indicators (method='pls', raw=False).")

    @property
    def index_weights(self) -> str:
        return self.base.index_weights

    def fit(
        self,
        spec: ModelSpec,
        data: pd.DataFrame | IndicatorData,
        *,
        scale: tuple[float, float] | Scale | None = None,
        missing: MissingPolicy = "error",
    ) -> FitResult:
        """Fit ``spec`` with its interactions built from ``data``; ``result.spec`` has them as constructs.

        Raises
        ------
        ParameterError
            A missing-data treatment that fills cells or models moments (products need complete rows).
        """
        require_complete_rows(missing)
        main = main_effects(spec)
        main_data = main_effects_data(main, data, scale, missing)
        built = expand(dataclasses.replace(main, interactions=spec.interactions), self.approach)  # rebuilt for this approach
        scores = self._stage_one_scores(main, main_data) if self.approach == "two-stage" else None
        values = [main_data.values] + [self._term_values(main, main_data, term, scores) for term in spec.interactions]
        stacked = np.hstack(values)
        stacked.setflags(write=False)
        data_built = replace(main_data, values=stacked, indicators=built.indicators)
        result = self.base.fit(built, data_built)
        return replace(result, estimator=self, settings=dict(result.settings) | {"interactions": self.approach})

    def _term_values(self, main: ModelSpec, data: IndicatorData, term: Interaction, scores: np.ndarray | None) -> np.ndarray:
        """The indicator values of one interaction construct, (n, m); ``scores``: the stage-1 scores (two-stage)."""
        if scores is not None:
            i, j = main.construct_names.index(term.left), main.construct_names.index(term.right)
            return np.asarray(scores[:, [i]] * scores[:, [j]])
        weights = data.case_weights
        left = [data.indicators.index(name) for name in main.construct(term.left).indicators]
        right = [data.indicators.index(name) for name in main.construct(term.right).indicators]
        Z = standardise(data.values, weights)
        products = pairwise_products(Z[:, left], Z[:, right])
        if self.approach == "orthogonal":
            return orthogonalise(products, Z[:, left + right], weights)
        return products

    def _stage_one_scores(self, main: ModelSpec, data: IndicatorData) -> np.ndarray:
        """Construct scores (unit variance) of the main-effects model; its warnings are the stage-2 fit's to give."""
        with notices.recorded():
            return np.asarray(self.base.fit(main, data).score_matrix)


def require_complete_rows(missing: str) -> None:
    """Raise :class:`~acsi.errors.ParameterError` unless ``missing`` leaves complete rows (:data:`COMPLETE_ROWS`)."""
    if missing not in COMPLETE_ROWS:
        raise ParameterError(
            f"Interaction terms multiply the values of complete rows; missing={missing!r} is not available with them. "
            "Use missing='error' or 'listwise'."
        )


def main_effects_data(
    main: ModelSpec, data: pd.DataFrame | IndicatorData, scale: tuple[float, float] | Scale | None, missing: MissingPolicy
) -> IndicatorData:
    """The prepared data of the main-effects model ``main`` (the main columns of prepared data given).

    Raises
    ------
    ParameterError
        Prepared data whose missing-data treatment leaves incomplete rows (products need complete rows).
    """
    if not isinstance(data, IndicatorData):
        return prepare(main, data, scale=scale, missing=missing)
    if data.moments is not None or data.missing not in COMPLETE_ROWS:
        raise ParameterError(
            f"These IndicatorData were prepared with missing={data.missing!r}; interaction terms need complete rows "
            "(missing='error' or 'listwise')."
        )
    columns = [data.indicators.index(name) for name in main.indicators]
    values = data.values[:, columns]
    values.setflags(write=False)
    return replace(data, values=values, indicators=main.indicators)
