"""One interface for every estimator: acsi.fit(method=...), the CLI --method, the same JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.resources import bundled

BASE_KEYS = {
    "method", "scheme", "standardized", "converged", "iterations", "n_obs", "n_dropped", "weights", "loadings",
    "paths", "r_squared", "adjusted_r_squared", "effects", "construct_correlations", "warnings", "index",
    "index_weights",
}


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    return acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))


@pytest.mark.parametrize("method", ["pls", "plsc", "cbsem", "gsca"])
def test_every_method_returns_the_same_json_keys(method: str, demo: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    spec, frame = demo
    result = acsi.fit(spec, frame, method=method)
    out = result.to_dict()
    assert BASE_KEYS <= set(out), BASE_KEYS - set(out)
    assert out["method"] == method
    assert set(out["paths"]) == {p.key for p in spec.paths}
    assert set(out["index"]) == set(spec.construct_names)
    assert all(0 <= v <= 100 for v in out["index"].values())
    json.dumps(out)  # serialisable
    assert {"lhs", "op", "rhs", "estimate"} <= set(result.params.columns)


def test_unknown_method_is_refused(demo: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match="Unknown method 'ols'"):
        acsi.fit(*demo, method="ols")  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["plsc", "cbsem", "gsca"])
def test_cli_fit_method_writes_the_json_contract(method: str, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code = main(["fit", str(bundled("models/acsi.yaml")), str(bundled("datasets/acsi_demo.csv")), "--method", method,
                 "--json", str(out), "--quiet"])
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["method"] == method and BASE_KEYS <= set(payload)
