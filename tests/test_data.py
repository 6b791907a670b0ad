"""Data errors: every problem is named with its column, rows and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.data import prepare

MODEL = "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2\nLOY ~ SAT\n"


@pytest.fixture()
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    base = rng.integers(1, 11, size=(40, 1))
    noise = rng.integers(-1, 2, size=(40, 5))
    values = np.clip(base + noise, 1, 10)
    return pd.DataFrame(values, columns=["sat1", "sat2", "sat3", "loy1", "loy2"])


def test_all_missing_columns_are_listed_at_once(frame: pd.DataFrame) -> None:
    with pytest.raises(acsi.DataError, match="sat2, loy1") as err:
        prepare(acsi.parse_syntax(MODEL), frame.drop(columns=["sat2", "loy1"]), source="wave1.csv")
    assert "wave1.csv" in str(err.value)


def test_non_numeric_cells_are_named_with_row_and_value(frame: pd.DataFrame) -> None:
    frame = frame.astype({"sat3": object})
    frame.loc[5, "sat3"] = "dont know"
    with pytest.raises(acsi.DataError, match=r"'sat3'.*rows 5.*'dont know'"):
        prepare(acsi.parse_syntax(MODEL), frame)


def test_numbers_stored_as_text_are_accepted(frame: pd.DataFrame) -> None:
    data = prepare(acsi.parse_syntax(MODEL), frame.astype({"sat1": str}))
    np.testing.assert_array_equal(data.values[:, 0], frame.sat1.to_numpy(float))


def test_missing_values_are_refused_with_rows_and_columns(frame: pd.DataFrame) -> None:
    frame = frame.astype(float)
    frame.loc[[2, 9], "loy2"] = np.nan
    with pytest.raises(acsi.DataError, match=r"2 row\(s\).*rows 2, 9.*columns loy2.*listwise"):
        prepare(acsi.parse_syntax(MODEL), frame)


def test_constant_indicator_is_named(frame: pd.DataFrame) -> None:
    with pytest.raises(acsi.DataError, match="loy1.*constant"):
        prepare(acsi.parse_syntax(MODEL), frame.assign(loy1=5))


def test_values_outside_the_declared_scale_are_named_with_rows(frame: pd.DataFrame) -> None:
    frame.loc[4, "sat2"] = 11
    with pytest.raises(acsi.DataError, match=r"'sat2'.*1 value\(s\) outside its scale 1-10: rows 4 hold 11"):
        prepare(acsi.parse_syntax(MODEL), frame, scale=(1, 10))


def test_too_few_observations_are_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(acsi.DataError, match="Only 2"):
        prepare(acsi.parse_syntax(MODEL), frame.head(2))


def test_non_frame_input_is_refused() -> None:
    with pytest.raises(acsi.DataError, match="DataFrame"):
        prepare(acsi.parse_syntax(MODEL), np.zeros((10, 5)))  # type: ignore[arg-type]


def test_extra_columns_are_ignored_and_spec_order_is_kept(frame: pd.DataFrame) -> None:
    shuffled = frame[["loy2", "sat3", "loy1", "sat1", "sat2"]].assign(region="north")
    data = prepare(acsi.parse_syntax(MODEL), shuffled)
    assert data.indicators == ("sat1", "sat2", "sat3", "loy1", "loy2")
    np.testing.assert_array_equal(data.values, frame.to_numpy(float))


def test_nullable_integer_columns_with_missing_values_are_read_as_missing(frame: pd.DataFrame) -> None:
    nullable = frame.astype({"sat1": "Int64"})
    nullable.loc[3, "sat1"] = pd.NA
    with pytest.raises(acsi.DataError, match="rows 3"):
        prepare(acsi.parse_syntax(MODEL), nullable)
    data = prepare(acsi.parse_syntax(MODEL), nullable, missing="listwise")
    assert data.n_obs == len(frame) - 1 and data.n_dropped == 1


def test_duplicated_indicator_columns_are_refused(frame: pd.DataFrame) -> None:
    doubled = pd.concat([frame, frame[["sat2"]]], axis=1)
    with pytest.raises(acsi.DataError, match="sat2 appear more than once"):
        prepare(acsi.parse_syntax(MODEL), doubled)


def test_wide_frames_with_text_columns_take_the_general_path(frame: pd.DataFrame) -> None:
    wide = frame.assign(branch="north", comment="fine")
    np.testing.assert_array_equal(prepare(acsi.parse_syntax(MODEL), wide).values, frame.to_numpy(float))


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
@pytest.mark.parametrize("with_missing", [False, True])
def test_infinite_cells_are_refused_naming_column_and_row(bad: float, with_missing: bool) -> None:
    spec = acsi.load_spec("A =~ a1 + a2\nB =~ b1 + b2\nB ~ A")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(1, 11, size=(30, 4)).astype(float), columns=["a1", "a2", "b1", "b2"])
    frame.loc[7, "b1"] = bad
    if with_missing:
        frame.loc[3, "b1"] = np.nan
    before = frame.copy()
    with pytest.raises(acsi.errors.DataError, match=r"'b1'.*infinite.*rows 7"):
        prepare(spec, frame, missing="listwise")
    pd.testing.assert_frame_equal(frame, before)
