"""Dashboard pages, their CSV/Excel exports and live updates (server-sent events, polling fallback).

An export calls the same view function as its page, so it passes the same scope check and
carries the same rows; every export is audited.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from acsi.server import audit, views
from acsi.server.deps import checked_form, client_address, engine_of, viewer
from acsi.server.render import page
from acsi.server.schema import branch_state, branches, regions
from acsi.server.scope import Forbidden, NotFound, Viewer, check_branch, check_region
from acsi.server.tables import to_csv, to_xlsx

router = APIRouter()
SSE_SECONDS = 30.0

FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _render(request: Request, who: Viewer, template: str, context: dict):
    """A dashboard page carrying its data version and the scope its live stream watches."""
    params = request.path_params
    live = urlencode({k: params[k] for k in ("branch", "region") if k in params})
    return page(request, template, {**context, "viewer": who, "version": _version(request, context["scope"]), "live": live})


def _version(request: Request, codes: set[str] | None) -> str:
    """A number that changes whenever an event of a branch in ``codes`` (None: all) is stored."""
    query = select(func.coalesce(func.sum(branch_state.c.version), 0))
    if codes is not None:
        query = query.where(branch_state.c.branch_id.in_(sorted(codes)))
    with engine_of(request).connect() as conn:
        return str(conn.execute(query).scalar_one())


def _export(request: Request, who: Viewer, context: dict, table: str, fmt: str, what: str) -> Response:
    if fmt not in FORMATS or table not in context["tables"]:
        raise NotFound(f"no export {table}.{fmt} here; tables: {', '.join(context['tables'])}; formats: csv, xlsx.")
    media, writer = FORMATS[fmt]
    data = writer(context["tables"][table])
    with engine_of(request).begin() as conn:
        audit.record(
            conn,
            "export",
            actor=who.name,
            detail=f"{what} {table}.{fmt} rows={len(context['tables'][table].rows)}",
            address=client_address(request),
        )
    label = context["period"].label if "period" in context else context["label"]
    filename = f"{what.replace('/', '_')}_{table}_{label}.{fmt}"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _dashboard(path: str, template: str, compute, what) -> None:  # noqa: ANN001
    """Register a dashboard page at ``path`` and its export twin at ``path/export/{table}.{fmt}``:
    both call ``compute(conn, viewer, path_params, period, at)``, so an export passes the same
    scope check and carries the same rows as its page."""

    def show(request: Request, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)):
        with engine_of(request).connect() as conn:
            context = compute(conn, who, request.path_params, period, at)
        return _render(request, who, template, context)

    def export(
        request: Request, table: str, fmt: str, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)
    ):
        with engine_of(request).connect() as conn:
            context = compute(conn, who, request.path_params, period, at)
        return _export(request, who, context, table, fmt, what(request.path_params))

    router.add_api_route(path, show, methods=["GET"])
    router.add_api_route(path + "/export/{table}.{fmt}", export, methods=["GET"])


_dashboard("/overview", "overview.html", lambda conn, who, p, k, a: views.overview(conn, who, k, a), lambda p: "overview")
_dashboard(
    "/region/{region}",
    "overview.html",
    lambda conn, who, p, k, a: views.region(conn, who, p["region"], k, a),
    lambda p: f"region/{p['region']}",
)
_dashboard(
    "/branch/{branch}",
    "branch.html",
    lambda conn, who, p, k, a: views.branch(conn, who, p["branch"], k, a),
    lambda p: f"branch/{p['branch']}",
)
_dashboard(
    "/clerk/{staff}",
    "clerk.html",
    lambda conn, who, p, k, a: views.clerk(conn, who, p["staff"], k, a),
    lambda p: f"clerk/{p['staff']}",
)


@router.get("/live")
def live(request: Request, who: Viewer = Depends(viewer)):
    """The data version of the viewer's scope; the polling fallback of pages without
    server-sent events (every 2 s, reload when it moves)."""
    with engine_of(request).connect() as conn:
        codes = who.branch_codes(conn)
    return JSONResponse({"version": _version(request, codes)}, headers={"Cache-Control": "no-store"})


def _live_scope(request: Request, who: Viewer, branch: str | None, region: str | None) -> set[str] | None:
    """The branches a live stream watches: ``branch`` or ``region`` (checked against the
    viewer's scope like their pages), else the viewer's whole scope."""
    with engine_of(request).connect() as conn:
        codes = who.branch_codes(conn)
        if branch:
            check_branch(conn, who, branch)
            return {branch}
        if region:
            check_region(conn, who, region)
            inside = {r[0] for r in conn.execute(select(branches.c.code).join(regions).where(regions.c.code == region))}
            return inside if codes is None else inside & codes
    return codes


@router.get("/live/stream")
async def live_stream(request: Request, branch: str | None = None, region: str | None = None, who: Viewer = Depends(viewer)):
    """Server-sent events (``text/event-stream``): an ``event: version`` whenever the data
    version of the watched branches moves (checked every second). A stream ends after
    ``app.state.sse_seconds`` (default 30 s) and the browser reconnects (``retry``), so a
    server shutdown never waits long for open streams and a revoked session stops at once."""
    codes = _live_scope(request, who, branch, region)
    seconds = getattr(request.app.state, "sse_seconds", SSE_SECONDS)

    async def stream():
        deadline = time.monotonic() + seconds
        last = None
        yield "retry: 1000\n\n"
        while True:
            version = await run_in_threadpool(_version, request, codes)
            if version != last:
                last = version
                yield f"event: version\ndata: {version}\n\n"
            if time.monotonic() >= deadline or await request.is_disconnected():
                return
            await asyncio.sleep(1)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


@router.get("/survey")
def survey_page(request: Request, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _render(request, who, "survey.html", context)


async def _upload_text(upload) -> str | None:  # noqa: ANN001
    """The text of an optional uploaded file (None when no file was chosen)."""
    if upload is None or not hasattr(upload, "read"):
        return None
    text = (await upload.read()).decode("utf-8", "replace")
    return text if text.strip() else None


@router.post("/survey")
async def survey_upload(request: Request, who: Viewer = Depends(viewer), form: dict = Depends(checked_form)):
    """Upload a survey CSV (admin, head office, analyst), optionally with a model spec, a mapping
    file, a target construct and the name of the branch column; the analysis runs once, here."""
    from acsi.errors import AcsiError
    from acsi.server import survey

    upload = form.get("file")
    uploads = [form.get(k) for k in ("file", "spec", "mapping")]
    try:
        if who.role not in views.SURVEY_UPLOADERS:
            raise Forbidden(f"user {who.name!r} ({who.role}) may not upload surveys.")
        message = ""
        if upload is None or not hasattr(upload, "read"):
            message = "Choose a survey file (CSV with a 'branch' column) to upload."
        else:
            data = await upload.read()
            spec_text, mapping_text = await _upload_text(form.get("spec")), await _upload_text(form.get("mapping"))
            options = {
                "source": upload.filename or "upload",
                "spec_text": spec_text,
                "mapping_text": mapping_text,
                "target": str(form.get("target") or "").strip() or None,
                "group": str(form.get("group") or "").strip() or "branch",
            }
            try:
                result = await run_in_threadpool(lambda: survey.analyse(data, **options))
            except (AcsiError, ValueError) as err:
                message = f"The survey could not be analysed: {err}"
            else:
                with engine_of(request).begin() as conn:
                    survey.store(conn, upload.filename or "upload", result, actor=who.name)
    finally:
        for item in uploads:
            if hasattr(item, "close"):
                await item.close()
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _render(request, who, "survey.html", {**context, "message": message})  # 200 after a good upload


@router.get("/survey/export/{table}.{fmt}")
def survey_export(request: Request, table: str, fmt: str, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _export(request, who, context, table, fmt, "survey")
