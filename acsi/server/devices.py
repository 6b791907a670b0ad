"""Each branch's device set-up on the server: its site file and its device profile, the same
files ``acsi device listen`` reads (:mod:`acsi.ingest.device.site`,
:mod:`acsi.ingest.device.profile`), kept as text in ``branch_devices``.

They serve twice: ``acsi org import --site FILE --profile NAME|FILE`` (and the organisation page)
take the branch's counters and time zone from the site file, and a vendor log uploaded in the
browser is read with the branch's profile and site (:func:`vendor_log_events`), so its events
are exactly those ``acsi device import`` would store, with the same deterministic ids (an
upload repeated, or overlapping an earlier one, adds each press once).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, insert, select, update

from acsi.errors import IngestError, ServerError
from acsi.server import audit
from acsi.server.clock import now_iso
from acsi.server.schema import branch_devices


def parse_site(text: str, *, source: str, branch: str | None = None):
    """A validated :class:`~acsi.ingest.device.site.Site` from YAML text; with ``branch``, the
    file must name that branch (or none)."""
    from acsi.ingest.device.site import site_from_dict

    try:
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, ValueError) as err:
        raise IngestError(f"Site file '{source}' is not valid YAML: {err}", source=source) from err
    site = site_from_dict(data, source=source)
    if branch is not None and site.branch_id not in (None, branch):
        raise IngestError(
            f"Site file '{source}', key 'branch_id': the file is for branch {site.branch_id!r}, not {branch!r}.",
            source=source,
            key="branch_id",
        )
    return site


def parse_profile(text: str, *, source: str):
    """A validated :class:`~acsi.ingest.device.profile.Profile`: YAML text, or the name of a
    shipped profile (one line without a colon, e.g. ``framed-5level``)."""
    import hashlib

    from acsi.ingest.device.profile_load import load_profile, profile_from_dict

    stripped = text.strip()
    if stripped and "\n" not in stripped and ":" not in stripped:
        return load_profile(stripped)
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as err:
        raise IngestError(f"Profile '{source}' is not valid YAML: {err}", source=source) from err
    return profile_from_dict(data, source=source, sha256=hashlib.sha256(text.encode()).hexdigest())


def read_text(path: str | Path) -> str:
    """A site or profile file's text; a bare shipped profile name is returned as it is."""
    file = Path(path)
    return file.read_text(encoding="utf-8") if file.is_file() else str(path)


def save_setup(conn: Connection, branch: str, *, site: str | None, profile: str | None, actor: str | None) -> None:
    """Store the branch's site file and/or profile text (each validated first); audited."""
    if site is not None:
        parse_site(site, source=f"site of {branch}", branch=branch)
    if profile is not None:
        parse_profile(profile, source=f"profile of {branch}")
    values = {k: v for k, v in (("site", site), ("profile", profile)) if v is not None}
    if not values:
        return
    exists = conn.execute(select(branch_devices.c.branch_code).where(branch_devices.c.branch_code == branch)).first()
    if exists:
        conn.execute(update(branch_devices).where(branch_devices.c.branch_code == branch).values(**values, updated_at=now_iso()))
    else:
        conn.execute(insert(branch_devices).values(branch_code=branch, **values, updated_at=now_iso()))
    audit.record(conn, "device_setup_changed", actor=actor, detail=f"branch {branch}: {', '.join(sorted(values))}")


def setup_of(conn: Connection, branch: str) -> dict:
    """{site, profile} texts of the branch (None where not set)."""
    row = conn.execute(select(branch_devices).where(branch_devices.c.branch_code == branch)).mappings().first()
    return {"site": row["site"] if row else None, "profile": row["profile"] if row else None}


def import_sites(
    conn: Connection, sites: list[tuple[str, str]], *, region: str | None, profile: str | None, actor: str | None
) -> dict[str, int]:
    """Import site files ``[(source, text)]``: each file's branch (created in ``region`` when it
    is new, named by its code until renamed), its windows as counters, its time zone, and the
    file itself (with ``profile``, a profile's text or shipped name) as the branch's set-up."""
    from acsi.server.org import upsert
    from acsi.server.schema import branches, counters, regions

    counts = {"sites": 0, "branches": 0, "counters": 0}
    for source, text in sites:
        site = parse_site(text, source=source)
        if site.branch_id is None:
            raise IngestError(f"Site file '{source}', key 'branch_id': missing; the server needs the branch.", source=source)
        row = conn.execute(select(branches.c.id).where(branches.c.code == site.branch_id)).first()
        if row is None:
            region_id = conn.execute(select(regions.c.id).where(regions.c.code == (region or ""))).scalar()
            if region_id is None:
                raise IngestError(
                    f"Site file '{source}': branch {site.branch_id!r} is new; name its region with --region "
                    f"(a region code already imported, found {region!r}).",
                    source=source,
                    key="branch_id",
                )
            branch_id = upsert(
                conn,
                branches,
                {"code": site.branch_id},
                {"name": site.branch_id, "region_id": region_id, "bank_id": site.bank_id, "tz": site.tz},
            )
            counts["branches"] += 1
        else:
            branch_id = int(row[0])
            conn.execute(update(branches).where(branches.c.id == branch_id).values(tz=site.tz))
        for window in sorted({w.window_id for w in site.windows if w.window_id and w.branch_id == site.branch_id}):
            if (
                conn.execute(select(counters.c.id).where(counters.c.branch_id == branch_id, counters.c.code == window)).first()
                is None
            ):
                conn.execute(insert(counters).values(branch_id=branch_id, code=window, name=window))
                counts["counters"] += 1
        save_setup(conn, site.branch_id, site=text, profile=profile, actor=actor)
        counts["sites"] += 1
    return counts


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def vendor_log_events(conn: Connection, branch: str, data: bytes, *, filename: str) -> list[dict]:
    """The events of an uploaded vendor CSV log of ``branch`` (read with its profile and site),
    as dicts in the event export schema, ready for :func:`acsi.server.ingest.store_events`."""
    import tempfile

    from acsi.ingest.device.vendor_log import read_vendor_log

    setup = setup_of(conn, branch)
    if not setup["site"] or not setup["profile"]:
        raise ServerError(
            f"branch {branch!r} has no {'site file' if not setup['site'] else 'device profile'} on the server; "
            "an admin sets both on the organisation page (or acsi org import --site --profile)."
        )
    site = parse_site(setup["site"], source=f"site of {branch}", branch=branch)
    profile = parse_profile(setup["profile"], source=f"profile of {branch}")
    if site.branch_id is None:
        from dataclasses import replace

        site = replace(site, branch_id=branch)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(filename).name or "vendor.csv")
        path.write_bytes(data)
        try:
            frame = read_vendor_log(path, profile, site)
        except IngestError as err:
            raise IngestError(str(err).replace(str(path), filename), source=filename) from err
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
