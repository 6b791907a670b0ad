"""Population models with known truth, and data drawn from them.

A :class:`PopulationModel` turns a :class:`~acsi.spec.model.ModelSpec` plus standardised
population values (path coefficients, loadings, correlations between exogenous constructs)
into the implied construct and indicator correlation matrices, and draws samples from them:
multivariate normal, optionally *exact* (sample covariance equal to the population matrix,
the analogue of R's ``MASS::mvrnorm(empirical = TRUE)`` used in cSEM's population tests),
optionally discretised to an integer answer scale such as 1-10.

The data-generating process is the common-factor model, whatever the constructs' declared
modes: every construct is a latent variable with unit variance and every indicator is that
construct times its loading plus independent error. :class:`CompositePopulationModel`
generates composite-model populations instead.

Modules, one job each: :mod:`~acsi.simulate.values` (population values checked and keyed),
:mod:`~acsi.simulate.moments` (implied construct and indicator matrices),
:mod:`~acsi.simulate.sampling` (normal, exact and rated draws), :mod:`~acsi.simulate.population`
(the common-factor :class:`PopulationModel`), :mod:`~acsi.simulate.composite` (its composite
variant), :mod:`~acsi.simulate.interaction` (latent interaction effects) and :mod:`~acsi.simulate.bundled` (the ACSI population of the demo data).

Examples
--------
>>> import numpy as np
>>> from acsi.simulate import PopulationModel
>>> from acsi.spec.model import Construct, ModelSpec, Path
>>> spec = ModelSpec(
...     constructs=(Construct("x", ("x1", "x2")), Construct("y", ("y1", "y2"))),
...     paths=(Path("x", "y"),),
... )
>>> population = PopulationModel(spec, paths={"x -> y": 0.6}, loadings=0.8)
>>> population.r_squared()
{'y': 0.36}
>>> round(float(population.indicator_covariance()[0, 2]), 4)  # 0.8 * 0.6 * 0.8
0.384
>>> frame = population.draw(200, seed=1, exact=True)
>>> bool(np.allclose(frame.cov().to_numpy(), population.indicator_covariance(), rtol=0, atol=1e-10))
True
"""

from acsi.simulate.bundled import ACSI_LOADINGS, ACSI_LOCATIONS, ACSI_PATHS, acsi_population
from acsi.simulate.composite import CompositePopulationModel
from acsi.simulate.interaction import InteractionPopulation
from acsi.simulate.population import PopulationModel
from acsi.simulate.sampling import DEFAULT_LOCATION_FRACTION, DEFAULT_SPREAD_FRACTION

__all__ = [
    "ACSI_LOADINGS",
    "ACSI_LOCATIONS",
    "ACSI_PATHS",
    "DEFAULT_LOCATION_FRACTION",
    "DEFAULT_SPREAD_FRACTION",
    "CompositePopulationModel",
    "InteractionPopulation",
    "PopulationModel",
    "acsi_population",
]
