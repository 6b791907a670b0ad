"""Organisation edited by admins in the browser, field by field, every change audited; a staff
move keeps past events at the branch, counter and clerk they were recorded at."""

from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import select

from tests.server.conftest import csrf_of, login


def _post(client, url: str, page: str = "/admin/org", **data):
    token = csrf_of(client.get(page).text)
    return client.post(url, data={"csrf": token, **data}, follow_redirects=False)


def _audit(engine, action: str = "org_changed") -> list[str]:
    from acsi.server.schema import audit_log

    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(audit_log.c.detail).where(audit_log.c.action == action))]


def test_admin_renames_a_branch_and_each_field_change_is_one_audit_row(client, bank):
    login(client, "admin")
    answer = _post(client, "/admin/org/branch/B01", name="Main Street <new>")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/org/branch/B01"
    page = client.get("/admin/org/branch/B01").text
    assert "Main Street &lt;new&gt;" in page and "Main Street <new>" not in page
    assert _audit(bank) == ["branch B01: name 'Main Street' -> 'Main Street <new>'"]
    assert _post(client, "/admin/org/branch/B01", name="Main Street <new>").status_code == 303
    assert len(_audit(bank)) == 1  # an unchanged field writes nothing


def test_moving_a_branch_to_another_region_moves_it_in_the_region_views(client, bank):
    login(client, "admin")
    assert _post(client, "/admin/org/branch/B02", region="R2").status_code == 303
    south = client.get("/region/R2/export/ranking.csv?at=2025-02-01").text
    north = client.get("/region/R1/export/ranking.csv?at=2025-02-01").text
    assert "B02" in south and "B02" not in north
    assert "branch B02: region_id 'R1' -> 'R2'" in _audit(bank)


def test_staff_moved_in_the_browser_keeps_past_events_where_they_were_recorded(client, bank):
    from acsi.server.ingest import store_events
    from acsi.server.org_edit import current_place
    from tests.server.conftest import make_events

    login(client, "admin")
    answer = _post(
        client, "/admin/org/staff/S1", "/admin/org/branch/B01", branch="B03", counter="W1", since="2025-03-01", back="B01"
    )
    assert answer.status_code == 303
    with bank.connect() as conn:
        assert current_place(conn, "S1") == ("B03", "W1")
    later = [
        dict(e, branch_id="B03", window_id="W1", event_id="moved-" + e["event_id"])
        for e in make_events(("B01",), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 5))
        if e["staff_id"] == "S1"
    ]
    store_events(bank, later, branch=None)
    b01 = client.get("/branch/B01/export/clerks.csv?at=2025-01-15").text
    assert "S1" in b01  # January's ratings stay at B01
    b03 = client.get("/branch/B03/export/clerks.csv?at=2025-03-03").text
    assert "S1" in b03
    assert any(d.startswith("staff S1: moved 'B01/W1' -> 'B03/W1' from 2025-03-01") for d in _audit(bank))


def test_admin_adds_and_deactivates_regions_branches_counters_and_staff(client, bank):
    login(client, "admin")
    assert _post(client, "/admin/org/regions", code="R3", name="West").status_code == 303
    assert _post(client, "/admin/org/branches", code="B09", name="Pier", region="R3", tz="Europe/Berlin").status_code == 303
    page = "/admin/org/branch/B09"
    assert _post(client, "/admin/org/branch/B09/counters", page, code="W7", name="Window 7").status_code == 303
    assert _post(client, "/admin/org/branch/B09/staff", page, code="S9", name="Eve", counter="W7").status_code == 303
    assert _post(client, "/admin/org/branch/B09/counter/W7", page, active="0").status_code == 303
    assert _post(client, "/admin/org/staff/S9", page, active="0", back="B09").status_code == 303
    assert _post(client, "/admin/org/region/R3", name="West coast").status_code == 303
    detail = client.get(page).text
    assert "Window 7" in detail and "Eve" in detail and "Activate" in detail
    assert [d for d in _audit(bank)] == [
        "region R3: added",
        "branch B09: added in region R3",
        "counter B09/W7: added",
        "staff S9: added at B09/W7",
        "counter B09/W7: active True -> False",
        "staff S9: active True -> False",
        "region R3: name 'West' -> 'West coast'",
    ]


def test_bad_org_edits_are_refused_with_the_reason_and_change_nothing(client, bank):
    login(client, "admin")
    cases = [
        ("/admin/org/regions", {"code": "R 1<", "name": "x"}, "region code 'R 1<' is not valid"),
        ("/admin/org/regions", {"code": "R1", "name": "again"}, "region 'R1' exists already"),
        ("/admin/org/branch/B01", {"tz": "Mars/Base"}, "time zone 'Mars/Base' is unknown"),
        ("/admin/org/branch/B01", {"region": "R9"}, "no region 'R9'"),
        ("/admin/org/branch/B01", {"name": ""}, "branch name must have 1-200 characters"),
        ("/admin/org/branch/B01/staff", {"code": "S1", "name": "Ann"}, "staff member 'S1' exists already"),
        ("/admin/org/staff/S2", {"branch": "B01", "counter": "W9", "back": "B01"}, "no counter of branch B01"),
        ("/admin/org/region/R1", {"active": "maybe"}, "active must be 0 or 1"),
    ]
    for url, data, message in cases:
        answer = _post(client, url, **data)
        assert answer.status_code == 422, url
        assert message in html.unescape(answer.text), url
        assert "R 1<" not in answer.text  # shown escaped
    assert _audit(bank) == []
    assert client.post("/admin/org/regions", data={"code": "R7", "name": "x"}).status_code == 403  # no CSRF token


def test_branch_device_setup_is_stored_validated_and_audited(client, bank):
    from acsi.server.devices import setup_of

    login(client, "admin")
    page = "/admin/org/branch/B01"
    good = client.post(
        "/admin/org/branch/B01/devices",
        data={"csrf": csrf_of(client.get(page).text), "profile_name": "framed-5level"},
        files={"site": ("site.yaml", b"branch_id: B01\ntz: Asia/Shanghai\nwindows:\n  - {window_id: W1}\n", "text/yaml")},
        follow_redirects=False,
    )
    assert good.status_code == 303
    with bank.connect() as conn:
        setup = setup_of(conn, "B01")
    assert setup["profile"] == "framed-5level" and "window_id: W1" in setup["site"]
    wrong = client.post(
        "/admin/org/branch/B01/devices",
        data={"csrf": csrf_of(client.get(page).text)},
        files={"site": ("site.yaml", b"branch_id: B03\nwindows: []\n", "text/yaml")},
    )
    assert wrong.status_code == 422 and "for branch 'B03', not 'B01'" in html.unescape(wrong.text)
    assert _audit(bank, "device_setup_changed") == ["branch B01: profile, site"]
