"""Consistent PLS with interaction terms (Dijkstra & Schermelleh-Engel 2014), two-stage proxies.

:class:`InteractionPLSc` fits the spec with each ``A:B`` built as in the two-stage approach
(:class:`~acsi.estimators.interaction_pls.InteractionPLS`: one indicator, the product of the
stage-1 PLS scores) through :class:`~acsi.estimators.plsc.PLSc`, then replaces the row and
column of every interaction construct in the consistent construct correlations by the
consistent moments of the latent product (:func:`acsi.core.interaction_terms.latent_product_moments`:
third and fourth moments of the PLS proxies divided by their reliabilities), and re-solves the
paths and R-squared from the corrected matrix. The interaction's path is the effect of the
standardised latent product (unit variance), as for PLS.

The weights, scores, loadings and 0-100 indices are those of the PLSc fit; the PLSc model-fit
measures (SRMR, d_ULS, d_G) of a linear composite model do not apply and are left out. The
latent products must be those of normal-like constructs with independent measurement errors
(the assumptions of the correction); several interactions are corrected one by one, their
mutual correlation is the proxies' (uncorrected).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
import pandas as pd

from acsi.core.interaction_terms import latent_product_moments
from acsi.core.pls import path_coefficients
from acsi.data import IndicatorData, MissingPolicy
from acsi.estimators.interaction_pls import InteractionPLS
from acsi.estimators.plsc import PLSc
from acsi.results import FitResult
from acsi.spec.model import ModelSpec, Scale
from acsi.structure import model_structure


@dataclass(frozen=True, kw_only=True)
class InteractionPLSc:
    """Consistent PLS with two-stage interaction terms corrected for measurement error (see the module notes)."""

    method: ClassVar[str] = "plsc"
    base: PLSc = field(default_factory=PLSc)

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
        """Fit ``spec`` by PLSc with its interactions built (two-stage) and their moments made consistent."""
        built = InteractionPLS(base=self.base, approach="two-stage").fit(spec, data, scale=scale, missing=missing)
        names = built.constructs
        rho_a = dict((built.reliability or {}).get("rho_a", {}))
        rho = np.array([rho_a.get(name, 1.0) for name in names])
        R = np.array(built.construct_correlation_matrix, dtype=float)
        scores = np.asarray(built.score_matrix)
        for term in built.spec.interactions:
            p, left, right = names.index(term.name), names.index(term.left), names.index(term.right)
            correlations, _ = latent_product_moments(scores, rho, R, left, right, built.case_weights)
            R[p, :] = R[:, p] = correlations
            R[p, p] = 1.0
            rho_a[term.name] = float(rho[left] * rho[right])
        B, r_squared = path_coefficients(R, model_structure(built.spec))
        for array in (R, B, r_squared):
            array.setflags(write=False)
        reliability = dict(built.reliability or {}) | {"rho_a": rho_a}
        settings = dict(built.settings) | {"interactions": "two-stage", "interaction_correction": "dijkstra-schermelleh-engel"}
        return replace(
            built,
            construct_correlation_matrix=R,
            path_matrix=B,
            r_squared_vector=r_squared,
            reliability=reliability,
            model_fit=None,
            settings=settings,
            estimator=self,
        )
