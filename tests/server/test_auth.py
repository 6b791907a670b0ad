"""Sessions, CSRF, throttling and the audit log."""

from __future__ import annotations

from sqlalchemy import select

from tests.server.conftest import PASSWORD, csrf_of, login


def _audit_actions(engine) -> list[str]:
    from acsi.server.schema import audit_log

    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.id))]


def test_login_sets_a_signed_httponly_samesite_cookie_and_rotates_the_session(client):
    first = login(client, "head")
    assert first.status_code == 303 and first.headers["location"] == "/overview"
    cookie = first.headers["set-cookie"]
    assert "acsi_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    old = client.cookies.get("acsi_session")
    second = login(client, "head")
    assert second.status_code == 303
    new = client.cookies.get("acsi_session")
    assert new != old
    client.cookies.clear()
    client.cookies.set("acsi_session", old)
    assert client.get("/overview", follow_redirects=False).status_code == 303  # the old session is gone


def test_cookie_is_secure_behind_tls(bank):
    from fastapi.testclient import TestClient

    from acsi.server.app import create_app

    with TestClient(create_app(bank), base_url="https://testserver") as tls:
        answer = login(tls, "head")
    assert "Secure" in answer.headers["set-cookie"]


def test_logout_invalidates_the_session_at_once(client):
    login(client, "head")
    cookie = client.cookies.get("acsi_session")
    page = client.get("/overview")
    assert page.status_code == 200
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set("acsi_session", cookie)  # replaying the old cookie does not work
    assert client.get("/overview", follow_redirects=False).headers["location"] == "/login"


def test_a_forged_cookie_is_ignored(client):
    client.cookies.clear()
    client.cookies.set("acsi_session", "forged.value.here")
    assert client.get("/overview", follow_redirects=False).headers["location"] == "/login"


def test_state_changing_forms_without_the_csrf_token_are_refused(client, bank):
    login(client, "admin")
    assert client.post("/admin/tokens", data={"branch": "B01"}).status_code == 403
    assert client.post("/admin/tokens", data={"branch": "B01", "csrf": "wrong"}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/overview").status_code == 200  # still logged in
    page = client.get("/admin/tokens")
    assert client.post("/admin/tokens", data={"branch": "B01", "csrf": csrf_of(page.text)}).status_code == 200


def test_login_form_without_its_csrf_token_is_refused(client):
    answer = client.post("/login", data={"username": "head", "password": PASSWORD})
    assert answer.status_code == 403


def test_wrong_password_is_refused_audited_and_throttled_per_account(client, bank):
    for _ in range(5):
        assert login(client, "head", "wrong password").status_code == 401
    assert login(client, "head").status_code == 429  # right password, but the account is throttled
    assert login(client, "admin").status_code == 303  # another account from the same address still works
    actions = _audit_actions(bank)
    assert actions.count("login_failed") == 5 and "login_throttled" in actions and "login" in actions


def test_login_is_throttled_per_address_across_accounts(client, bank):
    from acsi.server import sessions

    for i in range(sessions.MAX_FAILS_ADDRESS):
        login(client, f"nobody{i}", "wrong password")
    assert login(client, "admin").status_code == 429


def test_role_change_is_audited_and_ends_the_users_sessions(client, bank):
    from acsi.server.users import find_user

    login(client, "mgr1")
    assert client.get("/branch/B01").status_code == 200
    admin_client = client.__class__(client.app)
    login(admin_client, "admin")
    with bank.connect() as conn:
        user_id = find_user(conn, "mgr1")["id"]
    page = admin_client.get("/admin/users")
    answer = admin_client.post(
        f"/admin/users/{user_id}/role",
        data={"role": "branch_manager", "scope": "B02", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert client.get("/branch/B01", follow_redirects=False).status_code == 303  # logged out
    assert "role_changed" in _audit_actions(bank)
    login(client, "mgr1")
    assert client.get("/branch/B01").status_code == 403 and client.get("/branch/B02").status_code == 200


def test_exports_are_audited(client, bank):
    login(client, "head")
    assert client.get("/overview/export/ranking.csv?at=2025-02-01").status_code == 200
    assert "export" in _audit_actions(bank)
