"""Request dependencies: the database, the viewer behind the session cookie, role checks, CSRF.

Every page and export resolves its viewer here; the node a route asks for (region, branch,
staff member) is checked by :mod:`acsi.server.scope` inside the view that reads the data, so
the data query and the check use the same branch set.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import Engine

from acsi.errors import AcsiError, CsrfRejected, LoginRequired
from acsi.server import limits, sessions
from acsi.server.scope import Forbidden, Viewer


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_viewer(request: Request) -> Viewer | None:
    """The viewer of a live session, or None."""
    signer = request.app.state.signer
    session_id = signer.session_id(request.cookies.get(sessions.COOKIE))
    if session_id is None:
        return None
    with engine_of(request).connect() as conn:
        row = sessions.load_session(conn, session_id)
    if row is None:
        return None
    return Viewer(
        user_id=row["id"],
        name=row["name"],
        role=row["role"],
        scope=row["scope"],
        csrf=row["csrf"],
        clerk_names_granted=bool(row["clerk_names"]),
    )


def viewer(request: Request) -> Viewer:
    """Dependency: the logged-in viewer (else :class:`LoginRequired`)."""
    found = current_viewer(request)
    if found is None:
        raise LoginRequired("log in first")
    return found


def admin(request: Request) -> Viewer:
    """Dependency: a logged-in admin (else 403)."""
    found = viewer(request)
    if found.role != "admin":
        raise Forbidden(f"user {found.name!r} ({found.role}) is not an admin.")
    return found


async def checked_form(request: Request) -> dict:
    """The posted form, after checking its size (:mod:`acsi.server.limits`) and its CSRF token
    against the session's."""
    limits.refuse_declared_size(request, limits.MAX_FORM_BYTES, "the form")
    data = await request.form()
    form = dict(data)
    try:
        limits.refuse_large_files(data, limits.MAX_FORM_BYTES)
        found = viewer(request)
        if not sessions.check_csrf(found.csrf, form.get("csrf")):  # type: ignore[arg-type]
            raise CsrfRejected("the form's CSRF token is missing or wrong; reload the page and try again.")
    except AcsiError:
        await data.close()  # uploaded files of a refused form
        raise
    return form
