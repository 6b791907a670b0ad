"""The interaction constructs of a spec: the main-effects model, and the spec with each ``A:B`` built as a construct.

An :class:`~acsi.spec.model.Interaction` ``A:B`` with targets ``C`` becomes a construct named
``"A:B"`` with paths ``"A:B -> C"``. Its indicators depend on the approach (Henseler & Chin
2010; seminr ``interaction_term``):

- ``product-indicator`` and ``orthogonal``: one indicator ``"a_i:b_j"`` per pair of indicators of
  A and B (the product of the standardised indicators; orthogonalised, the residual of that
  product regressed on all indicators of A and B, Little, Bovaird & Widaman 2006);
- ``two-stage``: one indicator ``"A*B"``, the product of the stage-1 construct scores of A and B.

The values of these indicators are computed from the data by
:mod:`acsi.estimators.interaction_pls`; this module only names them.

References: Henseler, J., & Chin, W. W. (2010). A comparison of approaches for the analysis of
interaction effects between latent variables using partial least squares path modeling.
*Structural Equation Modeling* 17(1), 82-109. Little, T. D., Bovaird, J. A., & Widaman, K. F.
(2006). On the merits of orthogonalizing powered and product terms. *Structural Equation
Modeling* 13(4), 497-519.
"""

from __future__ import annotations

from typing import Literal

from acsi.spec.model import Construct, Interaction, Mode, ModelSpec, Path

Approach = Literal["product-indicator", "orthogonal", "two-stage"]
#: The approaches, in the order the CLI lists them.
APPROACHES: tuple[str, ...] = ("product-indicator", "orthogonal", "two-stage")


def is_built(spec: ModelSpec) -> bool:
    """True when every interaction of ``spec`` is already a construct (the spec a fit returns)."""
    return all(term.name in spec.construct_names for term in spec.interactions)


def main_effects(spec: ModelSpec) -> ModelSpec:
    """``spec`` without its interactions: no interaction construct, no path from one, no ``interactions``."""
    products = {term.name for term in spec.interactions}
    return ModelSpec(
        constructs=tuple(c for c in spec.constructs if c.name not in products),
        paths=tuple(p for p in spec.paths if p.source not in products),
        scales=spec.scales,
        covariances=spec.covariances,
        fixed=spec.fixed,
        name=spec.name,
        description=spec.description,
    )


def product_indicator_names(spec: ModelSpec, term: Interaction, approach: Approach) -> tuple[str, ...]:
    """The indicators of the interaction construct ``term`` under ``approach`` (see the module notes)."""
    if approach == "two-stage":
        return (f"{term.left}*{term.right}",)
    left, right = spec.construct(term.left).indicators, spec.construct(term.right).indicators
    return tuple(f"{a}:{b}" for a in left for b in right)


def expand(spec: ModelSpec, approach: Approach) -> ModelSpec:
    """The spec with each interaction built as a reflective (Mode A) construct and its paths added.

    The interaction constructs follow the main constructs; their paths follow the main paths,
    in the order of the interactions and their targets. A spec already built is returned as
    it is.
    """
    if is_built(spec):
        return spec
    main = main_effects(spec)
    built = tuple(
        Construct(term.name, product_indicator_names(main, term, approach), Mode.REFLECTIVE) for term in spec.interactions
    )
    paths = tuple(Path(term.name, target) for term in spec.interactions for target in term.targets)
    return ModelSpec(
        constructs=main.constructs + built,
        paths=main.paths + paths,
        scales=spec.scales,
        covariances=spec.covariances,
        fixed=spec.fixed,
        name=spec.name,
        description=spec.description,
        interactions=spec.interactions,
    )
