"""The JSON API (Bearer tokens, no cookies for the push):

- ``POST /api/v1/events``: ``Authorization: Bearer TOKEN``, body a JSON array of events in the
  event store's export schema; answers ``{"accepted": N, "duplicates": M, "conflicts": [ids]}``
  (see :mod:`acsi.server.ingest`). 401 without a live token, 403 for another branch's events,
  422 for a malformed event (naming its position and key).
- ``GET /api/v1/indicators?by=branch,month[&since=&until=&min_n=&small_n=&compare=]``: the rows
  of ``acsi device indicators`` for the caller's branches: a collector token sees its branch,
  a session user their scope (clerks none; analysts no ``staff`` unit).
"""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from acsi.server import limits, tokens
from acsi.server.deps import LoginRequired, current_viewer, engine_of
from acsi.server.indicators import indicator_rows
from acsi.server.ingest import push
from acsi.server.scope import Forbidden

router = APIRouter(prefix="/api/v1")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _token_row(request: Request) -> dict | None:
    token = _bearer(request)
    if token is None:
        return None
    with engine_of(request).connect() as conn:
        row = tokens.resolve(conn, token)
    if row is None:
        raise LoginRequired("the collector token is unknown or revoked.")
    return row


@router.post("/events")
async def post_events(request: Request):
    token = _bearer(request)
    if token is None:
        raise LoginRequired("send the collector token as 'Authorization: Bearer TOKEN'.")
    body = await limits.read_body(request, limits.MAX_PUSH_BYTES, "the batch")
    result = await to_thread.run_sync(push, engine_of(request), token, body, limiter=request.app.state.ingest_slots)
    return JSONResponse(result.to_dict())


@router.get("/indicators")
def get_indicators(
    request: Request,
    by: str = "branch,month",
    since: str | None = None,
    until: str | None = None,
    min_n: int = 30,
    small_n: str = "mask",
    compare: bool = True,
):
    row = _token_row(request)
    engine = engine_of(request)
    if row is not None:
        codes: set[str] | None = {row["branch_code"]}
    else:
        who = current_viewer(request)
        if who is None:
            raise LoginRequired("send a collector token or log in.")
        if who.role == "clerk":
            raise Forbidden(f"user {who.name!r} (clerk) sees only their own numbers, on their page.")
        if "staff" in by.split(",") and not who.sees_clerk_names:
            raise Forbidden(f"user {who.name!r} ({who.role}) sees no clerk-level numbers (by=staff).")
        with engine.connect() as conn:
            codes = who.branch_codes(conn)
    with engine.connect() as conn:
        rows = indicator_rows(conn, codes, by=by, since=since, until=until, min_n=min_n, small_n=small_n, compare=compare)
    return JSONResponse({"by": by, "rows": rows})
