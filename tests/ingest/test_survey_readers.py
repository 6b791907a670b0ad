"""Readers: every format gives the same values, source row numbers and the file's metadata."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.ingest import Survey, read_survey, write_survey
from acsi.spec.model import Scale

from ._files import survey_frame, write

FORMATS = [(".csv", "csv", 2), (".tsv", "tsv", 2), (".xlsx", "excel", 2), (".sav", "spss", 1), (".parquet", "parquet", 1)]


@pytest.mark.parametrize(("suffix", "fmt", "first_row"), FORMATS, ids=[f[1] for f in FORMATS])
def test_every_format_reads_the_same_values_with_source_row_numbers(
    tmp_path: Path, suffix: str, fmt: str, first_row: int
) -> None:
    frame = survey_frame()
    survey = read_survey(write(frame, tmp_path / f"wave{suffix}"))
    assert survey.metadata.format == fmt
    assert survey.metadata.source == str(tmp_path / f"wave{suffix}")
    assert list(survey.frame.columns) == list(frame.columns)
    assert survey.frame.index[0] == first_row and survey.frame.index[-1] == first_row + len(frame) - 1
    np.testing.assert_array_equal(survey.frame[["q1", "q3", "q5"]].to_numpy(float), frame[["q1", "q3", "q5"]].to_numpy(float))
    assert survey.frame["branch"].tolist() == frame["branch"].tolist()


def test_spss_keeps_variable_and_value_labels_and_applies_declared_missing_codes(tmp_path: Path) -> None:
    frame = survey_frame()
    path = write(frame, tmp_path / "wave.sav", missing_codes={"q2": [98, 99]})
    survey = read_survey(path)
    meta = survey.metadata
    assert meta.column_labels["q1"] == "Question 1"
    assert meta.value_labels["q2"][5] == "very satisfied" and meta.value_labels["q2"][98] == "don't know"
    assert meta.missing_codes["q2"] == (98.0, 99.0)
    assert meta.counts["q2"]["missing_codes"] == 3
    assert meta.measures["q1"] == "ordinal"
    # case numbers 4, 9, 18 held the codes (0-based rows 3, 8, 17)
    assert survey.frame.index[survey.frame["q2"].isna()].tolist() == [4, 9, 18]
    # the labelled answers 1-5 suggest the scale; the declared codes 98/99 do not widen it
    assert meta.suggested_scales["q2"] == Scale(1.0, 5.0)
    assert meta.suggested_scales["q1"] == Scale(1.0, 99.0)  # q1 declares no missing codes


def test_spss_missing_range_is_applied(tmp_path: Path) -> None:
    frame = survey_frame()
    survey = read_survey(write(frame, tmp_path / "wave.sav", missing_codes={"q2": [{"lo": 90, "hi": 99}]}))
    assert survey.metadata.missing_codes["q2"] == ((90.0, 99.0),)
    assert survey.frame["q2"].isna().sum() == 3


def test_spss_without_codes_keeps_codes_as_values(tmp_path: Path) -> None:
    survey = read_survey(write(survey_frame(), tmp_path / "wave.sav"))
    assert survey.frame["q2"].max() == 99.0 and not survey.metadata.missing_codes


def test_excel_sheet_by_name_and_position(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"a": [1, 2, 3]}).to_excel(writer, sheet_name="intro", index=False)
        survey_frame().to_excel(writer, sheet_name="answers", index=False)
    assert list(read_survey(path).frame.columns) == ["a"]
    assert "q1" in read_survey(path, sheet="answers").frame.columns
    assert "q1" in read_survey(path, sheet=1).frame.columns


def test_format_can_override_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    survey_frame().to_csv(path, index=False, sep="\t")
    assert read_survey(path, format="tsv").frame.shape == (40, 8)


def test_parquet_written_by_acsi_keeps_scales_labels_weight_and_groups(tmp_path: Path) -> None:
    survey = Survey.from_frame(survey_frame().set_index(pd.RangeIndex(2, 42)), source="x.csv").with_metadata(
        scales={"q1": Scale(1, 5)}, column_labels={"q1": "Overall"}, weight="wgt", groups=("branch", "period")
    )
    write_survey(survey, tmp_path / "out.parquet")
    back = read_survey(tmp_path / "out.parquet")
    assert back.metadata.scales == {"q1": Scale(1.0, 5.0)}
    assert back.metadata.column_labels == {"q1": "Overall"}
    assert back.metadata.weight == "wgt" and back.metadata.groups == ("branch", "period")
    assert back.frame.index[0] == 1
    pd.testing.assert_frame_equal(back.frame.reset_index(drop=True), survey_frame())


def test_csv_output_round_trips_values(tmp_path: Path) -> None:
    survey = Survey.from_frame(survey_frame())
    write_survey(survey, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(read_survey(tmp_path / "out.csv").frame.reset_index(drop=True), survey_frame())
