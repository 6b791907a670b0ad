"""Latent interactions by covariance-based SEM through semopy: product indicators, double-mean-centred.

:class:`InteractionCBSEM` fits a spec with interaction terms ``A:B`` by the *unconstrained
approach* of Marsh, Wen & Hau (2004) with the *double-mean-centring* of Lin, Wen, Marsh & Lin
(2010):

- every indicator of A and of B is mean-centred, each of their ``p q`` products ``a_i:b_j``
  (all pairs, left-major; the names of :func:`acsi.spec.interactions.product_indicator_names`)
  is centred again (:func:`acsi.core.interaction_terms.double_mean_centred_products`), so the
  model needs no mean structure and is fitted to covariances alone;
- the latent interaction ``A:B`` is a common factor measured by those products, with free
  loadings (marker: the first product's loading is 1), free variance and free covariances with
  every exogenous factor (unconstrained: none of the nonlinear constraints of Kenny & Judd 1984
  or Jöreskog & Yang 1996);
- the residuals of two products that share an indicator (``a_i:b_j`` and ``a_i:b_k``, or
  ``a_i:b_j`` and ``a_k:b_j``) covary freely (Marsh, Wen & Hau 2004), added to the spec as
  ``~~`` statements.

The model is then fitted by :class:`~acsi.estimators.cbsem.CBSEM` (maximum likelihood by
default) on the main indicators and the products; ``result.spec`` holds the interaction
constructs and the residual covariances. With the marker identification each factor takes the
scale of its first indicator, so the latent interaction is the (centred) product ``A B`` of A
and B on their markers' scales and ``paths["A:B -> C"]`` is the change in C per unit of that
product. ``standardized["paths"]["A:B -> C"]`` is the completely standardised coefficient: the
effect of one standard deviation of the latent product, i.e. of ``(A B - cov(A, B)) / sd(A B)``,
the unit-variance convention of every other construct (for normal A, B with correlation r,
``sd(A B) = sd(A) sd(B) sqrt(1 + r^2)``). With ``std_lv=True`` the factors A, B and ``A:B`` have
unit variance instead (C unit residual variance), so the unstandardised path is the effect of one
standard deviation of the latent product in units of C's residual standard deviation.

Product indicators are not normal, so maximum likelihood is a quasi-likelihood here: the
estimates are consistent, the standard errors and the chi-square assume normality (bootstrap
them: the estimator stored in the result rebuilds the products from each resample's rows).

References: Marsh, H. W., Wen, Z., & Hau, K.-T. (2004). Structural equation models of latent
interactions: evaluation of alternative estimation strategies and indicator construction.
*Psychological Methods* 9(3), 275-300. Lin, G.-C., Wen, Z., Marsh, H. W., & Lin, H.-S. (2010).
Structural equation models of latent interactions: clarification of orthogonalizing and
double-mean-centering strategies. *Structural Equation Modeling* 17(3), 374-391.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from acsi import notices
from acsi.core.interaction_terms import double_mean_centred_products
from acsi.data import IndicatorData, MissingPolicy
from acsi.errors import SpecError
from acsi.estimators.base import Estimate, EstimatorBase
from acsi.estimators.cbsem import CBSEM
from acsi.estimators.interaction_pls import main_effects_data, require_complete_rows
from acsi.results import FitResult
from acsi.spec.interactions import expand, main_effects
from acsi.spec.model import Covariance, FixedValue, Interaction, ModelSpec, Path, Scale

__all__ = ["InteractionCBSEM", "product_indicator_model"]

#: ``result.settings["interaction_centring"]`` of these fits.
CENTRING = "double-mean-centred (Lin et al. 2010)"
#: What stands for ``:`` in the names semopy reads (its parser takes no ``:``).
_COLON = "__acsi_x__"


def _components(spec: ModelSpec, term: Interaction) -> dict[str, frozenset[str]]:
    """Each product indicator of ``term`` -> the two indicators it multiplies (``spec``: the main effects)."""
    left, right = spec.construct(term.left).indicators, spec.construct(term.right).indicators
    return {f"{a}:{b}": frozenset((a, b)) for a in left for b in right}


def _without_product_covariances(spec: ModelSpec) -> ModelSpec:
    """``spec`` without the covariances that name an indicator of a built interaction construct."""
    built = {term.name for term in spec.interactions} & set(spec.construct_names)
    products = {i for name in built for i in spec.construct(name).indicators}
    kept = tuple(c for c in spec.covariances if not {c.left, c.right} & products)
    return spec if len(kept) == len(spec.covariances) else replace(spec, covariances=kept)


def product_indicator_model(spec: ModelSpec) -> ModelSpec:
    """``spec`` with each interaction built as a factor of its products and their residual covariances.

    The products are those of :func:`acsi.spec.interactions.expand` (``"product-indicator"``);
    every two of them that share an indicator (within a term or across terms) get a free residual
    covariance ``a_i:b_j ~~ a_i:b_k``. A spec already built (a fit's ``result.spec``) is rebuilt
    from its main effects, so it gives the same model.

    Raises
    ------
    NotImplementedError
        A term of an interaction that is an endogenous construct (the unconstrained approach
        treats the latent product as exogenous, covarying with its exogenous first-order factors).
    """
    main = main_effects(_without_product_covariances(spec))
    for term in spec.interactions:
        endogenous = [end for end in (term.left, term.right) if end in main.endogenous]
        if endogenous:
            raise NotImplementedError(
                f"Interaction '{term.name}' with method='cbsem': '{endogenous[0]}' is endogenous; the product-indicator "
                "approach (unconstrained, Marsh, Wen & Hau 2004) is built for products of exogenous factors. Use "
                "method='pls' or 'plsc', or make both terms exogenous."
            )
    components: dict[str, frozenset[str]] = {}
    for term in spec.interactions:
        components |= _components(main, term)
    residual = tuple(Covariance(s, t) for s, t in combinations(components, 2) if components[s] & components[t])
    built = expand(replace(main, interactions=spec.interactions), "product-indicator")
    return replace(built, covariances=built.covariances + residual)


@dataclass(frozen=True, kw_only=True)
class InteractionCBSEM:
    """CB-SEM with latent interactions measured by double-mean-centred product indicators (see the module notes).

    Parameters
    ----------
    base : CBSEM
        The covariance-based estimator (objective, identification, starts) fitting the built model.
    """

    method: ClassVar[str] = "cbsem"
    base: CBSEM = field(default_factory=CBSEM)

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
        """Fit ``spec`` with its interactions built from ``data``'s complete rows; ``result.spec`` has them as factors.

        ``data`` may hold the product columns already (a resample of a fit's own data): they are
        recomputed from the main indicators of its rows.

        Raises
        ------
        ParameterError
            A missing-data treatment that fills cells or models moments (products need complete rows).
        NotImplementedError
            Ordinal indicators (polychoric correlations of products are not defined), or an
            endogenous term (:func:`product_indicator_model`).
        """
        require_complete_rows(missing)
        if (spec.ordinal and self.base.ordinal == "declared") or self.base.ordinal == "auto":
            raise NotImplementedError(
                "method='cbsem' with interaction terms fits product indicators of interval items; ordinal indicators "
                f"(ordinal={self.base.ordinal!r}, declared: {list(spec.ordinal)}) are not built for it. Use ordinal='none'."
            )
        built = product_indicator_model(spec)
        main = main_effects(_without_product_covariances(built))
        main_data = main_effects_data(main, data, scale, missing)
        values = [main_data.values]
        for term in spec.interactions:
            left = [main.indicators.index(name) for name in main.construct(term.left).indicators]
            right = [main.indicators.index(name) for name in main.construct(term.right).indicators]
            values.append(
                double_mean_centred_products(main_data.values[:, left], main_data.values[:, right], main_data.case_weights)
            )
        stacked = np.hstack(values)
        stacked.setflags(write=False)
        result = _SemopyNames(base=self.base).fit(built, replace(main_data, values=stacked, indicators=built.indicators))
        settings = dict(result.settings) | {"interactions": "product-indicator", "interaction_centring": CENTRING}
        return replace(result, estimator=self, settings=settings)


@dataclass(frozen=True, kw_only=True)
class _SemopyNames(EstimatorBase):
    """``base`` fitting a spec whose names hold ``:`` (``A:B``, ``a1:b1``): semopy reads them with
    :data:`_COLON` in its place, and the estimate's labels are given back their ``:``."""

    method: ClassVar[str] = "cbsem"
    base: CBSEM

    @property
    def index_weights(self) -> str:  # type: ignore[override]
        return self.base.index_weights

    def check_spec(self, spec: ModelSpec) -> None:
        """What :meth:`CBSEM.check_spec` refuses, and a name that holds :data:`_COLON` already."""
        clash = [name for name in spec.construct_names + spec.indicators if _COLON in name]
        if clash:
            raise SpecError(
                f"The name '{clash[0]}' holds '{_COLON}', which acsi reserves for CB-SEM interactions.", culprit=clash[0]
            )
        self.base.check_spec(spec)

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """:meth:`CBSEM.estimate` on the renamed spec and data, its labels and warnings renamed back."""

        def safe(name: str) -> str:
            return name.replace(":", _COLON)

        renamed = ModelSpec(
            constructs=tuple(replace(c, name=safe(c.name), indicators=tuple(map(safe, c.indicators))) for c in spec.constructs),
            paths=tuple(Path(safe(p.source), safe(p.target)) for p in spec.paths),
            covariances=tuple(Covariance(safe(c.left), safe(c.right)) for c in spec.covariances),
            fixed=tuple(FixedValue(safe(f.lhs), f.op, safe(f.rhs), f.value) for f in spec.fixed),
        )
        with notices.recorded() as issued:
            estimate = self.base.estimate(renamed, replace(data, indicators=tuple(map(safe, data.indicators))), mean, covariance)
        for category, message in issued:
            notices.issue(_restored(message), category, stacklevel=3)
        return replace(
            estimate,
            settings=_restored(dict(estimate.settings)),
            warnings=_restored(estimate.warnings),
            standardized=_restored(estimate.standardized),
            std_errors=_restored(estimate.std_errors),
            parameter_table=None if estimate.parameter_table is None else estimate.parameter_table.map(_restored),
        )


def _restored(value: Any) -> Any:
    """``value`` (str, or dicts, tuples and lists of them) with :data:`_COLON` turned back into ``:``."""
    if isinstance(value, str):
        return value.replace(_COLON, ":")
    if isinstance(value, dict):
        return {_restored(k): _restored(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_restored(v) for v in value)
    return value
