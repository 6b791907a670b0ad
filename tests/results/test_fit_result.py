"""``FitResult.to_dict()`` (the JSON contract) built from arrays equals the tidy pandas views it summarises."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import acsi
from tests._tolerances import EXACT, assert_nested_close


def _from_tidy_views(result: acsi.FitResult) -> dict[str, Any]:
    """The route ``to_dict`` took before it was built from arrays: pandas Series and ``iterrows``."""
    nested = lambda series: {  # noqa: E731
        c: {i: float(v) for (c2, i), v in series.items() if c2 == c} for c in result.constructs
    }
    return {
        "weights": nested(result.weights),
        "loadings": nested(result.loadings),
        "paths": {key: float(v) for key, v in result.path_coefficients.items()},
        "r_squared": {key: float(v) for key, v in result.r_squared.items()},
        "adjusted_r_squared": {key: float(v) for key, v in result.adjusted_r_squared.items()},
        "effects": {
            key: {"direct": float(row.direct), "indirect": float(row.indirect), "total": float(row.total)}
            for key, row in result.effects.iterrows()
        },
        "construct_correlations": {
            a: {b: float(v) for b, v in row.items()} for a, row in result.construct_correlations.iterrows()
        },
    }


def _same_key_order(actual: Any, expected: Any, where: str = "$") -> None:
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{where}: key order {list(actual)} != {list(expected)}"
        for key in expected:
            _same_key_order(actual[key], expected[key], f"{where}.{key}")


@pytest.mark.parametrize("method", ["pls", "plsc", "cbsem", "gsca"])
def test_to_dict_from_arrays_equals_the_tidy_views_with_the_same_keys_in_the_same_order(
    method: str, demo: tuple[acsi.ModelSpec, pd.DataFrame]
) -> None:
    result = acsi.fit(*demo, method=method)
    out = result.to_dict()
    expected = _from_tidy_views(result)
    for key, value in expected.items():
        assert_nested_close(out[key], value, **EXACT, where=key)
        _same_key_order(out[key], value, key)
    assert all(type(v) is float for v in out["paths"].values())
    assert all(type(v) is float for row in out["construct_correlations"].values() for v in row.values())


def test_to_dict_of_the_raw_scale_pls_fit_equals_the_tidy_views(demo: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    result = acsi.fit(*demo, method="pls", raw=True, scheme="centroid")
    out = result.to_dict()
    for key, value in _from_tidy_views(result).items():
        assert_nested_close(out[key], value, **EXACT, where=key)
        _same_key_order(out[key], value, key)


def test_to_dict_builds_no_pandas_objects(demo: tuple[acsi.ModelSpec, pd.DataFrame], monkeypatch: pytest.MonkeyPatch) -> None:
    """Serialising cost three times the fit while it went through Series and ``iterrows`` (issue 10, item 11)."""
    result = acsi.fit(*demo, method="pls")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("to_dict built a pandas object")

    monkeypatch.setattr(pd.Series, "__init__", refuse)
    monkeypatch.setattr(pd.DataFrame, "__init__", refuse)
    monkeypatch.setattr(pd.DataFrame, "iterrows", refuse)
    out = result.to_dict()
    assert set(out["effects"]) and set(out["adjusted_r_squared"]) == set(result.spec.endogenous)
