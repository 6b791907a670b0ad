"""CB-SEM starts from lavaan's default starting values, pins BLAS, and reports every optimum (issue 10, item 12)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import semopy

import acsi
from acsi.errors import InadmissibleSolutionWarning, MultipleOptimaWarning
from acsi.estimators import cbsem
from acsi.estimators.cbsem import CBSEM
from acsi.estimators.factor_solution import fabin3
from acsi.estimators.semopy_model import lavaan_starts
from acsi.estimators.semopy_syntax import to_semopy_syntax

from ._tolerances import EXACT
from .conftest import REFERENCE


def _exact(sigma: np.ndarray, n: int, columns: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    z = rng.standard_normal((n, sigma.shape[0]))
    z -= z.mean(axis=0)
    z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T @ np.linalg.cholesky(sigma).T
    return pd.DataFrame(z, columns=columns)


def test_fabin3_loading_of_a_three_indicator_block_is_the_covariance_ratio() -> None:
    # With one instrument z = x3: lambda_2 = s_23 s_31 / (s_13 s_31) = s_23 / s_13.
    S = np.array([[2.0, 0.9, 0.6], [0.9, 1.5, 0.45], [0.6, 0.45, 1.2]])
    assert fabin3(S, 0, 1, [2]) == pytest.approx(0.45 / 0.6, **{"rel": EXACT["rtol"], "abs": EXACT["atol"]})


def test_lavaan_starts_half_the_observed_variances_small_factor_variances_zero_regressions(reference: Path) -> None:
    case = json.loads((REFERENCE / "expected" / "political_democracy_lavaan_ml.json").read_text())
    spec = acsi.parse_syntax(case["model"]["syntax"])
    frame = pd.read_csv(REFERENCE / case["dataset"])[list(spec.indicators)]
    S = np.cov(frame.to_numpy(float).T, bias=True)
    observed = list(spec.indicators)
    model = semopy.Model(to_semopy_syntax(spec))
    model.load(cov=pd.DataFrame(S, index=observed, columns=observed), n_samples=len(frame))
    starts = lavaan_starts(model, spec, S, observed, np.array(model.param_vals), marker=True)
    active = [p for p in model.parameters.values() if p.active]
    theta, psi, beta, lam = (id(m) for m in (model.mx_theta, model.mx_psi, model.mx_beta, model.mx_lambda))
    where = {name: j for j, name in enumerate(observed)}
    checked = set()
    for value, param in zip(starts, active):
        loc = param.locations[0]
        r, c = loc.indices
        if id(loc.matrix) == theta:
            a, b = model.names_theta[0][r], model.names_theta[0][c]
            assert value == (0.5 * S[where[a], where[a]] if a == b else 0.0)
            checked.add("theta")
        elif id(loc.matrix) == psi:
            assert value == (0.05 if r == c else 0.0)
            checked.add("psi")
        elif id(loc.matrix) == beta:
            assert value == 0.0
            checked.add("beta")
        elif id(loc.matrix) == lam:
            construct, indicator = model.names_lambda[1][c], model.names_lambda[0][r]
            items = [where[i] for i in spec.construct(construct).indicators]
            j = where[indicator]
            assert value == pytest.approx(fabin3(S, items[0], j, [i for i in items[1:] if i != j]), abs=EXACT["atol"])
            checked.add("lambda")
    assert checked == {"theta", "psi", "beta", "lambda"}


def test_a_proper_first_optimum_is_the_only_one_tried(reference: Path) -> None:
    case = json.loads((REFERENCE / "expected" / "political_democracy_lavaan_ml.json").read_text())
    result = CBSEM().fit(acsi.parse_syntax(case["model"]["syntax"]), pd.read_csv(REFERENCE / case["dataset"]))
    (optimum,) = result.settings["optima"]
    assert optimum["start"] == "lavaan" and optimum["proper"] and optimum["chosen"]


def test_an_improper_optimum_triggers_further_starts_and_every_optimum_is_reported() -> None:
    sigma = np.array([[1, 0.8, 0.8], [0.8, 1, 0.4], [0.8, 0.4, 1]])  # Heywood: ML loading of x1 > 1
    frame = _exact(sigma, 200, ["x1", "x2", "x3"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CBSEM().fit(acsi.parse_syntax("f =~ x1 + x2 + x3\n"), frame)
    optima = result.settings["optima"]
    assert len(optima) >= 2
    assert [o["start"] for o in optima][:2] == ["lavaan", "semopy"]
    assert sum(o["chosen"] for o in optima) == 1
    assert all(not o["proper"] and o["problems"] for o in optima)
    chosen = next(o for o in optima if o["chosen"])
    assert chosen["objective"] == min(o["objective"] for o in optima)
    messages = [str(w.message) for w in caught if issubclass(w.category, MultipleOptimaWarning)]
    assert len(messages) == 1 and "'lavaan'" in messages[0] and "'semopy'" in messages[0]
    assert any(issubclass(w.category, InadmissibleSolutionWarning) for w in caught)


def test_semopy_runs_with_blas_on_one_thread(reference: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info

    seen: list[int] = []
    original = semopy.Model.fit

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen.extend(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cbsem.semopy.Model, "fit", spy)
    case = json.loads((REFERENCE / "expected" / "threecommonfactors_lavaan_ml.json").read_text())
    CBSEM(std_lv=True).fit(acsi.parse_syntax(case["model"]["syntax"]), pd.read_csv(REFERENCE / case["dataset"]))
    assert seen and set(seen) == {1}
