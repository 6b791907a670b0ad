"""Admin pages: users (add, change role), collector tokens (create: shown once; revoke), audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from acsi.server import audit, tokens, users
from acsi.server.db import ServerError
from acsi.server.deps import admin, checked_form, engine_of
from acsi.server.render import page
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


@router.get("/users")
def users_page(request: Request, who: Viewer = Depends(admin)):
    return _users_page(request, who)


@router.post("/users")
def add_user(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    try:
        with engine_of(request).begin() as conn:
            users.add_user(
                conn,
                str(form.get("name", "")),
                str(form.get("role", "")),
                str(form.get("password", "")),
                str(form.get("scope", "")).strip() or None,
                actor=who.name,
            )
    except ServerError as err:
        return _users_page(request, who, str(err), status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: int, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    try:
        with engine_of(request).begin() as conn:
            users.set_role(conn, user_id, str(form.get("role", "")), str(form.get("scope", "")).strip() or None, actor=who.name)
    except ServerError as err:
        return _users_page(request, who, str(err), status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


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
    try:
        with engine_of(request).begin() as conn:
            tokens.revoke_token(conn, token_id, actor=who.name)
    except ServerError as err:
        return _tokens_page(request, who, message=str(err), status_code=404)
    return RedirectResponse("/admin/tokens", status_code=303)


@router.get("/audit")
def audit_page(request: Request, who: Viewer = Depends(admin)):
    with engine_of(request).connect() as conn:
        rows = audit.latest(conn)
    return page(request, "admin_audit.html", {"title": "Audit log", "viewer": who, "rows": rows})


def _org_page(request: Request, who: Viewer, message: str = "", status_code: int = 200):
    from acsi.server.org import branch_names

    with engine_of(request).connect() as conn:
        rows = sorted(branch_names(conn).values(), key=lambda r: (r["region"] or "", r["code"]))
    return page(
        request,
        "admin_org.html",
        {"title": "Organisation", "viewer": who, "branches": rows, "message": message},
        status_code=status_code,
    )


@router.get("/org")
def org_page(request: Request, who: Viewer = Depends(admin)):
    return _org_page(request, who)


@router.post("/org")
async def org_upload(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Import an organisation file (YAML or CSV, as ``acsi org import``) uploaded by an admin."""
    import tempfile
    from pathlib import Path

    from acsi.errors import AcsiError
    from acsi.server.org import import_org, read_org_file

    upload = form.get("file")
    try:
        if upload is None or not hasattr(upload, "read"):
            return _org_page(request, who, "Choose an organisation file (.yaml, .yml or .csv).", status_code=422)
        suffix = Path(upload.filename or "org.yaml").suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"org{suffix}"
            path.write_bytes(await upload.read())
            try:
                data = read_org_file(path)
                with engine_of(request).begin() as conn:
                    counts = import_org(conn, data, actor=who.name)
            except AcsiError as err:
                return _org_page(
                    request, who, f"Not imported: {str(err).replace(str(path), upload.filename or '')}", status_code=422
                )
    finally:
        if hasattr(upload, "close"):
            await upload.close()
    return _org_page(request, who, "Imported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
