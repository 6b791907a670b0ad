"""The PopulationModel value: frozen, copies out, needs a ModelSpec."""

from __future__ import annotations

import pytest

from acsi.errors import SpecError
from acsi.simulate.population import PopulationModel


def test_population_is_frozen(acsi_pop: PopulationModel) -> None:
    with pytest.raises(AttributeError):
        acsi_pop.paths = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        acsi_pop.paths["customer_expectations -> perceived_quality"] = 0.1  # type: ignore[index]
    sigma = acsi_pop.indicator_covariance()
    sigma[0, 0] = 5.0  # a copy: the population is unchanged
    assert acsi_pop.indicator_covariance()[0, 0] == 1.0


def test_spec_must_be_a_modelspec() -> None:
    with pytest.raises(SpecError, match="needs a ModelSpec"):
        PopulationModel("a =~ a1", paths={})  # type: ignore[arg-type]
