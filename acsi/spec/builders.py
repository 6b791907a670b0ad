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
from acsi.spec.model import Construct, Mode, ModelSpec, Path, Scale

__all__ = ["composite", "model", "path", "paths", "reflective"]


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


def path(source: str, target: str) -> Path:
    """The structural path ``source -> target`` (lavaan ``target ~ source``)."""
    return Path(source, target)


def paths(*sources: str, to: str) -> tuple[Path, ...]:
    """Paths from every source to one target, like lavaan ``to ~ source1 + source2``."""
    return tuple(Path(source, to) for source in sources)


def _scale(value: Scale | tuple[float, float], where: str) -> Scale:
    if isinstance(value, Scale):
        return value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise SpecError(f"{where} must be a (min, max) pair or a Scale; got {value!r}.", culprit=where)
    return Scale(*value)


def model(
    *constructs: Construct,
    paths: Iterable[Path | Iterable[Path]] = (),
    scale: Scale | tuple[float, float] | None = None,
    scales: Mapping[str, Scale | tuple[float, float]] | None = None,
    name: str | None = None,
    description: str | None = None,
    ordinal: Iterable[str] = (),
) -> ModelSpec:
    """Assemble a :class:`ModelSpec`.

    Parameters
    ----------
    *constructs : Construct
        From :func:`reflective` and :func:`composite`, in declaration order.
    paths : iterable of Path or of tuples of Path
        From :func:`path` and :func:`paths`, flattened in order.
    scale : (min, max) or Scale, optional
        The answer scale of every indicator. Default: no scale.
    scales : mapping indicator -> (min, max) or Scale, optional
        Per-indicator scales; they override ``scale``.
    name, description : str, optional
        Free text for reports.
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
    flat: list[Path] = []
    for item in paths:
        flat.extend([item] if isinstance(item, Path) else item)
    all_scales: dict[str, Scale] = {}
    if scale is not None:
        common = _scale(scale, "scale")
        all_scales = {i: common for c in constructs for i in c.indicators}
    for indicator, value in (scales or {}).items():
        all_scales[indicator] = _scale(value, f"The scale of '{indicator}'")
    return ModelSpec(
        constructs=tuple(constructs),
        paths=tuple(flat),
        scales=all_scales,
        name=name,
        description=description,
        ordinal=tuple(ordinal),
    )
