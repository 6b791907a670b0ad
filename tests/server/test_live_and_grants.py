"""Server-sent events per scope (permissions as the pages), and the analysts' clerk-name grant
given and taken back by admins in the browser (audited, effective at once)."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import select

from tests.server.conftest import csrf_of, login, make_events


def _versions(body: str) -> list[str]:
    return re.findall(r"^event: version\ndata: (\d+)$", body, flags=re.M)


def test_the_stream_sends_the_version_of_the_watched_scope(client, bank):
    login(client, "mgr1")
    answer = client.get("/live/stream?branch=B01")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
    assert answer.text.startswith("retry: 1000\n\n")
    assert _versions(answer.text) == [client.get("/live").json()["version"]]  # own scope = B01


def test_a_scoped_user_cannot_watch_another_branch_or_region(client, bank):
    from fastapi.testclient import TestClient

    for name, url, expected in [
        ("mgr1", "/live/stream?branch=B03", 403),
        ("mgr1", "/live/stream?region=R1", 403),
        ("north", "/live/stream?region=R1", 200),
        ("north", "/live/stream?region=R2", 403),
        ("north", "/live/stream?branch=B03", 403),
        ("clerk1", "/live/stream?branch=B01", 403),
        ("clerk1", "/live/stream", 200),
        ("analyst", "/live/stream?region=R2", 200),
    ]:
        other = TestClient(client.app)
        login(other, name)
        assert other.get(url).status_code == expected, (name, url)
    assert TestClient(client.app).get("/live/stream").status_code == 401


def test_the_stream_reports_a_new_event_within_seconds(client, bank):
    from acsi.server.ingest import store_events

    client.app.state.sse_seconds = 10
    login(client, "mgr1")
    fresh = make_events(("B01",), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1), per_day=4, seed=9)
    seen: list[str] = []
    with client.stream("GET", "/live/stream?branch=B01") as stream:
        lines = stream.iter_lines()
        for line in lines:
            if line.startswith("data: "):
                seen.append(line[6:])
                if len(seen) == 1:
                    store_events(bank, fresh, branch=None)
                else:
                    break
    assert len(seen) == 2 and int(seen[1]) == int(seen[0]) + len(fresh)


def test_pages_carry_the_scope_their_live_stream_watches(client, bank):
    login(client, "admin")
    assert 'data-live="branch=B01"' in client.get("/branch/B01").text
    assert 'data-live="region=R2"' in client.get("/region/R2").text
    assert 'data-live=""' in client.get("/overview").text


def _grant(client, user_id: int, grant: str):
    page = client.get("/admin/users")
    return client.post(
        f"/admin/users/{user_id}/clerk-names", data={"csrf": csrf_of(page.text), "grant": grant}, follow_redirects=False
    )


def test_an_admin_grants_and_revokes_an_analyst_the_clerk_names(client, bank):
    from fastapi.testclient import TestClient

    from acsi.server.schema import audit_log
    from acsi.server.users import find_user

    with bank.connect() as conn:
        analyst_id = find_user(conn, "analyst")["id"]
        head_id = find_user(conn, "head")["id"]
    analyst = TestClient(client.app)
    login(analyst, "analyst")
    assert "table-clerks" not in analyst.get("/branch/B01").text
    login(client, "admin")
    assert _grant(client, analyst_id, "1").status_code == 303
    assert "granted" in client.get("/admin/users").text
    # the analyst's open session sees the names at once: pages, exports, clerk pages and the API
    assert "table-clerks" in analyst.get("/branch/B01").text
    assert "Ann" in analyst.get("/branch/B01/export/clerks.csv").text
    assert analyst.get("/clerk/S1").status_code == 200
    assert analyst.get("/api/v1/indicators?by=staff,month").status_code == 200
    assert _grant(client, analyst_id, "0").status_code == 303
    assert "table-clerks" not in analyst.get("/branch/B01").text
    assert analyst.get("/clerk/S1").status_code == 403
    assert analyst.get("/api/v1/indicators?by=staff,month").status_code == 403
    refused = _grant(client, head_id, "1")
    assert refused.status_code == 422 and "not an analyst" in html.unescape(refused.text)
    with bank.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.actor, audit_log.c.detail)
            .where(audit_log.c.action.like("clerk_names%"))
            .order_by(audit_log.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("clerk_names_granted", "admin", "user=analyst"),
        ("clerk_names_revoked", "admin", "user=analyst"),
    ]
