"""Period labels: parsed into calendar periods, refused when they are not periods, never ordered as text."""

from __future__ import annotations

import pandas as pd
import pytest

from acsi.cli import main
from acsi.compare import period_changes
from acsi.compare.periods import parse_period, parse_periods
from acsi.errors import DataError
from acsi.resources import bundled


@pytest.mark.parametrize(
    ("label", "canonical", "previous", "year_ago"),
    [
        ("2024-03-05", "2024-03-05", "2024-03-04", "2023-03-05"),
        ("2024-03-01", "2024-03-01", "2024-02-29", "2023-03-01"),
        ("2024-W09", "2024-W09", "2024-W08", "2023-W09"),
        ("2024-W01", "2024-W01", "2023-W52", "2023-W01"),
        ("2021-W01", "2021-W01", "2020-W53", "2020-W01"),
        ("2024-03", "2024-03", "2024-02", "2023-03"),
        ("2024-01", "2024-01", "2023-12", "2023-01"),
        ("2024Q1", "2024Q1", "2023Q4", "2023Q1"),
        ("2024-Q1", "2024Q1", "2023Q4", "2023Q1"),
        ("Q1/24", "2024Q1", "2023Q4", "2023Q1"),
        ("Q3 2024", "2024Q3", "2024Q2", "2023Q3"),
        ("2024", "2024", "2023", "2023"),
    ],
)
def test_period_labels_parse_to_calendar_periods(label: str, canonical: str, previous: str, year_ago: str) -> None:
    period = parse_period(label)
    assert period is not None
    assert (period.label, period.previous().label, period.year_ago().label) == (canonical, previous, year_ago)


def test_a_year_ago_from_a_53rd_week_is_the_last_week_of_the_year_before() -> None:
    assert parse_period("2020-W53").year_ago().label == "2019-W52"


@pytest.mark.parametrize("label", ["sometime", "2024-13", "Q5/24", "2024-02-30", "2023-W53", "2024-00", "Q0/24", ""])
def test_labels_that_are_not_periods_parse_to_none(label: str) -> None:
    assert parse_period(label) is None


def test_labels_that_are_not_periods_are_refused_naming_them_and_the_accepted_forms() -> None:
    with pytest.raises(DataError) as info:
        parse_periods(["2024Q1", "sometime", "Q5/24", "2024Q2"], column="quarter")
    text = str(info.value)
    assert "'sometime'" in text and "'Q5/24'" in text and "'2024Q1'" not in text
    assert "column 'quarter'" in text.lower() and "2024-W09" in text


def test_mixed_kinds_of_period_are_refused() -> None:
    with pytest.raises(DataError, match="mixes kinds of period: month .*quarter"):
        parse_periods(["2024-03", "2024Q1"])


def test_changes_follow_the_calendar_not_the_text_order() -> None:
    # As text, "Q4/23" sorts after "Q1/24"; by the calendar it comes before it.
    table = pd.DataFrame({"group": "b", "period": ["Q1/24", "Q4/23", "Q1/23"], "value": [75.0, 72.0, 70.0], "se": 1.0})
    out = period_changes(table).set_index("period")
    assert out.loc["Q1/24", "prev_period"] == "Q4/23" and out.loc["Q1/24", "prev_change"] == 3.0
    assert out.loc["Q1/24", "yoy_period"] == "Q1/23" and out.loc["Q1/24", "yoy_change"] == 5.0
    assert out.loc["Q4/23", "prev_period"] == "2023Q3"  # not in the table: its canonical label, no change
    assert pd.isna(out.loc["Q4/23", "prev_change"])


def test_the_same_period_written_twice_is_one_period() -> None:
    table = pd.DataFrame({"group": "b", "period": ["2024Q1", "Q1/24"], "value": [75.0, 72.0], "se": 1.0})
    with pytest.raises(DataError, match="more than one row"):
        period_changes(table)


def test_compare_refuses_non_period_labels_before_the_estimation(tmp_path, capsys) -> None:  # noqa: ANN001
    frame = pd.read_csv(bundled("datasets/bank_branches_demo.csv"))
    frame["when"] = ["sometime" if i % 7 == 0 else "2024-13" if i % 7 == 1 else "2024-03" for i in range(len(frame))]
    data = tmp_path / "bank.csv"
    frame.to_csv(data, index=False)
    status = main(["compare", str(bundled("models/bank_branch.yaml")), str(data), "--group", "branch", "--period", "when"])
    assert status == 2
    err = capsys.readouterr().err
    assert "'sometime'" in err and "'2024-13'" in err and "accepted forms" in err
