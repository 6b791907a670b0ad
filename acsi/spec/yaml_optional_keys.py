"""Readers of the optional top-level keys of a YAML spec document: ``covariances``, ``fixed``,
``higher_order``, ``derived``, ``interactions`` and ``ordinal`` (the schema is in
:mod:`acsi.spec.yaml_io`). Each takes the document's :class:`~acsi.spec.yaml_reader.KeyReader`
so that errors name the file and the key path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from acsi.spec.declarations import DerivedIndicator, HigherOrder, Interaction
from acsi.spec.elements import Construct, Covariance, FixedValue
from acsi.spec.yaml_reader import KeyReader, show

FIXED_KEYS = ("lhs", "op", "rhs", "value")
_DERIVED_KEYS = ("perceived", "expected", "kind", "source_scale")
_HIGHER_ORDER_KEYS = ("label", "mode", "components")


def read_covariances(reader: KeyReader, value: Any) -> list[Covariance]:
    if not isinstance(value, list):
        raise reader.error("covariances", f"Covariances must be a list of [left, right] pairs; got {show(value)}.")
    out = []
    for i, item in enumerate(value):
        key = f"covariances[{i}]"
        if isinstance(item, str) and item.count("~~") == 1:
            left, right = (part.strip() for part in item.split("~~"))
        elif isinstance(item, list) and len(item) == 2:
            left, right = item
        else:
            raise reader.error(key, f"Covariance at '{key}' must be [left, right] or 'left ~~ right'; got {show(item)}.")
        out.append(Covariance(reader.name(left, key), reader.name(right, key)))
    return out


def read_fixed(reader: KeyReader, value: Any) -> list[FixedValue]:
    if not isinstance(value, list):
        raise reader.error("fixed", f"Fixed values must be a list of {{lhs, op, rhs, value}}; got {show(value)}.")
    out = []
    for i, item in enumerate(value):
        key = f"fixed[{i}]"
        body = reader.mapping(item, key, FIXED_KEYS)
        missing = [k for k in FIXED_KEYS if k not in body]
        if missing:
            raise reader.error(key, f"Fixed value at '{key}' lacks {', '.join(missing)}; give lhs, op, rhs and value.")
        number = body["value"]
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise reader.error(f"{key}.value", f"Fixed value at '{key}.value' must be a number; got {show(number)}.")
        out.append(
            FixedValue(reader.name(body["lhs"], key), reader.text(body["op"], f"{key}.op"), reader.name(body["rhs"], key), number)
        )
    return out


def read_higher_order(reader: KeyReader, value: Any) -> list[HigherOrder]:
    """``higher_order: {name: {components: [constructs], mode: reflective | composite, label: text}}``."""
    if not isinstance(value, Mapping):
        raise reader.error("higher_order", f"higher_order must be a mapping name -> {{components, mode}}; got {show(value)}.")
    out = []
    for name, raw in value.items():
        key = f"higher_order.{name}"
        body = reader.mapping(raw, key, _HIGHER_ORDER_KEYS)
        components = body.get("components")
        if not isinstance(components, list) or not components:
            raise reader.error(
                f"{key}.components", f"'{key}.components' must be a list of construct names; got {show(components)}."
            )
        mode = reader.mode(body.get("mode", "reflective"), f"{key}.mode")
        label = reader.text(body["label"], f"{key}.label") if body.get("label") is not None else None
        out.append(
            HigherOrder(reader.name(name, key), tuple(reader.name(c, f"{key}.components") for c in components), mode, label)
        )
    return out


def read_derived(reader: KeyReader, value: Any) -> list[DerivedIndicator]:
    """``derived: {name: {perceived, expected, kind: difference | ratio, source_scale}}``."""
    if not isinstance(value, Mapping):
        raise reader.error("derived", f"derived must be a mapping name -> {{perceived, expected, kind}}; got {show(value)}.")
    out = []
    for name, raw in value.items():
        key = f"derived.{name}"
        body = reader.mapping(raw, key, _DERIVED_KEYS)
        for needed in ("perceived", "expected"):
            if needed not in body:
                raise reader.error(key, f"Derived indicator at '{key}' lacks '{needed}'; name the survey column.")
        scale = reader.scale(body["source_scale"], f"{key}.source_scale") if body.get("source_scale") is not None else None
        item = DerivedIndicator(
            reader.name(name, key),
            reader.name(body["perceived"], f"{key}.perceived"),
            reader.name(body["expected"], f"{key}.expected"),
            reader.text(body.get("kind", "difference"), f"{key}.kind"),
            scale,
        )
        out.append(item)
    return out


def read_interactions(reader: KeyReader, value: Any) -> list[Interaction]:
    """``"A:B -> C"`` strings or ``{terms: [A, B], targets: [C, ...]}`` mappings; one Interaction per ``A:B``."""
    if not isinstance(value, list):
        raise reader.error("interactions", f"Interactions must be a list of 'A:B -> target' strings; got {show(value)}.")
    targets: dict[tuple[str, str], list[str]] = {}
    for i, item in enumerate(value):
        key = f"interactions[{i}]"
        if isinstance(item, str) and item.count("->") == 1 and item.split("->")[0].count(":") == 1:
            term, target = (part.strip() for part in item.split("->"))
            pair, found = tuple(part.strip() for part in term.split(":")), [target]
        elif isinstance(item, Mapping):
            body = reader.mapping(item, key, ("terms", "targets"))
            terms, found = body.get("terms"), body.get("targets")
            if not (isinstance(terms, list) and len(terms) == 2 and isinstance(found, list) and found):
                raise reader.error(key, f"Interaction at '{key}' needs terms: [A, B] and targets: [C, ...]; got {show(item)}.")
            pair = tuple(terms)
        else:
            raise reader.error(key, f"Interaction at '{key}' must be 'A:B -> target' or a mapping; got {show(item)}.")
        names = tuple(reader.name(part, key) for part in pair)
        targets.setdefault((names[0], names[1]), []).extend(reader.name(t, key) for t in found)
    return [Interaction(left, right, tuple(found)) for (left, right), found in targets.items()]


def read_ordinal(reader: KeyReader, value: Any, constructs: list[Construct]) -> tuple[str, ...]:
    """The ``ordinal`` list: indicator names, or construct names standing for all their indicators."""
    if not isinstance(value, list):
        raise reader.error("ordinal", f"'ordinal' must be a list of indicator or construct names; got {show(value)}.")
    blocks = {c.name: c.indicators for c in constructs}
    out: list[str] = []
    for i, item in enumerate(value):
        name = reader.name(item, f"ordinal[{i}]")
        out.extend(blocks.get(name, (name,)))
    return tuple(out)
