"""Round trip: satisfaction.csv written as .sav, .xlsx and .parquet (renamed columns, one
reversed item, extra respondents holding missing codes) and read back with a mapping gives
the PLS estimates of the CSV itself. The files live in tmp_path; the shared dataset is
never copied into the repository."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import acsi
from acsi.ingest import read_survey

from .._tolerances import EXACT
from ..test_cli import SATISFACTION_SPEC

REVERSED = "sat2"
MAPPING = """# survey columns Q_<item> -> model indicators
defaults:
  scale: [0, 10]
  missing: {98: "don't know", 99: refused}
groups: [gender]
indicators:
"""


def _survey_frame(satisfaction: pd.DataFrame) -> pd.DataFrame:
    """What a field agency would deliver: other names, sat2 asked reversed, 3 respondents with codes."""
    frame = satisfaction.copy()
    frame[REVERSED] = 10 - frame[REVERSED]
    extra = frame.head(3).copy()
    extra.loc[extra.index[0], "qual2"] = 98
    extra.loc[extra.index[1], "loy4"] = 99
    extra.loc[extra.index[2], "imag1"] = 98
    frame = pd.concat([frame, extra], ignore_index=True)
    return frame.rename(columns={c: f"Q_{c}" for c in frame.columns if c != "gender"})


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".sav":
        items = [c for c in frame.columns if c.startswith("Q_")]
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels={c: f"Item {c[2:]}" for c in items},
            variable_value_labels={c: {0: "worst", 10: "best", 98: "don't know", 99: "refused"} for c in items},
        )
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


@pytest.fixture()
def mapping_file(tmp_path: Path, satisfaction: pd.DataFrame) -> Path:
    lines = [MAPPING]
    for column in satisfaction.columns:
        if column == "gender":
            continue
        reverse = ", reverse: true" if column == REVERSED else ""
        lines.append(f"  {column}: {{column: Q_{column}{reverse}}}\n")
    path = tmp_path / "mapping.yaml"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("suffix", [".sav", ".xlsx", ".parquet", ".csv"])
def test_every_format_with_a_mapping_gives_the_estimates_of_the_csv(
    tmp_path: Path, satisfaction: pd.DataFrame, mapping_file: Path, suffix: str
) -> None:
    spec = acsi.parse_syntax(SATISFACTION_SPEC)
    want = acsi.fit(spec, satisfaction, scale=(0, 10))
    path = tmp_path / f"satisfaction{suffix}"
    _write(_survey_frame(satisfaction), path)
    data = acsi.prepare(spec, read_survey(path), mapping=mapping_file, missing="listwise")
    got = acsi.fit(spec, data)
    assert got.n_obs == len(satisfaction) and got.n_dropped == 3
    np.testing.assert_allclose(got.outer_weights, want.outer_weights, **EXACT)
    np.testing.assert_allclose(got.loading_vector, want.loading_vector, **EXACT)
    np.testing.assert_allclose(got.path_matrix, want.path_matrix, **EXACT)
    np.testing.assert_allclose(list(got.index.to_dict().values()), list(want.index.to_dict().values()), **EXACT)
    missing = got.to_dict()["missing"]
    assert missing["missing_codes"] == 3 and missing["rows_dropped"] == 3
    assert data.groups["gender"].tolist() == satisfaction["gender"].tolist()
    # rows keep their source numbers: the 3 coded respondents were the last 3 records
    first = 2 if suffix in (".xlsx", ".csv") else 1
    assert data.row_labels[0] == first and data.row_labels[-1] == first + len(satisfaction) - 1


def test_without_the_reverse_rule_the_estimates_differ(tmp_path: Path, satisfaction: pd.DataFrame, mapping_file: Path) -> None:
    spec = acsi.parse_syntax(SATISFACTION_SPEC)
    want = acsi.fit(spec, satisfaction, scale=(0, 10))
    path = tmp_path / "satisfaction.parquet"
    _write(_survey_frame(satisfaction), path)
    text = mapping_file.read_text().replace(", reverse: true", "")
    (tmp_path / "plain.yaml").write_text(text)
    data = acsi.prepare(spec, read_survey(path), mapping=tmp_path / "plain.yaml", missing="listwise")
    with pytest.warns(acsi.NegativeWeightWarning, match="sat2.*reverse-coded"):
        got = acsi.fit(spec, data)
    assert np.abs(got.index.to_dict()["SAT"] - want.index.to_dict()["SAT"]) > 1.0
