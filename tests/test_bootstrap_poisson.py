"""The Poisson bootstrap in memory: reproducible, close to the multinomial one, same counts in both engines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.resources import bundled


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    return acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))


def test_poisson_bootstrap_is_reproducible_and_independent_of_workers(demo) -> None:
    spec, frame = demo
    fit = acsi.fit(spec, frame)
    one = acsi.bootstrap(fit, n_boot=60, seed=3, resampling="poisson", workers=1)
    two = acsi.bootstrap(fit, n_boot=60, seed=3, resampling="poisson", workers=2)
    np.testing.assert_array_equal(one.replicates, two.replicates)


def test_poisson_and_multinomial_standard_errors_agree_roughly(demo) -> None:
    spec, frame = demo
    fit = acsi.fit(spec, frame)
    poisson = acsi.bootstrap(fit, n_boot=300, seed=1, resampling="poisson").replicates.std(axis=0)
    multinomial = acsi.bootstrap(fit, n_boot=300, seed=1).replicates.std(axis=0)
    # Two Monte-Carlo estimates of the same standard errors from 300 resamples each: within 25 %.
    ratio = poisson[multinomial > 0] / multinomial[multinomial > 0]
    assert np.median(np.abs(ratio - 1)) < 0.25


def test_the_refit_engine_draws_the_same_poisson_resamples_as_the_batched_one(demo) -> None:
    spec, frame = demo
    fit = acsi.fit(spec, frame)
    batched = acsi.bootstrap(fit, n_boot=8, seed=5, resampling="poisson", engine="batched")
    refitted = acsi.bootstrap(fit, n_boot=8, seed=5, resampling="poisson", engine="refit")
    # Same resamples, two code paths (moments of counts vs refits on repeated rows): 1e-8.
    np.testing.assert_allclose(batched.replicates, refitted.replicates, rtol=1e-8, atol=1e-8)


def test_an_unknown_resampling_is_refused(demo) -> None:
    spec, frame = demo
    with pytest.raises(acsi.errors.ParameterError, match="resampling"):
        acsi.bootstrap(acsi.fit(spec, frame), n_boot=5, seed=1, resampling="jackknife")
