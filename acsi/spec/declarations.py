"""The declarations of a spec beyond blocks and paths, and their checks: higher-order constructs,
derived (disconfirmation) indicators, two-way interaction terms and ordinal indicators.

:class:`~acsi.spec.model.ModelSpec` calls the ``check_*`` functions while it validates itself
(:func:`acsi.spec.validation.validate_spec`); each raises :class:`~acsi.errors.SpecError`
naming the offending declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from acsi.errors import SpecError
from acsi.spec.elements import Mode, Scale, check_name

if TYPE_CHECKING:
    from acsi.spec.model import ModelSpec


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


def check_higher_order(spec: ModelSpec, names: set[str], indicators: set[str]) -> None:
    """Each higher-order construct: a new name over at least two declared first-order constructs,
    each component in one higher-order construct only, no path between it and its components."""
    owner: dict[str, str] = {}
    seen: set[str] = set()
    for hoc in spec.higher_order:
        check_name(hoc.name, "Higher-order construct")
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
                    f"construct. Declared: {', '.join(spec.construct_names)}.",
                    culprit=component,
                )
            if component in owner:
                raise SpecError(
                    f"Construct '{component}' is a component of two higher-order constructs, '{owner[component]}' "
                    f"and '{hoc.name}'. Each component belongs to one.",
                    culprit=component,
                )
            owner[component] = hoc.name
    for path in spec.paths:
        for end in (path.source, path.target):
            if end in owner:
                raise SpecError(
                    f"Path '{path.key}' starts or ends at '{end}', a component of the higher-order construct "
                    f"'{owner[end]}'. Components take part in no path (the approach adds their relation to "
                    f"'{owner[end]}'); draw the path to or from '{owner[end]}'.",
                    culprit=path.key,
                )


def check_derived(spec: ModelSpec, indicators: set[str]) -> None:
    """Each derived indicator: an indicator of the model, defined once, of a known kind; a ratio's
    source scale above zero."""
    seen: set[str] = set()
    for item in spec.derived:
        for name in (item.name, item.perceived, item.expected):
            check_name(name, f"Derived indicator '{item.name}'")
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


def check_interactions(spec: ModelSpec, names: set[str]) -> None:
    """Each interaction joins two distinct declared constructs and points at declared constructs, once."""
    seen: set[frozenset[str]] = set()
    for term in spec.interactions:
        for end in (term.left, term.right, *term.targets):
            if end not in names:
                raise SpecError(
                    f"Interaction '{term.name}' names '{end}', which is not a declared construct. "
                    f"Declared constructs: {', '.join(spec.construct_names)}.",
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


def check_ordinal(spec: ModelSpec, indicators: set[str]) -> None:
    """Each ordinal declaration names an indicator of the model, once."""
    for item in spec.ordinal:
        if item not in indicators:
            raise SpecError(
                f"'{item}' is declared ordinal but is not an indicator of any construct. "
                f"Declare ordinal indicators only (or a construct name in YAML's 'ordinal' list).",
                culprit=str(item),
            )
    if len(set(spec.ordinal)) != len(spec.ordinal):
        twice = next(i for i in spec.ordinal if spec.ordinal.count(i) > 1)
        raise SpecError(f"Indicator '{twice}' is declared ordinal twice.", culprit=twice)
