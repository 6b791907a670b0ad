"""The permission matrix, generated from the application's route table: every route x every
role x (own scope, other scope, no session) -> the expected answer. A route that the table
below does not know fails the test, so a new route cannot escape it.

Expected answers: ``ok`` (2xx, a redirect elsewhere than /login, or 422 for an admin form
posted empty), ``403``, ``login`` (GET page: 303 to /login; API, export or form post: 401).
"""

from __future__ import annotations

import re

import pytest

from tests.server.conftest import USERS, csrf_of, login

ROLES = (*USERS, "none")
BANK_WIDE = {"admin", "head_office", "analyst"}

# Path parameters: (own scope, other scope) per role; bank-wide roles have no "other".
OWN = {"branch": "B01", "region": "R1", "staff": "S1", "counter": "W1"}
OTHER_NODE = {"branch": "B03", "region": "R2", "staff": "S4", "counter": "W1"}
TABLE_OF = {"/overview": "ranking", "/region": "ranking", "/branch": "counters", "/clerk": "trend", "/survey": "indices"}


def _sees_branch(role: str, own: bool) -> bool:
    if role in BANK_WIDE:
        return True
    return own and role in ("region_manager", "branch_manager")


def _sees_region(role: str, own: bool) -> bool:
    return role in BANK_WIDE or (own and role == "region_manager")


def _sees_staff(role: str, own: bool) -> bool:
    if role in ("admin", "head_office"):
        return True
    return own and role in ("region_manager", "branch_manager", "clerk")


def _corrects(role: str, own: bool) -> bool:
    """Data corrections and vendor-log uploads: admins anywhere, branch managers in their branch."""
    return role == "admin" or (own and role == "branch_manager")


def _admin(role: str, own: bool) -> str:
    return "ok" if role == "admin" else "403"


POLICY = {
    ("GET", "/"): lambda role, own: "ok",
    ("GET", "/login"): lambda role, own: "ok",
    ("POST", "/login"): lambda role, own: "403",  # no login-form CSRF token in the matrix requests
    ("POST", "/logout"): lambda role, own: "ok",
    ("GET", "/overview"): lambda role, own: "ok" if role in BANK_WIDE | {"region_manager"} else "403",
    ("GET", "/overview/export/{table}.{fmt}"): lambda role, own: "ok" if role in BANK_WIDE | {"region_manager"} else "403",
    ("GET", "/region/{region}"): lambda role, own: "ok" if _sees_region(role, own) else "403",
    ("GET", "/region/{region}/export/{table}.{fmt}"): lambda role, own: "ok" if _sees_region(role, own) else "403",
    ("GET", "/branch/{branch}"): lambda role, own: "ok" if _sees_branch(role, own) else "403",
    ("GET", "/branch/{branch}/export/{table}.{fmt}"): lambda role, own: "ok" if _sees_branch(role, own) else "403",
    ("GET", "/clerk/{staff}"): lambda role, own: "ok" if _sees_staff(role, own) else "403",
    ("GET", "/clerk/{staff}/export/{table}.{fmt}"): lambda role, own: "ok" if _sees_staff(role, own) else "403",
    ("GET", "/live"): lambda role, own: "ok",
    ("GET", "/live/stream"): lambda role, own: "ok",  # the viewer's own scope; ?branch= / ?region= checked below
    ("GET", "/branch/{branch}/data"): lambda role, own: "ok" if _corrects(role, own) else "403",
    ("POST", "/branch/{branch}/data/correct"): lambda role, own: "ok" if _corrects(role, own) else "403",
    ("POST", "/branch/{branch}/data/vendor-log"): lambda role, own: "ok" if _corrects(role, own) else "403",
    ("POST", "/admin/users/{user_id}/clerk-names"): _admin,
    ("POST", "/admin/org/regions"): _admin,
    ("POST", "/admin/org/region/{region}"): _admin,
    ("POST", "/admin/org/branches"): _admin,
    ("GET", "/admin/org/branch/{branch}"): _admin,
    ("POST", "/admin/org/branch/{branch}"): _admin,
    ("POST", "/admin/org/branch/{branch}/counters"): _admin,
    ("POST", "/admin/org/branch/{branch}/counter/{counter}"): _admin,
    ("POST", "/admin/org/branch/{branch}/staff"): _admin,
    ("POST", "/admin/org/staff/{staff}"): _admin,
    ("POST", "/admin/org/branch/{branch}/devices"): _admin,
    ("GET", "/admin/users"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/admin/users"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/admin/users/{user_id}/role"): lambda role, own: "ok" if role == "admin" else "403",
    ("GET", "/admin/tokens"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/admin/tokens"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/admin/tokens/{token_id}/revoke"): lambda role, own: "ok" if role == "admin" else "403",
    ("GET", "/admin/audit"): lambda role, own: "ok" if role == "admin" else "403",
    ("GET", "/admin/org"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/admin/org"): lambda role, own: "ok" if role == "admin" else "403",
    ("POST", "/api/v1/events"): lambda role, own: "login",  # collector tokens only, never a session
    ("GET", "/api/v1/indicators"): lambda role, own: "403" if role == "clerk" else "ok",
    ("GET", "/survey"): lambda role, own: "403" if role == "clerk" else "ok",
    ("POST", "/survey"): lambda role, own: "ok" if role in BANK_WIDE else "403",
    ("GET", "/survey/export/{table}.{fmt}"): lambda role, own: "403" if role == "clerk" else "ok",
}
PUBLIC = {("GET", "/"), ("GET", "/login"), ("POST", "/login")}


def _routes(app) -> list[tuple[str, str]]:
    from acsi.server.app import route_table

    found = route_table(app)
    assert len(found) >= len(POLICY) - 2 and ("GET", "/branch/{branch}") in found, f"route walk found only {found}"
    return sorted(found, key=lambda mr: mr[1] == "/logout")  # log out last


def _url(path: str, own: bool, ids: dict) -> str:
    nodes = OWN if own else OTHER_NODE
    url = path
    for key, value in nodes.items():
        url = url.replace("{" + key + "}", value)
    prefix = "/" + path.split("/")[1]
    return (
        url.replace("{table}", TABLE_OF.get(prefix, "x"))
        .replace("{fmt}", "csv")
        .replace("{user_id}", str(ids["user"]))
        .replace("{token_id}", str(ids["token"]))
    )


def _classify(answer, method: str, path: str) -> str:
    if answer.status_code in (401,) or (
        answer.status_code == 303 and answer.headers["location"] == "/login" and path not in ("/", "/logout")
    ):
        return "login"
    if answer.status_code == 403:
        return "403"
    if answer.status_code < 400 or answer.status_code == 422:
        return "ok"
    return str(answer.status_code)


def _clients(app):
    from fastapi.testclient import TestClient

    clients, csrf = {}, {}
    for role in ROLES:
        client = TestClient(app)
        if role != "none":
            assert login(client, USERS[role][0]).status_code == 303
            csrf[role] = csrf_of(client.get("/").text)
        clients[role] = client
    return clients, csrf


def test_permission_matrix_of_every_route_role_and_scope(client, bank):
    from acsi.server.tokens import add_token
    from acsi.server.users import find_user

    app = client.app
    routes = _routes(app)
    unknown = [r for r in routes if r not in POLICY]
    assert not unknown, f"routes missing from the permission matrix: {unknown}"
    with bank.begin() as conn:
        ids = {"user": find_user(conn, "analyst")["id"], "token": add_token(conn, "B03")[0]}
    clients, csrf = _clients(app)
    wrong, checked = [], 0
    for method, path in routes:
        for role in ROLES:
            for own in (True, False):
                if not own and "{" not in path:
                    continue  # nothing to vary
                url = _url(path, own, ids)
                data = {"csrf": csrf[role]} if method == "POST" and role in csrf and path != "/login" else {}
                answer = clients[role].request(method, url, data=data or None, follow_redirects=False)
                got = _classify(answer, method, path)
                checked += 1
                if role == "none":
                    want = POLICY[(method, path)](role, own) if (method, path) in PUBLIC else "login"
                else:
                    want = POLICY[(method, path)](role, own)
                if got != want:
                    wrong.append(
                        f"{method} {url} as {role} ({'own' if own else 'other'} scope): expected {want}, got {answer.status_code}"
                    )
    assert not wrong, "\n".join(wrong)
    assert checked >= 150, f"only {checked} requests made"


LEAK_MARKERS = ("B03", "Station", "S4", "R2", "South")


@pytest.mark.parametrize("role", ["branch_manager", "region_manager", "clerk"])
def test_no_other_branch_data_through_any_url_query_or_export(client, bank, role):
    """Every GET route a scoped user may open, with query parameters naming another branch,
    region or clerk, shows nothing of that branch (B03 in region R2, clerk S4)."""
    from fastapi.testclient import TestClient

    viewer = TestClient(client.app)
    login(viewer, USERS[role][0])
    ids = {"user": 1, "token": 1}
    seen = 0
    for method, path in _routes(client.app):
        if method != "GET" or path in ("/", "/login"):
            continue
        for fmt in ("csv", "xlsx"):
            url = _url(path, True, ids).replace(".csv", f".{fmt}")
            for query in ("", "?branch=B03&region=R2&staff=S4&branch_id=B03", "?by=branch,staff,month&branch=B03"):
                answer = viewer.get(url + query, follow_redirects=False)
                if answer.status_code != 200:
                    continue
                seen += 1
                body = answer.content if fmt == "csv" or "export" not in url else _xlsx_text(answer.content)
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
                text = re.sub(r'name="csrf" value="[^"]*"', "", text)  # random tokens may spell anything
                for marker in LEAK_MARKERS:
                    assert marker not in text, f"{url + query} as {role} shows {marker!r}"
    assert seen >= 6


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def test_a_collector_token_reads_only_its_own_branch_indicators(client, bank):
    from acsi.server.tokens import add_token

    with bank.begin() as conn:
        token = add_token(conn, "B02")[1]
    answer = client.get("/api/v1/indicators?by=branch,month&branch=B03", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert {r["branch_id"] for r in answer.json()["rows"]} == {"B02"}


def test_analyst_gets_no_clerk_level_numbers(client):
    login(client, "analyst")
    page = client.get("/branch/B01")
    assert page.status_code == 200 and "table-clerks" not in page.text
    visible = re.sub(r'(value|content)="[^"]*"', "", page.text)  # a random CSRF token may hold "S1"
    assert not re.search(r"\bS1\b", visible) and "Ann" not in visible
    assert client.get("/branch/B01/export/clerks.csv").status_code == 404
    assert client.get("/api/v1/indicators?by=staff,month").status_code == 403
    assert client.get("/api/v1/indicators?by=branch,month").status_code == 200
