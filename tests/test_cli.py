"""The command line: help, fit with JSON output, demo, and errors that say what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from acsi.cli import main

from ._models import SATISFACTION_SYNTAX
from .conftest import MODELS

SATISFACTION_SPEC = "# the plspm satisfaction model\n" + SATISFACTION_SYNTAX


@pytest.fixture()
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "satisfaction.model"
    path.write_text(SATISFACTION_SPEC)
    return path


@pytest.mark.parametrize("command", [[], ["fit"], ["demo"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: acsi" in out
    if command == ["fit"]:
        for option in ("--scheme", "--raw", "--scale", "--index-weights", "--json", "--method"):
            assert option in out


def test_fit_prints_a_summary_and_writes_the_json_contract(
    reference: Path, spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "out.json"
    code = main(
        [
            "fit",
            str(spec_file),
            str(reference / "data" / "satisfaction.csv"),
            "--scheme",
            "centroid",
            "--scale",
            "0,10",
            "--json",
            str(out_file),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Structural model" in printed and "Index (0-100" in printed
    payload = json.loads(out_file.read_text())
    assert payload["method"] == "pls" and payload["scheme"] == "centroid" and payload["converged"] is True
    assert payload["n_obs"] == 250 and set(payload["index"]) == {"IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY"}


def test_fit_json_to_standard_output_is_pure_json(reference: Path, spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", str(spec_file), str(reference / "data" / "satisfaction.csv"), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["scheme"] == "path"


def test_demo_fits_the_acsi_model_on_the_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "customer_satisfaction" in out and "Index (0-100" in out


def test_errors_are_one_readable_line_with_status_2(reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_spec = tmp_path / "bad.model"
    bad_spec.write_text("SAT =~ sat1 + sat2\nLOY =~ loy1 + loy2\nLOY ~ SATT\n")
    assert main(["fit", str(bad_spec), str(reference / "data" / "satisfaction.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "SATT" in err and "Traceback" not in err


def test_missing_data_file_is_named(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", str(spec_file), "nowhere.csv"]) == 2
    assert "nowhere.csv" in capsys.readouterr().err


def test_bad_scale_option_is_refused_by_the_parser(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", str(spec_file), "data.csv", "--scale", "10,1"])
    assert exit_info.value.code == 2
    assert "the minimum must be below the maximum" in capsys.readouterr().err


def test_raw_option_is_refused_for_methods_other_than_pls(
    reference: Path, spec_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fit", str(spec_file), str(reference / "data" / "satisfaction.csv"), "--method", "plsc", "--raw"]) == 2
    assert "only offered by method='pls'" in capsys.readouterr().err


def test_warnings_are_printed_not_raised(reference: Path, spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", str(spec_file), str(reference / "data" / "satisfaction.csv"), "--max-iter", "1", "--quiet"]) == 0
    assert "ConvergenceWarning" in capsys.readouterr().err


def test_installed_console_script_runs(spec_file: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "acsi.cli", "--help"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0 and "fit" in completed.stdout


def test_shipped_models_fit_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "demo.json"
    assert (
        main(
            [
                "fit",
                str(MODELS / "acsi.yaml"),
                str(MODELS.parent / "datasets" / "acsi_demo.csv"),
                "--json",
                str(out_file),
                "--quiet",
            ]
        )
        == 0
    )
    payload = json.loads(out_file.read_text())
    assert payload["paths"]["customer_satisfaction -> customer_complaints"] < 0
    assert all(0 <= v <= 100 for v in payload["index"].values())
