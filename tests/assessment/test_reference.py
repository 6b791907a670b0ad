"""Agreement of the assessment layer with R plspm and ADANCO on ../shared/reference/expected.

Every key of ``tests.test_reference.ASSESSMENT_KEYS`` in every PLS case is checked here,
field by field, with the case's own tolerances. The PLSc case (ADANCO, consistent PLS) is
checked where its numbers need only ordinary Mode A weights: ``rho_a`` and
``cronbach_alpha``. Its ``ave``, ``composite_reliability`` and ``fit`` come from consistent
loadings and the common-factor model; they belong to the PLSc estimator (issue 4).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.assessment import assess

from .._reference import flatten, tolerance
from ..conftest import REFERENCE, reference_cases
from ..test_reference import ASSESSMENT_KEYS

PLS_CASES = reference_cases("pls")
ASSESSED_CASES = [p for p in PLS_CASES if ASSESSMENT_KEYS & set(json.loads(p.read_text())["expected"])]
PLSC_CASES = reference_cases("plsc")
#: Keys of the PLSc case that need only Mode A weights (checked here).
PLSC_MODE_A_KEYS = ("rho_a", "cronbach_alpha")
#: Keys of the PLSc case left to the PLSc estimator's tests (issue 4).
PLSC_ESTIMATOR_KEYS = {"weights", "loadings", "paths", "r_squared", "adjusted_r_squared", "composite_reliability", "ave", "fit"}


def _assessment(case: dict) -> dict:
    settings = case["settings"]
    result = acsi.fit(
        acsi.parse_syntax(case["model"]["syntax"]),
        pd.read_csv(REFERENCE / case["dataset"]),
        method="pls",
        scheme=settings["scheme"],
        raw=not settings.get("standardized", True),
    )
    return assess(result).to_dict()


def _check(case: dict, name: str, got_all: dict, key: str) -> int:
    expected = flatten(case["expected"][key])
    got = flatten(got_all[key]) if isinstance(got_all[key], dict) else {"": got_all[key]}
    for path, want in expected.items():
        field = path.rsplit("/", 1)[-1] if key == "inner_regressions" else None
        absolute, relative = tolerance(case, key, field)
        assert path in got, f"{name} {key}: {path} missing from the assessment"
        deviation = abs(got[path] - want)
        assert deviation <= absolute or deviation <= relative * abs(want), (
            f"{name} {key} {path}: got {got[path]:.10g}, expected {want:.10g} (|diff| {deviation:.2g} > {absolute:g})"
        )
    return len(expected)


@pytest.mark.parametrize("path", ASSESSED_CASES, ids=[p.stem for p in ASSESSED_CASES])
def test_assessment_measures_match_reference_software(reference: Path, path: Path) -> None:
    case = json.loads(path.read_text())
    keys = sorted(ASSESSMENT_KEYS & set(case["expected"]))
    got = _assessment(case)
    checked = sum(_check(case, path.stem, got, key) for key in keys)
    assert checked >= len(keys)


@pytest.mark.parametrize("path", PLSC_CASES, ids=[p.stem for p in PLSC_CASES])
def test_plsc_case_reliabilities_from_mode_a_weights_match_adanco(reference: Path, path: Path) -> None:
    case = json.loads(path.read_text())
    assert set(case["expected"]) <= set(PLSC_MODE_A_KEYS) | PLSC_ESTIMATOR_KEYS, "an unassigned PLSc key"
    got = _assessment(case)
    for key in PLSC_MODE_A_KEYS:
        assert _check(case, path.stem, got, key) == 6


def test_every_assessment_key_is_held_by_some_pls_case(reference: Path) -> None:
    held = set().union(*(json.loads(p.read_text())["expected"].keys() for p in ASSESSED_CASES))
    assert ASSESSMENT_KEYS <= held, f"assessment keys no PLS case holds: {ASSESSMENT_KEYS - held}"
