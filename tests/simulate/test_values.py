"""Population values: keys by indicator, construct and default; invalid values name their culprit."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from acsi.errors import SpecError
from acsi.simulate.population import PopulationModel

from ._specs import EXACT, _small_spec


def test_loading_keys_by_construct_and_default() -> None:
    spec = _small_spec()
    pop = PopulationModel(spec, paths={"a -> c": 0.4, "b -> c": 0.3}, loadings={"*": 0.7, "c": 0.9, "c2": -0.6})
    assert dict(pop.loadings) == {"a1": 0.7, "a2": 0.7, "b1": 0.7, "b2": 0.7, "c1": 0.9, "c2": -0.6, "c3": 0.9}
    assert_allclose(pop.loading_matrix().sum(axis=1), list(pop.loadings.values()), **EXACT)


@pytest.mark.parametrize(
    ("kwargs", "culprit", "fragment"),
    [
        ({"paths": {"a -> c": 0.4, "b -> c": 0.3, "c -> a": 0.1}}, "c -> a", "not a path of the model"),
        ({"paths": {"a -> c": 0.4, "b => c": 0.3}}, "b => c", "not a path of the model"),
        ({"paths": {"a -> c": 0.4}}, "b -> c", "No population value for path 'b -> c'"),
        ({"paths": {"a -> c": 0.4, "b -> c": float("nan")}}, "b -> c", "finite number"),
        ({"paths": {"a -> c": 0.8, "b -> c": 0.7}}, "c", "R-squared"),
        ({"loadings": 1.2}, "a1", "0 < |loading| <= 1"),
        ({"loadings": {"*": 0.8, "b2": -1.5}}, "b2", "0 < |loading| <= 1"),
        ({"loadings": {"*": 0.8, "c9": 0.5}}, "c9", "neither an indicator nor a construct"),
        ({"loadings": {"a": 0.8, "b": 0.8}}, "c1", "No population loading"),
        ({"loadings": {"*": 0.8, "a": 1.0}}, "a1", "not positive definite"),
        ({"loadings": 0.0}, "a1", "0 < |loading| <= 1"),
        ({"exogenous_correlations": {"a ~~ c": 0.3}}, "a ~~ c", "exogenous constructs"),
        ({"exogenous_correlations": 1.0}, "a ~~ b", "(-1, 1)"),
    ],
)
def test_invalid_population_raises_naming_the_culprit(kwargs: dict, culprit: str, fragment: str) -> None:
    arguments = {"paths": {"a -> c": 0.4, "b -> c": 0.3}, "loadings": 0.8} | kwargs
    with pytest.raises(SpecError) as info:
        PopulationModel(_small_spec(), **arguments)
    assert info.value.culprit == culprit
    assert fragment in str(info.value)
    assert culprit in str(info.value)
    assert isinstance(info.value, ValueError)
