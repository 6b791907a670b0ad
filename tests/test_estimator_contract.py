"""The contract every registered estimator keeps (one template: acsi.estimators.base.EstimatorBase)."""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi import strict_json
from acsi.errors import BootstrapWarning, ConvergenceWarning, DataError, InadmissibleSolutionWarning, ParameterError
from acsi.estimators.base import EstimatorBase
from acsi.estimators.registry import METHODS, REGISTRY

from .conftest import FIT_RESULT_KEYS


@pytest.fixture(scope="module")
def fits(demo: tuple[acsi.ModelSpec, pd.DataFrame]) -> dict[str, dict]:
    spec, frame = demo
    return {name: REGISTRY[name].load()().fit(spec, frame).to_dict() for name in METHODS}


def test_every_registered_method_is_an_estimator_with_the_shared_fit() -> None:
    for entry in REGISTRY.values():
        cls = entry.load()
        assert issubclass(cls, EstimatorBase), entry.name
        assert cls.fit is EstimatorBase.fit, f"{entry.name} overrides the shared fit skeleton"


def test_every_registered_class_carries_its_registry_name() -> None:
    for name, entry in REGISTRY.items():
        assert entry.load().method == name


def test_no_estimator_overrides_the_skeleton_or_calls_another_estimators_private_helpers() -> None:
    names = {entry.load().__name__ for entry in REGISTRY.values()}
    for entry in REGISTRY.values():
        cls = entry.load()
        source = inspect.getsource(inspect.getmodule(cls))
        for other in names - {cls.__name__}:
            assert f"{other}._" not in source and f"{other}()._" not in source, (entry.name, other)
        assert "FitResult(" not in source and "build_index(" not in source, f"{entry.name} builds its own result or index"


def test_no_estimator_has_a_private_index_builder() -> None:
    for entry in REGISTRY.values():
        source = inspect.getsource(inspect.getmodule(entry.load()))
        assert "._index(" not in source and "def _index(" not in source, entry.name


def test_the_registered_options_are_options_of_acsi_fit() -> None:
    parameters = set(inspect.signature(acsi.fit).parameters)
    for entry in REGISTRY.values():
        assert set(entry.options) <= parameters, entry.name


def test_every_method_returns_the_same_result_schema(fits: dict[str, dict]) -> None:
    for name, out in fits.items():
        assert FIT_RESULT_KEYS <= set(out), (name, FIT_RESULT_KEYS - set(out))
        assert out["method"] == name
    common = set.intersection(*(set(out) for out in fits.values()))
    assert FIT_RESULT_KEYS <= common


@pytest.mark.parametrize("method", METHODS)
def test_a_second_fit_gives_identical_output(method: str, demo, fits: dict[str, dict]) -> None:
    spec, frame = demo
    again = REGISTRY[method].load()().fit(spec, frame).to_dict()
    assert strict_json.dumps(again) == strict_json.dumps(fits[method])


@pytest.mark.parametrize("method", METHODS)
def test_fit_changes_neither_the_frame_nor_the_spec(method: str, demo) -> None:
    spec, frame = demo
    frame_before, spec_before = frame.copy(deep=True), repr(spec)
    REGISTRY[method].load()().fit(spec, frame)
    pd.testing.assert_frame_equal(frame, frame_before)
    assert repr(spec) == spec_before


@pytest.mark.parametrize("method", METHODS)
def test_a_missing_indicator_column_raises_our_data_error(method: str, demo) -> None:
    spec, frame = demo
    missing = spec.indicators[0]
    with pytest.raises(DataError, match=missing):
        REGISTRY[method].load()().fit(spec, frame.drop(columns=missing))


@pytest.mark.parametrize("method", METHODS)
def test_an_invalid_setting_raises_parameter_error(method: str) -> None:
    with pytest.raises(ParameterError, match="index_weights"):
        REGISTRY[method].load()(index_weights="heaviest")


#: The methods that iterate (all but sum-score regression, which has nothing to iterate).
ITERATIVE = [method for method in METHODS if method != "sumscore"]


def test_only_sum_score_regression_takes_no_iteration_limit() -> None:
    from dataclasses import fields

    takes_max_iter = {m for m in METHODS if any(f.name == "max_iter" for f in fields(REGISTRY[m].load()))}
    assert takes_max_iter == set(ITERATIVE)


@pytest.mark.parametrize("method", ITERATIVE)
def test_stopping_at_max_iter_warns_with_our_convergence_warning(method: str, demo) -> None:
    spec, frame = demo
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = REGISTRY[method].load()(max_iter=1).fit(spec, frame)
    assert not result.converged
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert convergence, [str(w.message) for w in caught]
    assert all(issubclass(w.category, acsi.AcsiWarning) for w in caught)


@pytest.mark.parametrize("method", METHODS)
def test_the_result_keeps_the_estimator_that_produced_it(method: str, demo) -> None:
    spec, frame = demo
    estimator = REGISTRY[method].load()(index_weights="equal")
    result = estimator.fit(spec, frame)
    assert result.estimator is estimator
    assert "estimator" not in result.to_dict()
    assert acsi.fit(spec, frame, method=method).estimator == REGISTRY[method].load()()


@pytest.mark.parametrize("method", METHODS)
def test_prepared_data_and_the_estimator_are_not_changed_by_fit(method: str, demo) -> None:
    spec, frame = demo
    data = acsi.prepare(spec, frame)
    values = np.array(data.values, copy=True)
    estimator = REGISTRY[method].load()()
    before = repr(estimator)
    estimator.fit(spec, data)
    assert np.array_equal(data.values, values)
    assert repr(estimator) == before


@pytest.mark.parametrize("method", METHODS)
def test_scale_with_prepared_data_raises_parameter_error(method: str, demo) -> None:
    spec, frame = demo
    with pytest.raises(ParameterError, match="scale and missing"):
        REGISTRY[method].load()().fit(spec, acsi.prepare(spec, frame), scale=(1, 10))


@pytest.mark.parametrize("method", METHODS)
def test_data_that_are_not_a_frame_raise_our_data_error(method: str, demo) -> None:
    spec, frame = demo
    with pytest.raises(DataError):
        REGISTRY[method].load()().fit(spec, frame.to_numpy())


@pytest.mark.parametrize("method", METHODS)
def test_a_result_is_bootstrapped_by_its_own_estimator_reproducibly(method: str, demo) -> None:
    """bootstrap(result) refits result.estimator: the same replicates as bootstrap(estimator, spec, frame),
    and the same again for the same seed (same code path, same machine: compared exactly)."""
    spec, frame = demo
    head = frame.iloc[:120]
    estimator = REGISTRY[method].load()(index_weights="equal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)
        warnings.simplefilter("ignore", InadmissibleSolutionWarning)
        result = estimator.fit(spec, head)
        runs = [acsi.bootstrap(result, n_boot=4, seed=11, workers=1) for _ in range(2)]
        direct = acsi.bootstrap(estimator, spec, head, n_boot=4, seed=11, workers=1)
    for run in (runs[1], direct):
        assert np.array_equal(run.replicates, runs[0].replicates)
        assert run.failures == runs[0].failures
    assert runs[0].fit is result


def test_a_result_without_its_estimator_cannot_be_bootstrapped(demo) -> None:
    spec, frame = demo
    orphan = dataclasses.replace(acsi.fit(spec, frame), estimator=None)
    with pytest.raises(ParameterError, match="estimator"):
        acsi.bootstrap(orphan, n_boot=10, seed=1)
