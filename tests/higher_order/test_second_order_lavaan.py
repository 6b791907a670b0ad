"""CB-SEM second-order factors against lavaan: ``models/acsi_servqual.yaml`` on ``datasets/servqual_demo.csv``
(perceived quality a second-order factor of the five SERVQUAL dimensions), both with marker identification
(each factor's first loading, and the second-order factor's first component loading, fixed to 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.resources import bundled

REFERENCE = Path(__file__).parents[1] / "reference_higher_order"
#: Half a unit of lavaan's printed third decimal.
LAVAAN = 5e-4


SPEC = acsi.load_spec(bundled("models/acsi_servqual.yaml"))
#: (HOC, component) pairs: their "HOC -> component" paths are second-order loadings.
SECOND_ORDER = {(h.name, c) for h in SPEC.higher_order for c in h.components}


@pytest.fixture(scope="module")
def fitted() -> acsi.FitResult:
    return acsi.fit(SPEC, pd.read_csv(bundled("datasets/servqual_demo.csv")), method="cbsem")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "lavaan_estimates.csv").rename(columns={"est.std": "est_std"})


def _ours(result: acsi.FitResult, key: str) -> dict[tuple[str, str, str], float]:
    """``(lhs, op, rhs)`` -> value of every loading (``=~``, second-order ones included) and path (``~``);
    the HOC's copies ``HOC.item`` of the repeated-indicators layout are left out (lavaan has none)."""
    out = result.to_dict() if key == "raw" else (result.standardized or {})
    values = {(c, "=~", i): v for c, block in out["loadings"].items() for i, v in block.items() if "." not in i}
    for path, v in out["paths"].items():
        source, target = path.split(" -> ")
        values[(source, "=~", target) if (source, target) in SECOND_ORDER else (target, "~", source)] = v
    return values


def test_second_order_loadings_and_paths_agree_with_lavaan_within_its_printed_precision(
    fitted: acsi.FitResult, expected: pd.DataFrame
) -> None:
    raw, standardized = _ours(fitted, "raw"), _ours(fitted, "standardized")
    rows = expected[expected.op.isin(["=~", "~"])]
    assert set(raw) == {(r.lhs, r.op, r.rhs) for r in rows.itertuples()}
    for row in rows.itertuples():
        key = (row.lhs, row.op, row.rhs)
        assert raw[key] == pytest.approx(row.est, abs=LAVAAN), key
        assert standardized[key] == pytest.approx(row.est_std, abs=LAVAAN), key


def test_second_order_fit_measures_agree_with_lavaan(fitted: acsi.FitResult) -> None:
    measures = pd.read_csv(REFERENCE / "lavaan_fit_measures.csv").set_index("measure")["value"]
    indices = fitted.fit_indices or {}
    for name, value in measures.items():
        assert indices[str(name)] == pytest.approx(value, abs=LAVAAN), name
