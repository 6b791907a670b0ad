"""The ASGI application (FastAPI on Uvicorn): :func:`create_app` wires the engine, the session
signer, the templates and the routes, and maps our errors to HTTP answers.

Why FastAPI: its dependency injection gives one place per request for the viewer and the CSRF
check (``acsi.server.deps``), its route table is plain data the permission-matrix test walks,
and ``TestClient`` runs the whole app in-process for the tests; Uvicorn serves it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from anyio import CapacityLimiter
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from acsi.errors import PayloadTooLarge
from acsi.server.db import open_database
from acsi.server.deps import CsrfRejected, LoginRequired, current_viewer
from acsi.server.ingest import CONCURRENT_PUSHES, BranchRefused, EventError
from acsi.server.render import make_environment, page
from acsi.server.routes import admin, api, auth, data, org_admin, pages
from acsi.server.scope import Forbidden, NotFound
from acsi.server.sessions import Signer, secret_key

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("acsi.server")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/live") or "/export/" in request.url.path


def _error(request: Request, status: int, message: str):
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(
        request,
        "error.html",
        {"title": f"Error {status}", "status": status, "message": message, "viewer": current_viewer(request)},
        status_code=status,
    )


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the application answers (HEAD and static files aside), walking
    included routers of any FastAPI version; the permission-matrix test is generated from it."""
    from fastapi.routing import APIRoute

    found: list[tuple[str, str]] = []

    def walk(routes) -> None:  # noqa: ANN001
        for route in routes:
            if isinstance(route, APIRoute):
                found.extend((method, route.path) for method in sorted(route.methods - {"HEAD"}))
            elif hasattr(route, "original_router"):  # FastAPI >= 0.160 wraps included routers
                walk(route.original_router.routes)

    walk(app.routes)
    return found


def create_app(db: str | Engine) -> FastAPI:
    """The application on database URL ``db`` (migrated on start) or an existing engine."""
    engine = open_database(db) if isinstance(db, str) else db
    app = FastAPI(title="acsi server", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.ingest_slots = CapacityLimiter(CONCURRENT_PUSHES)
    app.state.signer = Signer(secret_key(engine))
    app.state.templates = make_environment()
    for module in (auth, pages, data, admin, org_admin, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, err: LoginRequired):
        if _is_api(request):
            return JSONResponse({"error": str(err)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        return _error(request, 401, str(err))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, err: Forbidden):
        return _error(request, 403, str(err))

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, err: CsrfRejected):
        return _error(request, 403, str(err))

    @app.exception_handler(BranchRefused)
    async def _refused(request: Request, err: BranchRefused):
        return JSONResponse({"error": str(err), "refused": [e[1] for e in err.wrong]}, status_code=403)

    @app.exception_handler(PayloadTooLarge)
    async def _too_large(request: Request, err: PayloadTooLarge):
        return _error(request, 413, str(err))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, err: NotFound):
        return _error(request, 404, str(err))

    @app.exception_handler(EventError)
    async def _bad_event(request: Request, err: EventError):
        return JSONResponse({"error": str(err), "index": err.index, "key": err.key}, status_code=422)

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, err: ValueError):
        return _error(request, 422, str(err))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, err: RequestValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        return _error(request, 422, problems)

    return app


def app_from_environment() -> FastAPI:
    """Factory for Uvicorn worker processes (``acsi serve --workers N``): the database URL comes
    from ``$ACSI_SERVER_DB``, set by the parent before the workers start."""
    import os

    return create_app(os.environ["ACSI_SERVER_DB"])
