"""A declarative mapping from a survey's columns to a model's indicators.

A mapping file (YAML) says, per indicator, which source column it comes from, the
theoretical scale of the answers, which codes mean "missing", whether the item is reversed
and how its answers are recoded. Example::

    # mapping.yaml
    weight: wgt                    # optional case-weight column (carried along, see below)
    groups: [branch, period]       # optional grouping columns carried along
    defaults:                      # apply to every indicator unless it says otherwise
      scale: [1, 10]
      missing: {98: "don't know", 99: refused}
    indicators:
      sat1: Q12                    # shorthand: indicator sat1 is column Q12, defaults apply
      sat2: {column: Q13, reverse: true}
      sat3: {column: Q14, scale: [1, 5], recode: five_level}       # 1..5 -> 0/40/60/80/100
      sat4: {column: Q15, recode: acsi}                            # 1..10 -> 0..100, linear
      loy1: {column: Q20, scale: [1, 4], recode: {1: 0, 2: 33.3, 3: 66.7, 4: 100}}

Each indicator goes through these steps, in order:

1. **rename**: the source ``column`` (default: the indicator's own name) becomes the indicator;
2. **missing codes**: cells equal to a code (numbers or text, e.g. ``"DK"``) become missing;
3. **numbers**: text that is not a number is an error naming rows and values;
4. **scale**: values outside ``scale`` are errors (strict) or become missing (lenient);
5. **reverse**: ``x -> min + max - x`` on the source scale;
6. **recode**: a table ``{answer: value}`` (answers absent from the table are errors, or
   missing when lenient), ``five_level`` (1-5 to 0/40/60/80/100), or ``acsi``
   (``100 (x - min) / (max - min)``, the ACSI 1-10 to 0-100 map).

The indicator's scale afterwards (used by validation and the 0-100 index) is the source
scale, or after a recode the range of the table (``five_level``, ``acsi``: 0-100).
Columns the mapping does not name pass through unchanged. Every change is counted in
``metadata.counts[indicator]``.

Case weights and groups: the weight column must hold non-negative numbers; it and the
grouping columns are carried in the prepared data (``IndicatorData.case_weights``,
``IndicatorData.groups``) for later comparisons. The estimators weight the moments they start
from by the case weights (integer weights act as repeated rows), and so does the bootstrap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import yaml

from acsi.errors import DataError, IngestError, shorten
from acsi.ingest.recode import _as_numbers, _is_number, clean_indicator, format_rows, format_values
from acsi.ingest.survey import Survey
from acsi.spec.model import Scale
from acsi.spec.yaml_io import _UniqueKeyLoader

#: Named recoding tables.
FIVE_LEVEL: Mapping[float, float] = MappingProxyType({1: 0.0, 2: 40.0, 3: 60.0, 4: 80.0, 5: 100.0})
NAMED_RECODES = ("acsi", "five_level")
_RULE_KEYS = ("column", "scale", "missing", "reverse", "recode", "label")
_TOP_KEYS = ("indicators", "defaults", "weight", "groups", "description")
_DEFAULT_KEYS = ("scale", "missing")


@dataclass(frozen=True)
class IndicatorRule:
    """How one indicator is made from one source column."""

    indicator: str
    column: str
    scale: Scale | None = None
    missing: tuple[Any, ...] = ()
    missing_labels: Mapping[Any, str] = field(default_factory=dict)
    reverse: bool = False
    recode: str | Mapping[float, float] | None = None
    label: str | None = None

    @property
    def target_scale(self) -> Scale | None:
        """Scale of the indicator after reverse and recode."""
        if self.recode is None:
            return self.scale
        if self.recode == "acsi":
            return Scale(0.0, 100.0)
        table = FIVE_LEVEL if self.recode == "five_level" else self.recode
        values = list(table.values())
        return Scale(float(min(values)), float(max(values)))

    def table(self) -> Mapping[float, float] | None:
        if self.recode == "five_level":
            return FIVE_LEVEL
        return self.recode if isinstance(self.recode, Mapping) else None


@dataclass(frozen=True)
class SurveyMapping:
    """A parsed mapping file: one :class:`IndicatorRule` per indicator, weight and groups."""

    rules: tuple[IndicatorRule, ...]
    weight: str | None = None
    groups: tuple[str, ...] = ()
    source: str | None = None

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(rule.indicator for rule in self.rules)

    @property
    def scales(self) -> dict[str, Scale]:
        return {r.indicator: r.target_scale for r in self.rules if r.target_scale is not None}


class _Reader:
    def __init__(self, source: str | None) -> None:
        self.source = source

    def error(self, key: str, message: str) -> IngestError:
        where = f"Mapping '{self.source}'" if self.source else "Mapping"
        return IngestError(f"{where}, at '{key}': {message}")

    def keys(self, value: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected a mapping with keys {', '.join(allowed)}; got {shorten(value)}.")
        unknown = [k for k in value if k not in allowed]
        if unknown:
            raise self.error(key, f"unknown key(s) {', '.join(map(repr, unknown))}. Allowed keys: {', '.join(allowed)}.")
        return value

    def scale(self, value: Any, key: str) -> Scale:
        if isinstance(value, Mapping) and set(value) == {"min", "max"}:
            value = [value["min"], value["max"]]
        if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) for v in value)):
            raise self.error(key, f"a scale is [min, max] (or {{min: a, max: b}}) with two numbers; got {shorten(value)}.")
        if not value[0] < value[1]:
            raise self.error(key, f"the scale minimum must be below its maximum; got {shorten(value)}.")
        return Scale(float(value[0]), float(value[1]))

    def missing(self, value: Any, key: str) -> tuple[tuple[Any, ...], dict[Any, str]]:
        if value is None:
            return (), {}
        if isinstance(value, Mapping):
            codes, labels = tuple(value), {k: str(v) for k, v in value.items()}
        elif isinstance(value, (list, tuple)):
            codes, labels = tuple(value), {}
        elif _is_number(value) or isinstance(value, str):
            codes, labels = (value,), {}
        else:
            raise self.error(key, f"missing codes are a list [98, 99] or a table {{98: don't know}}; got {shorten(value)}.")
        for code in codes:
            if not (_is_number(code) or isinstance(code, str)):
                raise self.error(key, f"a missing code must be a number or text; got {shorten(code)}.")
        return codes, labels

    def recode(self, value: Any, key: str) -> str | Mapping[float, float] | None:
        if value is None:
            return None
        if isinstance(value, str):
            if value not in NAMED_RECODES:
                raise self.error(
                    key, f"unknown recoding {shorten(value)}; use one of {', '.join(NAMED_RECODES)} or a table {{1: 0, 2: 40}}."
                )
            return value
        if isinstance(value, Mapping) and value:
            bad = [f"{shorten(k)}: {shorten(v)}" for k, v in value.items() if not (_is_number(k) and _is_number(v))]
            if bad:
                raise self.error(key, f"a recoding table maps numbers to numbers; got {', '.join(bad)}.")
            values = list(value.values())
            if min(values) == max(values):
                raise self.error(key, "a recoding table must map to at least two different values.")
            return MappingProxyType({float(k): float(v) for k, v in value.items()})
        raise self.error(key, f"recode is 'acsi', 'five_level' or a table {{answer: value}}; got {shorten(value)}.")

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a column name; got {shorten(value)}.")
        return value.strip()


def mapping_from_dict(data: Mapping[str, Any], *, source: str | None = None) -> SurveyMapping:
    """Build a :class:`SurveyMapping` from the plain data of a mapping file.

    Raises
    ------
    IngestError
        Unknown keys, malformed scales, codes or tables, ``reverse`` or ``recode: acsi``
        without a scale, ``five_level`` on a scale other than 1-5; the message names the key.
    """
    reader = _Reader(source)
    body = reader.keys(data, "(top level)", _TOP_KEYS)
    if "indicators" not in body:
        raise reader.error("(top level)", "the mapping needs an 'indicators' section (indicator: source column).")
    defaults = reader.keys(body.get("defaults") or {}, "defaults", _DEFAULT_KEYS)
    default_scale = reader.scale(defaults["scale"], "defaults.scale") if defaults.get("scale") is not None else None
    default_missing = reader.missing(defaults.get("missing"), "defaults.missing")
    indicators = body["indicators"]
    if not isinstance(indicators, Mapping) or not indicators:
        raise reader.error("indicators", f"expected a mapping indicator -> column or rule; got {shorten(indicators)}.")
    rules = []
    for name, value in indicators.items():
        key = f"indicators.{name}"
        name = reader.name(name, key)
        if value is None or isinstance(value, str):
            value = {"column": value or name}
        rule = reader.keys(value, key, _RULE_KEYS)
        scale = reader.scale(rule["scale"], f"{key}.scale") if rule.get("scale") is not None else default_scale
        codes, labels = reader.missing(rule["missing"], f"{key}.missing") if "missing" in rule else default_missing
        reverse = rule.get("reverse", False)
        if not isinstance(reverse, bool):
            raise reader.error(f"{key}.reverse", f"reverse is true or false; got {shorten(reverse)}.")
        recode = reader.recode(rule.get("recode"), f"{key}.recode")
        if recode == "five_level":
            if scale is None:
                scale = Scale(1.0, 5.0)
            elif (scale.min, scale.max) != (1.0, 5.0):
                raise reader.error(f"{key}.recode", f"five_level recodes a 1-5 scale; the scale is {scale.min:g}-{scale.max:g}.")
        if scale is None and (reverse or recode == "acsi"):
            what = "reverse coding" if reverse else "the acsi recoding"
            raise reader.error(key, f"{what} needs the item's scale; add scale: [min, max] here or under defaults.")
        if isinstance(recode, Mapping) and scale is not None:
            outside = [k for k in recode if not scale.min <= k <= scale.max]
            if outside:
                raise reader.error(
                    f"{key}.recode",
                    f"table answers {format_values(outside)} lie outside the scale {scale.min:g}-{scale.max:g}.",
                )
        label = rule.get("label")
        rules.append(
            IndicatorRule(
                indicator=name,
                column=reader.name(rule.get("column", name), f"{key}.column"),
                scale=scale,
                missing=codes,
                missing_labels=MappingProxyType(labels),
                reverse=reverse,
                recode=recode,
                label=str(label) if label is not None else None,
            )
        )
    fed: dict[str, str] = {}
    for rule in rules:  # one source column feeds one indicator: two would be one answer counted twice
        if rule.column in fed:
            raise reader.error(
                f"indicators.{rule.indicator}.column",
                f"indicators {fed[rule.column]!r} and {rule.indicator!r} both come from source column {rule.column!r}; "
                "an answer can feed one indicator only. Map each indicator to its own column.",
            )
        fed[rule.column] = rule.indicator
    weight = reader.name(body["weight"], "weight") if body.get("weight") is not None else None
    groups_raw = body.get("groups") or []
    if isinstance(groups_raw, str):
        groups_raw = [groups_raw]
    if not isinstance(groups_raw, list):
        raise reader.error("groups", f"expected a list of column names; got {shorten(groups_raw)}.")
    groups = tuple(reader.name(g, "groups") for g in groups_raw)
    clash = sorted({weight, *groups} & set(r.indicator for r in rules) - {None})
    if clash:
        raise reader.error("indicators", f"{', '.join(clash)} cannot be both an indicator and a weight or group column.")
    return SurveyMapping(rules=tuple(rules), weight=weight, groups=groups, source=source)


def load_mapping(path: str | Path) -> SurveyMapping:
    """Read a mapping YAML file (see the module notes for the schema).

    Raises
    ------
    IngestError
        The file is missing, is not YAML (line and column named), repeats a key, or does
        not follow the schema.
    """
    file = Path(path)
    if not file.is_file():
        raise IngestError(f"Mapping file '{path}' not found.")
    text = file.read_text()
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = " ".join(p for p in (err.context, err.problem) if p)
        raise IngestError(f"Mapping '{path}' is not valid YAML{where}: {problem}.") from err
    except (yaml.YAMLError, ValueError) as err:  # ValueError: a timestamp such as 0000-00-00 that is no date
        raise IngestError(f"Mapping '{path}' is not valid YAML: {err}.") from err
    if not isinstance(data, Mapping):
        raise IngestError(f"Mapping '{path}' must be a YAML mapping with an 'indicators' section; got {type(data).__name__}.")
    return mapping_from_dict(data, source=str(path))


def apply_mapping(survey: Survey, mapping: SurveyMapping, *, strict: bool = True) -> Survey:
    """Rename, clean, reverse and recode the mapped columns of a survey.

    Parameters
    ----------
    survey : Survey
        From :func:`acsi.ingest.read_survey` (or :meth:`Survey.from_frame`); never modified.
    mapping : SurveyMapping
    strict : bool
        True: values outside an item's scale or absent from its recoding table are errors.
        False (lenient): they become missing and are counted
        (``metadata.counts[indicator]["out_of_scale"]``, ``["unmapped"]``).

    Returns
    -------
    Survey
        Indicators named as in the mapping, as floats; unmapped columns unchanged; metadata
        with the indicators' scales, labels, missing codes, weight, groups and counts.

    Raises
    ------
    DataError
        Every problem at once, one line each: source columns, weight or group columns that
        are absent (all listed), non-numeric cells, out-of-scale values (strict), answers
        absent from a recoding table (strict), negative or missing case weights. Each line
        names the file, column, the first rows (source row numbers) and their values.
    """
    frame = survey.frame
    meta = survey.metadata
    where = f" in {meta.source}" if meta.source else ""
    needed = [r.column for r in mapping.rules] + [c for c in (mapping.weight, *mapping.groups) if c is not None]
    absent = list(dict.fromkeys(c for c in needed if c not in frame.columns))
    if absent:
        raise DataError(
            f"The survey{where} lacks {len(absent)} column(s) named in the mapping"
            f"{' ' + repr(mapping.source) if mapping.source else ''}: {', '.join(absent)}. "
            f"Columns found: {', '.join(map(str, frame.columns[:30]))}{' ...' if len(frame.columns) > 30 else ''}. "
            "Correct the mapping's 'column' entries."
        )
    sources = {r.column for r in mapping.rules}
    targets = {r.indicator for r in mapping.rules}
    clash = sorted(c for c in frame.columns if c in targets and c not in sources)
    if clash:
        raise DataError(
            f"The mapping renames other columns to {', '.join(clash)}, but the survey{where} already has "
            "column(s) of that name. Map those columns too or choose other indicator names."
        )
    problems: list[str] = []
    new: dict[str, np.ndarray] = {}
    counts = {k: dict(v) for k, v in meta.counts.items()}
    codes_out = dict(meta.missing_codes)
    labels_out = dict(meta.column_labels)
    for rule in mapping.rules:
        tally = dict(counts.get(rule.column, {}))  # codes the reader applied (SPSS) follow the rename
        tally.setdefault("missing_codes", 0)
        x, problem = clean_indicator(rule, frame[rule.column], where=where, strict=strict, tally=tally)
        if problem is not None:
            problems.append(problem)
            continue
        if rule.missing:
            codes_out[rule.indicator] = tuple(dict.fromkeys((*codes_out.get(rule.column, ()), *rule.missing)))
        new[rule.indicator] = x
        counts[rule.indicator] = tally
        label = rule.label or meta.column_labels.get(rule.column)
        if label:
            labels_out[rule.indicator] = label
    if mapping.weight is not None:
        weights, bad = _as_numbers(frame[mapping.weight])
        wrong = bad.to_numpy() | weights.isna().to_numpy() | (weights < 0).to_numpy()
        if wrong.any():
            problems.append(
                f"Case-weight column '{mapping.weight}'{where} needs a non-negative number in every row: "
                f"{format_rows(frame.index[wrong])} hold {format_values(frame[mapping.weight][wrong])}."
            )
    if problems:
        head = f"{len(problems)} problem(s) in the survey{where}" + (
            f" (row numbers: {meta.row_numbers})" if meta.format != "frame" else ""
        )
        raise DataError(head + ":\n  - " + "\n  - ".join(problems))
    renamed = {r.column for r in mapping.rules if r.column != r.indicator}
    keep = [c for c in frame.columns if c not in renamed and c not in targets]
    block = np.empty((len(frame), len(new)), order="F")  # one block, no per-column consolidation
    for j, x in enumerate(new.values()):
        block[:, j] = x
    out = pd.concat([pd.DataFrame(block, index=frame.index, columns=list(new)), frame[keep]], axis=1)
    scales = {**{k: v for k, v in meta.scales.items() if k not in renamed}, **mapping.scales}
    return Survey(
        frame=out,
        metadata=type(meta)(
            source=meta.source,
            format=meta.format,
            row_numbers=meta.row_numbers,
            column_labels=labels_out,
            value_labels=meta.value_labels,
            missing_codes=codes_out,
            measures=meta.measures,
            scales=scales,
            suggested_scales=meta.suggested_scales,
            weight=mapping.weight,
            groups=mapping.groups,
            counts=counts,
        ),
    )
