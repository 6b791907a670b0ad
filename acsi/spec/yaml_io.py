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

import os
from collections.abc import Mapping
from itertools import groupby
from pathlib import Path as FilePath
from typing import Any

import yaml

from acsi.errors import SpecError
from acsi.spec.model import Construct, Mode, ModelSpec, Scale
from acsi.spec.yaml_optional_keys import (
    FIXED_KEYS,
    read_covariances,
    read_derived,
    read_fixed,
    read_higher_order,
    read_interactions,
    read_ordinal,
)
from acsi.spec.yaml_reader import KeyReader, show

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
    reader = KeyReader(None if source is None else str(source))
    if d is None:
        raise reader.error("constructs", "The document is empty. Give at least a 'constructs' mapping.")
    body = reader.mapping(d, "the document", _TOP_KEYS)
    if "constructs" not in body:
        raise reader.error("constructs", "The document has no 'constructs' key. Declare the constructs under it.")
    default = reader.scale(body["scale"], "scale") if "scale" in body else None
    raw_constructs = body["constructs"]
    if not isinstance(raw_constructs, Mapping):
        raise reader.error("constructs", f"Constructs must be a mapping name -> construct; got {show(raw_constructs)}.")
    constructs: list[Construct] = []
    scales: dict[str, Scale] = {}
    for name, value in raw_constructs.items():
        construct, block_scales = reader.construct(reader.name(name, f"constructs.{name}"), value, default)
        constructs.append(construct)
        scales.update(block_scales)
    parts: dict[str, Any] = {
        "paths": reader.paths(body["paths"]) if body.get("paths") is not None else [],
        "covariances": read_covariances(reader, body["covariances"]) if body.get("covariances") is not None else [],
        "fixed": read_fixed(reader, body["fixed"]) if body.get("fixed") is not None else [],
        "higher_order": read_higher_order(reader, body["higher_order"]) if body.get("higher_order") is not None else [],
        "derived": read_derived(reader, body["derived"]) if body.get("derived") is not None else [],
        "interactions": read_interactions(reader, body["interactions"]) if body.get("interactions") is not None else (),
        "name": reader.text(body["name"], "name") if body.get("name") is not None else None,
        "description": (reader.text(body["description"], "description") if body.get("description") is not None else None),
        "ordinal": read_ordinal(reader, body["ordinal"], constructs) if body.get("ordinal") is not None else (),
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
        and (set(data) == set(FIXED_KEYS))
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
