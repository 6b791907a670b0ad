"""Composite populations: unit-variance composites, relative weights, loadings and the inadmissible case."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from acsi.errors import SpecError
from acsi.simulate.composite import CompositePopulationModel

from ._specs import EXACT, _small_spec

PATHS = {"a -> c": 0.4, "b -> c": 0.3}


def test_composites_have_unit_variance_and_the_population_path_correlations() -> None:
    pop = CompositePopulationModel(_small_spec(), paths=PATHS, within=0.4, composite_weights={"*": 1.0, "c3": 2.0})
    w, sigma, owner = pop.weight_vector(), pop.indicator_covariance(), pop.loading_matrix() != 0
    composite_cov = (owner * w[:, None]).T @ sigma @ (owner * w[:, None])
    assert_allclose(np.diag(composite_cov), np.ones(3), **EXACT)
    assert_allclose(composite_cov, pop.construct_correlations(), **EXACT)
    c = [i for i, name in enumerate(pop.indicator_names) if name.startswith("c")]
    assert_allclose(w[c[2]] / w[c[0]], 2.0, **EXACT)  # relative weights kept within a block


def test_composite_loadings_are_block_covariance_times_weights() -> None:
    pop = CompositePopulationModel(_small_spec(), paths=PATHS, within=0.5)
    w, sigma = pop.weight_vector(), pop.indicator_covariance()
    a = [0, 1]
    assert_allclose([pop.loadings["a1"], pop.loadings["a2"]], sigma[np.ix_(a, a)] @ w[a], **EXACT)
    assert set(pop.truth()["weights"]) == {"a", "b", "c"}


@pytest.mark.parametrize(("kwargs", "culprit"), [({"within": 1.0}, "within"), ({"composite_weights": {"zz": 1.0}}, "zz")])
def test_invalid_composite_population_names_its_culprit(kwargs: dict, culprit: str) -> None:
    with pytest.raises(SpecError) as info:
        CompositePopulationModel(_small_spec(), paths=PATHS, **kwargs)
    assert info.value.culprit == culprit
