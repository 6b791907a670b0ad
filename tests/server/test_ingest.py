"""The push API: idempotent by event id, conflicts kept, other branches refused, aggregates in
step with the stored events, indicators equal to `acsi device indicators` on the same events."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from tests.server.conftest import make_events


@pytest.fixture
def token(bank):
    from acsi.server.tokens import add_token

    with bank.begin() as conn:
        return add_token(conn, "B01")[1]


def _post(client, token, events):
    return client.post("/api/v1/events", content=json.dumps(events), headers={"Authorization": f"Bearer {token}"})


def _counts(engine):
    from acsi.server.schema import agg_day, agg_fine, events

    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(events)).scalar_one(),
            conn.execute(select(func.coalesce(func.sum(agg_fine.c.n), 0))).scalar_one(),
            conn.execute(select(func.coalesce(func.sum(agg_day.c.n), 0))).scalar_one(),
        )


def test_push_accepts_new_events_and_resend_counts_duplicates_without_doubling(client, bank, token):
    new = make_events(("B01",), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 3))
    before = _counts(bank)
    first = _post(client, token, new)
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": len(new), "duplicates": 0, "conflicts": []}
    after = _counts(bank)
    assert after == tuple(b + len(new) for b in before)
    shuffled = [dict(reversed(list(e.items()))) for e in reversed(new)]  # key order and event order do not matter
    again = _post(client, token, shuffled)
    assert again.json() == {"accepted": 0, "duplicates": len(new), "conflicts": []}
    assert _counts(bank) == after


def test_same_id_with_other_content_is_kept_as_a_conflict_and_audited(client, bank, token):
    from acsi.server.schema import audit_log, event_conflicts, events

    original = make_events(("B01",))[0]
    changed = {**original, "level": 1 if original["level"] != 1 else 4, "label": "x"}
    answer = _post(client, token, [changed]).json()
    assert answer == {"accepted": 0, "duplicates": 0, "conflicts": [original["event_id"]]}
    with bank.connect() as conn:
        kept = conn.execute(
            select(event_conflicts.c.payload).where(event_conflicts.c.event_id == original["event_id"])
        ).scalar_one()
        stored_level = conn.execute(select(events.c.level).where(events.c.event_id == original["event_id"])).scalar_one()
        actions = [r[0] for r in conn.execute(select(audit_log.c.action))]
    assert json.loads(kept)["level"] == changed["level"]
    assert stored_level == original["level"]
    assert "event_conflict" in actions


def test_events_of_another_branch_are_refused_whole_batch(client, bank, token):
    mine = make_events(("B01",), start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 1))
    other = make_events(("B03",), start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 1))
    before = _counts(bank)
    answer = _post(client, token, mine + other[:1])
    assert answer.status_code == 403
    assert other[0]["event_id"] in answer.json()["refused"]
    assert _counts(bank) == before
    from acsi.server.schema import audit_log

    with bank.connect() as conn:
        assert "events_refused" in [r[0] for r in conn.execute(select(audit_log.c.action))]


def test_unknown_token_is_answered_401_before_any_complaint_about_the_body(client, token):
    assert _post(client, "acsi_not-a-token", "not an array").status_code == 401
    assert client.post("/api/v1/events", content=b"{not json", headers={"Authorization": "Bearer acsi_x"}).status_code == 401
    answer = client.post("/api/v1/events", content=b"{not json", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422 and answer.json()["key"] == "(body)"


def test_push_without_or_with_a_revoked_token_is_refused_at_once(client, bank, token):
    from acsi.server.tokens import list_tokens, revoke_token

    events = make_events(("B01",), start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 1))
    assert client.post("/api/v1/events", content=json.dumps(events)).status_code == 401
    assert _post(client, "acsi_not-a-token", events).status_code == 401
    assert _post(client, token, events[:1]).status_code == 200
    with bank.begin() as conn:
        revoke_token(conn, list_tokens(conn)[0]["id"])
    assert _post(client, token, events[1:]).status_code == 401


@pytest.mark.parametrize(
    "change, key",
    [
        ({"event_id": ""}, "event_id"),
        ({"local_date": "2025-13-01"}, "local_date"),
        ({"level": 9}, "level"),
        ({"outcome": "great"}, "outcome"),
        ({"flags": "not json"}, "flags"),
    ],
)
def test_malformed_event_is_refused_naming_position_and_key(client, token, change, key):
    events = make_events(("B01",))[:3]
    events[2] = {**events[2], **change}
    answer = _post(client, token, events)
    assert answer.status_code == 422
    assert answer.json()["index"] == 2 and answer.json()["key"] == key


def test_indicators_api_equals_device_indicators_on_the_same_events(client, bank, token, tmp_path):
    """The server's aggregates give the rows `acsi device indicators` gives from an event store."""
    import pandas as pd

    from acsi.ingest.device.events import EVENT_COLUMNS
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.ingest.device.store import EventStore
    from tests._tolerances import NUMERIC

    events = [e for e in make_events() if e["branch_id"] == "B01"]
    with EventStore(tmp_path / "b01.sqlite") as store:
        store.add_rows([tuple(e[c] for c in EVENT_COLUMNS) for e in events])
        counts, reasons = store.count_table(by="branch,month")
    expected = indicators_from_counts(counts, reasons, by="branch,month")
    answer = client.get("/api/v1/indicators?by=branch,month", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    got = pd.DataFrame(answer.json()["rows"])
    got = got.astype({c: float for c in got.columns if got[c].isna().all()})  # JSON null -> NaN
    assert set(got["branch_id"]) == {"B01"}
    assert list(got.columns) == list(expected.columns)
    expected = expected.assign(period_start=expected["period_start"].astype(str))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, **NUMERIC)


def test_aggregates_equal_a_recount_of_stored_events(bank):
    from acsi.server.schema import agg_day, events

    with bank.connect() as conn:
        from_events = dict(
            ((b, d), n)
            for b, d, n in conn.execute(
                select(events.c.branch_id, events.c.local_date, func.count()).group_by(events.c.branch_id, events.c.local_date)
            )
        )
        from_agg = dict(
            ((b, d), int(n))
            for b, d, n in conn.execute(
                select(agg_day.c.branch_id, agg_day.c.local_date, func.sum(agg_day.c.n)).group_by(
                    agg_day.c.branch_id, agg_day.c.local_date
                )
            )
        )
    assert from_agg == from_events and sum(from_events.values()) > 1000
    from acsi.server.schema import agg_month

    with bank.connect() as conn:
        by_month = {
            (b, m): int(n)
            for b, m, n in conn.execute(
                select(agg_month.c.branch_id, agg_month.c.month, func.sum(agg_month.c.n)).group_by(
                    agg_month.c.branch_id, agg_month.c.month
                )
            )
        }
    expected_months: dict = {}
    for (b, d), n in from_events.items():
        expected_months[(b, d[:7])] = expected_months.get((b, d[:7]), 0) + n
    assert by_month == expected_months


def test_concurrent_pushes_of_the_same_events_store_and_count_each_once(bank):
    """Eight collectors racing with the same batch (a resend while the first is in flight)."""
    from concurrent.futures import ThreadPoolExecutor

    from acsi.server.ingest import store_events

    batch = make_events(("B02",), start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 5))
    before = _counts(bank)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store_events(bank, batch, branch="B02"), range(8)))
    assert sum(r.accepted for r in results) == len(batch)
    assert sum(r.duplicates for r in results) == 7 * len(batch)
    assert not any(r.conflicts for r in results)
    assert _counts(bank) == tuple(b + len(batch) for b in before)


def test_a_push_body_larger_than_the_limit_is_refused_413_and_nothing_is_stored(client, bank, token, monkeypatch):
    from acsi.server import limits

    new = make_events(("B01",), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))
    before = _counts(bank)
    monkeypatch.setattr(limits, "MAX_PUSH_BYTES", len(json.dumps(new)) - 1)
    answer = _post(client, token, new)
    assert answer.status_code == 413 and "at most" in answer.json()["error"]
    assert _counts(bank) == before
    monkeypatch.setattr(limits, "MAX_PUSH_BYTES", len(json.dumps(new)))
    assert _post(client, token, new).json()["accepted"] == len(new)
