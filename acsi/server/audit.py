"""The audit log: logins, failed logins, role changes, token changes, exports, data conflicts,
organisation edits, data corrections, clerk-name grants and uploads.

Rows are only ever inserted. ``detail`` never holds a password or a token (callers pass names,
ids and token prefixes only; a test captures every log line and row to check).
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from acsi.errors import ParameterError
from acsi.server.clock import now_iso
from acsi.server.schema import audit_log

ACTIONS = (
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "user_added",
    "role_changed",
    "token_added",
    "token_revoked",
    "export",
    "org_imported",
    "event_conflict",
    "events_refused",
    "survey_uploaded",
    "clerk_names_granted",
    "clerk_names_revoked",
    "org_changed",
    "event_corrected",
    "vendor_log_uploaded",
    "device_setup_changed",
)


def record(conn: Connection, action: str, *, actor: str | None, detail: str = "", address: str | None = None) -> None:
    """Append one audit row inside the caller's transaction."""
    if action not in ACTIONS:
        raise ParameterError(f"unknown audit action {action!r}")
    conn.execute(insert(audit_log).values(at=now_iso(), actor=actor, action=action, detail=detail, address=address))


def latest(conn: Connection, limit: int = 200) -> list[dict]:
    """The newest audit rows first."""
    rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]
