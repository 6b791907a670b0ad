"""Population values as the user gives them, checked and normalised (pure Python).

Paths are keyed ``"From -> To"``, exogenous correlations ``"A ~~ B"`` (either order), loadings
and composite weights by indicator, by construct (all its indicators) or ``"*"`` (every
indicator not otherwise given); an indicator key wins over its construct's, which wins over
``"*"``. Every function returns plain dicts in the spec's order and raises
:class:`~acsi.errors.SpecError` naming the culprit key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from acsi.errors import SpecError
from acsi.spec.model import ModelSpec

#: The loading (or composite weight) key that applies to every indicator not otherwise given.
WILDCARD = "*"


def is_number(value: object) -> bool:
    """A real number (Python or numpy), not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def split_key(key: object, sep: str) -> tuple[str, str] | None:
    """``"A <sep> B"`` as ``("A", "B")``, stripped; None when ``key`` is not of that form."""
    if not isinstance(key, str) or sep not in key:
        return None
    left, _, right = key.partition(sep)
    left, right = left.strip(), right.strip()
    if not left or not right or sep in right:
        return None
    return left, right


def exogenous_constructs(spec: ModelSpec) -> tuple[str, ...]:
    """Constructs without incoming paths, in declaration order."""
    targets = {p.target for p in spec.paths}
    return tuple(c for c in spec.construct_names if c not in targets)


def normalise_paths(spec: ModelSpec, given: object) -> dict[str, float]:
    """A finite coefficient for every declared path, keyed ``"From -> To"`` in the spec's path order."""
    if not isinstance(given, Mapping):
        raise SpecError(
            f"Population paths must be a mapping 'From -> To' -> coefficient; got {type(given).__name__}.",
            culprit="paths",
        )
    declared = {p.key: p for p in spec.paths}
    listing = ", ".join(declared) or "(none)"
    values: dict[str, float] = {}
    for key, value in given.items():
        parts = split_key(key, "->")
        norm = f"{parts[0]} -> {parts[1]}" if parts else None
        if norm is None or norm not in declared:
            raise SpecError(
                f"Population path {key!r} is not a path of the model. Declared paths: {listing}. "
                "Key paths as 'From -> To' with declared constructs.",
                culprit=str(key),
            )
        if norm in values:
            raise SpecError(f"Population path '{norm}' is given twice.", culprit=norm)
        if not is_number(value) or not math.isfinite(float(value)):
            raise SpecError(
                f"Population path '{norm}' must be a finite number; got {value!r}.",
                culprit=norm,
            )
        values[norm] = float(value)
    missing = [k for k in declared if k not in values]
    if missing:
        raise SpecError(
            f"No population value for path '{missing[0]}'"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + ". Give every declared path a coefficient (0 for none).",
            culprit=missing[0],
        )
    return {k: values[k] for k in declared}


def normalise_loadings(spec: ModelSpec, given: object) -> dict[str, float]:
    """A standardised loading ``0 < |lambda| <= 1`` for every indicator, in ``spec.indicators`` order."""
    indicators = spec.indicators
    if is_number(given):
        raw = {i: float(given) for i in indicators}  # type: ignore[arg-type]
    elif isinstance(given, Mapping):
        raw = _loadings_by_key(spec, given)
    else:
        raise SpecError(
            f"Population loadings must be a number or a mapping; got {type(given).__name__}.",
            culprit="loadings",
        )
    return _numbers(
        {i: raw[i] for i in indicators},
        lambda v: math.isfinite(v) and 0 < abs(v) <= 1,
        "Population loading of indicator '{key}' must satisfy 0 < |loading| <= 1 "
        "(a standardised loading; 1 means no measurement error); got {value!r}.",
    )


def _numbers(raw: Mapping[str, object], admissible: Callable[[float], bool], message: str) -> dict[str, float]:
    """``raw`` as floats when every value is a number that is ``admissible``; otherwise a
    :class:`~acsi.errors.SpecError` from ``message`` (``{key}``, ``{value!r}``) naming the first culprit."""
    out: dict[str, float] = {}
    for key, value in raw.items():
        if not is_number(value) or not admissible(float(value)):  # type: ignore[arg-type]
            raise SpecError(message.format(key=key, value=value), culprit=key)
        out[key] = float(value)  # type: ignore[arg-type]
    return out


def _loadings_by_key(spec: ModelSpec, given: Mapping) -> dict[str, object]:
    """Each indicator's raw loading from indicator, construct or ``"*"`` keys; every indicator needs one."""
    indicators = spec.indicators
    constructs = {c.name: c for c in spec.constructs}
    default = given.get(WILDCARD)
    for key in given:
        if key != WILDCARD and key not in constructs and key not in indicators:
            raise SpecError(
                f"Population loading key {key!r} is neither an indicator nor a construct of the "
                f"model. Indicators: {', '.join(indicators)}.",
                culprit=str(key),
            )
    raw: dict[str, object] = {}
    for construct in spec.constructs:
        for indicator in construct.indicators:
            if indicator in given:
                raw[indicator] = given[indicator]
            elif construct.name in given:
                raw[indicator] = given[construct.name]
            elif default is not None:
                raw[indicator] = default
            else:
                raise SpecError(
                    f"No population loading for indicator '{indicator}' (construct "
                    f"'{construct.name}'). Give it, its construct, or a default under '*'.",
                    culprit=indicator,
                )
    return raw


def normalise_exogenous(exogenous: tuple[str, ...], given: object) -> dict[str, float]:
    """A correlation in (-1, 1) for every pair of ``exogenous`` constructs, keyed ``"A ~~ B"``
    in declaration order; unnamed pairs (and ``given=None``) are 0, a number applies to all."""
    pairs = [(a, b) for n, a in enumerate(exogenous) for b in exogenous[n + 1 :]]
    if given is None:
        values = {pair: 0.0 for pair in pairs}
    elif is_number(given):
        values = {pair: float(given) for pair in pairs}  # type: ignore[arg-type]
    elif isinstance(given, Mapping):
        values = {pair: 0.0 for pair in pairs}
        for key, value in given.items():
            parts = split_key(key, "~~")
            pair = None
            if parts is not None:
                pair = parts if parts in values else (parts[1], parts[0]) if parts[::-1] in values else None
            if pair is None:
                raise SpecError(
                    f"Exogenous correlation {key!r} does not name two distinct exogenous constructs "
                    f"as 'A ~~ B'. Exogenous constructs: {', '.join(exogenous) or '(none)'}.",
                    culprit=str(key),
                )
            values[pair] = value  # type: ignore[assignment]
    else:
        raise SpecError(
            f"Exogenous correlations must be a number, a mapping or None; got {type(given).__name__}.",
            culprit="exogenous_correlations",
        )
    return _numbers(
        {f"{a} ~~ {b}": value for (a, b), value in values.items()},
        lambda v: -1 < v < 1,
        "Exogenous correlation '{key}' must be a number in (-1, 1); got {value!r}.",
    )


def normalise_relative_weights(spec: ModelSpec, given: object) -> dict[str, float]:
    """A finite relative composite weight for every indicator (default 1), keyed like loadings."""
    indicators = spec.indicators
    if given is None:
        return {i: 1.0 for i in indicators}
    if is_number(given):
        return {i: float(given) for i in indicators}  # type: ignore[arg-type]
    if not isinstance(given, Mapping):
        raise SpecError("composite_weights must be a number or a mapping.", culprit="composite_weights")
    owner = {i: c.name for c in spec.constructs for i in c.indicators}
    default = given.get(WILDCARD, 1.0)
    unknown = [key for key in given if key != WILDCARD and key not in owner and key not in spec.construct_names]
    if unknown:
        raise SpecError(f"Composite weight key {unknown[0]!r} is neither an indicator nor a construct.", culprit=str(unknown[0]))
    return _numbers(
        {i: given.get(i, given.get(owner[i], default)) for i in indicators},
        math.isfinite,
        "Composite weight of '{key}' must be a finite number; got {value!r}.",
    )
