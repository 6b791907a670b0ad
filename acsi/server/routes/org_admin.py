"""Organisation pages of admins: import a file, add and change regions, branches, counters and
staff field by field, move branches and staff, (de)activate, and each branch's device set-up
(site file and profile, used by vendor-log uploads). Every change is audited
(:mod:`acsi.server.org_edit`, :mod:`acsi.server.devices`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request

from acsi.errors import AcsiError
from acsi.server import devices, org_edit
from acsi.server.deps import admin, checked_form, engine_of
from acsi.server.render import page
from acsi.server.routes.forms import apply_change
from acsi.server.scope import Viewer

router = APIRouter(prefix="/admin/org")


def _text(form: dict, key: str) -> str | None:
    value = form.get(key)
    return None if value is None or hasattr(value, "read") else str(value)


def _fields(form: dict, *keys: str) -> dict:
    return {k: _text(form, k) for k in keys if _text(form, k) is not None}


def _org_page(request: Request, who: Viewer, message: str = "", status_code: int = 200):
    with engine_of(request).connect() as conn:
        context = org_edit.organisation(conn)
    return page(
        request,
        "admin_org.html",
        {"title": "Organisation", "viewer": who, "message": message, **context},
        status_code=status_code,
    )


def _branch_page(request: Request, who: Viewer, code: str, message: str = "", status_code: int = 200):
    with engine_of(request).connect() as conn:
        try:
            context = org_edit.branch_detail(conn, code)
        except AcsiError as err:
            return _org_page(request, who, str(err), status_code=404)
        context.update(org_edit.organisation(conn), setup=devices.setup_of(conn, code))
    return page(
        request,
        "admin_org_branch.html",
        {"title": f"Branch {code}", "viewer": who, "message": message, **context},
        status_code=status_code,
    )


def _on_org(request: Request, who: Viewer):
    return lambda message: _org_page(request, who, message, status_code=422)


def _on_branch(request: Request, who: Viewer, code: str):
    return lambda message: _branch_page(request, who, code, message, status_code=422)


def _branch_url(code: str) -> str:
    return f"/admin/org/branch/{quote(code, safe='')}"


@router.get("")
def org_page(request: Request, who: Viewer = Depends(admin)):
    return _org_page(request, who)


@router.post("")
async def org_upload(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Import an organisation file (YAML or CSV, as ``acsi org import``) uploaded by an admin."""
    import tempfile
    from pathlib import Path

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


@router.post("/regions")
def add_region(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    code, name = _text(form, "code") or "", _text(form, "name") or ""
    return apply_change(
        request, lambda conn: org_edit.add_region(conn, code, name, actor=who.name), "/admin/org", _on_org(request, who)
    )


@router.post("/region/{region}")
def edit_region(request: Request, region: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    fields = _fields(form, "name", "active")
    return apply_change(
        request, lambda conn: org_edit.edit_region(conn, region, fields, actor=who.name), "/admin/org", _on_org(request, who)
    )


@router.post("/branches")
def add_branch(request: Request, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    code, name = _text(form, "code") or "", _text(form, "name") or ""
    region, tz = _text(form, "region") or "", _text(form, "tz") or ""
    return apply_change(
        request,
        lambda conn: org_edit.add_branch(conn, code, name, region, tz, actor=who.name),
        _branch_url(code),
        _on_org(request, who),
    )


@router.get("/branch/{branch}")
def branch_page(request: Request, branch: str, who: Viewer = Depends(admin)):
    return _branch_page(request, who, branch)


@router.post("/branch/{branch}")
def edit_branch(request: Request, branch: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Change a branch's fields; back to the list (``back=list``) or to the branch's page."""
    fields = _fields(form, "name", "region", "tz", "active")
    to_list = _text(form, "back") == "list"
    return apply_change(
        request,
        lambda conn: org_edit.edit_branch(conn, branch, fields, actor=who.name),
        "/admin/org" if to_list else _branch_url(branch),
        _on_org(request, who) if to_list else _on_branch(request, who, branch),
    )


@router.post("/branch/{branch}/counters")
def add_counter(request: Request, branch: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    code, name = _text(form, "code") or "", _text(form, "name") or ""
    return apply_change(
        request,
        lambda conn: org_edit.add_counter(conn, branch, code, name, actor=who.name),
        _branch_url(branch),
        _on_branch(request, who, branch),
    )


@router.post("/branch/{branch}/counter/{counter}")
def edit_counter(request: Request, branch: str, counter: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    fields = _fields(form, "name", "active")
    return apply_change(
        request,
        lambda conn: org_edit.edit_counter(conn, branch, counter, fields, actor=who.name),
        _branch_url(branch),
        _on_branch(request, who, branch),
    )


@router.post("/branch/{branch}/staff")
def add_staff(request: Request, branch: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    code, name = _text(form, "code") or "", _text(form, "name") or ""
    counter, since = _text(form, "counter"), _text(form, "since")
    return apply_change(
        request,
        lambda conn: org_edit.add_staff(conn, code, name, branch, counter, since, actor=who.name),
        _branch_url(branch),
        _on_branch(request, who, branch),
    )


@router.post("/staff/{staff}")
def edit_staff(request: Request, staff: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Rename, (de)activate, or move a staff member (``branch``, ``counter``, ``since``); back to
    the page of the branch the form came from (``back``)."""
    fields = _fields(form, "name", "active", "branch", "counter", "since")
    back = _text(form, "back") or ""
    done = _branch_url(back) if back else "/admin/org"
    on_error = _on_branch(request, who, back) if back else _on_org(request, who)
    return apply_change(request, lambda conn: org_edit.edit_staff(conn, staff, fields, actor=who.name), done, on_error)


@router.post("/branch/{branch}/devices")
async def device_setup(request: Request, branch: str, who: Viewer = Depends(admin), form: dict = Depends(checked_form)):
    """Set the branch's site file (upload) and/or device profile (upload, or a shipped name)."""
    site_upload, profile_upload = form.get("site"), form.get("profile_file")
    try:
        site = (await site_upload.read()).decode("utf-8", "replace") if hasattr(site_upload, "read") else None
        profile = (await profile_upload.read()).decode("utf-8", "replace") if hasattr(profile_upload, "read") else None
    finally:
        for upload in (site_upload, profile_upload):
            if hasattr(upload, "close"):
                await upload.close()
    site = site if site and site.strip() else None
    profile = profile if profile and profile.strip() else (_text(form, "profile_name") or "").strip() or None

    def change(conn) -> None:  # noqa: ANN001
        org_edit.branch_detail(conn, branch)  # the branch exists
        devices.save_setup(conn, branch, site=site, profile=profile, actor=who.name)

    return apply_change(request, change, _branch_url(branch), _on_branch(request, who, branch))
