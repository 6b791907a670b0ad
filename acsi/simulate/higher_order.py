"""A common-factor population with second-order factors, and data drawn from it.

A second-order factor model (a higher-order construct ``H`` over first-order factors ``F_k``,
``F_k = gamma_k H + zeta_k``) is a first-order model in which ``H`` is a construct without
indicators and paths ``H -> F_k`` with the second-order loadings ``gamma_k`` (Bollen 1989,
*Structural Equations with Latent Variables*, ch. 7). :class:`SecondOrderPopulation` builds that
model as a :class:`~acsi.simulate.population.PopulationModel` in which each ``H`` carries one
phantom indicator ``H.phantom``, and drops the phantom columns from every draw: the marginal
moments of the remaining indicators are exactly those of the second-order model (and an exact
draw stays exact). Only the reflective-reflective type is generated (common factors).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import SpecError
from acsi.simulate.population import PopulationModel
from acsi.spec.model import Construct, Mode, ModelSpec, Path

__all__ = ["SecondOrderPopulation"]


def phantom(hoc: str) -> str:
    """The phantom indicator of the higher-order construct ``hoc`` (never in a draw)."""
    return f"{hoc}.phantom"


def population_spec(spec: ModelSpec) -> ModelSpec:
    """``spec`` as a first-order spec: each HOC a construct with its phantom indicator and the paths
    ``HOC -> component`` before the spec's own paths."""
    for hoc in spec.higher_order:
        if hoc.mode is not Mode.REFLECTIVE:
            raise SpecError(
                f"Higher-order construct '{hoc.name}' is reflective-formative; the second-order population generates "
                "the reflective-reflective type only (common factors).",
                culprit=hoc.name,
            )
    extra = tuple(Construct(h.name, (phantom(h.name),)) for h in spec.higher_order)
    component_paths = tuple(Path(h.name, c) for h in spec.higher_order for c in h.components)
    return ModelSpec(constructs=spec.constructs + extra, paths=component_paths + spec.paths, scales=spec.scales)


@dataclass(frozen=True)
class SecondOrderPopulation:
    """A standardised common-factor population with second-order factors.

    Parameters
    ----------
    spec : ModelSpec
        With reflective-reflective higher-order constructs.
    paths : mapping of str -> float
        Standardised paths of ``spec`` (``"From -> To"``, HOCs included).
    second_order_loadings : mapping of str -> float
        ``"HOC -> component"`` for every component: its standardised second-order loading
        (the correlation of the component with the HOC).
    loadings, exogenous_correlations
        As for :class:`~acsi.simulate.population.PopulationModel` (first-order loadings).

    Examples
    --------
    >>> from acsi.spec.builders import higher_order, model, path, reflective
    >>> spec = model(reflective("A", "a1", "a2"), reflective("B", "b1", "b2"), reflective("Y", "y1", "y2"),
    ...              higher_order("H", "A", "B"), paths=[path("H", "Y")])
    >>> pop = SecondOrderPopulation(spec, paths={"H -> Y": 0.5}, second_order_loadings={"H -> A": 0.8, "H -> B": 0.6},
    ...                             loadings=0.9)
    >>> round(float(pop.indicator_covariance()[0, 2]), 4)  # a1, b1: 0.9 * 0.8 * 0.6 * 0.9
    0.3888
    """

    spec: ModelSpec
    paths: Mapping[str, float]
    second_order_loadings: Mapping[str, float]
    loadings: float | Mapping[str, float] = 0.85
    exogenous_correlations: float | Mapping[str, float] | None = None
    population: PopulationModel = field(init=False, repr=False)

    def __post_init__(self) -> None:
        first_order = population_spec(self.spec)
        loadings: dict[str, Any] = dict(self.loadings) if isinstance(self.loadings, Mapping) else {"*": self.loadings}
        loadings |= {phantom(h.name): 0.5 for h in self.spec.higher_order}
        population = PopulationModel(
            first_order,
            paths=dict(self.second_order_loadings) | dict(self.paths),
            loadings=loadings,
            exogenous_correlations=self.exogenous_correlations,
        )
        object.__setattr__(self, "population", population)

    def _kept(self) -> np.ndarray:
        names = self.population.indicator_names
        return np.array([name not in {phantom(h.name) for h in self.spec.higher_order} for name in names])

    def indicator_covariance(self) -> np.ndarray:
        """The implied correlation matrix of the spec's indicators (phantoms left out)."""
        kept = self._kept()
        return self.population.indicator_covariance()[np.ix_(kept, kept)]

    def draw(self, n: int, **options: Any) -> pd.DataFrame:
        """``n`` respondents of the spec's indicators; options as
        :meth:`PopulationModel.draw_array <acsi.simulate.population.PopulationModel.draw_array>`
        (``seed``, ``exact``, ``scale``, ``location``, ``spread``)."""
        frame = self.population.draw(n, **options)
        return frame.loc[:, [name for name, keep in zip(frame.columns, self._kept()) if keep]]

    def truth(self) -> dict[str, Any]:
        """The population values: :meth:`PopulationModel.truth` without the phantom loadings and the
        indicator correlations (:meth:`indicator_covariance`), the second-order loadings (also among
        ``paths``) under ``"second_order_loadings"``."""
        truth = self.population.truth()
        hocs = {h.name for h in self.spec.higher_order}
        truth["loadings"] = {k: v for k, v in truth["loadings"].items() if k not in hocs}
        truth.pop("indicator_correlations")
        truth["second_order_loadings"] = {key: float(value) for key, value in self.second_order_loadings.items()}
        return truth
