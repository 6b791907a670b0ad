"""The fit measures of an assessment are those of the estimator that produced the fit (issue 10, item 2).

``acsi.assess`` used to recompute SRMR, d_ULS and d_G with every block taken as a composite,
so for a consistent-PLS fit it reported other numbers than the PLSc fit itself (which agrees
with ADANCO and cSEM). Checked for every method on every reference case that has fit measures.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.assessment import assess
from acsi.errors import InadmissibleSolutionWarning, MultipleOptimaWarning

from .._reference import tolerance
from .._tolerances import EXACT
from ..conftest import REFERENCE

FIT_CASES = (
    sorted(p for p in (REFERENCE / "expected").glob("*.json") if {"fit", "srmr"} & set(json.loads(p.read_text())["expected"]))
    if (REFERENCE / "expected").is_dir()
    else []
)


def _applicable(case: dict, method: str) -> bool:
    """Methods that can estimate the case's model: CB-SEM needs common factors, PLS-type methods no ``~~``."""
    modes = {c["mode"] for c in case["model"]["constructs"].values()}
    if method == "cbsem":
        return modes == {"A"}
    return not case["model"].get("residual_covariances")


PAIRS = [(path, method) for path in FIT_CASES for method in acsi.api.METHODS if _applicable(json.loads(path.read_text()), method)]


def _fit(case: dict, method: str) -> acsi.FitResult:
    settings = case["settings"]
    options = {"scheme": settings["scheme"]} if settings.get("scheme") and method in ("pls", "plsc") else {}
    if method == "cbsem":
        options = {"std_lv": "std.lv" in settings.get("identification", "")}
    data = pd.read_csv(REFERENCE / case["dataset"])
    with warnings.catch_warnings():
        # The satisfaction model is improper under CB-SEM (standardised paths > 1): still fitted and assessed.
        warnings.simplefilter("ignore", InadmissibleSolutionWarning)
        warnings.simplefilter("ignore", MultipleOptimaWarning)
        return acsi.fit(acsi.parse_syntax(case["model"]["syntax"]), data, method=method, **options)


def _estimator_measures(result: acsi.FitResult) -> dict[str, float]:
    """Every SRMR / d_ULS / d_G the estimator itself reports, as ``part/measure``."""
    out = {f"{part}/{key}": value for part, values in (result.model_fit or {}).items() for key, value in values.items()}
    if result.fit_indices and "srmr" in result.fit_indices:
        out["estimated_model/srmr"] = result.fit_indices["srmr"]
    return out


def test_fit_cases_and_methods_are_found(reference: Path) -> None:
    assert len(FIT_CASES) >= 4
    methods = {method for _, method in PAIRS}
    assert methods == set(acsi.api.METHODS)


@pytest.mark.parametrize(("path", "method"), PAIRS, ids=[f"{p.stem}-{m}" for p, m in PAIRS])
def test_assessment_reports_the_fit_measures_its_estimator_reports(reference: Path, path: Path, method: str) -> None:
    case = json.loads(path.read_text())
    result = _fit(case, method)
    got = assess(result).to_dict()
    reported = {f"{part}/{key}": value for part, values in got["fit"].items() for key, value in values.items()}
    own = _estimator_measures(result)
    if method in ("plsc", "cbsem"):
        assert own, f"{method} reports no fit measures"
    for key, value in own.items():
        assert key in reported, f"{key} reported by the {method} fit but not by its assessment"
        assert reported[key] == pytest.approx(value, rel=EXACT["rtol"], abs=EXACT["atol"]), key
    headline = own.get("saturated_model/srmr", own.get("estimated_model/srmr"))
    if headline is not None:
        assert got["srmr"] == pytest.approx(headline, rel=EXACT["rtol"], abs=EXACT["atol"])


PLSC_FIT_CASES = [p for p in FIT_CASES if json.loads(p.read_text())["settings"]["estimator"] == "plsc"]


@pytest.mark.parametrize("path", PLSC_FIT_CASES, ids=[p.stem for p in PLSC_FIT_CASES])
def test_assessment_of_a_plsc_fit_matches_adanco(reference: Path, path: Path) -> None:
    case = json.loads(path.read_text())
    got = assess(_fit(case, "plsc")).to_dict()["fit"]
    checked = 0
    for part, values in case["expected"]["fit"].items():
        for key, want in values.items():
            absolute, _ = tolerance(case, "fit", None)
            assert math.isclose(got[part][key], want, abs_tol=absolute), (part, key, got[part][key], want)
            checked += 1
    assert checked == 6
