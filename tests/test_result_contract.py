"""The result contract shared by every result type: frozen, strict-JSON ``to_dict()``, a one-line ``repr``."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

import acsi
from acsi.resources import bundled


def _refuse(token: str) -> None:
    raise AssertionError(f"non-strict JSON token {token!r}")


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    from acsi.assess import assess
    from acsi.compare import compare_branches, compare_methods, estimate_groups, ipma
    from acsi.data import prepare
    from acsi.inference import bootstrap
    from acsi.ingest.survey import read_survey

    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    fit = acsi.fit(spec, frame)
    branch_spec = acsi.load_spec(bundled("models/bank_branch.yaml"))
    branches = read_survey(str(bundled("datasets/bank_branches_demo.csv")))
    return {
        "FitResult": fit,
        "FitResult(cbsem, ULS)": acsi.fit(spec, frame, method="cbsem", objective="ULS"),
        "BootstrapResult": bootstrap(fit, n_boot=30, seed=1),
        "Assessment": assess(fit),
        "IPMAResult": ipma(fit, spec.endogenous[-1]),
        "GroupEstimates": estimate_groups(branch_spec, branches, "branch", n_boot=0),
        "MethodComparison": compare_methods(spec, prepare(spec, frame), ["pls", "gsca"]),
        "BranchComparison": compare_branches(branch_spec, branches, "branch"),
    }


NAMES = [
    "FitResult",
    "FitResult(cbsem, ULS)",
    "BootstrapResult",
    "Assessment",
    "IPMAResult",
    "GroupEstimates",
    "MethodComparison",
    "BranchComparison",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_result_is_frozen(results, name) -> None:
    result = results[name]
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_to_dict_is_strict_json(results, name) -> None:
    text = json.dumps(results[name].to_dict(), allow_nan=False)
    json.loads(text, parse_constant=_refuse)


def test_a_cbsem_uls_fit_has_non_finite_fit_measures_and_writes_them_as_null(results) -> None:
    fit = results["FitResult(cbsem, ULS)"]
    indices = fit.to_dict()["fit_indices"]
    assert any(value is None for value in indices.values())  # CFI, RMSEA, ... are not defined for ULS
    json.loads(json.dumps(fit.to_dict(), allow_nan=False), parse_constant=_refuse)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_has_a_one_line_repr(results, name) -> None:
    text = repr(results[name])
    assert "\n" not in text and len(text) < 200 and text.startswith(type(results[name]).__name__ + "(")
