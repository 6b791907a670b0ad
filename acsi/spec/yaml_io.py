"""Read and write model specifications as YAML.

Schema
------
Every key except ``constructs`` is optional; unknown keys are errors::

    name: ACSI                        # free text carried along for reports
    description: American Customer Satisfaction Index model.
    scale: {min: 1, max: 10}          # default answer scale of every indicator
    constructs:                       # in declaration order
      perceived_quality:
        label: Perceived quality      # free text
        better: higher                # higher (default) | lower: a higher index is worse (complaints)
        mode: reflective              # reflective (default) | composite | composite_a
                                      # aliases: A / mode_a = reflective, B / mode_b / formative = composite
        scale: {min: 1, max: 10}      # default scale of this construct's indicators
        indicators: [qual_overall, qual_customization, qual_reliability]
        # or as a mapping, with a per-indicator scale and the question wording:
        # indicators:
        #   qual_overall: {scale: {min: 0, max: 10}, wording: "How would you rate ...?"}
        #   qual_reliability:          # nothing to add
    paths:                            # a list of "source -> target" strings or [source, target] pairs
      - customer_expectations -> perceived_quality
      - [perceived_quality, customer_satisfaction]
    # or a mapping target: [sources] (or target: source), like lavaan's 'target ~ sources'
    covariances:                      # [left, right] pairs or "left ~~ right" strings
      - [y1, y5]
    fixed:                            # parameters fixed to a value (covariance-based SEM only)
      - {lhs: dem60, op: "=~", rhs: y1, value: 1}
    higher_order:                     # constructs over constructs (lavaan 'QUAL =~ TANG + REL')
      service_quality:
        label: Service quality        # free text
        mode: reflective              # reflective (reflective-reflective, default) | composite (reflective-formative)
        components: [tangibles, reliability]   # declared constructs; paths may start or end here
    derived:                          # indicators computed from two columns when the data are prepared
      tang1_gap: {perceived: tang1_p, expected: tang1_e, kind: difference, source_scale: [1, 7]}
      # kind: difference (perceived - expected, default) | ratio (perceived / expected);
      # source_scale gives the derived indicator's scale: [-6, 6] here, [1/7, 7] for a ratio
    interactions:                     # moderation: "A:B -> target" strings (lavaan 'target ~ A:B')
      - perceived_quality:segment -> customer_satisfaction
      # or {terms: [A, B], targets: [C, ...]}
    ordinal: [customer_satisfaction, qual_overall]   # ordinal indicators; a construct name means all its indicators

A scale is ``{min: a, max: b}`` or ``[a, b]``, with finite numbers ``a < b``. An indicator's scale is
the first given of: its own ``scale``, its construct's ``scale``, the top-level ``scale``; with none,
it has no scale in the spec.

``wording`` documents the question and is checked to be text, but a :class:`ModelSpec` does not
keep it: :func:`spec_to_dict` cannot write it back (nor YAML comments). Otherwise the round trip
``spec_from_dict(spec_to_dict(spec)) == spec`` holds for every spec.

Errors are :class:`~acsi.errors.SpecError` naming the key path (``constructs.perceived_quality.scale``),
the file when read from one, and for YAML syntax errors the line and column.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from itertools import groupby
from pathlib import Path as FilePath
from typing import Any

import yaml

from acsi.errors import SpecError
from acsi.spec.model import (
    Construct,
    Covariance,
    DerivedIndicator,
    FixedValue,
    HigherOrder,
    Interaction,
    Mode,
    ModelSpec,
    Path,
    Scale,
)

__all__ = ["read_yaml", "spec_from_dict", "spec_to_dict", "spec_to_yaml", "write_yaml"]

_TOP_KEYS = (
    "name",
    "description",
    "scale",
    "constructs",
    "paths",
    "covariances",
    "fixed",
    "higher_order",
    "derived",
    "interactions",
    "ordinal",
)
_DERIVED_KEYS = ("perceived", "expected", "kind", "source_scale")
_HIGHER_ORDER_KEYS = ("label", "mode", "components")
_CONSTRUCT_KEYS = ("label", "mode", "better", "indicators", "scale")
_INDICATOR_KEYS = ("scale", "wording")
_FIXED_KEYS = ("lhs", "op", "rhs", "value")
_MODES = "'reflective' (aliases 'A', 'mode_a'), 'composite' (aliases 'B', 'mode_b', 'formative') or 'composite_a'"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, (str, int, float, bool)):
            continue
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _load_yaml_text(text: str, source: str | None) -> Any:
    """Parse YAML text; syntax errors become SpecError with file, line and column."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(p for p in (err.context, err.problem) if p) or "invalid YAML"
        where = f" in file '{source}'" if source else ""
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        lines = text.splitlines()
        source_line = lines[line - 1] if line is not None and line <= len(lines) else None
        raise SpecError(
            f"Invalid YAML{where}: {problem}. Correct the YAML syntax.",
            culprit=source,
            line=line,
            column=column,
            source_line=source_line,
        ) from err
    except (yaml.YAMLError, ValueError) as err:  # ValueError: a timestamp such as 0000-00-00 that is no date
        where = f" in file '{source}'" if source else ""
        raise SpecError(f"Invalid YAML{where}: {err}. Correct the YAML syntax.", culprit=source) from err


class _Reader:
    """Turns the plain data of a YAML document into spec parts, naming key paths in errors."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def error(self, key: str, message: str) -> SpecError:
        prefix = f"In file '{self.source}': " if self.source else ""
        return SpecError(f"{prefix}{message}", culprit=key)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key, f"Expected a mapping with keys {', '.join(allowed)} at '{key}'; got {_show(value)}.")
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise self.error(
                    f"{key}.{name}",
                    f"Unknown key '{name}' in '{key}'.{hint} Allowed keys: {', '.join(allowed)}. Remove or rename it.",
                )
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"Expected text at '{key}'; got {_show(value)}.")
        return value

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(key, f"Expected a name at '{key}'; got {_show(value)}.")
        return value.strip()

    def scale(self, value: Any, key: str) -> Scale:
        if isinstance(value, Mapping):
            self.mapping(value, key, ("min", "max"))
            if "min" not in value or "max" not in value:
                raise self.error(key, f"Scale at '{key}' needs both 'min' and 'max', as in {{min: 1, max: 10}}.")
            bounds = (value["min"], value["max"])
        elif isinstance(value, list) and len(value) == 2:
            bounds = (value[0], value[1])
        else:
            raise self.error(key, f"Scale at '{key}' must be {{min: a, max: b}} or [a, b]; got {_show(value)}.")
        for bound in bounds:
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise self.error(
                    key, f"Scale at '{key}' must have finite numbers as bounds; got min={bounds[0]!r}, max={bounds[1]!r}."
                )
        if not bounds[0] < bounds[1]:
            raise self.error(
                key,
                f"Scale at '{key}': the minimum must be below its maximum; got min={bounds[0]!r}, max={bounds[1]!r}. "
                "Swap or correct the bounds.",
            )
        return Scale(*bounds)

    def construct(self, name: str, value: Any, default: Scale | None) -> tuple[Construct, dict[str, Scale]]:
        key = f"constructs.{name}"
        body = self.mapping(value, key, _CONSTRUCT_KEYS)
        label = self.text(body["label"], f"{key}.label") if body.get("label") is not None else None
        mode = self.mode(body.get("mode", "reflective"), f"{key}.mode")
        better = body.get("better", "higher")
        if better not in ("higher", "lower"):
            raise self.error(f"{key}.better", f"'better' at '{key}' is 'higher' or 'lower'; got {_show(better)}.")
        if "scale" in body:
            default = self.scale(body["scale"], f"{key}.scale")
        if "indicators" not in body:
            raise self.error(f"{key}.indicators", f"Construct '{name}' has no 'indicators'. List its indicators under '{key}'.")
        raw = body["indicators"]
        scales: dict[str, Scale] = {}
        indicators: list[str] = []
        if isinstance(raw, list):
            for i, item in enumerate(raw):
                indicators.append(self.name(item, f"{key}.indicators[{i}]"))
                if default is not None:
                    scales[indicators[-1]] = default
        elif isinstance(raw, Mapping):
            for item, extra in raw.items():
                item_key = f"{key}.indicators.{item}"
                indicators.append(self.name(item, item_key))
                extra = {} if extra is None else self.mapping(extra, item_key, _INDICATOR_KEYS)
                if "wording" in extra:
                    self.text(extra["wording"], f"{item_key}.wording")
                scale = self.scale(extra["scale"], f"{item_key}.scale") if "scale" in extra else default
                if scale is not None:
                    scales[indicators[-1]] = scale
        else:
            raise self.error(
                f"{key}.indicators",
                f"Indicators at '{key}.indicators' must be a list of names or a mapping name -> {{scale, wording}}; "
                f"got {_show(raw)}.",
            )
        return Construct(name, tuple(indicators), mode, label, lower_is_better=better == "lower"), scales

    def mode(self, value: Any, key: str) -> Mode:
        try:
            return Mode.parse(value, where=key)
        except SpecError as err:
            raise self.error(key, f"Invalid mode {value!r} at '{key}'. Expected {_MODES}.") from err

    def paths(self, value: Any) -> list[Path]:
        pairs: list[tuple[Any, Any, str]] = []
        if isinstance(value, Mapping):
            for target, sources in value.items():
                key = f"paths.{target}"
                for i, source in enumerate(sources if isinstance(sources, list) else [sources]):
                    pairs.append((source, target, f"{key}[{i}]" if isinstance(sources, list) else key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                key = f"paths[{i}]"
                if isinstance(item, str) and item.count("->") == 1:
                    source, target = (part.strip() for part in item.split("->"))
                elif isinstance(item, list) and len(item) == 2:
                    source, target = item
                else:
                    raise self.error(key, f"Path at '{key}' must be 'source -> target' or [source, target]; got {_show(item)}.")
                pairs.append((source, target, key))
        else:
            raise self.error(
                "paths", f"Paths must be a list of 'source -> target' or a mapping target: [sources]; got {_show(value)}."
            )
        return [Path(self.name(s, key), self.name(t, key)) for s, t, key in pairs]

    def interactions(self, value: Any) -> list[Interaction]:
        """``"A:B -> C"`` strings or ``{terms: [A, B], targets: [C, ...]}`` mappings; one Interaction per ``A:B``."""
        if not isinstance(value, list):
            raise self.error("interactions", f"Interactions must be a list of 'A:B -> target' strings; got {_show(value)}.")
        targets: dict[tuple[str, str], list[str]] = {}
        for i, item in enumerate(value):
            key = f"interactions[{i}]"
            if isinstance(item, str) and item.count("->") == 1 and item.split("->")[0].count(":") == 1:
                term, target = (part.strip() for part in item.split("->"))
                pair, found = tuple(part.strip() for part in term.split(":")), [target]
            elif isinstance(item, Mapping):
                body = self.mapping(item, key, ("terms", "targets"))
                terms, found = body.get("terms"), body.get("targets")
                if not (isinstance(terms, list) and len(terms) == 2 and isinstance(found, list) and found):
                    raise self.error(key, f"Interaction at '{key}' needs terms: [A, B] and targets: [C, ...]; got {_show(item)}.")
                pair = tuple(terms)
            else:
                raise self.error(key, f"Interaction at '{key}' must be 'A:B -> target' or a mapping; got {_show(item)}.")
            names = tuple(self.name(part, key) for part in pair)
            targets.setdefault((names[0], names[1]), []).extend(self.name(t, key) for t in found)
        return [Interaction(left, right, tuple(found)) for (left, right), found in targets.items()]

    def covariances(self, value: Any) -> list[Covariance]:
        if not isinstance(value, list):
            raise self.error("covariances", f"Covariances must be a list of [left, right] pairs; got {_show(value)}.")
        out = []
        for i, item in enumerate(value):
            key = f"covariances[{i}]"
            if isinstance(item, str) and item.count("~~") == 1:
                left, right = (part.strip() for part in item.split("~~"))
            elif isinstance(item, list) and len(item) == 2:
                left, right = item
            else:
                raise self.error(key, f"Covariance at '{key}' must be [left, right] or 'left ~~ right'; got {_show(item)}.")
            out.append(Covariance(self.name(left, key), self.name(right, key)))
        return out

    def ordinal(self, value: Any, constructs: list[Construct]) -> tuple[str, ...]:
        """The ``ordinal`` list: indicator names, or construct names standing for all their indicators."""
        if not isinstance(value, list):
            raise self.error("ordinal", f"'ordinal' must be a list of indicator or construct names; got {_show(value)}.")
        blocks = {c.name: c.indicators for c in constructs}
        out: list[str] = []
        for i, item in enumerate(value):
            name = self.name(item, f"ordinal[{i}]")
            out.extend(blocks.get(name, (name,)))
        return tuple(out)

    def fixed(self, value: Any) -> list[FixedValue]:
        if not isinstance(value, list):
            raise self.error("fixed", f"Fixed values must be a list of {{lhs, op, rhs, value}}; got {_show(value)}.")
        out = []
        for i, item in enumerate(value):
            key = f"fixed[{i}]"
            body = self.mapping(item, key, _FIXED_KEYS)
            missing = [k for k in _FIXED_KEYS if k not in body]
            if missing:
                raise self.error(key, f"Fixed value at '{key}' lacks {', '.join(missing)}; give lhs, op, rhs and value.")
            number = body["value"]
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise self.error(f"{key}.value", f"Fixed value at '{key}.value' must be a number; got {_show(number)}.")
            out.append(
                FixedValue(self.name(body["lhs"], key), self.text(body["op"], f"{key}.op"), self.name(body["rhs"], key), number)
            )
        return out

    def higher_order(self, value: Any) -> list[HigherOrder]:
        """``higher_order: {name: {components: [constructs], mode: reflective | composite, label: text}}``."""
        if not isinstance(value, Mapping):
            raise self.error("higher_order", f"higher_order must be a mapping name -> {{components, mode}}; got {_show(value)}.")
        out = []
        for name, raw in value.items():
            key = f"higher_order.{name}"
            body = self.mapping(raw, key, _HIGHER_ORDER_KEYS)
            components = body.get("components")
            if not isinstance(components, list) or not components:
                raise self.error(
                    f"{key}.components", f"'{key}.components' must be a list of construct names; got {_show(components)}."
                )
            mode = self.mode(body.get("mode", "reflective"), f"{key}.mode")
            label = self.text(body["label"], f"{key}.label") if body.get("label") is not None else None
            out.append(
                HigherOrder(self.name(name, key), tuple(self.name(c, f"{key}.components") for c in components), mode, label)
            )
        return out

    def derived(self, value: Any) -> list[DerivedIndicator]:
        """``derived: {name: {perceived, expected, kind: difference | ratio, source_scale}}``."""
        if not isinstance(value, Mapping):
            raise self.error("derived", f"derived must be a mapping name -> {{perceived, expected, kind}}; got {_show(value)}.")
        out = []
        for name, raw in value.items():
            key = f"derived.{name}"
            body = self.mapping(raw, key, _DERIVED_KEYS)
            for needed in ("perceived", "expected"):
                if needed not in body:
                    raise self.error(key, f"Derived indicator at '{key}' lacks '{needed}'; name the survey column.")
            scale = self.scale(body["source_scale"], f"{key}.source_scale") if body.get("source_scale") is not None else None
            item = DerivedIndicator(
                self.name(name, key),
                self.name(body["perceived"], f"{key}.perceived"),
                self.name(body["expected"], f"{key}.expected"),
                self.text(body.get("kind", "difference"), f"{key}.kind"),
                scale,
            )
            out.append(item)
        return out


def _show(value: Any) -> str:
    return f"{type(value).__name__} {value!r}" if value is not None else "nothing"


def spec_from_dict(d: Mapping[str, Any], *, source: str | os.PathLike[str] | None = None) -> ModelSpec:
    """Build a :class:`ModelSpec` from plain data in the YAML schema of this module.

    Parameters
    ----------
    d : mapping
        The document, as ``yaml.safe_load`` returns it.
    source : str or path-like, optional
        The file it came from, named in error messages.

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        Naming the key path at fault (``constructs.perceived_quality.scale``) and the file; an
        unknown key lists the allowed ones. Model errors (undeclared construct, cycle, ...) are
        re-raised with the file named.

    Examples
    --------
    >>> spec = spec_from_dict({"scale": [1, 10], "constructs": {"Q": {"indicators": ["q1"]},
    ...     "S": {"indicators": ["s1", "s2"]}}, "paths": ["Q -> S"]})
    >>> spec.scales["s2"]
    Scale(min=1, max=10)
    """
    reader = _Reader(None if source is None else str(source))
    if d is None:
        raise reader.error("constructs", "The document is empty. Give at least a 'constructs' mapping.")
    body = reader.mapping(d, "the document", _TOP_KEYS)
    if "constructs" not in body:
        raise reader.error("constructs", "The document has no 'constructs' key. Declare the constructs under it.")
    default = reader.scale(body["scale"], "scale") if "scale" in body else None
    raw_constructs = body["constructs"]
    if not isinstance(raw_constructs, Mapping):
        raise reader.error("constructs", f"Constructs must be a mapping name -> construct; got {_show(raw_constructs)}.")
    constructs: list[Construct] = []
    scales: dict[str, Scale] = {}
    for name, value in raw_constructs.items():
        construct, block_scales = reader.construct(reader.name(name, f"constructs.{name}"), value, default)
        constructs.append(construct)
        scales.update(block_scales)
    parts: dict[str, Any] = {
        "paths": reader.paths(body["paths"]) if body.get("paths") is not None else [],
        "covariances": reader.covariances(body["covariances"]) if body.get("covariances") is not None else [],
        "fixed": reader.fixed(body["fixed"]) if body.get("fixed") is not None else [],
        "higher_order": reader.higher_order(body["higher_order"]) if body.get("higher_order") is not None else [],
        "derived": reader.derived(body["derived"]) if body.get("derived") is not None else [],
        "interactions": reader.interactions(body["interactions"]) if body.get("interactions") is not None else (),
        "name": reader.text(body["name"], "name") if body.get("name") is not None else None,
        "description": (reader.text(body["description"], "description") if body.get("description") is not None else None),
        "ordinal": reader.ordinal(body["ordinal"], constructs) if body.get("ordinal") is not None else (),
    }
    # A derived indicator's scale follows from its sources' scale.
    scales |= {d.name: scale for d in parts["derived"] if (scale := d.scale()) is not None}
    try:
        return ModelSpec(constructs=tuple(constructs), scales=scales, **parts)
    except SpecError as err:
        if reader.source is None:
            raise
        raise SpecError(f"In file '{reader.source}': {err}", culprit=err.culprit) from err


def _scale_dict(scale: Scale) -> dict[str, float]:
    return {"min": scale.min, "max": scale.max}


def spec_to_dict(spec: ModelSpec) -> dict[str, Any]:
    """Plain data for ``spec`` in the YAML schema of this module.

    Scales are written at the highest level that holds them exactly: top level when every
    indicator has the same scale, else per construct, else per indicator.

    Parameters
    ----------
    spec : ModelSpec

    Returns
    -------
    dict
        Only built-in types (str, int, float, list, dict), ready for ``yaml.safe_dump``.
    """
    out: dict[str, Any] = {}
    if spec.name is not None:
        out["name"] = spec.name
    if spec.description is not None:
        out["description"] = spec.description
    all_scales = {spec.scales.get(i) for i in spec.indicators}
    common = next(iter(all_scales)) if len(all_scales) == 1 else None
    if common is not None:
        out["scale"] = _scale_dict(common)
    constructs: dict[str, Any] = {}
    for construct in spec.constructs:
        body: dict[str, Any] = {}
        if construct.label is not None:
            body["label"] = construct.label
        body["mode"] = Mode(construct.mode).value
        if construct.lower_is_better:
            body["better"] = "lower"
        block = [spec.scales.get(i) for i in construct.indicators]
        if common is not None or all(s is None for s in block):
            body["indicators"] = list(construct.indicators)
        elif len(set(block)) == 1:
            body["scale"] = _scale_dict(block[0])  # type: ignore[arg-type]  # not None here
            body["indicators"] = list(construct.indicators)
        else:
            body["indicators"] = {
                i: ({"scale": _scale_dict(s)} if s is not None else None) for i, s in zip(construct.indicators, block)
            }
        constructs[construct.name] = body
    out["constructs"] = constructs
    if spec.paths:
        runs = [(target, [p.source for p in group]) for target, group in groupby(spec.paths, key=lambda p: p.target)]
        if len(runs) == len({target for target, _ in runs}):
            out["paths"] = dict(runs)  # grouped by target: the lavaan-like mapping keeps the order
        else:
            out["paths"] = [p.key for p in spec.paths]
    if spec.covariances:
        out["covariances"] = [[c.left, c.right] for c in spec.covariances]
    if spec.fixed:
        out["fixed"] = [{"lhs": f.lhs, "op": f.op, "rhs": f.rhs, "value": f.value} for f in spec.fixed]
    if spec.derived:
        out["derived"] = {
            d.name: {"perceived": d.perceived, "expected": d.expected, "kind": d.kind}
            | ({"source_scale": _scale_dict(d.source_scale)} if d.source_scale is not None else {})
            for d in spec.derived
        }
    if spec.higher_order:
        out["higher_order"] = {
            h.name: ({"label": h.label} if h.label is not None else {}) | {"mode": h.mode.value, "components": list(h.components)}
            for h in spec.higher_order
        }
    if spec.interactions:
        out["interactions"] = [f"{term.name} -> {target}" for term in spec.interactions for target in term.targets]
    if spec.ordinal:
        out["ordinal"] = list(spec.ordinal)
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, except short lists of names and ``{min, max}`` scales on one line."""


def _represent_list(dumper: _Dumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, (str, int, float)) and " " not in str(x) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: _Dumper, data: dict[str, Any]) -> yaml.Node:
    flow = (
        set(data) == {"min", "max"}
        or all(isinstance(v, (str, int, float)) for v in data.values())
        and (set(data) == set(_FIXED_KEYS))
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def spec_to_yaml(spec: ModelSpec) -> str:
    """The spec as YAML text (see :func:`spec_to_dict`); keys keep the declaration order."""
    return yaml.dump(spec_to_dict(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def read_yaml(path: str | os.PathLike[str]) -> ModelSpec:
    """Read a spec from a YAML file.

    Parameters
    ----------
    path : str or path-like
        The YAML file.

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        If the file does not exist, is not valid YAML (with line and column) or does not hold a
        valid spec; the message names the file.
    """
    file = FilePath(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise SpecError(f"Spec file not found: '{file}'. Check the path.", culprit=str(file)) from err
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"Cannot read spec file '{file}': {err}.", culprit=str(file)) from err
    return spec_from_text(text, source=str(file))


def spec_from_text(text: str, *, source: str | None = None) -> ModelSpec:
    """Build a spec from YAML text (the schema of this module); ``source`` names it in errors."""
    return spec_from_dict(_load_yaml_text(text, source), source=source)


def write_yaml(spec: ModelSpec, path: str | os.PathLike[str]) -> None:
    """Write ``spec`` to a YAML file (see :func:`spec_to_dict`); ``read_yaml`` reads it back equal."""
    FilePath(path).write_text(spec_to_yaml(spec), encoding="utf-8")
