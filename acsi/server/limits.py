"""Size limits on what a request may bring: refused with HTTP 413 before the body is parsed
when the client declares its size (``Content-Length``), and while reading when it does not.

OWASP's File Upload Cheat Sheet: "Set a file size limit"; a pad collector's batch is a few
hundred kilobytes, a branch's vendor log or a survey file a few megabytes.
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from acsi.errors import PayloadTooLarge

#: Largest accepted form post (every uploaded file together), in bytes.
MAX_FORM_BYTES = 64 * 2**20
#: Largest accepted body of ``POST /api/v1/events``, in bytes.
MAX_PUSH_BYTES = 16 * 2**20


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def refuse_declared_size(request: Request, limit: int, what: str) -> None:
    """Raise :class:`PayloadTooLarge` when the request's ``Content-Length`` exceeds ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"{what} is {_megabytes(int(declared))}; the server accepts at most {_megabytes(limit)}.")


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused as soon as it grows past ``limit`` bytes."""
    refuse_declared_size(request, limit, what)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"{what} is larger than {_megabytes(limit)}, the most the server accepts.")
        chunks.append(chunk)
    return b"".join(chunks)


def refuse_large_files(form: FormData, limit: int) -> None:
    """Raise :class:`PayloadTooLarge` when the uploaded files of ``form`` hold more than ``limit`` bytes."""
    total = sum(value.size or 0 for _, value in form.multi_items() if isinstance(value, UploadFile))
    if total > limit:
        raise PayloadTooLarge(f"the uploaded files hold {_megabytes(total)}; the server accepts at most {_megabytes(limit)}.")
