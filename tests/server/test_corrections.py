"""Data corrections in the browser: a correction is a new record naming the original event
(stored events are never deleted or changed), the aggregates follow, the audit log says who and
why; admins correct any branch, a branch manager only their own."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from tests.server.conftest import csrf_of, login


def _bad_event(engine, branch: str = "B01") -> dict:
    from acsi.server.schema import events

    with engine.connect() as conn:
        row = (
            conn.execute(
                select(events.c.event_id, events.c.local_date, events.c.captured_at_utc)
                .where(events.c.branch_id == branch, events.c.bad.is_(True), events.c.window_id == "W1")
                .order_by(events.c.captured_at_utc.desc())
                .limit(1)
            )
            .mappings()
            .one()
        )
    return dict(row)


def _counts(engine, branch: str = "B01") -> dict:
    """Rated events per counter and staff in agg_fine, and the branch's totals in agg_day and agg_month."""
    from acsi.server.schema import agg_day, agg_fine, agg_month

    with engine.connect() as conn:
        fine = {
            (w, s): n
            for w, s, n in conn.execute(
                select(agg_fine.c.window_id, agg_fine.c.staff_id, func.sum(agg_fine.c.n))
                .where(agg_fine.c.branch_id == branch, agg_fine.c.outcome == "rated")
                .group_by(agg_fine.c.window_id, agg_fine.c.staff_id)
            )
        }
        day = conn.execute(select(func.sum(agg_day.c.n)).where(agg_day.c.branch_id == branch)).scalar_one()
        month = conn.execute(select(func.sum(agg_month.c.n)).where(agg_month.c.branch_id == branch)).scalar_one()
    return {"fine": fine, "day": int(day), "month": int(month)}


def _correct(client, branch: str, day: str, **data):
    page = client.get(f"/branch/{branch}/data?day={day}")
    return client.post(
        f"/branch/{branch}/data/correct", data={"csrf": csrf_of(page.text), "day": day, **data}, follow_redirects=False
    )


def _stored(engine) -> tuple[int, str]:
    from acsi.server.schema import events

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(events)).scalar_one()
        digest = conn.execute(select(func.max(events.c.payload_sha256))).scalar_one()
    return n, digest


def test_voiding_an_event_takes_it_out_of_every_count_and_restoring_brings_it_back(client, bank):
    event = _bad_event(bank)
    before, stored = _counts(bank), _stored(bank)
    login(client, "mgr1")
    page = client.get(f"/branch/B01/data?day={event['local_date']}")
    assert page.status_code == 200 and event["event_id"] in page.text
    assert event["captured_at_utc"] in client.get("/branch/B01/export/dissatisfied.csv").text
    answer = _correct(client, "B01", event["local_date"], event_id=event["event_id"], action="void", reason="test press by staff")
    assert answer.status_code == 303
    after = _counts(bank)
    assert after["fine"][("W1", "S1")] == before["fine"][("W1", "S1")] - 1
    assert (after["day"], after["month"]) == (before["day"] - 1, before["month"] - 1)
    assert _stored(bank) == stored  # the stored events are untouched
    assert event["captured_at_utc"] not in client.get("/branch/B01/export/dissatisfied.csv").text
    data = client.get(f"/branch/B01/data?day={event['local_date']}").text
    assert "test press by staff" in data and "void" in data
    assert (
        _correct(
            client, "B01", event["local_date"], event_id=event["event_id"], action="restore", reason="it was real"
        ).status_code
        == 303
    )
    assert _counts(bank) == before
    assert event["captured_at_utc"] in client.get("/branch/B01/export/dissatisfied.csv").text


def test_reassigning_moves_the_count_to_the_right_counter_and_clerk(client, bank):
    event = _bad_event(bank)
    before = _counts(bank)
    login(client, "admin")
    answer = _correct(
        client,
        "B01",
        event["local_date"],
        event_id=event["event_id"],
        action="reassign",
        window_id="W2",
        staff_id="S2",
        reason="pad of W2 was plugged in at W1",
    )
    assert answer.status_code == 303
    after = _counts(bank)
    assert after["fine"][("W1", "S1")] == before["fine"][("W1", "S1")] - 1
    assert after["fine"][("W2", "S2")] == before["fine"][("W2", "S2")] + 1
    assert after["day"] == before["day"]
    rows = client.get("/branch/B01/export/dissatisfied.csv").text.splitlines()
    newest = next(r for r in rows[1:] if event["local_date"] in r)
    assert ",W2," in newest and ",S2," in newest


def test_every_correction_is_a_new_record_and_an_audit_row(client, bank):
    from acsi.server.schema import audit_log, event_corrections

    event = _bad_event(bank)
    login(client, "mgr1")
    _correct(client, "B01", event["local_date"], event_id=event["event_id"], action="void", reason="pad test")
    _correct(client, "B01", event["local_date"], event_id=event["event_id"], action="restore", reason="was a customer")
    with bank.connect() as conn:
        rows = conn.execute(select(event_corrections.c.action, event_corrections.c.actor).order_by(event_corrections.c.id)).all()
        audit = [r[0] for r in conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "event_corrected"))]
    assert [tuple(r) for r in rows] == [("void", "mgr1"), ("restore", "mgr1")]
    assert audit == [
        f"branch B01 event {event['event_id']}: void W1/S1 -> void; reason: pad test",
        f"branch B01 event {event['event_id']}: restore void -> W1/S1; reason: was a customer",
    ]


def test_bad_corrections_are_refused_and_change_nothing(client, bank):
    event = _bad_event(bank)
    other = _bad_event(bank, "B03")
    before = _counts(bank)
    login(client, "mgr1")
    day = event["local_date"]
    cases = [
        ({"event_id": event["event_id"], "action": "void", "reason": ""}, "give a reason of 3-500 characters"),
        ({"event_id": event["event_id"], "action": "delete", "reason": "gone"}, "action must be one of void, reassign, restore"),
        ({"event_id": event["event_id"], "action": "reassign", "window_id": "W9", "reason": "x y z"}, "has no counter 'W9'"),
        ({"event_id": event["event_id"], "action": "reassign", "window_id": "W1", "staff_id": "S1", "reason": "same"}, "already"),
        (
            {"event_id": other["event_id"], "action": "void", "reason": "not mine"},
            f"no event '{other['event_id']}' at branch 'B01'",
        ),
    ]
    for data, message in cases:
        answer = _correct(client, "B01", day, **data)
        assert answer.status_code == 422 and message in html.unescape(answer.text), message
    assert _counts(bank) == before
    before_b03 = _counts(bank, "B03")
    assert (
        _correct(client, "B03", other["local_date"], event_id=other["event_id"], action="void", reason="x y z").status_code == 403
    )
    assert _counts(bank, "B03") == before_b03


def test_who_may_correct_admin_anywhere_branch_manager_own_branch_only(client, bank):
    from fastapi.testclient import TestClient

    for name, branch, expected in [
        ("admin", "B03", 200),
        ("mgr1", "B01", 200),
        ("mgr1", "B03", 403),
        ("mgr3", "B01", 403),
        ("head", "B01", 403),
        ("north", "B01", 403),
        ("analyst", "B01", 403),
        ("clerk1", "B01", 403),
    ]:
        other = TestClient(client.app)
        login(other, name)
        assert other.get(f"/branch/{branch}/data").status_code == expected, (name, branch)
        page = other.get(f"/branch/{branch}").text
        assert ('id="data-link"' in page) == (expected == 200), name
