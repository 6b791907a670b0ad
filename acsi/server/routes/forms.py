"""The one pattern of every admin and correction form: run the change in a transaction, then
redirect (303, post/redirect/get) or show the page again with the error (our error classes)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Connection

from acsi.errors import AcsiError
from acsi.server.deps import engine_of


def apply_change(request: Request, change: Callable[[Connection], object], done: str, on_error: Callable[[str], object]):
    """Run ``change(conn)`` in one transaction; redirect to ``done``, or answer ``on_error(message)``
    when it raises an :class:`~acsi.errors.AcsiError` (nothing is written then)."""
    try:
        with engine_of(request).begin() as conn:
            change(conn)
    except AcsiError as err:
        return on_error(str(err))
    return RedirectResponse(done, status_code=303)
