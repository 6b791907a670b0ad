"""Dashboard pages, their CSV/Excel exports and the live-update probe.

An export calls the same view function as its page, so it passes the same scope check and
carries the same rows; every export is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from acsi.server import audit, views
from acsi.server.deps import checked_form, client_address, engine_of, viewer
from acsi.server.render import page
from acsi.server.schema import branch_state
from acsi.server.scope import Forbidden, NotFound, Viewer
from acsi.server.tables import to_csv, to_xlsx

router = APIRouter()

FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def _render(request: Request, who: Viewer, template: str, context: dict):
    return page(request, template, {**context, "viewer": who, "version": _version(request, context["scope"])})


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


@router.get("/overview")
def overview_page(request: Request, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.overview(conn, who, period, at)
    return _render(request, who, "overview.html", context)


@router.get("/overview/export/{table}.{fmt}")
def overview_export(
    request: Request, table: str, fmt: str, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)
):
    with engine_of(request).connect() as conn:
        context = views.overview(conn, who, period, at)
    return _export(request, who, context, table, fmt, "overview")


@router.get("/region/{region}")
def region_page(request: Request, region: str, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.region(conn, who, region, period, at)
    return _render(request, who, "overview.html", context)


@router.get("/region/{region}/export/{table}.{fmt}")
def region_export(
    request: Request,
    region: str,
    table: str,
    fmt: str,
    period: str | None = None,
    at: str | None = None,
    who: Viewer = Depends(viewer),
):
    with engine_of(request).connect() as conn:
        context = views.region(conn, who, region, period, at)
    return _export(request, who, context, table, fmt, f"region/{region}")


@router.get("/branch/{branch}")
def branch_page(request: Request, branch: str, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.branch(conn, who, branch, period, at)
    return _render(request, who, "branch.html", context)


@router.get("/branch/{branch}/export/{table}.{fmt}")
def branch_export(
    request: Request,
    branch: str,
    table: str,
    fmt: str,
    period: str | None = None,
    at: str | None = None,
    who: Viewer = Depends(viewer),
):
    with engine_of(request).connect() as conn:
        context = views.branch(conn, who, branch, period, at)
    return _export(request, who, context, table, fmt, f"branch/{branch}")


@router.get("/clerk/{staff}")
def clerk_page(request: Request, staff: str, period: str | None = None, at: str | None = None, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.clerk(conn, who, staff, period, at)
    return _render(request, who, "clerk.html", context)


@router.get("/clerk/{staff}/export/{table}.{fmt}")
def clerk_export(
    request: Request,
    staff: str,
    table: str,
    fmt: str,
    period: str | None = None,
    at: str | None = None,
    who: Viewer = Depends(viewer),
):
    with engine_of(request).connect() as conn:
        context = views.clerk(conn, who, staff, period, at)
    return _export(request, who, context, table, fmt, f"clerk/{staff}")


@router.get("/live")
def live(request: Request, who: Viewer = Depends(viewer)):
    """The data version of the viewer's scope; pages poll it every 2 s and reload when it moves."""
    with engine_of(request).connect() as conn:
        codes = who.branch_codes(conn)
    return JSONResponse({"version": _version(request, codes)}, headers={"Cache-Control": "no-store"})


@router.get("/survey")
def survey_page(request: Request, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _render(request, who, "survey.html", context)


@router.post("/survey")
async def survey_upload(request: Request, who: Viewer = Depends(viewer), form: dict = Depends(checked_form)):
    """Upload a survey CSV (admin, head office, analyst); the analysis runs once, here."""
    from starlette.concurrency import run_in_threadpool

    from acsi.errors import AcsiError
    from acsi.server import survey

    upload = form.get("file")
    try:
        if who.role not in views.SURVEY_UPLOADERS:
            raise Forbidden(f"user {who.name!r} ({who.role}) may not upload surveys.")
        message = ""
        if upload is None or not hasattr(upload, "read"):
            message = "Choose a survey file (CSV with a 'branch' column) to upload."
        else:
            data = await upload.read()
            try:
                result = await run_in_threadpool(survey.analyse, data, source=upload.filename or "upload")
            except (AcsiError, ValueError) as err:
                message = f"The survey could not be analysed: {err}"
            else:
                with engine_of(request).begin() as conn:
                    survey.store(conn, upload.filename or "upload", result, actor=who.name)
    finally:
        if hasattr(upload, "close"):
            await upload.close()
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _render(request, who, "survey.html", {**context, "message": message})  # 200 after a good upload


@router.get("/survey/export/{table}.{fmt}")
def survey_export(request: Request, table: str, fmt: str, who: Viewer = Depends(viewer)):
    with engine_of(request).connect() as conn:
        context = views.survey_view(conn, who)
    return _export(request, who, context, table, fmt, "survey")
