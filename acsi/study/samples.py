"""The study's data with known truth: populations, indicator distributions, true indices and paths.

Distributions on the 1-10 scale (see :mod:`acsi.study`): ``normal`` ``clip(5.5 + 1.5 z, 1, 10)``,
``skewed`` ``clip(6.5 + 1.5 s(z), 1, 10)`` with ``s`` a standardised reflected lognormal, and
``discrete`` ``clip(round(location + 1.7 z), 1, 10)`` as :meth:`acsi.simulate.PopulationModel.draw`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd

from acsi.simulate.bundled import ACSI_LOADINGS, ACSI_LOCATIONS, ACSI_PATHS, acsi_population
from acsi.simulate.composite import CompositePopulationModel
from acsi.simulate.population import PopulationModel
from acsi.simulate.sampling import DEFAULT_LOCATION_FRACTION, DEFAULT_SPREAD_FRACTION
from acsi.spec.model import ModelSpec
from acsi.study.settings import OMITTED_PATH

_SKEW_SIGMA = 0.6
_LOCATION = {"normal": 5.5, "skewed": 6.5}
_SPREAD = 1.5


@cache
def study_spec(misspecified: bool) -> ModelSpec:
    """The bundled ACSI spec; without :data:`~acsi.study.settings.OMITTED_PATH` when ``misspecified``."""
    from acsi.resources import bundled
    from acsi.spec.load import load_spec

    spec = load_spec(bundled("models/acsi.yaml"))
    if not misspecified:
        return spec
    return replace(spec, paths=tuple(p for p in spec.paths if p.key != OMITTED_PATH))


@cache
def _population(dgp: str) -> PopulationModel:
    """The study's common-factor (``"factor"``) or composite (``"composite"``) ACSI population."""
    spec = study_spec(False)
    if dgp == "factor":
        return acsi_population(spec)
    pattern = {}
    for construct in spec.constructs:
        for position, indicator in enumerate(construct.indicators):
            pattern[indicator] = (1.0, 1.5, 2.0)[position % 3]
    return CompositePopulationModel(spec, paths=ACSI_PATHS, loadings=ACSI_LOADINGS, within=0.5, composite_weights=pattern)


def _skew(z: np.ndarray) -> np.ndarray:
    """Standardised reflected lognormal: mean 0, variance 1, long left tail."""
    s2 = _SKEW_SIGMA**2
    mean = math.exp(s2 / 2)
    sd = math.sqrt(math.exp(s2) * (math.exp(s2) - 1))
    return -(np.exp(-_SKEW_SIGMA * z) - mean) / sd


def _ratings(z: np.ndarray, distribution: str, locations: np.ndarray) -> np.ndarray:
    """Standardised values ``z`` as 1-10 ratings under ``distribution`` (see the module notes)."""
    if distribution == "normal":
        return np.clip(_LOCATION["normal"] + _SPREAD * z, 1.0, 10.0)
    if distribution == "skewed":
        return np.clip(_LOCATION["skewed"] + _SPREAD * _skew(z), 1.0, 10.0)
    return np.clip(np.rint(locations + 9 * DEFAULT_SPREAD_FRACTION * z), 1, 10)


def _locations(spec: ModelSpec) -> np.ndarray:
    """Rating locations of the discrete condition per indicator: :data:`ACSI_LOCATIONS`, else 7.5."""
    default = 1 + 9 * DEFAULT_LOCATION_FRACTION
    owner = {i: c.name for c in spec.constructs for i in c.indicators}
    return np.array([ACSI_LOCATIONS.get(i, ACSI_LOCATIONS.get(owner[i], default)) for i in spec.indicators])


@cache
def true_indices(distribution: str) -> dict[str, float]:
    """Population 0-100 index of every ACSI construct under ``distribution`` (numerical integration)."""
    spec = study_spec(False)
    grid = np.linspace(-10, 10, 400_001)
    density = np.exp(-(grid**2) / 2)
    density /= density.sum()
    locations = _locations(spec)
    out = {}
    for construct in spec.constructs:
        j = spec.indicators.index(construct.indicators[0])
        values = _ratings(grid[:, None], distribution, locations[None, j : j + 1])[:, 0]
        out[construct.name] = float(100 * ((values * density).sum() - 1) / 9)
    return out


def draw_sample(dgp: str, distribution: str, n: int, seed: np.random.SeedSequence | int) -> pd.DataFrame:
    """One sample of ``n`` respondents under a condition, columns as the ACSI spec's indicators."""
    population = _population(dgp)
    z = population.draw_array(n, seed=np.random.default_rng(seed))
    spec = study_spec(False)
    values = _ratings(z, distribution, _locations(spec)[None, :])
    return pd.DataFrame(values, columns=list(spec.indicators))


def true_cbsem_paths(spec: ModelSpec) -> dict[str, float]:
    """Population paths of the common-factor DGP in CB-SEM's marker metric (first loading 1).

    A factor scaled by its first indicator has standard deviation ``spread x lambda_first``,
    so ``b = beta sd_target / sd_source`` (the spread cancels).
    """
    population = _population("factor")
    first = {c.name: population.loadings[c.indicators[0]] for c in spec.constructs}
    return {p.key: ACSI_PATHS[p.key] * first[p.target] / first[p.source] for p in spec.paths}
