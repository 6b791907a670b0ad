"""One interface for every estimator: acsi.fit(method=...), the CLI --method, the same JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.resources import bundled

from .conftest import FIT_RESULT_KEYS


@pytest.mark.parametrize("method", ["pls", "plsc", "cbsem", "gsca"])
def test_every_method_returns_the_same_json_keys(method: str, demo: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    spec, frame = demo
    result = acsi.fit(spec, frame, method=method)
    out = result.to_dict()
    assert FIT_RESULT_KEYS <= set(out), FIT_RESULT_KEYS - set(out)
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
    code = main(
        [
            "fit",
            str(bundled("models/acsi.yaml")),
            str(bundled("datasets/acsi_demo.csv")),
            "--method",
            method,
            "--json",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["method"] == method and FIT_RESULT_KEYS <= set(payload)


def test_compare_methods_prints_one_row_per_parameter_with_a_column_per_method(tmp_path: Path, capsys) -> None:
    out = tmp_path / "table.json"
    code = main(["compare-methods", str(bundled("models/acsi.yaml")), str(bundled("datasets/acsi_demo.csv")), "--json", str(out)])
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["methods"] == ["pls", "plsc", "cbsem", "gsca"]
    rows = {(r["lhs"], r["op"], r["rhs"]): r for r in payload["estimates"]}
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    assert len([k for k in rows if k[1] == "~"]) == len(spec.paths)
    assert len([k for k in rows if k[1] == "=~"]) == len(spec.indicators)
    row = rows[("perceived_quality", "~", "customer_expectations")]
    assert all(isinstance(row[m], float) for m in payload["methods"])
    # the item-level views agree with each method's own result
    pls = acsi.fit(spec, pd.read_csv(bundled("datasets/acsi_demo.csv")))
    assert row["pls"] == pls.to_dict()["paths"]["customer_expectations -> perceived_quality"]
    assert "perceived_quality" in capsys.readouterr().out


def test_compare_methods_leaves_out_a_method_that_cannot_take_the_spec(tmp_path: Path, reference: Path, capsys) -> None:
    syntax = "IMAG <~ imag1 + imag2 + imag3\nSAT =~ sat1 + sat2 + sat3\nSAT ~ IMAG\n"
    spec_file = tmp_path / "model.lav"
    spec_file.write_text(syntax)
    code = main(["compare-methods", str(spec_file), str(reference / "data" / "satisfaction.csv"), "--methods", "pls,cbsem"])
    assert code == 0
    out = capsys.readouterr().out
    assert "cbsem: left out" in out and "composite" in out


def test_cli_bootstraps_other_methods_by_refitting(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code = main(
        [
            "fit",
            str(bundled("models/acsi.yaml")),
            str(bundled("datasets/acsi_demo.csv")),
            "--method",
            "gsca",
            "--bootstrap",
            "10",
            "--seed",
            "3",
            "--json",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["method"] == "gsca" and payload["bootstrap"]["engine"] == "refit"


def test_estimators_are_public_and_semopy_loads_only_when_cbsem_is_used() -> None:
    import subprocess
    import sys

    code = "import sys, acsi; a = 'semopy' in sys.modules; acsi.CBSEM; print(a, 'semopy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
    assert {"PLSc", "GSCA", "CBSEM"} <= set(acsi.__all__)


def test_cbsem_bootstrap_keeps_the_model_based_standard_errors_beside_the_bootstrap_ones(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code = main(
        [
            "fit",
            str(bundled("models/acsi.yaml")),
            str(bundled("datasets/acsi_demo.csv")),
            "--method",
            "cbsem",
            "--bootstrap",
            "5",
            "--seed",
            "3",
            "--json",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["bootstrap"]["used"] + payload["bootstrap"]["failed"] == 5
    assert set(payload["model_std_errors"]["paths"]) == set(payload["std_errors"]["paths"])
    assert payload["model_std_errors"]["paths"] != payload["std_errors"]["paths"]


def test_assess_uses_the_cbsem_objective_it_is_given(tmp_path: Path) -> None:
    outputs = {}
    for objective in ("MLW", "GLS"):
        out = tmp_path / f"{objective}.json"
        code = main(
            [
                "assess",
                str(bundled("models/acsi.yaml")),
                str(bundled("datasets/acsi_demo.csv")),
                "--method",
                "cbsem",
                "--objective",
                objective,
                "--json",
                str(out),
                "--quiet",
            ]
        )
        assert code == 0
        outputs[objective] = json.loads(out.read_text())
    assert outputs["MLW"]["rho_c"] != outputs["GLS"]["rho_c"]


def test_compare_methods_in_python_gives_what_the_command_writes(tmp_path: Path, capsys) -> None:
    from acsi.compare import MethodComparison, compare_methods
    from acsi.data import prepare
    from acsi.ingest.survey import read_survey

    from ._tolerances import NUMERIC, assert_nested_close

    out = tmp_path / "table.json"
    assert (
        main(
            [
                "compare-methods",
                str(bundled("models/acsi.yaml")),
                str(bundled("datasets/acsi_demo.csv")),
                "--methods",
                "pls,gsca",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    data = prepare(spec, read_survey(str(bundled("datasets/acsi_demo.csv"))))
    comparison = compare_methods(spec, data, ["pls", "gsca"])
    assert isinstance(comparison, MethodComparison)
    assert_nested_close(comparison.to_dict(), json.loads(out.read_text()), **NUMERIC)
    assert str(comparison.summary()) in capsys.readouterr().out
    tidy = comparison.to_frame()
    assert list(tidy.columns) == ["lhs", "op", "rhs", "method", "estimate"] and len(tidy) == 2 * len(comparison.rows)
