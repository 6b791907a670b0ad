"""``acsi ingest survey`` and ``acsi fit`` on survey files with ``--mapping``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.cli import main
from acsi.ingest import read_survey

from ._files import survey_frame, write

MODEL = "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2\nLOY ~ SAT\n"
MAPPING = """defaults: {scale: [1, 5], missing: {98: "don't know", 99: refused}}
weight: wgt
groups: [branch, period]
indicators:
  sat1: q1
  sat2: {column: q2, recode: five_level}
  sat3: q3
  loy1: {column: q4, reverse: true}
  loy2: q5
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    frame = survey_frame(n=120, seed=4)
    frame["q4"] = 6 - frame["q4"]  # asked reversed
    (tmp_path / "map.yaml").write_text(MAPPING)
    (tmp_path / "model.lav").write_text(MODEL)
    return {
        "sav": write(frame, tmp_path / "wave.sav", missing_codes={"q2": [98, 99]}),
        "xlsx": write(frame, tmp_path / "wave.xlsx"),
        "map": tmp_path / "map.yaml",
        "model": tmp_path / "model.lav",
        "dir": tmp_path,
    }


@pytest.mark.parametrize("command", [["ingest", "survey"], ["fit"]])
def test_help_shows_the_ingest_options(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--mapping", "--strict", "--lenient", "--missing", "--sheet"):
        assert option in out
    if command == ["fit"]:
        assert "pairwise" in out and "em" in out


def test_ingest_without_mapping_passes_columns_through_and_reports_labels(files, capsys) -> None:
    out = files["dir"] / "out.parquet"
    assert main(["ingest", "survey", str(files["sav"]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Mapping: none (columns pass through by name and type)" in printed
    assert "case number" in printed and "Question 1" in printed and "1-5" in printed  # labelled scale
    back = read_survey(out)
    assert list(back.frame.columns) == list(survey_frame().columns)
    assert back.frame["q2"].isna().sum() == 3  # declared SPSS codes written as missing


def test_ingest_with_mapping_reports_counts_and_writes_indicators(files, capsys) -> None:
    out = files["dir"] / "out.parquet"
    assert main(["ingest", "survey", str(files["xlsx"]), "--mapping", str(files["map"]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "spreadsheet row" in printed and "five_level" in printed and "case weight 'wgt'" in printed
    assert "missing cells: 3 (missing codes 3" in printed and "Missing-data treatment: keep" in printed
    back = read_survey(out)
    assert back.metadata.weight == "wgt" and back.metadata.groups == ("branch", "period")
    assert back.metadata.scales["sat2"].max == 100.0
    np.testing.assert_array_equal(back.frame["loy1"], survey_frame(n=120, seed=4)["q4"].to_numpy(float))


@pytest.mark.parametrize(("treatment", "rows", "holes"), [("listwise", 117, 0), ("mean", 120, 0), ("keep", 120, 3)])
def test_ingest_applies_listwise_and_mean_to_the_output(files, capsys, treatment: str, rows: int, holes: int) -> None:
    out = files["dir"] / "out.csv"
    code = main(
        [
            "ingest",
            "survey",
            str(files["sav"]),
            "--mapping",
            str(files["map"]),
            "--missing",
            treatment,
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0 and capsys.readouterr().out == ""
    frame = pd.read_csv(out)
    assert len(frame) == rows and int(frame["sat2"].isna().sum()) == holes


def test_ingest_strict_error_names_file_rows_and_values(files, capsys) -> None:
    (files["dir"] / "narrow.yaml").write_text("indicators:\n  sat1: {column: q1, scale: [1, 3]}\n")
    code = main(
        [
            "ingest",
            "survey",
            str(files["xlsx"]),
            "--mapping",
            str(files["dir"] / "narrow.yaml"),
            "--out",
            str(files["dir"] / "o.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: 1 problem(s) in the survey in")
    assert "wave.xlsx" in err and "'q1'" in err and "outside its scale 1-3: rows" in err and "--lenient" in err


def test_ingest_lenient_counts_out_of_scale_values(files, capsys) -> None:
    (files["dir"] / "narrow.yaml").write_text("indicators:\n  sat1: {column: q1, scale: [1, 3]}\n  sat3: q3\n")
    code = main(
        [
            "ingest",
            "survey",
            str(files["xlsx"]),
            "--mapping",
            str(files["dir"] / "narrow.yaml"),
            "--lenient",
            "--out",
            str(files["dir"] / "o.csv"),
        ]
    )
    n_out = int((survey_frame(n=120, seed=4)["q1"] > 3).sum())
    assert code == 0 and f"out of scale {n_out}" in capsys.readouterr().out


def test_ingest_treatment_without_mapping_is_refused(files, capsys) -> None:
    code = main(["ingest", "survey", str(files["sav"]), "--missing", "listwise", "--out", str(files["dir"] / "o.csv")])
    assert code == 2 and "needs --mapping" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["sav", "xlsx"])
def test_fit_reads_survey_files_with_a_mapping_and_reports_missing(files, capsys, kind: str) -> None:
    code = main(["fit", str(files["model"]), str(files[kind]), "--mapping", str(files["map"]), "--missing", "em", "--json", "-"])
    captured = capsys.readouterr()
    assert code == 0
    payload = json.loads(captured.out)
    assert payload["missing"]["treatment"] == "em" and payload["missing"]["cells_imputed"] == 3
    assert payload["missing"]["missing_codes"] == 3 and payload["n_obs"] == 120
    assert "case weights are not applied" in captured.err  # EM moments are unweighted: said, not hidden
    assert set(payload["index"]) == {"SAT", "LOY"}


def test_fit_keeps_the_old_missing_choices(files, capsys) -> None:
    code = main(["fit", str(files["model"]), str(files["sav"]), "--mapping", str(files["map"]), "--missing", "error"])
    assert code == 2 and "missing indicator values" in capsys.readouterr().err
    code = main(
        ["fit", str(files["model"]), str(files["sav"]), "--mapping", str(files["map"]), "--missing", "listwise", "--quiet"]
    )
    assert code == 0
