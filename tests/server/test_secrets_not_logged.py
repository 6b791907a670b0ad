"""Passwords and tokens never reach a log line or an audit row: every logger is captured at
DEBUG (SQLAlchemy's statement logging included) while users log in, tokens are made, used,
revoked, and a collector pushes."""

from __future__ import annotations

import logging

from sqlalchemy import select

from tests.server.conftest import PASSWORD, csrf_of, login, make_events


def test_passwords_and_tokens_never_appear_in_logs_or_the_audit_log(bank, client, live_server, caplog, tmp_path):
    import datetime as dt
    import json

    from acsi.server.push_client import PushClient
    from acsi.server.schema import audit_log
    from tests.server.conftest import local_store

    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "uvicorn", "uvicorn.access", "acsi", "acsi.push", "httpx"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    secrets = [PASSWORD, "wrong-secret-password"]
    login(client, "head", "wrong-secret-password")
    login(client, "admin")
    page = client.get("/admin/tokens")
    made = client.post("/admin/tokens", data={"branch": "B01", "label": "pc", "csrf": csrf_of(page.text)})
    token = made.text.split('id="new-token">')[1].split("<")[0]
    secrets.append(token)
    page = client.get("/admin/users")
    client.post(
        "/admin/users", data={"name": "newbie", "role": "analyst", "password": "brand-new-secret-1", "csrf": csrf_of(page.text)}
    )
    secrets.append("brand-new-secret-1")
    events = make_events(("B01",), start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 2))
    store = local_store(tmp_path / "b01.sqlite", events)
    PushClient(store, live_server.url, token).push_pending()
    client.post("/api/v1/events", content=json.dumps(events[:1]), headers={"Authorization": f"Bearer {token}x"})
    assert len(caplog.records) > 10, "the loggers were not captured"
    with bank.connect() as conn:
        audit = "\n".join(" ".join(str(v) for v in row) for row in conn.execute(select(audit_log)))
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    for secret in secrets:
        assert secret not in text, "a secret reached the logs"
        assert secret not in audit, "a secret reached the audit log"
    assert "token_added" in audit and "login_failed" in audit
