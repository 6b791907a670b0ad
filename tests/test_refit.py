"""The one refit engine (acsi.refit): how a refit is classified, and one vocabulary of failures everywhere."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi import refit
from acsi.compare import group_refit
from acsi.errors import ConvergenceWarning
from acsi.inference import batched_pls

from ._tolerances import RESAMPLE

SPEC = "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A"


def _frame(n: int = 60, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4))
    return pd.DataFrame(x + x[:, :1], columns=["a1", "a2", "b1", "b2"])


def test_the_bootstrap_and_the_group_comparisons_share_one_failure_vocabulary() -> None:
    assert batched_pls.FAILURE_REASONS is refit.FAILURE_REASONS
    assert group_refit.FAILURE_REASONS is refit.FAILURE_REASONS
    assert {"constant_indicator", "singular", "not_converged", "inadmissible", "non_finite", "error"} == set(
        refit.FAILURE_REASONS
    )


def test_a_usable_refit_has_no_reason_and_lists_the_warnings_it_recorded() -> None:
    spec = acsi.parse_syntax(SPEC)
    data = acsi.prepare(spec, _frame())
    out = refit.refit(acsi.PLSPM(), spec, data)
    assert out.reason is None and out.result is not None and out.warnings == ()


def test_a_constant_indicator_fails_before_fitting() -> None:
    spec = acsi.parse_syntax(SPEC)
    frame = _frame()
    frame["b2"] = np.r_[4.0, np.full(len(frame) - 1, 3.0)]  # constant once the first row is left out
    data = acsi.prepare(spec, frame)
    out = refit.refit(acsi.PLSPM(), spec, refit.subset(data, np.arange(1, len(frame))))
    assert (out.result, out.reason) == (None, "constant_indicator")


def test_a_singular_matrix_is_singular_even_when_the_estimator_wraps_it_in_our_error() -> None:
    spec = acsi.parse_syntax("A =~ a1 + a2\nC =~ c1 + c2\nB =~ b1 + b2\nB ~ A + C")
    frame = _frame()
    frame = frame.assign(c1=frame.a1, c2=frame.a2)  # C's score is A's: collinear predictors of B
    with pytest.raises(acsi.EstimationError):
        acsi.PLSPM().fit(spec, frame)
    out = refit.refit(acsi.PLSPM(), spec, acsi.prepare(spec, frame))
    assert (out.result, out.reason) == (None, "singular")


def test_a_refit_that_stops_at_max_iter_is_not_converged_and_keeps_its_result() -> None:
    spec = acsi.parse_syntax(SPEC)
    out = refit.refit(acsi.GSCA(max_iter=1), spec, acsi.prepare(spec, _frame()))
    assert out.reason == "not_converged" and out.result is not None
    assert ConvergenceWarning.__name__ in out.warnings


def test_replicate_fails_a_refit_whose_required_statistic_is_not_finite() -> None:
    spec = acsi.parse_syntax(SPEC)
    data = acsi.prepare(spec, _frame())
    rows = [np.arange(60), np.arange(30)]
    statistics = lambda result: np.array([result.path_matrix[0, 1], np.nan])  # noqa: E731
    kept = refit.replicate(acsi.PLSPM(), spec, rows, lambda r: refit.subset(data, r), statistics, 2, np.array([True, False]))
    assert (kept.codes == refit.OK).all() and np.isfinite(kept.theta[:, 0]).all()
    failed = refit.replicate(acsi.PLSPM(), spec, rows, lambda r: refit.subset(data, r), statistics, 2)
    assert failed.failures() == {"non_finite": 2} and np.isnan(failed.theta).all()
    assert refit.describe(failed.failures()) == "non finite: 2"


def test_a_weighted_result_is_refitted_with_its_case_weights_as_the_batched_engine_resamples_it() -> None:
    spec = acsi.parse_syntax(SPEC)
    frame = _frame(80, seed=4)
    weights = np.random.default_rng(5).uniform(0.5, 2.0, len(frame))
    data = dataclasses.replace(acsi.prepare(spec, frame, scale=(-10, 10)), case_weights=weights)
    result = acsi.PLSPM().fit(spec, data)
    batched = acsi.bootstrap(result, n_boot=30, seed=2, workers=1, engine="batched")
    refitted = acsi.bootstrap(result, n_boot=30, seed=2, workers=1, engine="refit")
    np.testing.assert_allclose(refitted.replicates, batched.replicates, **RESAMPLE)
