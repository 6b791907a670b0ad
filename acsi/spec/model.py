"""The immutable, validated model specification.

A :class:`ModelSpec` names constructs with their indicators and measurement mode, the
structural paths between constructs, optional theoretical scales per indicator, and the
covariance statements and fixed values that only a covariance-based estimator uses. It
knows nothing about any dataset (cSEM ``parseModel``, lavaan's parameter table).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from acsi.errors import SpecError

if TYPE_CHECKING:
    import networkx as nx

_NAME_HINT = "Names start with a letter or underscore and contain letters, digits, '_' or '.'."


class Mode(StrEnum):
    """Measurement mode of a construct.

    ``reflective``: lavaan ``=~``; PLS estimates it with Mode A (correlation) weights, consistent
    PLS and CB-SEM treat it as a common factor. ``composite``: lavaan ``<~``; PLS Mode B
    (regression) weights. ``composite_a``: a composite estimated with Mode A weights that
    consistent PLS leaves uncorrected (YAML only; lavaan has no operator for it).
    """

    REFLECTIVE = "reflective"
    COMPOSITE = "composite"
    COMPOSITE_A = "composite_a"

    @property
    def weighting(self) -> str:
        """PLS outer weighting mode: ``"A"`` or ``"B"``."""
        return "B" if self is Mode.COMPOSITE else "A"

    @classmethod
    def parse(cls, value: object, *, where: str) -> Mode:
        """Read a mode from a spec value; accepts the names and the aliases A / B."""
        aliases = {
            "reflective": cls.REFLECTIVE,
            "a": cls.REFLECTIVE,
            "mode_a": cls.REFLECTIVE,
            "composite": cls.COMPOSITE,
            "formative": cls.COMPOSITE,
            "b": cls.COMPOSITE,
            "mode_b": cls.COMPOSITE,
            "composite_a": cls.COMPOSITE_A,
        }
        if isinstance(value, Mode):
            return value
        key = str(value).strip().lower() if isinstance(value, str) else None
        if key not in aliases:
            raise SpecError(
                f"{where}: invalid mode {value!r}. Expected one of 'reflective' (Mode A), 'composite' (Mode B) or 'composite_a'.",
                culprit=where,
            )
        return aliases[key]


@dataclass(frozen=True)
class Scale:
    """Theoretical bounds of an indicator's answer scale, for example 1-10."""

    min: float
    max: float

    def __post_init__(self) -> None:
        for bound in (self.min, self.max):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise SpecError(
                    f"Scale bounds must be finite numbers; got min={self.min!r}, max={self.max!r}.",
                    culprit="scale",
                )
        if not self.min < self.max:
            raise SpecError(
                f"Scale minimum must be below its maximum; got min={self.min!r}, max={self.max!r}.",
                culprit="scale",
            )


@dataclass(frozen=True)
class Construct:
    """A construct (latent variable) measured by an ordered block of indicators."""

    name: str
    indicators: tuple[str, ...]
    mode: Mode = Mode.REFLECTIVE
    label: str | None = None
    #: True when a higher index is worse (complaints): IPMA reverses such constructs.
    lower_is_better: bool = False


@dataclass(frozen=True)
class Path:
    """A structural path ``source -> target`` (lavaan ``target ~ source``)."""

    source: str
    target: str

    @property
    def key(self) -> str:
        """The public key of the path, ``"From -> To"``."""
        return f"{self.source} -> {self.target}"


@dataclass(frozen=True)
class Covariance:
    """A covariance statement ``left ~~ right`` (residual covariance, or a variance when equal)."""

    left: str
    right: str


@dataclass(frozen=True)
class FixedValue:
    """A parameter fixed to a value, such as ``0*x`` in ``y ~ 0*x`` (lavaan pre-multiplication)."""

    lhs: str
    op: str
    rhs: str
    value: float


def _check_name(name: object, where: str) -> str:
    if (
        not isinstance(name, str)
        or not name
        or not (name[0].isalpha() or name[0] == "_")
        or not all(c.isalnum() or c in "_." for c in name)
    ):
        raise SpecError(f"{where}: invalid name {name!r}. {_NAME_HINT}", culprit=str(name))
    return name


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
    ordinal: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "constructs", tuple(self.constructs))
        object.__setattr__(self, "ordinal", tuple(self.ordinal))
        object.__setattr__(self, "paths", tuple(self.paths))
        object.__setattr__(self, "covariances", tuple(self.covariances))
        object.__setattr__(self, "fixed", tuple(self.fixed))
        object.__setattr__(self, "scales", MappingProxyType(dict(self.scales)))
        self._validate()

    # ------------------------------------------------------------------ validation
    def _validate(self) -> None:
        if not self.constructs:
            raise SpecError("The model declares no construct. Declare at least one block such as 'SAT =~ sat1 + sat2'.")
        owner: dict[str, str] = {}
        names: set[str] = set()
        for construct in self.constructs:
            _check_name(construct.name, "Construct")
            if construct.name in names:
                raise SpecError(
                    f"Construct '{construct.name}' is declared twice. Merge its indicators into one block.",
                    culprit=construct.name,
                )
            names.add(construct.name)
            if not isinstance(construct.mode, Mode):
                Mode.parse(construct.mode, where=f"Construct '{construct.name}'")
            if not construct.indicators:
                raise SpecError(
                    f"Construct '{construct.name}' has no indicators. Give it at least one indicator.",
                    culprit=construct.name,
                )
            seen: set[str] = set()
            for indicator in construct.indicators:
                _check_name(indicator, f"Indicator of construct '{construct.name}'")
                if indicator in seen:
                    raise SpecError(
                        f"Indicator '{indicator}' is listed twice in construct '{construct.name}'.",
                        culprit=indicator,
                    )
                seen.add(indicator)
                if indicator in owner:
                    raise SpecError(
                        f"Indicator '{indicator}' belongs to two blocks, '{owner[indicator]}' and "
                        f"'{construct.name}'. Each indicator measures exactly one construct.",
                        culprit=indicator,
                    )
                owner[indicator] = construct.name
            if construct.mode is Mode.COMPOSITE and len(construct.indicators) < 2:
                raise SpecError(
                    f"Composite (Mode B) construct '{construct.name}' has a single indicator; Mode B needs "
                    "at least two. Declare it reflective ('=~') instead.",
                    culprit=construct.name,
                )
        clash = names & set(owner)
        if clash:
            culprit = sorted(clash)[0]
            raise SpecError(
                f"'{culprit}' is used both as a construct and as an indicator. Rename one of them.",
                culprit=culprit,
            )
        declared = ", ".join(c.name for c in self.constructs)
        seen_paths: set[tuple[str, str]] = set()
        for path in self.paths:
            for end, role in ((path.source, "starts"), (path.target, "ends")):
                if end not in names:
                    raise SpecError(
                        f"Path '{path.key}' {role} at '{end}', which is not a declared construct. "
                        f"Declared constructs: {declared}. Declare '{end}' or correct the path.",
                        culprit=end,
                    )
            if path.source == path.target:
                raise SpecError(f"Path '{path.key}' points from a construct to itself.", culprit=path.key)
            if (path.source, path.target) in seen_paths:
                raise SpecError(f"Path '{path.key}' is declared twice.", culprit=path.key)
            seen_paths.add((path.source, path.target))
        cycle = _find_cycle(self.construct_names, [(p.source, p.target) for p in self.paths])
        if cycle:
            text = " -> ".join(cycle + [cycle[0]])
            raise SpecError(
                f"The structural model has a cycle: {text}. Non-recursive models are not supported; remove one of these paths.",
                culprit=text,
            )
        for indicator, scale in self.scales.items():
            if indicator not in owner:
                raise SpecError(
                    f"A scale is given for '{indicator}', which is not an indicator of any construct.",
                    culprit=indicator,
                )
            if not isinstance(scale, Scale):
                raise SpecError(f"The scale of '{indicator}' must be a Scale; got {scale!r}.", culprit=indicator)
        variables = names | set(owner)
        for cov in self.covariances:
            for end in (cov.left, cov.right):
                if end not in variables:
                    raise SpecError(
                        f"Covariance '{cov.left} ~~ {cov.right}' names '{end}', which is neither a construct "
                        "nor an indicator of the model.",
                        culprit=end,
                    )
        self._validate_covariances_and_fixed()
        self._validate_ordinal(set(owner))

    def _validate_ordinal(self, indicators: set[str]) -> None:
        for item in self.ordinal:
            if item not in indicators:
                raise SpecError(
                    f"'{item}' is declared ordinal but is not an indicator of any construct. "
                    f"Declare ordinal indicators only (or a construct name in YAML's 'ordinal' list).",
                    culprit=str(item),
                )
        if len(set(self.ordinal)) != len(self.ordinal):
            twice = next(i for i in self.ordinal if self.ordinal.count(i) > 1)
            raise SpecError(f"Indicator '{twice}' is declared ordinal twice.", culprit=twice)

    def _validate_covariances_and_fixed(self) -> None:
        # Each covariance is one parameter: 'a ~~ b' and 'b ~~ a' are the same statement.
        covs: set[frozenset[str]] = set()
        for cov in self.covariances:
            key = frozenset((cov.left, cov.right))
            if key in covs:
                raise SpecError(
                    f"Covariance '{cov.left} ~~ {cov.right}' is declared twice. Keep one of the statements.",
                    culprit=f"{cov.left} ~~ {cov.right}",
                )
            covs.add(key)
        cov_pairs = {(cov.left, cov.right) for cov in self.covariances}
        # A fixed value fixes the parameter of a statement that the spec declares.
        ops = {Mode.REFLECTIVE: ("=~",), Mode.COMPOSITE: ("<~",), Mode.COMPOSITE_A: ("=~", "<~")}
        blocks = {c.name: c for c in self.constructs}
        paths = {(p.source, p.target) for p in self.paths}
        fixed: set[tuple[str, str, str]] = set()
        for fix in self.fixed:
            text = f"{fix.lhs} {fix.op} {fix.rhs}"
            value = fix.value
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise SpecError(
                    f"Fixed value of '{text}' must be a finite number; got {value!r}.",
                    culprit=text,
                )
            if fix.op in ("=~", "<~"):
                block = blocks.get(fix.lhs)
                allowed = ops.get(block.mode, ("=~", "<~")) if block is not None else ()
                declared = block is not None and fix.rhs in block.indicators and fix.op in allowed
            elif fix.op == "~":
                declared = (fix.rhs, fix.lhs) in paths
            elif fix.op == "~~":
                # Same orientation as the covariance, so that the spec has one spelling.
                declared = (fix.lhs, fix.rhs) in cov_pairs
            else:
                raise SpecError(
                    f"Fixed value '{text}' has operator {fix.op!r}; expected one of '=~', '<~', '~' or '~~'.",
                    culprit=text,
                )
            if not declared:
                raise SpecError(
                    f"Fixed value '{fix.lhs} {fix.op} {value!r}*{fix.rhs}' does not match any statement of the "
                    f"model. Declare '{text}' (a block indicator, path or covariance) or remove the fixed value.",
                    culprit=text,
                )
            key = (fix.lhs, fix.op, fix.rhs)
            if key in fixed:
                raise SpecError(f"Parameter '{text}' is fixed twice. Keep one value.", culprit=text)
            fixed.add(key)

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
            ordinal=self.ordinal,
        )

    def check_pls(self) -> None:
        """Raise :class:`SpecError` if PLS path modelling cannot estimate this spec."""
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
        connected = {p.source for p in self.paths} | {p.target for p in self.paths}
        for construct in self.constructs:
            if construct.name not in connected:
                raise SpecError(
                    f"Construct '{construct.name}' is not connected to any path. PLS needs every construct "
                    "in the structural model: add a path to or from it, or remove it.",
                    culprit=construct.name,
                )


def _find_cycle(nodes: tuple[str, ...], edges: list[tuple[str, str]]) -> list[str]:
    """The nodes of one directed cycle in declaration order of the first node reached, or ``[]``
    when the graph is acyclic (depth-first search with white/grey/black marks)."""
    successors: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
        successors.setdefault(target, [])
    state: dict[str, int] = dict.fromkeys(successors, 0)  # 0 unseen, 1 on the current path, 2 done
    for root in successors:
        if state[root]:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            if i < len(successors[node]):
                stack[-1] = (node, i + 1)
                nxt = successors[node][i]
                if state[nxt] == 1:
                    return path[path.index(nxt) :]
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return []
