"""Each command is one library call: the Python call's ``to_dict()`` equals the command's ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.resources import bundled

from ._tolerances import NUMERIC, assert_nested_close

MODEL, DATA = bundled("models/acsi.yaml"), bundled("datasets/acsi_demo.csv")


@pytest.fixture(scope="module")
def fit() -> acsi.FitResult:
    return acsi.fit(acsi.load_spec(MODEL), pd.read_csv(DATA))


def _cli_json(tmp_path: Path, *argv: str) -> object:
    out = tmp_path / "out.json"
    assert main([*argv, "--json", str(out)]) == 0
    return json.loads(out.read_text())


def test_acsi_fit_json_is_the_fit_to_dict(tmp_path: Path, fit, capsys) -> None:
    assert_nested_close(fit.to_dict(), _cli_json(tmp_path, "fit", str(MODEL), str(DATA), "--quiet"), **NUMERIC)


def test_acsi_assess_json_is_the_assessment_to_dict(tmp_path: Path, fit, capsys) -> None:
    from acsi.assessment import assess

    assert_nested_close(assess(fit).to_dict(), _cli_json(tmp_path, "assess", str(MODEL), str(DATA)), **NUMERIC)


def test_acsi_ipma_json_is_the_ipma_to_dict(tmp_path: Path, fit, capsys) -> None:
    from acsi.compare import ipma

    written = _cli_json(tmp_path, "ipma", str(MODEL), str(DATA), "--target", "customer_satisfaction")
    assert_nested_close(ipma(fit, "customer_satisfaction").to_dict(), written["ipma"], **NUMERIC)
