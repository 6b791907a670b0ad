"""Draws: exact, seeded, near the population, discretised; invalid draw arguments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from acsi.simulate.population import PopulationModel
from acsi.spec.model import Scale

from ._specs import EXACT_DRAW, _small_spec


def test_exact_draw_has_population_covariance(acsi_pop: PopulationModel) -> None:
    for n in (15, 250, 5000):
        frame = acsi_pop.draw(n, seed=n, exact=True)
        assert list(frame.columns) == list(acsi_pop.spec.indicators)
        assert frame.shape == (n, 14)
        assert_allclose(np.cov(frame.to_numpy(), rowvar=False), acsi_pop.indicator_covariance(), **EXACT_DRAW)
        assert_allclose(frame.mean().to_numpy(), np.zeros(14), **EXACT_DRAW)


def test_random_draw_is_near_population(acsi_pop: PopulationModel) -> None:
    x = acsi_pop.draw_array(200_000, seed=11)
    # sampling error of a correlation at n = 200,000 is below 0.0023; 0.01 is > 4 standard errors
    assert_allclose(np.corrcoef(x, rowvar=False), acsi_pop.indicator_covariance(), rtol=0.0, atol=0.01)


def test_same_seed_same_data_different_seed_different_data(acsi_pop: PopulationModel) -> None:
    for kwargs in ({}, {"exact": True}, {"scale": (1, 10)}):
        first = acsi_pop.draw(300, seed=42, **kwargs)
        again = acsi_pop.draw(300, seed=42, **kwargs)
        other = acsi_pop.draw(300, seed=43, **kwargs)
        pd.testing.assert_frame_equal(first, again)
        assert (first.to_numpy() != other.to_numpy()).mean() > 0.5
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    assert_array_equal(acsi_pop.draw_array(50, seed=rng_a), acsi_pop.draw_array(50, seed=rng_b))


def test_discretised_draw_is_integral_and_inside_the_scale(acsi_pop: PopulationModel) -> None:
    frame = acsi_pop.draw(20_000, seed=5, scale=(1, 10))
    values = frame.to_numpy()
    assert values.dtype == np.int64
    assert values.min() >= 1 and values.max() <= 10
    assert set(np.unique(values)) <= set(range(1, 11))
    # defaults: location 7.5, spread 1.7 -> left-skewed ratings with mean about 7.45
    assert_allclose(values.mean(), 7.45, rtol=0.0, atol=0.05)
    assert (values == 10).mean() > (values == 1).mean()
    # a Scale object, custom location and spread, a 1-5 scale
    small = acsi_pop.draw_array(5000, seed=5, scale=Scale(1, 5), location=3.0, spread={"ce1": 0.1})
    assert small.min() >= 1 and small.max() <= 5
    assert set(np.unique(small[:, 0])) <= {2, 3, 4}
    # location keyed by construct, overridden by an indicator key
    keyed = acsi_pop.draw_array(2000, seed=5, scale=(1, 10), location={"customer_complaints": 2.0, "cs1": 3.0})
    columns = list(acsi_pop.indicator_names)
    assert_allclose(keyed[:, columns.index("cc1")].mean(), 2.2, rtol=0.0, atol=0.2)
    assert_allclose(keyed[:, columns.index("cs1")].mean(), 3.1, rtol=0.0, atol=0.2)
    assert_allclose(keyed[:, columns.index("cs2")].mean(), 7.45, rtol=0.0, atol=0.2)
    # discretisation is the rounding of the same continuous draw
    z = acsi_pop.draw_array(100, seed=9)
    assert_array_equal(acsi_pop.draw_array(100, seed=9, scale=(1, 10)), np.clip(np.rint(7.5 + 1.7 * z), 1, 10))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n": 1}, "at least 2"),
        ({"n": 10.0}, "integer"),
        ({"n": 7, "exact": True}, "n > 7"),
        ({"scale": (1, 10.5)}, "integers"),
        ({"scale": (10, 1)}, "below its maximum"),
        ({"scale": "1-10"}, "pair"),
        ({"location": 7.0}, "pass scale"),
        ({"scale": (1, 10), "spread": -1.0}, "positive"),
        ({"scale": (1, 10), "location": {"zz": 1.0}}, "'zz'"),
        ({"scale": (1, 10), "spread": {"a": "wide"}}, "finite numbers"),
    ],
)
def test_invalid_draw_arguments_raise(kwargs: dict, fragment: str) -> None:
    pop = PopulationModel(_small_spec(), paths={"a -> c": 0.4, "b -> c": 0.3})
    arguments = {"n": 100} | kwargs
    n = arguments.pop("n")
    with pytest.raises(ValueError, match=None) as info:
        pop.draw(n, seed=0, **arguments)
    assert fragment in str(info.value)
