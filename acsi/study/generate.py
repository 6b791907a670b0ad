"""Data with known truth for one condition of a :class:`~acsi.study.design.StudyDesign`.

A :class:`ConditionPlan` holds the condition's population (common factors or composites), the
fitted spec (without the misspecified paths) and the truth; :meth:`ConditionPlan.draw` makes
replication ``r``'s sample:

1. ``z``: ``n`` rows of the population's standardised multivariate normal
   (:meth:`acsi.simulate.PopulationModel.draw_array`, generator ``default_rng(SeedSequence(seed,
   spawn_key=(c, r)))``);
2. the distribution: ``normal`` keeps ``z``; ``skewed`` takes ``s(z) = -(exp(-sigma z) - m) / d``
   per indicator (a reflected lognormal standardised by its mean ``m = exp(sigma^2/2)`` and
   standard deviation ``d = sqrt(exp(sigma^2)(exp(sigma^2) - 1))``); ``heavy_tailed`` takes
   ``z sqrt((df - 2) / w)`` with one ``w ~ chi^2_df`` per row, a multivariate t with the
   population covariance (Kotz & Nadarajah 2004, *Multivariate t distributions*, ch. 1);
   ``ordinal`` cuts ``z`` at the thresholds into categories 1..k; ``chi_square`` replaces step 1:
   the exogenous constructs, structural residuals and indicator errors are independent
   standardised chi-square(``df``) innovations (:mod:`acsi.simulate.innovations`; Kock 2019),
   so the population covariance is kept and the non-normality propagates through the model;
3. ratings (continuous kinds): ``clip(location + spread x, min, max)``, rounded if asked;
4. missing values, from ``default_rng(SeedSequence(seed, spawn_key=(c, r, 1)))``: ``mcar``
   deletes each value with probability ``rate``; ``mar`` deletes the indicators of endogenous
   constructs with probability ``2 rate F`` where ``F = (rank - 1/2) / n`` is the rank of the
   row's first indicator of the first exogenous construct (always observed): mean rate
   ``rate``, more gaps among high scorers.

Truth: paths are the standardised population paths; CB-SEM's unstandardised paths are scored in
the marker metric (first loading 1) ``b = beta s_t lambda_t / (s_s lambda_s)`` (``lambda`` the
first indicators' loadings, ``s`` their rating spreads), known for the common-factor DGP with a
linear distribution (normal, heavy-tailed or chi-square, ratings not rounded). The 0-100 index of a
construct is ``100 (E[x] - min) / (max - min)`` with ``E[x]`` its indicators' population mean,
by numerical integration over the marginal of ``x`` (ordinal: exactly); it is reported only
when every indicator of the block has the same mean (then every convex weighting has that index),
and not for ``chi_square`` (an indicator's marginal is a sum of scaled chi-squares, whose clipped
mean this module does not integrate).

Richer populations (:mod:`acsi.study.populations`): a spec with higher-order constructs is drawn
from :class:`~acsi.simulate.higher_order.SecondOrderPopulation`, one with interaction terms from
:class:`~acsi.simulate.interaction.InteractionPopulation` (step 1; steps 2-4 as above). Their
truth: the structural paths (``"HOC -> Y"``, ``"A:B -> C"``), the second-order loadings
``"HOC -> component"`` (kind ``second_order``), the index of a HOC whose components share one
index; no marker-metric truth, and no index truth for an interaction's targets and what they
affect (their indicators are not normal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from statistics import NormalDist

import numpy as np
import pandas as pd

from acsi.errors import ParameterError
from acsi.simulate.composite import CompositePopulationModel
from acsi.simulate.innovations import chi_square_factor_draws
from acsi.simulate.population import PopulationModel
from acsi.simulate.sampling import per_indicator
from acsi.simulate.values import WILDCARD
from acsi.spec.model import ModelSpec
from acsi.study.design import Condition, Distribution, StudyDesign
from acsi.study.populations import HigherOrderSource, InteractionSource, richer_source

#: What a condition draws from: a first-order population, or a second-order / interaction one.
Source = PopulationModel | HigherOrderSource | InteractionSource


@dataclass(frozen=True)
class ConditionPlan:
    """Everything a replication of one condition needs (picklable, sent to worker processes)."""

    design: StudyDesign
    condition: Condition
    population: Source
    fitted_spec: ModelSpec
    path_truth: dict[str, float]
    marker_truth: dict[str, float]
    index_truth: dict[str, float]
    outcome_scale: tuple[float, float] | None
    second_order_truth: dict[str, float] = field(default_factory=dict)

    def draw(self, r: int) -> tuple[pd.DataFrame, int]:
        """Replication ``r``'s sample (columns the population's indicators) and its bootstrap seed."""
        c = self.condition.index
        sequence = np.random.SeedSequence(self.design.seed, spawn_key=(c, r))
        rng = np.random.default_rng(sequence)
        distribution = self.condition.distribution
        if distribution.kind == "chi_square":
            assert isinstance(self.population, PopulationModel)
            z = chi_square_factor_draws(self.population, self.condition.n, distribution.df, rng)
        else:
            z = self.population.draw_array(self.condition.n, seed=rng)
        values = transform(z, distribution, self.population, rng)
        values = delete(
            values,
            self.condition,
            self.population,
            np.random.default_rng(np.random.SeedSequence(self.design.seed, spawn_key=(c, r, 1))),
        )
        frame = pd.DataFrame(values, columns=list(self.population.indicator_names))
        return frame, int(sequence.generate_state(1)[0])


def _skew(z: np.ndarray, sigma: float) -> np.ndarray:
    """Standardised reflected lognormal of ``z``: mean 0, variance 1, long left tail."""
    s2 = sigma**2
    return -(np.exp(-sigma * z) - math.exp(s2 / 2)) / math.sqrt(math.exp(s2) * (math.exp(s2) - 1))


def thresholds(distribution: Distribution) -> np.ndarray:
    """The ordinal cut points: as given, else ``k - 1`` equally spaced on (-2, 2)."""
    if distribution.thresholds is not None:
        return np.asarray(distribution.thresholds, dtype=float)
    return np.linspace(-2.0, 2.0, distribution.categories + 1)[1:-1]


def _rating_arrays(distribution: Distribution, population: Source) -> tuple[np.ndarray, np.ndarray]:
    """Per-indicator rating location and spread."""
    ratings = distribution.ratings
    assert ratings is not None
    names = population.indicator_names
    owner = {i: c.name for c in population.spec.constructs for i in c.indicators}
    location = per_indicator(ratings.location, ratings.default_location, "location", names, owner)
    spread = per_indicator(ratings.spread, 1.0, "spread", names, owner)
    return location, spread


def transform(z: np.ndarray, distribution: Distribution, population: Source, rng: np.random.Generator) -> np.ndarray:
    """Standardised normal draws ``z`` (n, p) under ``distribution`` (module notes, steps 2 and 3)."""
    kind = distribution.kind
    if kind == "ordinal":
        return 1.0 + np.searchsorted(thresholds(distribution), z, side="right")
    if kind == "skewed":
        x = _skew(z, distribution.sigma)
    elif kind == "heavy_tailed":
        w = rng.chisquare(distribution.df, size=z.shape[0])
        x = z * np.sqrt((distribution.df - 2.0) / w)[:, None]
    else:
        x = z
    ratings = distribution.ratings
    if ratings is None:
        return x
    location, spread = _rating_arrays(distribution, population)
    if ratings.round:
        return np.clip(np.rint(location[None, :] + spread[None, :] * x), ratings.min, ratings.max)
    return np.clip(location[None, :] + spread[None, :] * x, ratings.min, ratings.max)


def delete(values: np.ndarray, condition: Condition, population: Source, rng: np.random.Generator) -> np.ndarray:
    """``values`` with the condition's missing values set to NaN (module notes, step 4)."""
    missing = condition.missing
    if missing.pattern == "none" or missing.rate == 0:
        return values
    values = values.astype(float, copy=True)
    n, p = values.shape
    u = rng.random((n, p))
    if missing.pattern == "mcar":
        values[u < missing.rate] = np.nan
        return values
    spec = population.spec
    anchor = spec.indicators.index(next(c for c in spec.constructs if c.name in population.exogenous).indicators[0])
    rank = (np.argsort(np.argsort(values[:, anchor], kind="stable"), kind="stable") + 0.5) / n
    endogenous = set(spec.endogenous)
    columns = [
        j for j, i in enumerate(spec.indicators) if any(i in c.indicators and c.name in endogenous for c in spec.constructs)
    ]
    probability = 2.0 * missing.rate * rank
    for j in columns:
        values[u[:, j] < probability, j] = np.nan
    return values


def _resized(spec: ModelSpec, k: int | None) -> ModelSpec:
    """``spec`` with ``k`` indicators in every construct that has two or more (new ones named ``construct_j``)."""
    if k is None:
        return spec
    constructs = []
    for construct in spec.constructs:
        if len(construct.indicators) < 2:
            constructs.append(construct)
            continue
        names = list(construct.indicators[:k]) + [f"{construct.name}_{j + 1}" for j in range(len(construct.indicators), k)]
        constructs.append(replace(construct, indicators=tuple(names)))
    kept = {i for c in constructs for i in c.indicators}
    return replace(spec, constructs=tuple(constructs), scales={i: s for i, s in spec.scales.items() if i in kept})


def _keep_keys(values: object, spec: ModelSpec) -> object:
    """A loading/weight mapping restricted to keys that still name an indicator, a construct or ``"*"``."""
    if not isinstance(values, dict):
        return values
    known = set(spec.indicators) | set(spec.construct_names) | {WILDCARD}
    return {k: v for k, v in values.items() if k in known}


def build_population(design: StudyDesign, condition: Condition) -> Source:
    """The condition's population: the design's values with its loading and indicator-count levels.

    A spec with higher-order constructs or interaction terms is drawn by its own generator
    (:func:`acsi.study.populations.richer_source`), common factors only.
    """
    given = design.population
    spec = _resized(replace(given.spec, fixed=()), condition.indicators)
    loadings = given.loadings
    if condition.loading is not None:
        loadings = {**loadings, WILDCARD: condition.loading} if isinstance(loadings, dict) else condition.loading
    loadings = _keep_keys(dict(loadings) if not isinstance(loadings, (int, float)) else loadings, spec)
    richer = bool(spec.higher_order or spec.interactions)
    if spec.higher_order and spec.interactions:
        raise ParameterError(
            "population.spec: expected higher-order constructs or interaction terms; found both (acsi.fit takes one at a time)."
        )
    if richer and condition.dgp != "factor":
        raise ParameterError(
            f"design.dgp: a population with higher-order constructs or interaction terms is generated as common factors; "
            f"expected factor, found {condition.dgp!r}."
        )
    if given.second_order_loadings and not spec.higher_order:
        raise ParameterError(
            "population.second_order_loadings: expected a spec with higher-order constructs; the spec declares none."
        )
    if richer:
        return richer_source(spec, given.paths, loadings, given.exogenous_correlations, given.second_order_loadings)
    if condition.dgp == "composite":
        weights = given.composite_weights
        weights = _keep_keys(dict(weights), spec) if weights is not None and not isinstance(weights, (int, float)) else weights
        return CompositePopulationModel(
            spec,
            paths=dict(given.paths),
            loadings=loadings,
            exogenous_correlations=given.exogenous_correlations,
            within=given.within,
            composite_weights=weights,
        )
    return PopulationModel(spec, paths=dict(given.paths), loadings=loadings, exogenous_correlations=given.exogenous_correlations)


def _marginal_mean(distribution: Distribution, location: float, spread: float) -> float:
    """``E[x]`` of one indicator (standard normal ``z`` underneath) on its answer scale."""
    if distribution.kind == "ordinal":
        cuts = [-math.inf, *thresholds(distribution), math.inf]
        cdf = NormalDist().cdf
        return sum((k + 1) * (cdf(cuts[k + 1]) - cdf(cuts[k])) for k in range(len(cuts) - 1))
    ratings = distribution.ratings
    assert ratings is not None
    key = (distribution.kind, distribution.sigma, distribution.df, ratings.round, ratings.min, ratings.max)
    return _continuous_mean(*key, location, spread)


@cache
def _continuous_mean(
    kind: str, sigma: float, df: float, rounded: bool, low: float, high: float, location: float, spread: float
) -> float:
    """``E[clip(location + spread x, low, high)]`` (rounded if asked), ``x`` standard normal,
    skewed or scaled t, by the rectangle rule on a fine grid of the underlying variable."""
    grid = np.linspace(-12.0, 12.0, 480_001)
    if kind == "heavy_tailed":
        t = grid / math.sqrt((df - 2.0) / df)  # x = grid has unit variance
        log_density = -(df + 1) / 2 * np.log1p(t**2 / df)
        density = np.exp(log_density - log_density.max())
        x = grid
    else:
        density = np.exp(-(grid**2) / 2)
        x = _skew(grid, sigma) if kind == "skewed" else grid
    density /= density.sum()
    values = location + spread * x
    if rounded:
        values = np.rint(values)
    return float((np.clip(values, low, high) * density).sum())


def _answer_scale(distribution: Distribution, population: Source) -> tuple[tuple[float, float] | None, np.ndarray, np.ndarray]:
    """The answer scale (None: standardised values) and each indicator's rating location and spread."""
    p = len(population.indicator_names)
    if distribution.kind == "ordinal":
        return (1.0, float(distribution.categories)), np.zeros(p), np.ones(p)
    if distribution.ratings is not None:
        return (float(distribution.ratings.min), float(distribution.ratings.max)), *_rating_arrays(distribution, population)
    return None, np.zeros(p), np.ones(p)


def _normal_constructs(spec: ModelSpec) -> set[str]:
    """Constructs whose indicators are normal: all but an interaction's targets and what they affect."""
    affected = {target for term in spec.interactions for target in term.targets}
    while True:
        more = {p.target for p in spec.paths if p.source in affected} - affected
        if not more:
            return {c.name for c in spec.constructs} - affected
        affected |= more


def _index_truth(
    spec: ModelSpec,
    distribution: Distribution,
    scale: tuple[float, float],
    names: tuple[str, ...],
    location: np.ndarray,
    spread: np.ndarray,
) -> dict[str, float]:
    """0-100 index truth of every construct whose indicators share one mean (module notes); a HOC
    whose components all share one index has that index (any convex weighting of them)."""
    low, high = scale
    index: dict[str, float] = {}
    normal = _normal_constructs(spec)
    for construct in spec.constructs:
        means = {
            round(_marginal_mean(distribution, float(location[names.index(i)]), float(spread[names.index(i)])), 12)
            for i in construct.indicators
        }
        if len(means) == 1 and construct.name in normal:
            index[construct.name] = 100.0 * (means.pop() - low) / (high - low)
    for hoc in spec.higher_order:
        components = {round(index[c], 9) if c in index else None for c in hoc.components}
        if len(components) == 1 and None not in components:
            index[hoc.name] = index[hoc.components[0]]
    return index


def _fitted_paths(spec: ModelSpec, population: Source, omitted: set[str]) -> tuple[ModelSpec, dict[str, float]]:
    """The fitted spec (misspecified paths left out) and the truth of its paths, interaction paths included."""
    fitted = replace(spec, paths=tuple(p for p in spec.paths if p.key not in omitted))
    keys = [p.key for p in fitted.paths] + [f"{t.name} -> {target}" for t in spec.interactions for target in t.targets]
    return fitted, {key: float(population.paths[key]) for key in keys}


def check_distribution(distribution: Distribution, dgp: str, population: Source) -> None:
    """Refuse a ``chi_square`` distribution for anything but first-order common factors (it draws their innovations)."""
    if distribution.kind == "chi_square" and (dgp != "factor" or not isinstance(population, PopulationModel)):
        raise ParameterError(
            f"design.distribution: {distribution.name!r} (kind chi_square) draws non-normal innovations of common "
            f"factors; expected dgp factor and a first-order population, found dgp {dgp!r}"
            f"{' with higher-order constructs or interaction terms' if dgp == 'factor' else ''}."
        )


def plan_condition(design: StudyDesign, condition: Condition) -> ConditionPlan:
    """The population, fitted spec and truth of ``condition``."""
    population = build_population(design, condition)
    spec = population.spec
    fitted, paths = _fitted_paths(spec, population, set(condition.misspecification.omit_paths))
    distribution = condition.distribution
    check_distribution(distribution, condition.dgp, population)
    linear = distribution.kind in ("normal", "heavy_tailed", "chi_square") and (
        distribution.ratings is None or not distribution.ratings.round
    )
    marker: dict[str, float] = {}
    names = population.indicator_names
    scale, location, spread = _answer_scale(distribution, population)
    if condition.dgp == "factor" and linear and isinstance(population, PopulationModel):
        first = {c.name: names.index(c.indicators[0]) for c in spec.constructs}
        size = {c: spread[j] * population.loadings[names[j]] for c, j in first.items()}
        marker = {p.key: paths[p.key] * size[p.target] / size[p.source] for p in fitted.paths}
    index = (
        {}
        if scale is None or distribution.kind == "chi_square"
        else _index_truth(spec, distribution, scale, names, location, spread)
    )
    if scale is None:  # standardised values: no answer scale, no index truth
        fitted = replace(fitted, scales={})
    second_order = population.second_order_loadings if isinstance(population, HigherOrderSource) else {}
    return ConditionPlan(design, condition, population, fitted, paths, marker, index, scale, second_order)


def check_plan(plan: ConditionPlan) -> None:
    """Refuse a condition whose sample cannot be fitted (fewer respondents than indicators)."""
    p = len(plan.population.indicator_names)
    if plan.condition.n <= p:
        raise ParameterError(
            f"design.n: condition {plan.condition.index} has n = {plan.condition.n}; expected more than the {p} indicators."
        )
