"""The study file: YAML describing a :class:`~acsi.study.design.StudyDesign`, validated before any work.

Every error is a :class:`~acsi.errors.ParameterError` naming the file and the key (``design.n[2]``),
what was expected and what was found. Example (``models/studies/ecsi_two_factors.yaml``)::

    name: ecsi-two-factors
    seed: 1
    replications: 100
    population:
      spec: ../ecsi.yaml              # relative to the study file; or model: lavaan-style text
      paths: {image -> customer_expectations: 0.5, ...}
      loadings: {"*": 0.8}
      exogenous_correlations: {}      # optional
      composite: {within: 0.5, weights: {"*": 1}}   # for dgp: composite
    design:
      n: [100, 250, 1000]
      dgp: [factor]
      loading: [0.7, 0.9]             # optional: replaces the '*' loading
      indicators: [3, 5]              # optional: indicators per multi-item construct
      distribution:                   # names, or mappings
        - normal
        - {name: skewed, kind: skewed, sigma: 0.6}
        - {name: t5, kind: heavy_tailed, df: 5}
        - {name: chi1, kind: chi_square, df: 1}
        - {name: ordinal5, kind: ordinal, categories: 5, thresholds: [-1.5, -0.5, 0.5, 1.5]}
        - {name: ratings, kind: normal, ratings: {min: 1, max: 10, location: 7.5, spread: 1.7, round: true}}
      misspecification: [correct, {name: no_image_loyalty, omit_paths: [image -> customer_loyalty]}]
      missing: [complete, {name: mcar10, pattern: mcar, rate: 0.1}]
    estimators: [pls, plsc, {name: cbsem, method: cbsem}, {name: pls_centroid, method: pls, options: {scheme: centroid}}]
    bootstrap: {n_boot: 0, level: 0.95, intervals: [percentile, basic]}   # add bca (n_boot >= 200)

A population may instead be lavaan-style text with fixed values (``model: |`` with lines such
as ``F =~ 0.8*x1 + 0.8*x2``, ``G ~ 0.4*F``, ``F ~~ 0.3*H``); its values fill ``paths``,
``loadings`` and ``exogenous_correlations``.

Richer populations (common factors; ``models/studies/second_order_5point.yaml``,
``models/studies/moderation.yaml``): a spec with higher-order constructs takes
``second_order_loadings: {"HOC -> component": 0.8, ...}``; a spec with interaction terms takes the
interaction's value among ``paths`` (``"A:B -> C": 0.25``). Estimator ``options`` are
:func:`acsi.fit` keywords: the method's own (``ordinal``, ``objective``, ...) and
``higher_order`` / ``interactions`` (the approach), checked against the population's spec here.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from acsi.errors import AcsiError, ParameterError
from acsi.estimators.registry import REGISTRY
from acsi.study.design import (
    BCA_MIN_RESAMPLES,
    BOOTSTRAP_INTERVALS,
    DGP_KINDS,
    DISTRIBUTION_KINDS,
    ESTIMATOR_METHODS,
    MISSING_PATTERNS,
    Distribution,
    EstimatorSetting,
    Missingness,
    Misspecification,
    Population,
    Ratings,
    StudyDesign,
)
from acsi.study.published import PublishedTable, check_where, read_published

#: :func:`acsi.fit` keywords for how a spec's structure is fitted, taken by every registered method
#: (checked against the population's spec by :func:`_check_structure_options`).
STRUCTURE_OPTIONS: tuple[str, ...] = ("higher_order", "interactions")

_TOP = ("name", "seed", "replications", "population", "design", "estimators", "bootstrap", "description", "reference")


class _Reader:
    """Typed reads of the parsed YAML that fail naming the file, the key, expected and found."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str, found: object) -> ParameterError:
        return ParameterError(f"{self.source}: key '{key}': expected {expected}; found {found!r}.")

    def mapping(self, value: object, key: str, allowed: tuple[str, ...] | None = None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, "a mapping", value)
        if allowed is not None:
            unknown = [k for k in value if k not in allowed]
            if unknown:
                raise self.fail(
                    f"{key}.{unknown[0]}" if key else str(unknown[0]), f"one of the keys {', '.join(allowed)}", unknown[0]
                )
        return value

    def integer(self, value: object, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"an integer of at least {minimum}", value)
        return value

    def number(self, value: object, key: str, low: float = -math.inf, high: float = math.inf, *, open_low: bool = False) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or not (low < value if open_low else low <= value) or value > high:  # type: ignore[operator]
            bounds = f"{'(' if open_low else '['}{low:g}, {high:g}]"
            raise self.fail(key, f"a number in {bounds}", value)
        return float(value)  # type: ignore[arg-type]

    def choice(self, value: object, key: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(key, f"one of {', '.join(allowed)}", value)
        return str(value)

    def listing(self, value: object, key: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "a non-empty list", value)
        return value

    def name(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a non-empty name", value)
        return value


def _values(reader: _Reader, value: object, key: str) -> float | dict[str, float]:
    if isinstance(value, Mapping):
        return {str(k): reader.number(v, f"{key}.{k}") for k, v in value.items()}
    return reader.number(value, key)


def population_values_from_fixed(spec: Any) -> dict[str, Any]:
    """Paths, loadings and exogenous correlations from a lavaan-style spec's fixed values (``0.4*x``)."""
    paths: dict[str, float] = {}
    loadings: dict[str, float] = {}
    correlations: dict[str, float] = {}
    for fixed in spec.fixed:
        if fixed.op == "~":
            paths[f"{fixed.rhs} -> {fixed.lhs}"] = fixed.value
        elif fixed.op == "=~":
            loadings[fixed.rhs] = fixed.value
        elif fixed.op == "~~" and fixed.lhs != fixed.rhs:
            correlations[f"{fixed.lhs} ~~ {fixed.rhs}"] = fixed.value
    return {"paths": paths, "loadings": loadings, "exogenous_correlations": correlations}


def _population(reader: _Reader, raw: object, folder: Path) -> Population:
    from acsi.resources import bundled
    from acsi.spec.lavaan import parse_syntax
    from acsi.spec.load import load_spec

    keys = ("spec", "model", "paths", "loadings", "exogenous_correlations", "composite", "second_order_loadings")
    given = reader.mapping(raw, "population", keys)
    if ("spec" in given) == ("model" in given):
        raise reader.fail("population", "exactly one of 'spec' (a spec file) or 'model' (lavaan-style text)", sorted(given))
    try:
        if "spec" in given:
            name = reader.name(given["spec"], "population.spec")
            path = folder / name
            if not path.exists():
                try:
                    path = Path(bundled(name))
                except FileNotFoundError:
                    raise reader.fail("population.spec", "a spec file (relative to the study file, or bundled)", name) from None
            spec = load_spec(path)
        else:
            spec = parse_syntax(reader.name(given["model"], "population.model"), source=f"{reader.source}: population.model")
    except ParameterError:
        raise
    except AcsiError as err:
        raise ParameterError(f"{reader.source}: key 'population': {err}") from None
    implied = population_values_from_fixed(spec)
    paths = implied["paths"] | dict(reader.mapping(given.get("paths", {}), "population.paths"))
    paths = {k: reader.number(v, f"population.paths.{k}", -1, 1) for k, v in paths.items()}
    loadings: Any = (
        _values(reader, given["loadings"], "population.loadings") if "loadings" in given else (implied["loadings"] or 0.85)
    )
    exo: Any = given.get("exogenous_correlations", implied["exogenous_correlations"] or None)
    if exo is not None:
        exo = _values(reader, exo, "population.exogenous_correlations")
    composite = reader.mapping(given.get("composite", {}), "population.composite", ("within", "weights"))
    within = reader.number(composite.get("within", 0.5), "population.composite.within", 0, 1, open_low=True)
    weights = _values(reader, composite["weights"], "population.composite.weights") if "weights" in composite else None
    second_order = None
    if "second_order_loadings" in given:
        raw = reader.mapping(given["second_order_loadings"], "population.second_order_loadings")
        second_order = {k: reader.number(v, f"population.second_order_loadings.{k}", -1, 1) for k, v in raw.items()}
    return Population(spec, paths, loadings, exo, within, weights, second_order)


def _ratings(reader: _Reader, raw: object, key: str) -> Ratings:
    given = reader.mapping(raw, key, ("min", "max", "location", "spread", "round", "default_location"))
    low = reader.number(given.get("min", 1), f"{key}.min")
    high = reader.number(given.get("max", 10), f"{key}.max", low, open_low=True)
    location = _values(reader, given.get("location", (low + high) / 2), f"{key}.location")
    spread = _values(reader, given.get("spread", (high - low) / 6), f"{key}.spread")
    rounded = given.get("round", False)
    if not isinstance(rounded, bool):
        raise reader.fail(f"{key}.round", "true or false", rounded)
    default = reader.number(given.get("default_location", (low + high) / 2), f"{key}.default_location")
    return Ratings(low, high, location, spread, rounded, default)


def _distribution(reader: _Reader, raw: object, key: str) -> Distribution:
    if isinstance(raw, str):
        raw = {"name": raw, "kind": raw}
    given = reader.mapping(raw, key, ("name", "kind", "sigma", "df", "categories", "thresholds", "ratings"))
    name = reader.name(given.get("name"), f"{key}.name")
    kind = reader.choice(given.get("kind", name), f"{key}.kind", DISTRIBUTION_KINDS)
    sigma = reader.number(given.get("sigma", 0.6), f"{key}.sigma", 0, 3, open_low=True)
    df = reader.number(given.get("df", 5.0), f"{key}.df", 0 if kind == "chi_square" else 2, open_low=True)
    categories = reader.integer(given.get("categories", 5), f"{key}.categories", 2)
    thresholds = None
    if "thresholds" in given:
        values = [
            reader.number(v, f"{key}.thresholds[{j}]")
            for j, v in enumerate(reader.listing(given["thresholds"], f"{key}.thresholds"))
        ]
        if len(values) != categories - 1 or values != sorted(set(values)):
            raise reader.fail(
                f"{key}.thresholds", f"{categories - 1} increasing cut points for {categories} categories", given["thresholds"]
            )
        thresholds = tuple(values)
    ratings = _ratings(reader, given["ratings"], f"{key}.ratings") if "ratings" in given else None
    if kind == "ordinal" and ratings is not None:
        raise reader.fail(f"{key}.ratings", "no ratings for an ordinal distribution (its categories are 1..k)", given["ratings"])
    return Distribution(name, kind, sigma, df, categories, thresholds, ratings)


def _misspecification(reader: _Reader, raw: object, key: str) -> Misspecification:
    if isinstance(raw, str):
        return Misspecification(raw)
    given = reader.mapping(raw, key, ("name", "omit_paths"))
    omit = tuple(
        reader.name(v, f"{key}.omit_paths[{j}]")
        for j, v in enumerate(reader.listing(given.get("omit_paths", []), f"{key}.omit_paths"))
    )
    return Misspecification(
        reader.name(given.get("name"), f"{key}.name"), tuple(" -> ".join(s.strip() for s in p.split("->")) for p in omit)
    )


def _missing(reader: _Reader, raw: object, key: str) -> Missingness:
    if isinstance(raw, str):
        return Missingness(raw)
    given = reader.mapping(raw, key, ("name", "pattern", "rate"))
    pattern = reader.choice(given.get("pattern", "none"), f"{key}.pattern", MISSING_PATTERNS)
    high = 0.5 if pattern == "mar" else 0.9
    rate = reader.number(given.get("rate", 0.0), f"{key}.rate", 0, high)
    return Missingness(reader.name(given.get("name"), f"{key}.name"), pattern, rate)


def _estimator(reader: _Reader, raw: object, key: str) -> EstimatorSetting:
    if isinstance(raw, str):
        raw = {"name": raw, "method": raw}
    given = reader.mapping(raw, key, ("name", "method", "options", "missing"))
    name = reader.name(given.get("name", given.get("method")), f"{key}.name")
    method = reader.choice(given.get("method", name), f"{key}.method", ESTIMATOR_METHODS)
    options = dict(reader.mapping(given.get("options", {}), f"{key}.options"))
    allowed = (*REGISTRY[method].options, *STRUCTURE_OPTIONS) if method in REGISTRY else ()
    for option in options:
        if option not in allowed:
            raise reader.fail(f"{key}.options.{option}", f"an option of {method}: {', '.join(allowed) or '(none)'}", option)
    missing = reader.choice(given.get("missing", "listwise"), f"{key}.missing", ("listwise", "mean", "pairwise", "em"))
    return EstimatorSetting(name, method, options, missing)


def _unique(reader: _Reader, items: list[Any], key: str) -> tuple[Any, ...]:
    names = [item.name for item in items]
    duplicated = [n for n in names if names.count(n) > 1]
    if duplicated:
        raise reader.fail(key, "distinct names", duplicated[0])
    return tuple(items)


def _bootstrap(reader: _Reader, raw: object) -> tuple[int, float, tuple[str, ...]]:
    """``bootstrap: {n_boot, level, intervals}``: resamples, level and bootstrap interval methods (BCa needs 200)."""
    boot = reader.mapping(raw, "bootstrap", ("n_boot", "level", "intervals"))
    intervals = tuple(
        reader.choice(v, f"bootstrap.intervals[{j}]", BOOTSTRAP_INTERVALS)
        for j, v in enumerate(reader.listing(boot.get("intervals", ["percentile", "basic"]), "bootstrap.intervals"))
    )
    n_boot = reader.integer(boot.get("n_boot", 0), "bootstrap.n_boot", 0)
    if "bca" in intervals and 0 < n_boot < BCA_MIN_RESAMPLES:
        raise reader.fail("bootstrap.n_boot", f"at least {BCA_MIN_RESAMPLES} resamples for BCa intervals", n_boot)
    return n_boot, reader.number(boot.get("level", 0.95), "bootstrap.level", 0, 1, open_low=True), intervals


def design_from_dict(content: object, *, source: str = "<study>", folder: str | os.PathLike[str] = ".") -> StudyDesign:
    """A :class:`StudyDesign` from a parsed study file (see the module notes), fully validated."""
    reader = _Reader(source)
    top = reader.mapping(content, "", _TOP)
    for required in ("population", "design", "estimators"):
        if required not in top:
            raise reader.fail(required, "this key (the study needs a population, a design and estimators)", None)
    design = reader.mapping(
        top["design"], "design", ("n", "dgp", "loading", "indicators", "distribution", "misspecification", "missing")
    )
    if "n" not in design:
        raise reader.fail("design.n", "a list of sample sizes", None)
    ns = tuple(reader.integer(v, f"design.n[{j}]", 10) for j, v in enumerate(reader.listing(design["n"], "design.n")))
    dgps = tuple(
        reader.choice(v, f"design.dgp[{j}]", DGP_KINDS)
        for j, v in enumerate(reader.listing(design.get("dgp", ["factor"]), "design.dgp"))
    )
    loadings = tuple(
        reader.number(v, f"design.loading[{j}]", 0, 1, open_low=True)
        for j, v in enumerate(reader.listing(design.get("loading", [None]), "design.loading"))
        if v is not None
    ) or (None,)
    indicators = tuple(
        reader.integer(v, f"design.indicators[{j}]", 1)
        for j, v in enumerate(reader.listing(design.get("indicators", [None]), "design.indicators"))
        if v is not None
    ) or (None,)
    distributions = [
        _distribution(reader, v, f"design.distribution[{j}]")
        for j, v in enumerate(reader.listing(design.get("distribution", ["normal"]), "design.distribution"))
    ]
    misspecs = [
        _misspecification(reader, v, f"design.misspecification[{j}]")
        for j, v in enumerate(reader.listing(design.get("misspecification", ["correct"]), "design.misspecification"))
    ]
    missing = [
        _missing(reader, v, f"design.missing[{j}]")
        for j, v in enumerate(reader.listing(design.get("missing", ["complete"]), "design.missing"))
    ]
    estimators = [
        _estimator(reader, v, f"estimators[{j}]") for j, v in enumerate(reader.listing(top["estimators"], "estimators"))
    ]
    n_boot, level, intervals = _bootstrap(reader, top.get("bootstrap", {}))
    population = _population(reader, top["population"], Path(folder))
    declared = {p.key for p in population.spec.paths}
    for j, m in enumerate(misspecs):
        for k, key in enumerate(m.omit_paths):
            if key not in declared:
                raise reader.fail(
                    f"design.misspecification[{j}].omit_paths[{k}]", f"a path of the model ({', '.join(sorted(declared))})", key
                )
    result = StudyDesign(
        name=reader.name(top.get("name", Path(source).stem), "name"),
        population=population,
        ns=ns,
        estimators=_unique(reader, estimators, "estimators"),
        replications=reader.integer(top.get("replications", 100), "replications", 1),
        seed=reader.integer(top.get("seed", 0), "seed", 0),
        dgps=dgps,
        loadings=loadings,
        indicators=indicators,
        distributions=_unique(reader, distributions, "design.distribution"),
        misspecifications=_unique(reader, misspecs, "design.misspecification"),
        missing=_unique(reader, missing, "design.missing"),
        n_boot=n_boot,
        level=level,
        intervals=intervals,
        source=dict(top),
    )
    _check_population(reader, result)
    _check_structure_options(reader, result)
    if "reference" in top:
        result = dataclasses.replace(result, reference=_reference(reader, top["reference"], result))
    return result


def _reference(reader: _Reader, raw: object, design: StudyDesign) -> PublishedTable:
    """The published table of the study file, checked against the design (:mod:`acsi.study.published`)."""
    table = read_published(
        reader,
        raw,
        paths={p.key for p in design.population.spec.paths},
        ns=design.ns,
        estimators={e.name for e in design.estimators},
    )
    levels: dict[str, set[str]] = {}
    for condition in design.conditions():
        for factor, level in condition.labels().items():
            levels.setdefault(factor, set()).add(str(level))
    check_where(reader, table, levels)
    return table


def _check_structure_options(reader: _Reader, design: StudyDesign) -> None:
    """Refuse, before any work, estimator options that :func:`acsi.fit` would refuse for the population's
    spec: a ``higher_order`` approach without higher-order constructs, with ``cbsem`` or unknown, and an
    ``interactions`` approach the method does not build (:func:`acsi.api.with_interactions`)."""
    from acsi.api import make_estimator, with_interactions
    from acsi.estimators.higher_order import APPROACHES

    spec = design.population.spec
    for j, setting in enumerate(design.estimators):
        if setting.method == "equal":
            continue
        key = f"estimators[{j}].options"
        options = dict(setting.options)
        approach = options.pop("higher_order", None)
        if approach is not None:
            if not spec.higher_order:
                raise reader.fail(
                    f"{key}.higher_order", "no approach (the population spec has no higher-order construct)", approach
                )
            if setting.method == "cbsem":
                raise reader.fail(f"{key}.higher_order", "no approach for cbsem (it fits second-order factors)", approach)
            reader.choice(approach, f"{key}.higher_order", APPROACHES)
        interactions = options.pop("interactions", None)
        try:
            with_interactions(make_estimator(setting.method, **options), spec, interactions)
        except (AcsiError, NotImplementedError) as err:
            raise ParameterError(f"{reader.source}: key '{key}': {err}") from None


def _check_population(reader: _Reader, design: StudyDesign) -> None:
    """Build every distinct population of the design now, so that bad values fail before any work."""
    from acsi.study.generate import build_population, check_distribution

    seen = set()
    for condition in design.conditions():
        key = (condition.dgp, condition.loading, condition.indicators)
        if key in seen:
            continue
        seen.add(key)
        try:
            population = build_population(design, condition)
        except AcsiError as err:
            raise ParameterError(
                f"{reader.source}: key 'population' (dgp {condition.dgp}, loading {condition.loading}, indicators {condition.indicators}): {err}"
            ) from None
        for distribution in design.distributions:
            try:
                check_distribution(distribution, condition.dgp, population)
            except ParameterError as err:
                raise ParameterError(f"{reader.source}: key 'design.distribution': {err}") from None


def load_study(path: str | os.PathLike[str]) -> StudyDesign:
    """Read and validate a study file (YAML, see the module notes)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ParameterError(f"{path}: cannot read the study file ({err.strerror}).") from None
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ParameterError(f"{path}: not valid YAML ({err}).") from None
    return design_from_dict(content, source=str(path), folder=path.parent)
