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
class HigherOrder:
    """A higher-order construct whose components are first-order constructs of the spec.

    ``mode`` reflective: the reflective-reflective type (lavaan ``QUAL =~ TANG + REL``, the
    components reflect the higher-order construct); composite: the reflective-formative type
    (``QUAL <~ TANG + REL``, the components form it). Sarstedt, Hair, Cheah, Becker & Ringle
    (2019), "How to specify, estimate, and validate higher-order constructs in PLS-SEM",
    Australasian Marketing Journal 27(3), 197-211. Estimators fit a higher-order spec through
    one of the approaches of :mod:`acsi.estimators.higher_order`.
    """

    name: str
    components: tuple[str, ...]
    mode: Mode = Mode.REFLECTIVE
    label: str | None = None


@dataclass(frozen=True)
class DerivedIndicator:
    """An indicator computed from two survey columns: the disconfirmation of an expectation.

    ``kind="difference"``: perceived minus expected (the SERVQUAL gap score, Parasuraman,
    Zeithaml & Berry 1988, "SERVQUAL: a multiple-item scale for measuring consumer perceptions
    of service quality", Journal of Retailing 64(1), 12-40); ``kind="ratio"``: perceived over
    expected. ``source_scale`` is the answer scale of both items; the derived indicator's
    scale follows from it (:meth:`scale`). :func:`acsi.prepare` computes the column
    (:mod:`acsi.core.disconfirmation`), so every model and estimator can use it.
    """

    name: str
    perceived: str
    expected: str
    kind: str = "difference"
    source_scale: Scale | None = None

    def scale(self) -> Scale | None:
        """``[min - max, max - min]`` for a difference, ``[min / max, max / min]`` for a ratio."""
        if self.source_scale is None:
            return None
        low, high = self.source_scale.min, self.source_scale.max
        return Scale(low - high, high - low) if self.kind == "difference" else Scale(low / high, high / low)


DERIVED_KINDS: tuple[str, ...] = ("difference", "ratio")


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


@dataclass(frozen=True)
class Interaction:
    """A two-way interaction (moderation) term ``left:right`` and the constructs it has paths into.

    lavaan text ``SAT ~ QUAL + SEG + QUAL:SEG``; its paths are keyed ``"QUAL:SEG -> SAT"``. A
    fit builds the interaction construct from the data (:mod:`acsi.spec.interactions`).
    """

    left: str
    right: str
    targets: tuple[str, ...]

    @property
    def name(self) -> str:
        """The name of the interaction construct, ``"left:right"``."""
        return f"{self.left}:{self.right}"


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
        self._validate()

    # ------------------------------------------------------------------ validation
    def _validate(self) -> None:
        if not self.constructs:
            raise SpecError("The model declares no construct. Declare at least one block such as 'SAT =~ sat1 + sat2'.")
        owner: dict[str, str] = {}
        names: set[str] = set()
        products = {term.name for term in self.interactions}  # built by acsi.spec.interactions.expand
        for construct in self.constructs:
            if construct.name not in products:
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
                if construct.name not in products:
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
        names_in_paths = names | {h.name for h in self.higher_order}
        seen_paths: set[tuple[str, str]] = set()
        for path in self.paths:
            for end, role in ((path.source, "starts"), (path.target, "ends")):
                if end not in names_in_paths:
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
        self._validate_higher_order(names, set(owner))
        self._validate_derived(set(owner))
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
        self._validate_interactions(names)
        self._validate_ordinal(set(owner))

    def _validate_interactions(self, names: set[str]) -> None:
        """Each interaction joins two distinct declared constructs and points at declared constructs, once."""
        seen: set[frozenset[str]] = set()
        for term in self.interactions:
            for end in (term.left, term.right, *term.targets):
                if end not in names:
                    raise SpecError(
                        f"Interaction '{term.name}' names '{end}', which is not a declared construct. "
                        f"Declared constructs: {', '.join(self.construct_names)}.",
                        culprit=end,
                    )
            if term.left == term.right or frozenset((term.left, term.right)) in seen:
                raise SpecError(
                    f"Interaction '{term.name}' must join two different constructs and be declared once.",
                    culprit=term.name,
                )
            seen.add(frozenset((term.left, term.right)))
            if not term.targets or set(term.targets) & {term.left, term.right}:
                raise SpecError(
                    f"Interaction '{term.name}' needs at least one target other than '{term.left}' and "
                    f"'{term.right}'; got {list(term.targets)}.",
                    culprit=term.name,
                )

    def _validate_higher_order(self, names: set[str], indicators: set[str]) -> None:
        """Each higher-order construct: a new name over at least two declared first-order constructs,
        each component in one higher-order construct only, no path between it and its components."""
        owner: dict[str, str] = {}
        seen: set[str] = set()
        for hoc in self.higher_order:
            _check_name(hoc.name, "Higher-order construct")
            if hoc.name in names or hoc.name in indicators or hoc.name in seen:
                raise SpecError(
                    f"Higher-order construct '{hoc.name}' reuses a name already declared; give it its own name.",
                    culprit=hoc.name,
                )
            seen.add(hoc.name)
            if not isinstance(hoc.mode, Mode) or hoc.mode is Mode.COMPOSITE_A:
                raise SpecError(
                    f"Higher-order construct '{hoc.name}': mode must be 'reflective' (reflective-reflective) or "
                    f"'composite' (reflective-formative); got {hoc.mode!r}.",
                    culprit=hoc.name,
                )
            if len(hoc.components) < 2:
                raise SpecError(
                    f"Higher-order construct '{hoc.name}' has {len(hoc.components)} component(s); it needs at least two "
                    "first-order constructs.",
                    culprit=hoc.name,
                )
            for component in hoc.components:
                if component not in names:
                    raise SpecError(
                        f"Higher-order construct '{hoc.name}' names '{component}', which is not a declared first-order "
                        f"construct. Declared: {', '.join(self.construct_names)}.",
                        culprit=component,
                    )
                if component in owner:
                    raise SpecError(
                        f"Construct '{component}' is a component of two higher-order constructs, '{owner[component]}' "
                        f"and '{hoc.name}'. Each component belongs to one.",
                        culprit=component,
                    )
                owner[component] = hoc.name
        for path in self.paths:
            for end in (path.source, path.target):
                if end in owner:
                    raise SpecError(
                        f"Path '{path.key}' starts or ends at '{end}', a component of the higher-order construct "
                        f"'{owner[end]}'. Components take part in no path (the approach adds their relation to "
                        f"'{owner[end]}'); draw the path to or from '{owner[end]}'.",
                        culprit=path.key,
                    )

    def _validate_derived(self, indicators: set[str]) -> None:
        """Each derived indicator: an indicator of the model, defined once, of a known kind; a ratio's
        source scale above zero."""
        seen: set[str] = set()
        for item in self.derived:
            for name in (item.name, item.perceived, item.expected):
                _check_name(name, f"Derived indicator '{item.name}'")
            if item.name not in indicators or item.name in seen:
                problem = "is defined twice" if item.name in seen else "is not an indicator of any construct"
                raise SpecError(f"Derived indicator '{item.name}' {problem}.", culprit=item.name)
            seen.add(item.name)
            if item.kind not in DERIVED_KINDS:
                raise SpecError(
                    f"Derived indicator '{item.name}': kind must be 'difference' or 'ratio'; got {item.kind!r}.",
                    culprit=item.name,
                )
            if item.kind == "ratio" and item.source_scale is not None and item.source_scale.min <= 0:
                raise SpecError(
                    f"Derived indicator '{item.name}' is a ratio over a scale starting at {item.source_scale.min:g}; "
                    "a ratio needs expectations above zero. Use kind 'difference'.",
                    culprit=item.name,
                )

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
            higher_order=self.higher_order,
            derived=self.derived,
            interactions=self.interactions,
            ordinal=self.ordinal,
        )

    def check_pls(self) -> None:
        """Raise :class:`SpecError` if PLS path modelling cannot estimate this spec."""
        if self.higher_order:
            raise SpecError(
                f"The spec has the higher-order construct '{self.higher_order[0].name}'; only 'acsi fit' (--higher-order) "
                "and acsi.fit(..., higher_order=...) take higher-order constructs so far. Fit it there, or give this "
                "command a first-order spec.",
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
