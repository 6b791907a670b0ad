"""Agreement with R plspm and ADANCO on the PLS cases of ../shared/reference/expected.

Each case states its software, settings and tolerances; we fit with the same settings and
compare every key that the core estimator produces. Keys that belong to the assessment
layer (reliabilities, GoF, fit measures, inner-regression t values) are listed in
``ASSESSMENT_KEYS`` and checked by that layer's tests (``tests/assessment/test_reference.py``), not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi

from ._reference import flatten, tolerance
from .conftest import REFERENCE, reference_cases

CORE_KEYS = ("weights", "loadings", "paths", "r_squared", "adjusted_r_squared", "effects", "index", "mean_rescaled_score_0_10")
ASSESSMENT_KEYS = {
    "communality",
    "redundancy",
    "inner_regressions",
    "block_communality",
    "mean_redundancy",
    "ave",
    "cronbach_alpha",
    "dillon_goldstein_rho",
    "eigenvalue_1",
    "eigenvalue_2",
    "gof",
    "fit",
}

PLS_CASES = reference_cases("pls")


def _fit(case: dict) -> acsi.FitResult:
    settings = case["settings"]
    spec = acsi.parse_syntax(case["model"]["syntax"])
    data = pd.read_csv(REFERENCE / case["dataset"])
    standardized_index = "index" in case["expected"] and settings.get("standardized", True)
    return acsi.fit(
        spec,
        data,
        method="pls",
        scheme=settings["scheme"],
        raw=not settings.get("standardized", True),
        scale=(0, 10) if "index" in case["expected"] else None,
        index_weights="standardized" if standardized_index else "fornell",
    )


@pytest.mark.parametrize("path", PLS_CASES, ids=[p.stem for p in PLS_CASES])
def test_pls_estimates_match_reference_software(reference: Path, path: Path) -> None:
    case = json.loads(path.read_text())
    result = _fit(case).to_dict()
    if "mean_rescaled_score_0_10" in case["expected"]:
        result["mean_rescaled_score_0_10"] = {k: v / 10 for k, v in result["index"].items()}
    unknown = set(case["expected"]) - set(CORE_KEYS) - ASSESSMENT_KEYS
    assert not unknown, f"reference keys neither checked here nor by the assessment layer: {unknown}"
    checked = [key for key in CORE_KEYS if key in case["expected"]]
    assert checked, "a reference case with nothing to check"
    for key in checked:
        expected = flatten(case["expected"][key])
        got = flatten(result[key])
        for name, want in expected.items():
            field = name.rsplit("/", 1)[-1] if key == "effects" else None
            absolute, relative = tolerance(case, key, field)
            assert name in got, f"{key}: {name} missing from the result"
            deviation = abs(got[name] - want)
            assert deviation <= absolute or deviation <= relative * abs(want), (
                f"{path.stem} {key} {name}: got {got[name]:.10g}, expected {want:.10g} "
                f"(|diff| {deviation:.2g} > tolerance {absolute:g})"
            )


def test_reference_folder_holds_pls_cases_for_every_scheme_and_scaling(reference: Path) -> None:
    settings = {
        (c["settings"]["scheme"], c["settings"].get("standardized", True), c["settings"].get("mode"))
        for c in (json.loads(p.read_text()) for p in PLS_CASES)
    }
    assert {s[0] for s in settings} == {"centroid", "factorial", "path"}
    assert {s[1] for s in settings} == {True, False}
    assert {s[2] for s in settings} >= {"A", "B"}


def test_reported_raw_weights_give_unit_variance_scores_with_divisor_n(satisfaction: pd.DataFrame) -> None:
    case = json.loads((REFERENCE / "expected" / "satisfaction_plspm_centroid_unscaled.json").read_text())
    result = _fit(case)
    np.testing.assert_allclose(result.scores.var(ddof=0).to_numpy(), 1.0, rtol=0, atol=1e-12)
