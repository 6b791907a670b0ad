"""Command line: ``acsi fit --bootstrap`` keys of the JSON contract, ``acsi assess``, readable refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acsi.cli import main

from .conftest import MODELS

DEMO = Path(__file__).resolve().parent.parent / "datasets" / "acsi_demo.csv"


def test_fit_with_bootstrap_adds_std_errors_ci_and_bootstrap_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "out.json"
    code = main(["fit", str(MODELS / "acsi.yaml"), str(DEMO), "--bootstrap", "300", "--seed", "4", "--json", str(out_file)])
    assert code == 0
    assert "Bootstrap: 300 of 300 resamples used" in capsys.readouterr().out
    payload = json.loads(out_file.read_text())
    for key in ("weights", "loadings", "paths", "r_squared", "index"):
        assert set(payload["std_errors"][key]) == set(payload[key])
        assert set(payload["ci"][key]) == set(payload[key])
    for path, (lower, upper) in payload["ci"]["paths"].items():
        assert lower <= payload["paths"][path] <= upper
    assert payload["bootstrap"] | {"seed": None} == {
        "requested": 300,
        "used": 300,
        "failed": 0,
        "failures": {},
        "seed": None,
        "ci_method": "percentile",
        "level": 0.95,
        "sign_change": "none",
        "engine": "batched",
        "resampling": "multinomial",
    }
    assert payload["bootstrap"]["seed"] == 4


def test_same_seed_same_json_whatever_the_workers(tmp_path: Path) -> None:
    files = []
    for workers in ("1", "2"):
        files.append(tmp_path / f"w{workers}.json")
        main(
            [
                "fit",
                str(MODELS / "acsi.yaml"),
                str(DEMO),
                "--bootstrap",
                "700",
                "--seed",
                "1",
                "--ci",
                "bca",
                "--workers",
                workers,
                "--json",
                str(files[-1]),
                "--quiet",
            ]
        )
    assert files[0].read_text() == files[1].read_text()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--bootstrap", "0"], "at least 2"),
        (["--bootstrap", "1"], "at least 2"),
        (["--bootstrap", "10", "--seed", "x"], "seed"),
        (["--bootstrap", "ten"], "whole number"),
    ],
)
def test_malformed_bootstrap_options_are_usage_errors(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(MODELS / "acsi.yaml"), str(DEMO), *options])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_bca_with_too_few_resamples_is_a_readable_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fit", str(MODELS / "acsi.yaml"), str(DEMO), "--bootstrap", "50", "--ci", "bca"])
    assert code == 2
    assert "BCa intervals need at least" in capsys.readouterr().err


def test_assess_prints_tables_with_thresholds_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "assess.json"
    code = main(["assess", str(MODELS / "acsi.yaml"), str(DEMO), "--q-squared", "--predict-folds", "5", "--json", str(out_file)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "HTMT" in printed and "thresholds:" in printed and "Flags" in printed
    payload = json.loads(out_file.read_text())
    for key in (
        "cronbach_alpha",
        "rho_a",
        "rho_c",
        "ave",
        "htmt",
        "fornell_larcker",
        "vif",
        "f_squared",
        "gof",
        "srmr",
        "q_squared",
        "predict",
        "fit",
        "flags",
    ):
        assert key in payload
    assert set(payload["q_squared"]) == {
        "perceived_quality",
        "perceived_value",
        "customer_satisfaction",
        "customer_complaints",
        "customer_loyalty",
    }


def test_assess_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["assess", "--help"])
    out = capsys.readouterr().out
    assert "--q-squared" in out and "--predict-folds" in out and "--scheme" in out
