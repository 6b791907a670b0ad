"""d_G where it is undefined, and a bootstrap of one resample: our warning or error, never numpy's."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core.fit_measures import geodesic_discrepancy
from acsi.errors import InadmissibleSolutionWarning, ParameterError


def _frame(n: int = 200, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = 0.5 * x + rng.standard_normal(n)
    data = {f"x{i}": x + rng.normal(0, 0.7, n) for i in (1, 2, 3)}
    data |= {f"y{i}": y + rng.normal(0, 0.7, n) for i in (1, 2, 3)}
    return pd.DataFrame(data)


def test_geodesic_discrepancy_is_nan_without_a_numpy_warning_when_a_matrix_is_not_positive_definite() -> None:
    S = np.eye(3)
    indefinite = np.array([[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]])
    singular = np.ones((3, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(geodesic_discrepancy(S, indefinite))
        assert np.isnan(geodesic_discrepancy(singular, S))
        assert geodesic_discrepancy(S, S) == pytest.approx(0.0, abs=1e-15)
    stack = np.stack([S, indefinite])
    assert np.isnan(geodesic_discrepancy(np.stack([S, S]), stack)).tolist() == [False, True]


def test_assessing_duplicated_indicators_reports_d_g_as_null_with_our_warning() -> None:
    frame = _frame().assign(x3=lambda d: d["x1"])  # a duplicated indicator: S is singular
    spec = acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = acsi.fit(spec, frame, method="plsc")
        out = acsi.assess(result).to_dict()
    assert not [w for w in caught if w.category is RuntimeWarning], "a bare numpy RuntimeWarning reached the user"
    assert any(issubclass(w.category, InadmissibleSolutionWarning) and "d_G" in str(w.message) for w in caught)
    assert out["fit"]["estimated_model"]["d_g"] is None
    assert out["fit"]["estimated_model"]["srmr"] is not None


def test_a_bootstrap_of_one_resample_is_refused() -> None:
    spec = acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X")
    result = acsi.fit(spec, _frame())
    with pytest.raises(ParameterError, match="n_boot"):
        acsi.bootstrap(result, n_boot=1, seed=1)
