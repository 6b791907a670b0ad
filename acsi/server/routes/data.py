"""A branch's data page: its events of one day with their corrections (void, reassign, restore;
:mod:`acsi.server.corrections`) and the upload of a vendor log (read with the branch's device
profile and site file, :mod:`acsi.server.devices`). Admins for any branch, the branch manager
for their own branch; everyone else 403."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from acsi.errors import AcsiError, ParameterError
from acsi.server import audit, corrections, devices, queries
from acsi.server.deps import checked_form, engine_of, viewer
from acsi.server.render import page
from acsi.server.routes.forms import apply_change
from acsi.server.scope import Viewer, check_branch

router = APIRouter(prefix="/branch/{branch}/data")


def _day(value: str | None, default: dt.date) -> str:
    if not value:
        return default.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise ParameterError(f"day must be a date YYYY-MM-DD, found {value!r}.") from err


def _allowed(request: Request, who: Viewer, branch: str) -> None:
    corrections.check_corrector(who, branch)
    with engine_of(request).connect() as conn:
        check_branch(conn, who, branch)


def _data_page(
    request: Request,
    who: Viewer,
    branch: str,
    day: str | None = None,
    counter: str | None = None,
    message: str = "",
    status_code: int = 200,
):
    _allowed(request, who, branch)
    with engine_of(request).connect() as conn:
        shown_day = _day(day, queries.latest_day(conn, {branch}))
        context = {
            "title": f"Data of branch {branch}",
            "branch": branch,
            "day": shown_day,
            "counter": counter or "",
            "events": corrections.day_events(conn, branch, shown_day, counter or None),
            "history": corrections.history(conn, branch),
            "setup": devices.setup_of(conn, branch),
            "limit": corrections.LIST_LIMIT,
        }
    return page(request, "branch_data.html", {**context, "viewer": who, "message": message}, status_code=status_code)


@router.get("")
def data_page(request: Request, branch: str, day: str | None = None, counter: str | None = None, who: Viewer = Depends(viewer)):
    return _data_page(request, who, branch, day, counter)


@router.post("/correct")
def correct_event(request: Request, branch: str, who: Viewer = Depends(viewer), form: dict = Depends(checked_form)):
    """Void, reassign or restore one event of the branch (a reason is required); audited."""
    _allowed(request, who, branch)
    day = str(form.get("day") or "")

    def change(conn) -> None:  # noqa: ANN001
        corrections.correct(
            conn,
            branch,
            str(form.get("event_id") or ""),
            str(form.get("action") or ""),
            reason=str(form.get("reason") or ""),
            actor=who.name,
            window_id=str(form.get("window_id") or ""),
            staff_id=str(form.get("staff_id") or ""),
        )

    done = f"/branch/{quote(branch, safe='')}/data?{urlencode({'day': day})}" if day else f"/branch/{quote(branch, safe='')}/data"
    return apply_change(
        request, change, done, lambda message: _data_page(request, who, branch, day or None, message=message, status_code=422)
    )


@router.post("/vendor-log")
async def vendor_log(request: Request, branch: str, who: Viewer = Depends(viewer), form: dict = Depends(checked_form)):
    """Upload a vendor CSV log of this branch: its events are stored like pushed ones (idempotent
    by event id; events of another branch refuse the whole file)."""
    from acsi.server import ingest

    upload = form.get("file")
    try:
        _allowed(request, who, branch)
        if upload is None or not hasattr(upload, "read"):
            return _data_page(request, who, branch, message="Choose a vendor log (CSV) to upload.", status_code=422)
        data, name = await upload.read(), upload.filename or "vendor.csv"
    finally:
        if hasattr(upload, "close"):
            await upload.close()
    engine = engine_of(request)

    def read() -> list[dict]:
        with engine.connect() as conn:
            return devices.vendor_log_events(conn, branch, data, filename=name)

    def store(rows: list[dict]) -> ingest.IngestResult:
        """In batches of the push API's size (a log may hold a year of presses); each batch is one
        transaction, and a failed upload can simply be repeated (ids are deterministic)."""
        total = ingest.IngestResult()
        for start in range(0, len(rows), ingest.MAX_BATCH):
            part = ingest.store_events(engine, rows[start : start + ingest.MAX_BATCH], branch=branch, actor=who.name)
            total.accepted += part.accepted
            total.duplicates += part.duplicates
            total.conflicts += part.conflicts
        return total

    try:
        rows = await run_in_threadpool(read)
        result = await run_in_threadpool(store, rows)
    except AcsiError as err:
        return _data_page(request, who, branch, message=f"Not imported: {err}", status_code=422)
    with engine.begin() as conn:
        audit.record(
            conn,
            "vendor_log_uploaded",
            actor=who.name,
            detail=f"branch {branch} file {name}: {len(rows)} rows, {result.accepted} new, {result.duplicates} already stored, "
            f"{len(result.conflicts)} conflicts",
        )
    message = (
        f"{name}: {len(rows)} rows read, {result.accepted} new events stored, {result.duplicates} already stored"
        + (f", {len(result.conflicts)} conflicting ids kept aside" if result.conflicts else "")
        + "."
    )
    return _data_page(request, who, branch, message=message)
