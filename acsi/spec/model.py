"""The immutable, validated model specification.

A :class:`ModelSpec` names constructs with their indicators and measurement mode, the
structural paths between constructs, optional theoretical scales per indicator, and the
covariance statements and fixed values that only a covariance-based estimator uses. It
knows nothing about any dataset (cSEM ``parseModel``, lavaan's parameter table).

Its parts are defined in :mod:`acsi.spec.elements` (modes, scales, blocks, paths, covariances,
fixed values) and :mod:`acsi.spec.declarations` (higher-order constructs, derived indicators,
interactions) and are importable from here; :mod:`acsi.spec.validation` checks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from acsi.errors import SpecError
from acsi.spec.declarations import DerivedIndicator, HigherOrder, Interaction
from acsi.spec.elements import Construct, Covariance, FixedValue, Mode, Path, Scale
from acsi.spec.validation import validate_spec

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Construct",
    "Covariance",
    "DerivedIndicator",
    "FixedValue",
    "HigherOrder",
    "Interaction",
    "Mode",
    "ModelSpec",
    "Path",
    "Scale",
]


@dataclass(frozen=True)
class ModelSpec:
    """A validated, immutable model specification.

    Parameters
    ----------
    constructs : iterable of Construct
        The measurement model, in declaration order.
    paths : iterable of Path
        The structural model; must be acyclic.
    scales : mapping of indicator -> Scale, optional
        Theoretical answer-scale bounds used by the 0-100 index.
    covariances, fixed : iterable, optional
        ``~~`` statements and fixed values, kept for covariance-based SEM; PLS refuses them.
    name, description : str, optional
        Free text carried along for reports.
    higher_order : iterable of HigherOrder, optional
        Higher-order constructs over declared constructs; paths may start or end at them.
    derived : iterable of DerivedIndicator, optional
        Indicators computed from two data columns when the data are prepared (disconfirmation).
    ordinal : iterable of str, optional
        Indicators declared ordinal (ordered categories): with ``ordinal="declared"`` (the
        default of :func:`acsi.fit`) PLS, PLSc and CB-SEM use their polychoric / polyserial
        correlations (:mod:`acsi.estimators.ordinal`).

    Raises
    ------
    SpecError
        Naming the offending construct, indicator or path.
    """

    constructs: tuple[Construct, ...]
    paths: tuple[Path, ...] = ()
    scales: Mapping[str, Scale] = field(default_factory=dict)
    covariances: tuple[Covariance, ...] = ()
    fixed: tuple[FixedValue, ...] = ()
    name: str | None = None
    description: str | None = None
    higher_order: tuple[HigherOrder, ...] = ()
    derived: tuple[DerivedIndicator, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    ordinal: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "higher_order", tuple(self.higher_order))
        object.__setattr__(self, "derived", tuple(self.derived))
        object.__setattr__(self, "constructs", tuple(self.constructs))
        object.__setattr__(self, "interactions", tuple(self.interactions))
        object.__setattr__(self, "ordinal", tuple(self.ordinal))
        object.__setattr__(self, "paths", tuple(self.paths))
        object.__setattr__(self, "covariances", tuple(self.covariances))
        object.__setattr__(self, "fixed", tuple(self.fixed))
        object.__setattr__(self, "scales", MappingProxyType(dict(self.scales)))
        validate_spec(self)

    # ------------------------------------------------------------------ views
    def graph(self) -> nx.DiGraph:
        """The structural model as a networkx directed graph over all constructs."""
        import networkx as nx  # imported on use: not needed to load and check a spec

        graph = nx.DiGraph()
        graph.add_nodes_from(c.name for c in self.constructs)
        graph.add_edges_from((p.source, p.target) for p in self.paths)
        return graph

    @property
    def construct_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.constructs)

    @property
    def indicators(self) -> tuple[str, ...]:
        """All indicators, block by block, in declaration order."""
        return tuple(i for c in self.constructs for i in c.indicators)

    def construct(self, name: str) -> Construct:
        """The construct called ``name``."""
        for construct in self.constructs:
            if construct.name == name:
                return construct
        raise SpecError(f"No construct named '{name}'. Declared: {', '.join(self.construct_names)}.", culprit=name)

    def predecessors(self, name: str) -> tuple[str, ...]:
        """Constructs with a path into ``name``, in declaration order of the paths."""
        return tuple(p.source for p in self.paths if p.target == name)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Constructs that are the target of at least one path, in declaration order."""
        targets = {p.target for p in self.paths}
        return tuple(c for c in self.construct_names if c in targets)

    def with_scales(self, scales: Mapping[str, Scale], *, overwrite: bool = False) -> ModelSpec:
        """A copy with ``scales`` added (existing scales kept unless ``overwrite``)."""
        merged = dict(scales) | dict(self.scales) if not overwrite else dict(self.scales) | dict(scales)
        return ModelSpec(
            constructs=self.constructs,
            paths=self.paths,
            scales=merged,
            covariances=self.covariances,
            fixed=self.fixed,
            name=self.name,
            description=self.description,
            higher_order=self.higher_order,
            derived=self.derived,
            interactions=self.interactions,
            ordinal=self.ordinal,
        )

    def check_pls(self) -> None:
        """Raise :class:`SpecError` if PLS path modelling cannot estimate this spec."""
        if self.higher_order:
            raise SpecError(
                f"The spec has the higher-order construct '{self.higher_order[0].name}'; 'acsi fit', 'assess', 'report' and "
                "'ipma' (--higher-order) and acsi.fit(..., higher_order=...) take higher-order constructs so far. Use "
                "one of them, or give this command a first-order spec.",
                culprit=self.higher_order[0].name,
            )
        if self.covariances:
            cov = self.covariances[0]
            raise SpecError(
                f"PLS path modelling cannot take covariance statements ('{cov.left} ~~ {cov.right}'). "
                "Remove the '~~' lines or use the covariance-based estimator.",
                culprit=f"{cov.left} ~~ {cov.right}",
            )
        if self.fixed:
            fix = self.fixed[0]
            raise SpecError(
                f"PLS path modelling cannot fix parameters ('{fix.lhs} {fix.op} {fix.value:g}*{fix.rhs}'). "
                "Remove the fixed value or use the covariance-based estimator.",
                culprit=f"{fix.lhs} {fix.op} {fix.rhs}",
            )
        if not self.paths:
            raise SpecError(
                "PLS path modelling needs at least one structural path; the spec has none.",
                culprit="paths",
            )
        unbuilt = [term.name for term in self.interactions if term.name not in self.construct_names]
        if unbuilt:
            raise SpecError(
                f"Interaction '{unbuilt[0]}' must be built from the data before PLS estimates it; fit with "
                "acsi.fit(spec, data, interactions='two-stage' | 'product-indicator' | 'orthogonal') "
                "(CLI: acsi fit --interactions ...).",
                culprit=unbuilt[0],
            )
        connected = {p.source for p in self.paths} | {p.target for p in self.paths}
        for construct in self.constructs:
            if construct.name not in connected:
                raise SpecError(
                    f"Construct '{construct.name}' is not connected to any path. PLS needs every construct "
                    "in the structural model: add a path to or from it, or remove it.",
                    culprit=construct.name,
                )
