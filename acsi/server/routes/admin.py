"""Admin pages: users (add, change role, clerk-name grant of analysts), collector tokens (create:
shown once; revoke), audit log. The organisation pages are in :mod:`acsi.server.routes.org_admin`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from acsi.server import audit, tokens, users
from acsi.server.db import ServerError
from acsi.server.deps import admin, checked_form, engine_of
from acsi.server.render import page
from acsi.server.routes.forms import apply_change
from acsi.server.scope import Viewer

router = APIRouter(prefix="/admin")


def _users_page(request: Request, who: Viewer, message: str = "", status_code: int = 200):
    with engine_of(request).connect() as conn:
        rows = users.list_users(conn)
    return page(
        request,
        "admin_users.html",
        {"title": "Users", "viewer": who, "users": rows, "roles": users.ROLES, "message": message},
        status_code=status_code,
    )


def _users_error(request: Request, who: Viewer):
    return lambda message: _users_page(request, who, message, status_code=422)


@router.get("/users")
def users_page(request: Request, who: Viewer = Depends(admin)):
    return _users_page(request, who)


@router.post("/users")
def add_user(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    def change(conn) -> None:  # noqa: ANN001
        users.add_user(
            conn,
            str(form.get("name", "")),
            str(form.get("role", "")),
            str(form.get("password", "")),
            str(form.get("scope", "")).strip() or None,
            actor=who.name,
        )

    return apply_change(request, change, "/admin/users", _users_error(request, who))


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: int, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    role, scope = str(form.get("role", "")), str(form.get("scope", "")).strip() or None
    return apply_change(
        request,
        lambda conn: users.set_role(conn, user_id, role, scope, actor=who.name),
        "/admin/users",
        _users_error(request, who),
    )


@router.post("/users/{user_id}/clerk-names")
def clerk_names(request: Request, user_id: int, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Grant (``grant=1``) or revoke (``grant=0``) an analyst the clerk-level names; audited."""
    grant = str(form.get("grant", ""))
    if grant not in ("0", "1"):
        return _users_page(request, who, f"grant must be 0 or 1, found {grant!r}.", status_code=422)
    return apply_change(
        request,
        lambda conn: users.set_clerk_names(conn, user_id, grant == "1", actor=who.name),
        "/admin/users",
        _users_error(request, who),
    )


def _tokens_page(request: Request, who: Viewer, new_token: str | None = None, message: str = "", status_code: int = 200):
    with engine_of(request).connect() as conn:
        rows = tokens.list_tokens(conn)
    return page(
        request,
        "admin_tokens.html",
        {"title": "Collector tokens", "viewer": who, "tokens": rows, "new_token": new_token, "message": message},
        status_code=status_code,
    )


@router.get("/tokens")
def tokens_page(request: Request, who: Viewer = Depends(admin)):
    return _tokens_page(request, who)


@router.post("/tokens")
def add_token(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    try:
        with engine_of(request).begin() as conn:
            _, token = tokens.add_token(conn, str(form.get("branch", "")).strip(), str(form.get("label", "")), actor=who.name)
    except ServerError as err:
        return _tokens_page(request, who, message=str(err), status_code=422)
    response = _tokens_page(request, who, new_token=token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    return apply_change(
        request,
        lambda conn: tokens.revoke_token(conn, token_id, actor=who.name),
        "/admin/tokens",
        lambda message: _tokens_page(request, who, message=message, status_code=404),
    )


@router.get("/audit")
def audit_page(request: Request, who: Viewer = Depends(admin)):
    with engine_of(request).connect() as conn:
        rows = audit.latest(conn)
    return page(request, "admin_audit.html", {"title": "Audit log", "viewer": who, "rows": rows})
