"""The richer populations a study draws from: second-order factors and latent interactions.

A study's plain population is an :class:`acsi.simulate.PopulationModel`; a spec with
higher-order constructs is drawn by :class:`acsi.simulate.higher_order.SecondOrderPopulation`
(its phantom indicators left out), one with interaction terms by
:class:`acsi.simulate.interaction.InteractionPopulation`. The classes here only give those two
generators the interface the study's sampling uses (``spec``, ``indicator_names``,
``exogenous``, ``paths``, ``draw_array(n, seed=generator)``): they generate nothing themselves.

Truth in the keys of the fit JSON: ``paths`` holds every structural path of the spec, the
higher-order construct's (``"HOC -> Y"``) and the interaction's (``"A:B -> C"``, the effect of
the standardised latent product); :attr:`HigherOrderSource.second_order_loadings` the
standardised second-order loadings ``"HOC -> component"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.simulate.interaction import InteractionPopulation
from acsi.spec.interactions import main_effects
from acsi.spec.model import ModelSpec


@dataclass(frozen=True)
class HigherOrderSource:
    """A :class:`SecondOrderPopulation` seen by the study (reflective-reflective HOCs, common factors)."""

    model: SecondOrderPopulation

    @property
    def spec(self) -> ModelSpec:
        """The spec with its higher-order constructs (the one the estimators fit)."""
        return self.model.spec

    @property
    def indicator_names(self) -> tuple[str, ...]:
        """The spec's indicators, the columns of every draw (phantoms left out)."""
        return self.model.spec.indicators

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Exogenous constructs of the first-order population (a HOC without antecedents among them)."""
        return self.model.population.exogenous

    @property
    def paths(self) -> Mapping[str, float]:
        """The standardised structural paths of the spec, ``"From -> To"``."""
        return {p.key: float(self.model.population.paths[p.key]) for p in self.model.spec.paths}

    @property
    def second_order_loadings(self) -> dict[str, float]:
        """The standardised second-order loadings, ``"HOC -> component"``."""
        return {key: float(value) for key, value in self.model.second_order_loadings.items()}

    def draw_array(self, n: int, *, seed: np.random.Generator) -> np.ndarray:
        """``n`` rows of the standardised indicators (:meth:`SecondOrderPopulation.draw`)."""
        return self.model.draw(n, seed=seed).to_numpy(dtype=float)


@dataclass(frozen=True)
class InteractionSource:
    """An :class:`InteractionPopulation` seen by the study (latent products of exogenous constructs)."""

    model: InteractionPopulation

    @property
    def spec(self) -> ModelSpec:
        """The spec with its interaction terms (the one the estimators fit)."""
        return self.model.spec

    @property
    def indicator_names(self) -> tuple[str, ...]:
        """The main constructs' indicators, the columns of every draw."""
        return main_effects(self.model.spec).indicators

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Exogenous main constructs."""
        return tuple(c for c in self.model.linear.exogenous if c in main_effects(self.model.spec).construct_names)

    @property
    def paths(self) -> Mapping[str, float]:
        """Main paths and interaction paths ``"A:B -> C"`` (:meth:`InteractionPopulation.true_paths`)."""
        return self.model.true_paths()

    def draw_array(self, n: int, *, seed: np.random.Generator) -> np.ndarray:
        """``n`` rows of the standardised indicators (:meth:`InteractionPopulation.draw`, seeded from ``seed``)."""
        return self.model.draw(n, seed=int(seed.integers(2**63))).to_numpy(dtype=float)


def richer_source(
    spec: ModelSpec,
    paths: Mapping[str, float],
    loadings: Any,
    exogenous_correlations: Any,
    second_order_loadings: Mapping[str, float] | None,
) -> HigherOrderSource | InteractionSource:
    """The source of a spec with higher-order constructs or interaction terms.

    ``paths`` holds the main paths and, for interactions, the interaction paths ``"A:B -> C"``
    (split off for :class:`InteractionPopulation`). Errors are the generators' own
    (:class:`~acsi.errors.SpecError`: e.g. a missing second-order loading, a non-exogenous term).
    """
    if spec.higher_order:
        model = SecondOrderPopulation(
            spec, dict(paths), dict(second_order_loadings or {}), loadings=loadings, exogenous_correlations=exogenous_correlations
        )
        return HigherOrderSource(model)
    keyed = {" -> ".join(end.strip() for end in k.split("->")): v for k, v in paths.items()}
    main = {k: v for k, v in keyed.items() if ":" not in k.split(" -> ")[0]}
    interactions = {k: v for k, v in keyed.items() if k not in main}
    return InteractionSource(InteractionPopulation(spec, main, interactions, loadings, exogenous_correlations))
