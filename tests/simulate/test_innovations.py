"""Common factors from non-normal innovations: the population covariance is kept, the skew propagates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from acsi.errors import ParameterError
from acsi.simulate.composite import CompositePopulationModel
from acsi.simulate.innovations import chi_square_factor_draws, factor_indicators, standardised_chi_square
from acsi.simulate.population import PopulationModel

from ._specs import EXACT_DRAW, _small_spec

PATHS = {"a -> c": 0.4, "b -> c": 0.3}


def _population() -> PopulationModel:
    return PopulationModel(
        _small_spec(), paths=PATHS, loadings={"a1": 1.0, "*": 0.7, "c3": -0.6}, exogenous_correlations={"a ~~ b": 0.35}
    )


def _whitened(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` rows with column means exactly 0 and sample covariance exactly the identity."""
    z = rng.chisquare(2.0, size=(n, m))
    z -= z.mean(axis=0)
    return np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T


def test_innovations_with_identity_covariance_give_exactly_the_population_covariance() -> None:
    population = _population()
    k, p = len(population.construct_names), len(population.indicator_names)
    innovations = _whitened(500, k + p, np.random.default_rng(1))
    x = factor_indicators(population, innovations[:, :k], innovations[:, k:])
    np.testing.assert_allclose(np.cov(x, rowvar=False), population.indicator_covariance(), **EXACT_DRAW)


def test_chi_square_innovations_skew_the_indicators_as_the_model_propagates_them() -> None:
    population = _population()
    x = chi_square_factor_draws(population, 200_000, 1.0, np.random.default_rng(7))
    # the sample covariance of chi-square(1) data: fourth moment 15, SE of a variance sqrt(14 / 2e5) = 0.008
    np.testing.assert_allclose(np.cov(x, rowvar=False), population.indicator_covariance(), rtol=0, atol=0.05)
    skew = ((x - x.mean(axis=0)) ** 3).mean(axis=0) / x.std(axis=0) ** 3
    # each indicator is sum_i m_i u_i over independent innovations of skewness sqrt(8): its skewness is
    # sqrt(8) sum m_i^3 / (sum m_i^2)^(3/2); the mixing weights m are the images of unit innovations
    k, p = len(population.construct_names), len(population.indicator_names)
    mixing = np.vstack(
        [factor_indicators(population, np.eye(k), np.zeros((k, p))), factor_indicators(population, np.zeros((p, k)), np.eye(p))]
    )
    expected = math.sqrt(8.0) * (mixing**3).sum(axis=0) / (mixing**2).sum(axis=0) ** 1.5
    assert expected[population.indicator_names.index("a1")] == pytest.approx(math.sqrt(8.0))  # loading 1: the innovation
    assert (np.abs(expected) > 0.8).all()
    # the SE of a sample skewness of such data at n = 200 000 is below 0.1
    np.testing.assert_allclose(skew, expected, rtol=0, atol=0.2)


def test_standardised_chi_square_has_mean_zero_and_unit_variance() -> None:
    u = standardised_chi_square(3.0, (400_000, 1), np.random.default_rng(2))
    assert float(u.mean()) == pytest.approx(0.0, abs=0.01)
    assert float(u.var()) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize("df", [0.0, -1.0, math.inf, math.nan])
def test_degrees_of_freedom_must_be_positive_and_finite(df: float) -> None:
    with pytest.raises(ParameterError, match="df: expected a positive number"):
        standardised_chi_square(df, (3, 2), np.random.default_rng(0))


def test_composite_populations_and_misshapen_innovations_are_refused() -> None:
    composite = CompositePopulationModel(_small_spec(), paths=PATHS, within=0.5)
    with pytest.raises(ParameterError, match="common-factor PopulationModel; found CompositePopulationModel"):
        chi_square_factor_draws(composite, 10, 1.0, np.random.default_rng(0))
    with pytest.raises(ParameterError, match=r"shape \(n, 3\) and \(n, 7\)"):
        factor_indicators(_population(), np.zeros((10, 2)), np.zeros((10, 7)))
