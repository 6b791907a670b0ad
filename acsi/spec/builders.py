"""A small Python API to build specs, as an alternative to text and YAML.

Examples
--------
>>> from acsi.spec.builders import reflective, composite, path, paths, model
>>> spec = model(
...     reflective("QUAL", "qual1", "qual2", "qual3"),
...     composite("VAL", "val1", "val2"),
...     reflective("SAT", "sat1", "sat2"),
...     paths=[paths("QUAL", "VAL", to="SAT"), path("QUAL", "VAL")],
...     scale=(1, 10),
... )
>>> [p.key for p in spec.paths]
['QUAL -> SAT', 'VAL -> SAT', 'QUAL -> VAL']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from acsi.errors import SpecError
from acsi.spec.model import Construct, HigherOrder, Interaction, Mode, ModelSpec, Path, Scale

__all__ = ["composite", "higher_order", "interaction", "model", "path", "paths", "reflective"]


def reflective(name: str, *indicators: str, label: str | None = None, lower_is_better: bool = False) -> Construct:
    """A reflective construct (lavaan ``name =~ indicators``; PLS Mode A).

    Parameters
    ----------
    name : str
        The construct.
    *indicators : str
        Its indicators, in order.
    label : str, optional
        Free text for reports.
    lower_is_better : bool
        A higher index is worse (complaints); IPMA enters the construct reversed.
    """
    return Construct(name, tuple(indicators), Mode.REFLECTIVE, label, lower_is_better=lower_is_better)


def composite(name: str, *indicators: str, mode: Literal["A", "B"] = "B", label: str | None = None) -> Construct:
    """A composite construct: ``mode="B"`` (lavaan ``name <~ indicators``) or ``mode="A"``.

    Parameters
    ----------
    name : str
        The construct.
    *indicators : str
        Its indicators, in order.
    mode : {"B", "A"}
        PLS weighting: ``"B"`` (regression weights; mode ``composite``) or ``"A"`` (correlation
        weights, left uncorrected by consistent PLS; mode ``composite_a``).
    label : str, optional
        Free text for reports.

    Raises
    ------
    SpecError
        If ``mode`` is neither ``"A"`` nor ``"B"``.
    """
    modes = {"A": Mode.COMPOSITE_A, "B": Mode.COMPOSITE}
    if mode not in modes:
        raise SpecError(
            f"Composite '{name}': mode must be 'A' or 'B'; got {mode!r}. Use 'B' for regression weights.",
            culprit=name,
        )
    return Construct(name, tuple(indicators), modes[mode], label)


def higher_order(
    name: str, *components: str, mode: Literal["reflective", "composite"] = "reflective", label: str | None = None
) -> HigherOrder:
    """A higher-order construct over first-order constructs (lavaan ``name =~ components``).

    ``mode="reflective"``: the reflective-reflective type; ``mode="composite"``: reflective-formative
    (``name <~ components``). Pass it to :func:`model` among the constructs; paths may start or
    end at it.

    Examples
    --------
    >>> spec = model(reflective("T", "t1", "t2"), reflective("R", "r1", "r2"), reflective("S", "s1", "s2"),
    ...              higher_order("Q", "T", "R"), paths=[path("Q", "S")])
    >>> spec.higher_order[0].components
    ('T', 'R')
    """
    return HigherOrder(name, tuple(components), Mode.parse(mode, where=f"Higher-order construct '{name}'"), label)


def path(source: str, target: str) -> Path:
    """The structural path ``source -> target`` (lavaan ``target ~ source``)."""
    return Path(source, target)


def paths(*sources: str, to: str) -> tuple[Path, ...]:
    """Paths from every source to one target, like lavaan ``to ~ source1 + source2``."""
    return tuple(Path(source, to) for source in sources)


def interaction(left: str, right: str, *, to: str | Iterable[str]) -> Interaction:
    """The interaction (moderation) term ``left:right`` with paths into ``to`` (lavaan ``to ~ left:right``).

    >>> interaction("QUAL", "SEG", to="SAT").name
    'QUAL:SEG'
    """
    return Interaction(left, right, (to,) if isinstance(to, str) else tuple(to))


def _scale(value: Scale | tuple[float, float], where: str) -> Scale:
    if isinstance(value, Scale):
        return value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise SpecError(f"{where} must be a (min, max) pair or a Scale; got {value!r}.", culprit=where)
    return Scale(*value)


def model(
    *constructs: Construct | HigherOrder,
    paths: Iterable[Path | Iterable[Path]] = (),
    scale: Scale | tuple[float, float] | None = None,
    scales: Mapping[str, Scale | tuple[float, float]] | None = None,
    name: str | None = None,
    description: str | None = None,
    interactions: Iterable[Interaction] = (),
    ordinal: Iterable[str] = (),
) -> ModelSpec:
    """Assemble a :class:`ModelSpec`.

    Parameters
    ----------
    *constructs : Construct or HigherOrder
        From :func:`reflective` and :func:`composite`, in declaration order, and
        :func:`higher_order`.
    paths : iterable of Path or of tuples of Path
        From :func:`path` and :func:`paths`, flattened in order.
    scale : (min, max) or Scale, optional
        The answer scale of every indicator. Default: no scale.
    scales : mapping indicator -> (min, max) or Scale, optional
        Per-indicator scales; they override ``scale``.
    name, description : str, optional
        Free text for reports.
    interactions : iterable of Interaction
        From :func:`interaction`: moderation terms ``A:B`` (built when fitted, see :mod:`acsi.spec.interactions`).
    ordinal : iterable of str, optional
        Indicators declared ordinal (see :mod:`acsi.estimators.ordinal`).

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        For an invalid model or scale.
    """
    first_order = tuple(c for c in constructs if isinstance(c, Construct))
    higher = tuple(c for c in constructs if isinstance(c, HigherOrder))
    flat: list[Path] = []
    for item in paths:
        flat.extend([item] if isinstance(item, Path) else item)
    all_scales: dict[str, Scale] = {}
    if scale is not None:
        common = _scale(scale, "scale")
        all_scales = {i: common for c in first_order for i in c.indicators}
    for indicator, value in (scales or {}).items():
        all_scales[indicator] = _scale(value, f"The scale of '{indicator}'")
    return ModelSpec(
        constructs=first_order,
        paths=tuple(flat),
        scales=all_scales,
        name=name,
        description=description,
        higher_order=higher,
        interactions=tuple(interactions),
        ordinal=tuple(ordinal),
    )
