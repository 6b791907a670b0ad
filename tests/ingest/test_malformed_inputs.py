"""A catalogue of malformed survey files, mappings and data: each gives one clear error.

Every case asserts the error type and that the message names the file and the culprit
(column, rows as source row numbers, offending values, key of the mapping).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.errors import DataError, IngestError
from acsi.ingest import Survey, apply_mapping, load_mapping, mapping_from_dict, read_survey

from ._files import survey_frame, write

MODEL = "SAT =~ q1 + q2 + q3\nLOY =~ q4 + q5\nLOY ~ SAT\n"


# ---------------------------------------------------------------- files that cannot be read
def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"'.*nowhere\.csv' not found"):
        read_survey(tmp_path / "nowhere.csv")


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text("{}")
    with pytest.raises(IngestError, match=r"extension '\.json'.*\.csv.*\.xlsx.*\.sav.*\.parquet"):
        read_survey(tmp_path / "data.json")


def test_old_excel_workbook_gets_a_hint(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(IngestError, match=r"save them as \.xlsx"):
        read_survey(tmp_path / "old.xls")


def test_empty_csv(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(IngestError, match=r"empty.csv' is empty"):
        read_survey(tmp_path / "empty.csv")


def test_ragged_csv_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "ragged.csv").write_text("q1,q2\n1,2\n3,4,5\n")
    with pytest.raises(IngestError, match=r"ragged.csv' is not a well-formed CSV.*line 3"):
        read_survey(tmp_path / "ragged.csv")


def test_duplicate_column_names_in_a_csv_header(tmp_path: Path) -> None:
    (tmp_path / "dup.csv").write_text("q1,q2,q1\n1,2,3\n")
    with pytest.raises(IngestError, match=r"dup.csv' repeats.*'q1' \(columns 1 and 3\)"):
        read_survey(tmp_path / "dup.csv")


def test_duplicate_column_names_in_an_excel_header(tmp_path: Path) -> None:
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([[1, 2, 3]], columns=["q1", "q2", "q1"]).to_excel(path, index=False, engine="openpyxl")
    with pytest.raises(IngestError, match=r"dup.xlsx' repeats.*q1"):
        read_survey(path)


def test_missing_excel_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write(survey_frame(), tmp_path / "book.xlsx")
    with pytest.raises(IngestError, match=r"no worksheet 'answers'.*'Sheet1'"):
        read_survey(path, sheet="answers")


@pytest.mark.parametrize(("name", "what"), [("bad.xlsx", ".xlsx workbook"), ("bad.sav", "SPSS"), ("bad.parquet", "Parquet")])
def test_corrupt_binary_files(tmp_path: Path, name: str, what: str) -> None:
    (tmp_path / name).write_bytes(b"this is not a real file at all" * 10)
    with pytest.raises(IngestError, match=rf"{name}' is not a readable {what}"):
        read_survey(tmp_path / name)


def test_csv_in_another_encoding_asks_for_it(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes("q1,région\n1,Zürich\n".encode("latin-1"))
    with pytest.raises(IngestError, match=r"latin.csv' is not valid UTF-8.*encoding="):
        read_survey(tmp_path / "latin.csv")
    assert read_survey(tmp_path / "latin.csv", encoding="latin-1").frame["région"].tolist() == ["Zürich"]


# ---------------------------------------------------------------- mapping files
@pytest.mark.parametrize(
    ("body", "match"),
    [
        ({"indicators": {"a": "q1"}, "colour": 1}, r"unknown key\(s\) 'colour'"),
        ({"weight": "w"}, r"needs an 'indicators' section"),
        ({"indicators": {"a": {"column": "q1", "scael": [1, 5]}}}, r"indicators\.a.*unknown key\(s\) 'scael'"),
        ({"indicators": {"a": {"column": "q1", "scale": [5, 1]}}}, r"indicators\.a\.scale.*minimum must be below"),
        ({"indicators": {"a": {"column": "q1", "scale": [1]}}}, r"indicators\.a\.scale.*two numbers"),
        ({"indicators": {"a": {"column": "q1", "reverse": True}}}, r"indicators\.a.*reverse coding needs the item's scale"),
        ({"indicators": {"a": {"column": "q1", "recode": "acsi"}}}, r"acsi recoding needs the item's scale"),
        ({"indicators": {"a": {"column": "q1", "scale": [1, 7], "recode": "five_level"}}}, r"five_level recodes a 1-5 scale"),
        ({"indicators": {"a": {"column": "q1", "recode": "percent"}}}, r"unknown recoding 'percent'"),
        ({"indicators": {"a": {"column": "q1", "recode": {1: "low"}}}}, r"maps numbers to numbers; got 1: 'low'"),
        ({"indicators": {"a": {"column": "q1", "scale": [1, 5], "recode": {1: 0, 9: 100}}}}, r"table answers 9 lie outside"),
        ({"indicators": {"a": {"column": "q1", "reverse": "yes"}}}, r"reverse is true or false"),
        ({"indicators": {"a": {"column": "q1", "missing": [[98]]}}}, r"missing code must be a number or text"),
        ({"indicators": {"a": "q1"}, "weight": "a"}, r"cannot be both an indicator and a weight"),
        ({"indicators": {"a": "q1"}, "groups": 3}, r"groups.*list of column names"),
    ],
)
def test_malformed_mapping_names_the_key(body: dict, match: str) -> None:
    with pytest.raises(IngestError, match=match):
        mapping_from_dict(body, source="map.yaml")


def test_mapping_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("indicators:\n  a: [q1\n")
    with pytest.raises(IngestError, match=r"m.yaml' is not valid YAML \(line \d+, column \d+\)"):
        load_mapping(tmp_path / "m.yaml")


def test_mapping_with_a_key_given_twice(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("indicators:\n  a: q1\n  a: q2\n")
    with pytest.raises(IngestError, match=r"found the key 'a' twice"):
        load_mapping(tmp_path / "m.yaml")


def test_mapping_file_missing(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"Mapping file '.*none.yaml' not found"):
        load_mapping(tmp_path / "none.yaml")


# ---------------------------------------------------------------- data that fails validation
@pytest.fixture()
def xlsx_survey(tmp_path: Path) -> Survey:
    frame = survey_frame()
    frame = frame.astype({"q3": object})
    frame.loc[[4, 10], "q3"] = "dont know"  # spreadsheet rows 6 and 12
    return read_survey(write(frame, tmp_path / "wave.xlsx"))


def test_all_missing_columns_are_listed_at_once_with_the_file() -> None:
    survey = Survey.from_frame(survey_frame(), source="wave.csv")
    mapping = mapping_from_dict({"indicators": {"a": "Q1", "b": "q2", "c": "Q3"}, "groups": ["region"]})
    with pytest.raises(DataError, match=r"wave.csv lacks 3 column\(s\).*Q1, Q3, region"):
        apply_mapping(survey, mapping)


def test_non_numeric_cells_name_spreadsheet_rows_and_values(xlsx_survey: Survey) -> None:
    with pytest.raises(DataError, match=r"'q3'.*wave.xlsx is not numeric: rows 6, 12 hold 'dont know', 'dont know'"):
        acsi.prepare(acsi.parse_syntax(MODEL), xlsx_survey, missing="listwise")


def test_text_missing_code_in_the_mapping_fixes_the_non_numeric_cells(xlsx_survey: Survey) -> None:
    mapping = mapping_from_dict({"indicators": {q: {"missing": ["dont know", 98, 99]} for q in ("q1", "q2", "q3", "q4", "q5")}})
    data = acsi.prepare(acsi.parse_syntax(MODEL), xlsx_survey, mapping=mapping, missing="listwise")
    assert data.n_dropped == 5 and data.missing_report.n_missing_codes == 5


def test_out_of_scale_values_in_strict_mode_name_rows_and_values(tmp_path: Path) -> None:
    survey = read_survey(write(survey_frame(), tmp_path / "wave.csv"))
    with pytest.raises(DataError, match=r"'q2'.*wave.csv has 3 value\(s\) outside its scale 1-5: rows 5, 10, 19 hold 98, 99, 98"):
        acsi.prepare(acsi.parse_syntax(MODEL), survey, scale=(1, 5))


def test_lenient_mode_makes_out_of_scale_values_missing_and_says_how_many(tmp_path: Path) -> None:
    survey = read_survey(write(survey_frame(), tmp_path / "wave.csv"))
    with pytest.raises(DataError, match=r"3 row\(s\).*rows 5, 10, 19.*3 of the cells were outside their scale"):
        acsi.prepare(acsi.parse_syntax(MODEL), survey, scale=(1, 5), strict=False)
    data = acsi.prepare(acsi.parse_syntax(MODEL), survey, scale=(1, 5), strict=False, missing="listwise")
    assert data.missing_report.n_out_of_scale == 3 and data.n_dropped == 3


def test_answers_missing_from_a_recoding_table_in_strict_mode(tmp_path: Path) -> None:
    survey = read_survey(write(survey_frame(), tmp_path / "wave.csv"))
    mapping = mapping_from_dict({"indicators": {"a": {"column": "q2", "missing": [98, 99], "recode": {1: 0, 2: 50, 3: 100}}}})
    with pytest.raises(
        DataError, match=r"'q2' \(indicator 'a'\).*wave.csv has \d+ answer\(s\) missing from its recoding table \(1, 2, 3\): rows"
    ):
        apply_mapping(survey, mapping)


def test_every_problem_is_listed_at_once_with_the_row_numbering(xlsx_survey: Survey) -> None:
    frame = xlsx_survey.frame.copy()
    frame.loc[3, "q1"] = 9.0  # spreadsheet row 3
    survey = Survey(frame=frame, metadata=xlsx_survey.metadata)
    mapping = mapping_from_dict({"defaults": {"scale": [1, 5]}, "indicators": {"q1": "q1", "q3": "q3"}})
    with pytest.raises(DataError) as err:
        apply_mapping(survey, mapping)
    text = str(err.value)
    assert text.startswith("2 problem(s) in the survey in") and "spreadsheet row (header = row 1)" in text
    assert "'q1'" in text and "rows 3 hold 9" in text and "'q3'" in text and "rows 6, 12 hold 'dont know'" in text


def test_constant_indicator_is_named(tmp_path: Path) -> None:
    survey = read_survey(write(survey_frame().assign(q4=3.0), tmp_path / "wave.parquet"))
    with pytest.raises(DataError, match=r"q4 in .*wave.parquet are constant"):
        acsi.prepare(acsi.parse_syntax(MODEL), survey, missing="listwise")


def test_constant_indicator_is_found_among_observed_values_under_em() -> None:
    frame = survey_frame().assign(q4=3.0).replace({98.0: np.nan, 99.0: np.nan})
    frame.loc[0, "q4"] = np.nan
    with pytest.raises(DataError, match="q4.*constant"):
        acsi.prepare(acsi.parse_syntax(MODEL), frame, missing="em")


def test_too_few_complete_cases_suggests_em() -> None:
    frame = survey_frame().replace({98.0: np.nan, 99.0: np.nan})
    frame.loc[3:, "q5"] = np.nan
    frame.loc[:2, "q1"] = np.nan
    with pytest.raises(DataError, match=r"Only 0 complete observation.*try missing='em'"):
        acsi.prepare(acsi.parse_syntax(MODEL), frame, missing="listwise")


def test_indicator_observed_too_rarely_for_any_treatment() -> None:
    frame = survey_frame().replace({98.0: np.nan, 99.0: np.nan})
    frame.loc[2:, "q5"] = np.nan
    with pytest.raises(DataError, match=r"q5.*fewer than 3 observed values"):
        acsi.prepare(acsi.parse_syntax(MODEL), frame, missing="em")


def test_an_all_missing_indicator_is_named_under_listwise_deletion() -> None:
    frame = survey_frame().replace({98.0: 3.0, 99.0: 3.0}).assign(q4=np.nan)
    with pytest.raises(DataError, match=r"Indicator\(s\) q4.*fewer than 3 observed values"):
        acsi.prepare(acsi.parse_syntax(MODEL), frame, missing="listwise")


def test_pairs_never_observed_together_are_refused_by_pairwise() -> None:
    frame = survey_frame().replace({98.0: np.nan, 99.0: np.nan})
    frame.loc[:19, "q4"] = np.nan
    frame.loc[20:, "q5"] = np.nan
    with pytest.raises(DataError, match=r"pair\(s\) q4/q5.*fewer than 3 rows.*missing='em'"):
        acsi.prepare(acsi.parse_syntax(MODEL), frame, missing="pairwise")


def test_negative_or_missing_case_weights(tmp_path: Path) -> None:
    frame = survey_frame()
    frame.loc[[2, 7], "wgt"] = [-1.0, np.nan]
    survey = read_survey(write(frame, tmp_path / "wave.csv"))
    mapping = mapping_from_dict({"indicators": {"a": "q1"}, "weight": "wgt"})
    with pytest.raises(DataError, match=r"Case-weight column 'wgt'.*wave.csv.*non-negative.*rows 4, 9 hold -1, nan"):
        apply_mapping(survey, mapping)


def test_rename_onto_an_existing_column_is_refused() -> None:
    survey = Survey.from_frame(survey_frame(), source="wave.csv")
    with pytest.raises(DataError, match=r"renames other columns to q2.*already has"):
        apply_mapping(survey, mapping_from_dict({"indicators": {"q2": "q1"}}))


def test_unknown_missing_treatment_is_refused() -> None:
    with pytest.raises(DataError, match=r"Unknown missing-value policy 'impute'.*'em'"):
        acsi.prepare(acsi.parse_syntax(MODEL), survey_frame(), missing="impute")  # type: ignore[arg-type]
