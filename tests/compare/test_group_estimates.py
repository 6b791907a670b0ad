"""GroupEstimates keeps its estimator: the permutation test and MICOM re-estimate with its settings (issue 11, item 6)."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from acsi.compare import estimate_groups, micom, permutation_test
from acsi.compare.group_pls import fit_correlations
from acsi.estimators.pls import PLSPM
from acsi.simulate import acsi_population
from acsi.spec.model import ModelSpec

from .._tolerances import RESAMPLE


@pytest.fixture(scope="module")
def two_branches() -> tuple[ModelSpec, pd.DataFrame]:
    population = acsi_population()
    frames = [population.draw(120, seed=s, scale=(1, 10)).assign(branch=name) for s, name in enumerate("ab")]
    return population.spec, pd.concat(frames, ignore_index=True)


def test_group_estimates_keep_the_estimator_they_were_fitted_with(two_branches) -> None:
    spec, frame = two_branches
    estimator = PLSPM(scheme="centroid", tol=1e-8, max_iter=300)
    est = estimate_groups(spec, frame, "branch", estimator=estimator)
    assert est.estimator is estimator and est.method == "pls"
    assert "scheme" not in est.settings  # one source of settings: the estimator


def test_permutation_test_reestimates_with_the_estimators_scheme(two_branches) -> None:
    spec, frame = two_branches
    observed = {}
    for scheme in ("path", "centroid"):
        est = estimate_groups(spec, frame, "branch", estimator=PLSPM(scheme=scheme))
        test = permutation_test(est, "a", "b", n_perm=19, seed=1)
        difference = {name: test["index"][name][0] for name in est.index_constructs}
        # Row 0 of the permutation is the observed split: the groups' own estimates, via moment sums.
        assert_allclose([difference[c] for c in est.index_constructs], est.index[0] - est.index[1], **RESAMPLE)
        observed[scheme] = difference
    assert any(abs(observed["path"][c] - observed["centroid"][c]) > 1e-6 for c in observed["path"])


def test_micom_fits_the_halves_with_the_estimators_settings(two_branches, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, frame = two_branches
    estimator = PLSPM(scheme="factorial", tol=1e-9, max_iter=500)
    est = estimate_groups(spec, frame, "branch", estimator=estimator)
    seen = []

    def spy(S: np.ndarray, structure, used):  # noqa: ANN001, ANN202
        seen.append(used)
        return fit_correlations(S, structure, used)

    monkeypatch.setattr(importlib.import_module("acsi.compare.micom"), "fit_correlations", spy)
    micom(est, n_perm=19, seed=2)
    assert seen and all(used is estimator for used in seen)
