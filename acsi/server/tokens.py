"""Collector tokens: one per branch PC, bound to one branch, shown once, stored as SHA-256.

A token is ``acsi_`` + 32 random URL-safe bytes; its first 12 characters (the prefix) are kept
in clear to tell tokens apart in lists and the audit log. Revocation takes effect at the next
request: every push looks the hash up with ``revoked_at IS NULL``.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, insert, select, update

from acsi.server import audit
from acsi.server.clock import now_iso
from acsi.server.db import ServerError
from acsi.server.schema import branches, collector_tokens

PREFIX_CHARS = 12


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_token(conn: Connection, branch: str, label: str = "", *, actor: str | None = None) -> tuple[int, str]:
    """A new token for ``branch``: (id, token). The token is returned once and never stored."""
    if conn.execute(select(branches.c.id).where(branches.c.code == branch)).first() is None:
        raise ServerError(f"Branch {branch!r} is not in the organisation; import it first (acsi org import).")
    token = "acsi_" + secrets.token_urlsafe(32)
    new_id = conn.execute(
        insert(collector_tokens).values(
            token_hash=_digest(token), prefix=token[:PREFIX_CHARS], branch_code=branch, label=label, created_at=now_iso()
        )
    ).inserted_primary_key[0]
    audit.record(conn, "token_added", actor=actor, detail=f"token={token[:PREFIX_CHARS]}... id={new_id} branch={branch}")
    return int(new_id), token


def revoke_token(conn: Connection, token_id: int, *, actor: str | None = None) -> None:
    row = conn.execute(select(collector_tokens).where(collector_tokens.c.id == token_id)).mappings().first()
    if row is None:
        raise ServerError(f"No collector token with id {token_id}; see acsi tokens list.")
    if row["revoked_at"] is None:
        conn.execute(update(collector_tokens).where(collector_tokens.c.id == token_id).values(revoked_at=now_iso()))
        audit.record(
            conn, "token_revoked", actor=actor, detail=f"token={row['prefix']}... id={token_id} branch={row['branch_code']}"
        )


def resolve(conn: Connection, token: str) -> dict | None:
    """The live token row for a presented token (None when unknown or revoked)."""
    row = (
        conn.execute(
            select(collector_tokens.c.id, collector_tokens.c.branch_code, collector_tokens.c.prefix).where(
                collector_tokens.c.token_hash == _digest(token), collector_tokens.c.revoked_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def list_tokens(conn: Connection) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            select(
                collector_tokens.c.id,
                collector_tokens.c.prefix,
                collector_tokens.c.branch_code,
                collector_tokens.c.label,
                collector_tokens.c.created_at,
                collector_tokens.c.revoked_at,
            ).order_by(collector_tokens.c.id)
        ).mappings()
    ]
