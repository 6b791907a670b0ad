"""Inadmissible PLSc / CB-SEM numbers are marked in the printed tables (issue 10, item 13)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import acsi
from acsi.admissibility import MARK, marks
from acsi.estimators.cbsem import CBSEM

from .conftest import REFERENCE


def _quiet(call):  # noqa: ANN001, ANN202
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def _satisfaction(method: str) -> acsi.FitResult:
    case = json.loads((REFERENCE / "expected" / "satisfaction_adanco_plsc_centroid.json").read_text())
    frame = pd.read_csv(REFERENCE / case["dataset"])
    return _quiet(lambda: acsi.fit(acsi.parse_syntax(case["model"]["syntax"]), frame, method=method, scheme="centroid"))


def test_plsc_paths_beyond_one_are_flagged_with_a_footnote(reference: Path) -> None:
    result = _satisfaction("plsc")
    summary = result.summary()
    paths = summary.tables()["Structural model (path coefficients)"]
    flagged = set(paths.index[paths["flag"] == MARK])
    assert flagged == {key for key, value in result.path_coefficients.items() if abs(value) > 1}
    assert {"EXPE -> VAL", "QUAL -> VAL"} <= flagged
    text = str(summary)
    assert "Inadmissible" in text and "EXPE -> VAL: standardised path -1.712" in text


def test_pls_tables_carry_no_flag_column(reference: Path) -> None:
    summary = _satisfaction("pls").summary()
    assert all("flag" not in table.columns for table in summary.tables().values())
    assert "Inadmissible" not in str(summary)


def test_cbsem_heywood_case_is_marked_on_the_indicator_row() -> None:
    rng = np.random.default_rng(0)
    sigma = np.array([[1, 0.8, 0.8], [0.8, 1, 0.4], [0.8, 0.4, 1]])  # ML loading of x1 > 1
    z = rng.standard_normal((200, 3))
    z -= z.mean(axis=0)
    z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T @ np.linalg.cholesky(sigma).T
    frame = pd.DataFrame(z, columns=["x1", "x2", "x3"])
    spec = acsi.parse_syntax("f =~ x1 + x2 + x3\n")
    result = _quiet(lambda: CBSEM().fit(spec, frame))
    found = marks(result)["outer"]
    assert "Heywood" in found[("f", "x1")]
    assert set(found) == {("f", "x1")}
