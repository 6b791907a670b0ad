"""Indicator arithmetic against hand-computed tables: mixed scales, thresholds, small n,
Wilson and Newcombe intervals, previous period and same period last year, three count paths."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from acsi.ingest.device.indicators import events_to_indicators, period_of, wilson_interval
from acsi.ingest.device.store import EventStore

from .._tolerances import EXACT, ROUNDED_4DP
from ._make import event, frame


def _mixed_month() -> list:
    four = [event(lv, k=4) for lv in (4, 4, 4, 3, 3, 2, 1)]
    five = [event(lv, k=5, window="W2") for lv in (5, 4, 2, 1)]
    noise = [event(None, outcome="timeout", prompt="p1"), event(None, outcome="unmapped"), event(3, outcome="late")]
    return four + five + noise


def test_mixed_scales_pool_rates_as_counts_and_means_weighted_by_n() -> None:
    table = events_to_indicators(frame(_mixed_month()), by="branch,month", min_n=1, compare=False)
    row = table.iloc[0]
    assert (row["branch_id"], row["period"], row["n_rated"]) == ("BR1", "2024-03", 11)
    assert row["scales_mixed"]
    # 4 levels: top 3/7, satisfied (>=3) 5/7, bad (<=1) 1/7; 5 levels: top 1/4, satisfied (>=4) 2/4, bad (<=2) 2/4
    assert_allclose([row["top_box"], row["satisfied_rate"], row["bad_rate"]], [4 / 11, 7 / 11, 3 / 11], **EXACT)
    scores_4 = [100, 100, 100, 200 / 3, 200 / 3, 100 / 3, 0]
    scores_5 = [100, 75, 25, 0]
    assert_allclose(row["mean_score_0_100"], (sum(scores_4) + sum(scores_5)) / 11, **EXACT)
    # share_level never pools across scales
    assert_allclose(
        [row["share_level_4_of_4"], row["share_level_1_of_4"], row["share_level_5_of_5"], row["share_level_1_of_5"]],
        [3 / 7, 1 / 7, 1 / 4, 1 / 4],
        **EXACT,
    )
    assert (row["n_rated_4_levels"], row["n_rated_5_levels"], row["n_timeout"], row["n_unmapped"], row["n_late"]) == (
        7,
        4,
        1,
        1,
        1,
    )


def test_window_unit_splits_by_window_and_rates_use_each_devices_scale() -> None:
    table = events_to_indicators(frame(_mixed_month()), by="window,month", min_n=1, compare=False)
    w2 = table[table["window_id"] == "W2"].iloc[0]
    assert w2["n_rated"] == 4 and not w2["scales_mixed"]
    assert_allclose(
        [w2["top_box"], w2["satisfied_rate"], w2["bad_rate"], w2["mean_score_0_100"]], [0.25, 0.5, 0.5, 50.0], **EXACT
    )


def test_cells_below_min_n_are_masked_or_flagged() -> None:
    masked = events_to_indicators(frame(_mixed_month()), by="branch,month", min_n=30, compare=False).iloc[0]
    assert not masked["reportable"] and masked["n_rated"] == 11
    assert math.isnan(masked["top_box"]) and math.isnan(masked["mean_score_0_100"]) and math.isnan(masked["share_level_4_of_4"])
    flagged = events_to_indicators(frame(_mixed_month()), by="branch,month", min_n=30, small_n="flag", compare=False).iloc[0]
    assert not flagged["reportable"]
    assert_allclose(flagged["top_box"], 4 / 11, **EXACT)


def test_response_rate_counts_prompts_that_ended() -> None:
    events = [
        event(4, prompt="a"),
        event(3, prompt="b"),
        event(None, outcome="timeout", prompt="c"),
        event(None, outcome="cancelled", prompt="d"),
        event(2, outcome="late", prompt="c"),
    ]
    row = events_to_indicators(frame(events), by="branch,day", min_n=1, compare=False).iloc[0]
    assert (row["n_prompted"], row["n_rated"], row["n_timeout"], row["n_cancelled"]) == (4, 2, 1, 1)
    assert_allclose(row["response_rate"], 0.5, **EXACT)


def test_unprompted_devices_have_no_response_rate() -> None:
    row = events_to_indicators(frame([event(4), event(1)]), by="branch,day", min_n=1, compare=False).iloc[0]
    assert row["n_prompted"] == 0 and math.isnan(row["response_rate"])


def test_complaints_and_reason_shares() -> None:
    events = [
        event(3, k=3, reasons=("slow_service",)),
        event(1, k=3, complaint=True, reasons=("slow_service", "fees")),
        event(1, k=3),
        event(2, k=3),
    ]
    row = events_to_indicators(frame(events), by="branch,month", min_n=1, compare=False).iloc[0]
    assert_allclose([row["complaint_rate"], row["bad_rate"], row["satisfied_rate"]], [0.25, 0.5, 0.25], **EXACT)
    assert_allclose([row["reason_share_slow_service"], row["reason_share_fees"]], [0.5, 0.25], **EXACT)


def test_quality_flags_are_counted_not_filtered() -> None:
    events = [event(4, flags=("burst",)), event(4, flags=("burst", "no_staff"), staff=None), event(1)]
    row = events_to_indicators(frame(events), by="branch,month", min_n=1, compare=False).iloc[0]
    assert (row["n_rated"], row["n_burst"], row["n_no_staff"]) == (3, 2, 1)


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe_1998_table(x: int, n: int, low: float, high: float) -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score without continuity correction)
    got = wilson_interval(x, n)
    assert_allclose([float(got[0]), float(got[1])], [low, high], **ROUNDED_4DP)


def test_difference_with_previous_period_uses_newcombe_hybrid_score_interval() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873-890: 56/70 - 48/80, method 10: 0.0524 to 0.3339
    march = [event(4, day="2024-03-10") for _ in range(56)] + [event(1, day="2024-03-10") for _ in range(14)]
    feb = [event(4, day="2024-02-10") for _ in range(48)] + [event(1, day="2024-02-10") for _ in range(32)]
    table = events_to_indicators(frame(march + feb), by="branch,month")
    row = table[table["period"] == "2024-03"].iloc[0]
    assert_allclose(row["top_box_diff_prev"], 56 / 70 - 48 / 80, **EXACT)
    assert_allclose([row["top_box_diff_prev_low"], row["top_box_diff_prev_high"]], [0.0524, 0.3339], **ROUNDED_4DP)
    assert math.isnan(row["top_box_yoy"])  # no March 2023


def test_same_period_last_year_and_small_n_blocks_comparison() -> None:
    now = [event(4, day="2024-03-10") for _ in range(30)] + [event(1, day="2024-03-11") for _ in range(10)]
    last_year = [event(4, day="2023-03-02") for _ in range(20)] + [event(1, day="2023-03-03") for _ in range(20)]
    feb_small = [event(4, day="2024-02-01") for _ in range(5)]
    table = events_to_indicators(frame(now + last_year + feb_small), by="branch,month")
    row = table[table["period"] == "2024-03"].iloc[0]
    assert_allclose([row["top_box_yoy"], row["top_box_diff_yoy"]], [0.5, 0.25], **EXACT)
    assert_allclose(row["mean_score_0_100_diff_yoy"], 75.0 - 50.0, **EXACT)
    assert math.isnan(row["top_box_diff_prev"])  # February has 5 ratings < 30


@pytest.mark.parametrize(
    ("day", "kind", "label", "start"),
    [
        ("2024-03-05", "day", "2024-03-05", "2024-03-05"),
        ("2024-03-05", "week", "2024-W10", "2024-03-04"),
        ("2021-01-01", "week", "2020-W53", "2020-12-28"),
        ("2024-03-05", "month", "2024-03", "2024-03-01"),
        ("2024-08-31", "quarter", "2024Q3", "2024-07-01"),
        ("2024-12-31", "year", "2024", "2024-01-01"),
    ],
)
def test_periods_are_calendar_periods_in_local_time(day: str, kind: str, label: str, start: str) -> None:
    import datetime as dt

    assert period_of(dt.date.fromisoformat(day), kind) == (label, dt.date.fromisoformat(start))


def test_sql_parquet_and_pandas_count_paths_agree(tmp_path) -> None:
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.ingest.device.parquet_counts import counts_from_parquet

    events = _mixed_month() + [event(4, day="2024-04-02", reasons=("fees",)), event(2, k=5, day="2024-04-03", window="W2")]
    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events(events)
        sql = indicators_from_counts(*store.count_table(), by="branch,month", min_n=1)
        store.export(tmp_path / "e.parquet")
    arrow = indicators_from_counts(*counts_from_parquet(tmp_path / "e.parquet"), by="branch,month", min_n=1)
    direct = events_to_indicators(frame(events), by="branch,month", min_n=1)
    for other in (arrow, direct):
        pd.testing.assert_frame_equal(sql[direct.columns], other[direct.columns], check_dtype=False)


def test_bad_by_names_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="one period"):
        events_to_indicators(frame([event(4)]), by="branch,fortnight")
    with pytest.raises(ValueError, match="found 2 periods"):
        events_to_indicators(frame([event(4)]), by="month,year")


@pytest.mark.parametrize("by", ["branch,month", "window,week", "staff,quarter", "bank,year", "branch,window,day"])
def test_sql_and_parquet_counts_folded_to_periods_give_the_same_indicators(tmp_path, by: str) -> None:
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.ingest.device.parquet_counts import counts_from_parquet

    events = _mixed_month() + [
        event(4, day="2024-04-02", reasons=("fees", "slow")),
        event(2, k=5, day="2024-04-03", window="W2"),
        event(3, day="2023-03-30", staff="S2", reasons=("fees",)),
        event(None, prompt="p1", day="2024-03-31"),
    ]
    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events(events)
        store.correct(events[-3].event_id, "staff_id", "S7", reason="wrong login", by="supervisor")
        store.correct(events[0].event_id, "outcome", "void", reason="test press", by="supervisor")
        in_sql = indicators_from_counts(*store.count_table(by=by), by=by, min_n=1)
        corrected = store.events_frame()
        store.export(tmp_path / "e.parquet")
    folded = indicators_from_counts(*counts_from_parquet(tmp_path / "e.parquet", by=by), by=by, min_n=1)
    direct = events_to_indicators(corrected, by=by, min_n=1)
    pd.testing.assert_frame_equal(folded[direct.columns], direct, check_dtype=False)
    pd.testing.assert_frame_equal(in_sql[direct.columns], direct, check_dtype=False)


def test_counts_folded_for_one_by_refuse_another(tmp_path) -> None:
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.ingest.device.parquet_counts import counts_from_parquet

    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events(_mixed_month())
        store.export(tmp_path / "e.parquet")
    counts = counts_from_parquet(tmp_path / "e.parquet", by="branch,month")
    with pytest.raises(ValueError, match="made for by='branch,month'"):
        indicators_from_counts(*counts, by="branch,week")
    with pytest.raises(ValueError, match="made for by='branch,month'"):
        indicators_from_counts(*counts, by="window,month")
