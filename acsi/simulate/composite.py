"""The standardised composite population: every construct a unit-variance weighted sum of its indicators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from acsi.errors import SpecError
from acsi.simulate.moments import composite_moments
from acsi.simulate.population import PopulationModel
from acsi.simulate.values import is_number, normalise_relative_weights

__all__ = ["CompositePopulationModel"]


@dataclass(frozen=True)
class CompositePopulationModel(PopulationModel):
    """A standardised *composite* population: every construct is a weighted sum of its indicators.

    The structural model (paths, exogenous correlations) is that of :class:`PopulationModel`;
    the measurement model is Dijkstra's composite model instead of common factors. Each
    block has indicator correlations ``within`` (equicorrelated, unit diagonal) and weights
    ``w_b`` scaled so that the composite ``eta_b = w_b' x_b`` has unit variance; indicators of
    different blocks correlate only through their composites,

    .. math::

        \\Sigma_{ab} = \\Sigma_{aa} w_a \\, \\rho_{ab} \\, w_b^\\top \\Sigma_{bb},

    so that PLS Mode B (and, for these data, GSCA) estimate the population weights
    consistently, while the ``loadings`` (composite-indicator correlations) are
    ``lambda_b = Sigma_bb w_b``.

    Parameters
    ----------
    spec, paths, exogenous_correlations
        As :class:`PopulationModel`. (``loadings`` is ignored for the indicators: the
        composite loadings follow from ``within`` and ``weights``.)
    within : float, default 0.5
        Correlation of two indicators of the same block, in (0, 1).
    composite_weights : mapping of str -> float, optional
        Relative weight of each indicator (keys as for loadings: indicator, construct or
        ``"*"``); default equal weights. Rescaled per block to a unit-variance composite.

    Examples
    --------
    >>> from acsi.spec.model import Construct, ModelSpec, Path
    >>> spec = ModelSpec(constructs=(Construct("x", ("x1", "x2")), Construct("y", ("y1", "y2"))),
    ...                  paths=(Path("x", "y"),))
    >>> pop = CompositePopulationModel(spec, paths={"x -> y": 0.5}, within=0.5)
    >>> w = pop.weight_vector()
    >>> round(float(w[:2] @ pop.indicator_covariance()[:2, 2:] @ w[2:]), 12)   # composite correlation
    0.5
    """

    within: float = 0.5
    composite_weights: float | Mapping[str, float] | None = None
    _W: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not is_number(self.within) or not 0 < float(self.within) < 1:
            raise SpecError(f"within must be a correlation in (0, 1); got {self.within!r}.", culprit="within")
        relative = normalise_relative_weights(self.spec, self.composite_weights)
        names, indicators = self.construct_names, self.indicator_names
        owner = np.array([names.index(c.name) for c in self.spec.constructs for _ in c.indicators])
        W, lam, Sigma = composite_moments(owner, float(self.within), np.array([relative[i] for i in indicators]), self._Phi)
        try:
            chol = np.linalg.cholesky(Sigma)
        except np.linalg.LinAlgError:
            raise SpecError(
                "Inadmissible composite population: the implied indicator correlation matrix is not positive "
                "definite. Lower the paths or raise 'within'.",
                culprit="within",
            ) from None
        Lambda = np.zeros((len(indicators), len(names)))
        Lambda[np.arange(len(indicators)), owner] = lam
        object.__setattr__(self, "loadings", MappingProxyType({i: float(v) for i, v in zip(indicators, lam)}))
        self._freeze(_W=W, _Sigma=Sigma, _chol=chol, _Lambda=Lambda)

    def weight_vector(self) -> np.ndarray:
        """Population weights (unit-variance composites), in :attr:`indicator_names` order."""
        return self._W.copy()

    def truth(self) -> dict[str, Any]:
        """As :meth:`PopulationModel.truth`, plus ``weights`` (construct -> indicator -> value)."""
        out = super().truth()
        W = dict(zip(self.indicator_names, self._W))
        out["weights"] = {c.name: {i: float(W[i]) for i in c.indicators} for c in self.spec.constructs}
        return out
