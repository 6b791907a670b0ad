"""A common-factor population with latent interaction (moderation) effects, and data drawn from it.

The constructs A and B of an interaction ``A:B`` are exogenous and jointly normal with
correlation r. Their latent product, centred and standardised,
``P = (A B - r) / sqrt(1 + r^2)``, has unit variance and is uncorrelated with every exogenous
construct (the third moments of a normal vector are 0); two products correlate as
``(r_AC r_BD + r_AD r_BC) / sqrt((1 + r_AB^2)(1 + r_CD^2))`` (Isserlis' theorem). So the
latent moments are those of a linear model in which each P is one more exogenous construct:
:class:`~acsi.simulate.population.PopulationModel` solves that model (residual variances
that give every construct unit variance, R-squared), and :meth:`InteractionPopulation.draw`
draws A, B, ... normally, forms the products and builds the endogenous constructs and the
indicators from them. The data are not normal (a product is not), so no exact draw exists.

The interaction coefficient given for ``"A:B -> C"`` is the effect of the standardised
product P: the standardised coefficient acsi reports for that path, whose construct score
has unit variance. The coefficient of the raw product ``A B`` is that value over
``sqrt(1 + r^2)``.
"""

from __future__ import annotations

import graphlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from acsi.errors import SpecError
from acsi.simulate.population import PopulationModel
from acsi.spec.interactions import main_effects
from acsi.spec.model import Construct, ModelSpec, Path


def _product(name: str) -> str:
    """The name of the latent product of interaction ``name`` in the auxiliary linear model."""
    return name.replace(":", "_x_")


@dataclass(frozen=True)
class InteractionPopulation:
    """A population for a spec with interactions (``ModelSpec.interactions``) between exogenous constructs.

    Parameters
    ----------
    spec : ModelSpec
        Constructs, paths and interactions.
    paths : mapping str -> float
        Standardised coefficient of every main path, ``"From -> To"``.
    interactions : mapping str -> float
        Coefficient of the standardised latent product of every interaction path, ``"A:B -> C"``.
    loadings, exogenous_correlations
        As for :class:`~acsi.simulate.population.PopulationModel` (main constructs).

    Raises
    ------
    SpecError
        An interaction of a construct that is not exogenous, an interaction path without a
        value or a value for none, and whatever :class:`PopulationModel` refuses.
    """

    spec: ModelSpec
    paths: Mapping[str, float]
    interactions: Mapping[str, float]
    loadings: float | Mapping[str, float] = 0.85
    exogenous_correlations: float | Mapping[str, float] | None = None
    linear: PopulationModel = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        main = PopulationModel(main_effects(self.spec), self.paths, self.loadings, self.exogenous_correlations)
        keys = [f"{term.name} -> {target}" for term in self.spec.interactions for target in term.targets]
        if sorted(keys) != sorted(self.interactions):
            raise SpecError(
                f"Give a coefficient for each interaction path and none other: expected {keys}, got {list(self.interactions)}.",
                culprit="interactions",
            )
        for term in self.spec.interactions:
            for end in (term.left, term.right):
                if end not in main.exogenous:
                    raise SpecError(f"Interaction '{term.name}': '{end}' must be exogenous (no incoming path).", culprit=end)
        products = tuple(Construct(_product(t.name), (f"{_product(t.name)}_latent",)) for t in self.spec.interactions)
        linear_spec = ModelSpec(
            constructs=main.spec.constructs + products,
            paths=main.spec.paths + tuple(Path(_product(k.split(" -> ")[0]), k.split(" -> ")[1]) for k in keys),
        )
        coefficients = dict(main.paths) | {
            f"{_product(k.split(' -> ')[0])} -> {k.split(' -> ')[1]}": v for k, v in self.interactions.items()
        }
        correlations = dict(main.exogenous_correlations) | self._product_correlations(main)
        loadings = dict(main.loadings) | {c.indicators[0]: 1.0 for c in products}
        object.__setattr__(self, "linear", PopulationModel(linear_spec, coefficients, loadings, correlations))

    def _product_correlations(self, main: PopulationModel) -> dict[str, float]:
        """Correlations between the standardised latent products (Isserlis' theorem), ``"P1 ~~ P2"``."""
        names = main.construct_names
        phi = main.construct_correlations()

        def r(a: str, b: str) -> float:
            return float(phi[names.index(a), names.index(b)])

        out: dict[str, float] = {}
        terms = self.spec.interactions
        for n, s in enumerate(terms):
            for t in terms[n + 1 :]:
                covariance = r(s.left, t.left) * r(s.right, t.right) + r(s.left, t.right) * r(s.right, t.left)
                scale = math.sqrt((1 + r(s.left, s.right) ** 2) * (1 + r(t.left, t.right) ** 2))
                out[f"{_product(s.name)} ~~ {_product(t.name)}"] = covariance / scale
        return out

    def true_paths(self) -> dict[str, float]:
        """The standardised coefficient of every path acsi reports, main and ``"A:B -> C"``."""
        return dict(self.paths) | dict(self.interactions)

    def r_squared(self) -> dict[str, float]:
        """Population R-squared of each endogenous construct (the interactions included)."""
        return self.linear.r_squared()

    def draw(self, n: int, *, seed: int) -> pd.DataFrame:
        """``n`` respondents: normal exogenous constructs, their products, endogenous constructs, indicators.

        Columns are the indicators of the spec's main constructs, in spec order.
        """
        rng = np.random.default_rng(seed)
        linear = self.linear
        names = linear.construct_names
        phi = linear.construct_correlations()
        exogenous = [names.index(c) for c in main_effects(self.spec).construct_names if c in linear.exogenous]
        eta = np.zeros((n, len(names)))
        eta[:, exogenous] = rng.standard_normal((n, len(exogenous))) @ np.linalg.cholesky(phi[np.ix_(exogenous, exogenous)]).T
        for term in self.spec.interactions:
            a, b = names.index(term.left), names.index(term.right)
            r = phi[a, b]
            eta[:, names.index(_product(term.name))] = (eta[:, a] * eta[:, b] - r) / math.sqrt(1 + r**2)
        B = linear.path_matrix()
        residual = linear.residual_variances()
        order = graphlib.TopologicalSorter({p.target: {p.source} for p in linear.spec.paths}).static_order()
        for name in (c for c in order if c in residual):
            j = names.index(name)
            eta[:, j] = eta @ B[j] + math.sqrt(residual[name]) * rng.standard_normal(n)
        indicators = main_effects(self.spec).indicators
        Lambda = linear.loading_matrix()[: len(indicators)]
        noise = np.sqrt(1.0 - np.sum(Lambda**2, axis=1))
        values = eta @ Lambda.T + noise * rng.standard_normal((n, len(indicators)))
        return pd.DataFrame(values, columns=list(indicators))
