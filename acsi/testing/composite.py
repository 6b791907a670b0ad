"""Composite-model populations (Mode B truth), where PLS Mode B is consistent.

:class:`acsi.simulate.PopulationModel` generates common-factor data, for which PLS is biased.
For bootstrap coverage studies we also need data whose truth PLS estimates consistently: a
composite model (Dijkstra 2017; Schuberth, Henseler & Dijkstra 2018), where each construct is
an exact weighted sum ``eta_b = w_b' x_b`` of its indicators. Its indicator covariance is

    Sigma_bb = the within-block correlations (free; here equicorrelated),
    Sigma_ab = Sigma_aa w_a rho_ab w_b' Sigma_bb      (a != b),

with ``w_b' Sigma_bb w_b = 1`` and ``rho`` the construct correlations implied by the
structural paths (taken from a :class:`~acsi.simulate.PopulationModel` with the same spec).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.errors import ParameterError
from acsi.simulate import PopulationModel
from acsi.spec.model import Construct, Mode, ModelSpec


@dataclass(frozen=True)
class CompositePopulation:
    """Composite population: Mode B spec, indicator covariance, true weights and paths."""

    spec: ModelSpec
    covariance: np.ndarray
    weights: dict[str, dict[str, float]]
    paths: dict[str, float]

    def draw_array(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n multivariate normal observations, shape (n, p)."""
        return rng.standard_normal((n, self.covariance.shape[0])) @ np.linalg.cholesky(self.covariance).T


def composite_population(population: PopulationModel, *, within: float = 0.4) -> CompositePopulation:
    """A composite population with the structural model (paths) of ``population``.

    Each block has equicorrelated indicators (``within``) and weights proportional to
    p, p-1, ..., 1, scaled to a unit-variance composite. The returned spec declares every
    construct a Mode B composite. Raises ``ValueError`` if the covariance is not positive
    definite (choose a smaller ``within`` or weaker paths).
    """
    spec = population.spec
    rho = population.construct_correlations()
    blocks = [c.indicators for c in spec.constructs]
    p = sum(len(b) for b in blocks)
    sigma = np.zeros((p, p))
    starts = np.cumsum([0] + [len(b) for b in blocks])
    loadings = []  # Sigma_bb w_b
    weights: dict[str, dict[str, float]] = {}
    for b, construct in enumerate(spec.constructs):
        size = len(construct.indicators)
        S_bb = np.full((size, size), within) + (1.0 - within) * np.eye(size)
        w = np.arange(size, 0, -1, dtype=float)
        w /= np.sqrt(w @ S_bb @ w)
        block = slice(starts[b], starts[b + 1])
        sigma[block, block] = S_bb
        loadings.append(S_bb @ w)
        weights[construct.name] = dict(zip(construct.indicators, map(float, w)))
    for a in range(len(blocks)):
        for b in range(len(blocks)):
            if a != b:
                sigma[starts[a] : starts[a + 1], starts[b] : starts[b + 1]] = rho[a, b] * np.outer(loadings[a], loadings[b])
    if np.linalg.eigvalsh(sigma).min() <= 0:
        raise ParameterError("The composite population covariance is not positive definite; lower `within` or the paths.")
    composite_spec = ModelSpec(
        constructs=tuple(Construct(c.name, c.indicators, mode=Mode.COMPOSITE) for c in spec.constructs),
        paths=spec.paths,
        name=spec.name,
    )
    return CompositePopulation(spec=composite_spec, covariance=sigma, weights=weights, paths=dict(population.paths))
