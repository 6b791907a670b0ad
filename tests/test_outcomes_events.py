"""Satisfaction to outcomes from evaluator-device events joined to a customer file (acsi.outcomes.event_outcomes)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from acsi.errors import DataError
from acsi.ingest.device.events import EVENT_COLUMNS
from acsi.outcomes import event_outcomes
from acsi.outcomes.events import _NEEDED

SLOPE, CENTRE, INTERCEPT = 0.04, 50.0, 1.0  # logit P(retained) = INTERCEPT + SLOPE (mean score - CENTRE)


def _events_and_customers(seed: int, n: int = 1500) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers rated 1-3 times on a 5-level device; retention depends on their mean 0-100 score."""
    rng = np.random.default_rng(seed)
    refs = np.array([f"T{i:05d}" for i in range(n)])
    taste = rng.normal(3.2, 1.0, n)
    visits = rng.integers(1, 4, n)
    who = np.repeat(np.arange(n), visits)
    levels = np.clip(np.rint(taste[who] + rng.normal(0, 0.7, who.size)), 1, 5).astype(int)
    events = pd.DataFrame(
        {
            "service_ref": refs[who],
            "outcome": "rated",
            "level": levels,
            "score_0_100": 25.0 * (levels - 1),
            "captured_at_utc": [f"2026-0{1 + v % 9}-01T10:00:00.000Z" for v in rng.integers(0, 9, who.size)],
            "branch_id": np.where(who % 2 == 0, "B01", "B02"),
        }
    )
    unrated = events.iloc[:40].assign(outcome="timeout", level=None, score_0_100=np.nan)
    events = pd.concat([events, unrated], ignore_index=True)
    mean_score = events[events["outcome"] == "rated"].groupby("service_ref")["score_0_100"].mean().reindex(refs)
    p = 1 / (1 + np.exp(-(INTERCEPT + SLOPE * (mean_score.to_numpy() - CENTRE))))
    customers = pd.DataFrame(
        {"service_ref": refs, "retained": (rng.random(n) < p).astype(int), "revenue": rng.gamma(2.0, 500.0, n)}
    )
    return events, customers


def test_the_columns_used_are_those_of_the_event_export() -> None:
    assert set(_NEEDED) <= set(EVENT_COLUMNS) and "service_ref" in EVENT_COLUMNS


@pytest.mark.parametrize("seed", [1, 2])
def test_retention_curve_on_the_mean_device_score_is_recovered(seed: int) -> None:
    events, customers = _events_and_customers(seed)
    result = event_outcomes(events, customers, "retained", group="branch_id", revenue="revenue", n_boot=0)
    intercept, slope = result.logistic.coefficients
    se = np.sqrt(np.diag(result.logistic.covariance))
    assert abs(slope - SLOPE) < 3 * se[1]
    assert abs(intercept - (INTERCEPT - SLOPE * CENTRE)) < 3 * se[0]
    assert result.construct == "device_score" and result.n == len(customers)
    assert set(result.groups.index) == {"B01", "B02"} and result.groups["revenue_at_risk"].gt(0).all()
    assert result.ratings["level"].tolist() == [1, 2, 3, 4, 5] and result.ratings["rate"].is_monotonic_increasing
    assert any("rated more than once" in note for note in result.notes)
    json.dumps(result.to_dict(), allow_nan=False)


def test_each_customer_gets_the_mean_of_its_scores_and_its_latest_level() -> None:
    events = pd.DataFrame(
        {
            "service_ref": ["A", "A", "B"] + [f"C{i}" for i in range(12)],
            "outcome": "rated",
            "level": [1, 5, 3] + [2, 4] * 6,
            "score_0_100": [0.0, 100.0, 50.0] + [25.0, 75.0] * 6,
            "captured_at_utc": ["2026-02-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"] + ["2026-01-01T00:00:00.000Z"] * 13,
            "branch_id": "B01",
        }
    )
    customers = pd.DataFrame({"service_ref": events["service_ref"].unique(), "retained": [1, 0] + [0, 1, 1, 0] * 3})
    result = event_outcomes(events, customers, "retained", n_boot=0, bands=(50.0,))
    # A: mean of 0 and 100 = 50, in the band >= 50 with B (50) and the six 75s; its latest level is 1 (February)
    assert result.bands["n"].tolist() == [6, 8]
    ratings = result.ratings.set_index("level")
    assert int(ratings.loc[1, "n"]) == 1 and 5 not in ratings.index


def test_events_without_the_key_or_columns_are_data_errors() -> None:
    events, customers = _events_and_customers(3, 60)
    with pytest.raises(DataError, match="lack column"):
        event_outcomes(events.drop(columns="score_0_100"), customers, "retained")
    with pytest.raises(DataError, match="No rated device event has a value of 'service_ref'"):
        event_outcomes(events.assign(service_ref=None), customers, "retained")


def _as_export(events: pd.DataFrame) -> pd.DataFrame:
    """The minimal events as a full event export (every EVENT_COLUMNS column; the others filled plausibly)."""
    numbers = {"captured_mono_ns": 0, "profile_version": 1, "scale_levels": 5, "satisfied_min_level": 4}
    numbers |= {"bad_max_level": 2, "raw_report_id": 0, "schema_version": 1}
    full = pd.DataFrame({c: events[c] if c in events else numbers.get(c, "x") for c in EVENT_COLUMNS})
    return full.assign(event_id=[f"e{i}" for i in range(len(full))])


def test_cli_outcomes_from_a_device_event_export(tmp_path, capsys) -> None:  # noqa: ANN001
    from acsi.cli import main

    events, customers = _events_and_customers(4, 400)
    _as_export(events).to_csv(tmp_path / "events.csv", index=False, na_rep="\\N")
    customers.to_csv(tmp_path / "customers.csv", index=False)
    argv = ["outcomes", "--events", str(tmp_path / "events.csv"), "--customers", str(tmp_path / "customers.csv")]
    argv += ["--key", "service_ref", "--outcome", "retained", "--group", "branch_id", "--revenue", "revenue"]
    assert main([*argv, "--bootstrap", "0", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = event_outcomes(events, customers, "retained", group="branch_id", revenue="revenue", n_boot=0)
    assert out["construct"] == "device_score" and out["n"] == 400
    assert out["logistic"]["slope"] == pytest.approx(expected.logistic.coefficients[1], rel=1e-10)
    assert main(["outcomes", "--outcome", "retained"]) == 2
    assert "give SPEC and DATA" in capsys.readouterr().err
    assert main([*argv[:3], "--outcome", "retained"]) == 2
    assert "--events needs --customers" in capsys.readouterr().err
