"""Login and logout (sessions rotate at login; logout revokes the session at once)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from acsi.server import audit, sessions
from acsi.server.deps import (
    CsrfRejected,
    checked_form,
    client_address,
    current_viewer,
    engine_of,
)
from acsi.server.render import page
from acsi.server.users import check_password, dummy_hash, find_user

router = APIRouter()

HOME = {"admin": "/overview", "head_office": "/overview", "analyst": "/overview"}


def home_of(viewer) -> str:  # noqa: ANN001
    if viewer.role in HOME:
        return HOME[viewer.role]
    prefix = {"region_manager": "/region/", "branch_manager": "/branch/", "clerk": "/clerk/"}[viewer.role]
    return prefix + (viewer.scope or "")


def _login_page(request: Request, message: str = "", status_code: int = 200):
    cookie, token = request.app.state.signer.login_csrf()
    response = page(
        request, "login.html", {"title": "Log in", "csrf": token, "message": message, "viewer": None}, status_code=status_code
    )
    response.set_cookie(
        sessions.LOGIN_COOKIE, cookie, httponly=True, samesite="strict", secure=request.url.scheme == "https", max_age=3600
    )
    return response


@router.get("/")
def root(request: Request):
    found = current_viewer(request)
    return RedirectResponse("/login" if found is None else home_of(found), status_code=303)


@router.get("/login")
def login_form(request: Request):
    return _login_page(request)


@router.post("/login")
async def login(request: Request):
    form = await request.form()
    name, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    if not request.app.state.signer.check_login_csrf(request.cookies.get(sessions.LOGIN_COOKIE), form.get("csrf")):
        raise CsrfRejected("the login form's CSRF token is missing or wrong; reload the page.")
    address = client_address(request)
    engine = engine_of(request)
    with engine.begin() as conn:
        if sessions.throttled(conn, name, address):
            audit.record(conn, "login_throttled", actor=name, address=address)
            return _login_page(request, "Too many failed logins; wait 15 minutes.", status_code=429)
        user = find_user(conn, name)
        ok = check_password(user["password_hash"] if user else dummy_hash(), password) and bool(user and user["active"])
        sessions.record_attempt(conn, name, address, ok)
        if not ok:
            audit.record(conn, "login_failed", actor=name, address=address)
    if not ok:
        return _login_page(request, "Wrong user name or password.", status_code=401)
    with engine.begin() as conn:
        old = request.app.state.signer.session_id(request.cookies.get(sessions.COOKIE))
        if old:
            sessions.revoke_session(conn, old)  # rotation: never keep a session id across a login
        session_id = sessions.create_session(conn, user["id"])
        audit.record(conn, "login", actor=name, address=address)
    from acsi.server.scope import Viewer

    target = home_of(Viewer(user["id"], user["name"], user["role"], user["scope"]))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        request.app.state.signer.sign_session(session_id),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=sessions.SESSION_SECONDS,
    )
    response.delete_cookie(sessions.LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, form: dict = Depends(checked_form)):
    session_id = request.app.state.signer.session_id(request.cookies.get(sessions.COOKIE))
    viewer = current_viewer(request)
    with engine_of(request).begin() as conn:
        if session_id:
            sessions.revoke_session(conn, session_id)
        audit.record(conn, "logout", actor=viewer.name if viewer else None, address=client_address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response
