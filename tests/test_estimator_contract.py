"""The contract every registered estimator keeps (one template: acsi.estimators.base.EstimatorBase)."""

from __future__ import annotations

import inspect
import warnings

import pandas as pd
import pytest

import acsi
from acsi import strict_json
from acsi.errors import ConvergenceWarning, DataError, ParameterError
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


@pytest.mark.parametrize("method", METHODS)
def test_stopping_at_max_iter_warns_with_our_convergence_warning(method: str, demo) -> None:
    spec, frame = demo
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = REGISTRY[method].load()(max_iter=1).fit(spec, frame)
    assert not result.converged
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert convergence, [str(w.message) for w in caught]
    assert all(issubclass(w.category, acsi.AcsiWarning) for w in caught)
