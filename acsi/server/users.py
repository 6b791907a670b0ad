"""Users, roles and Argon2 password hashes.

Roles and their scope (design note ``bank-system.md``):

==================  ===================  ==================================================
role                scope                sees
==================  ===================  ==================================================
``admin``           --                   everything; users, tokens, audit log
``head_office``     --                   every branch
``analyst``         --                   every branch, read-only, no clerk-level names
                                         unless an admin grants them (:func:`set_clerk_names`)
``region_manager``  a region code        the branches of that region
``branch_manager``  a branch code        that branch
``clerk``           a staff code         own numbers against the branch average
==================  ===================  ==================================================

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).
"""

from __future__ import annotations

from sqlalchemy import Connection, Select, delete, insert, select, update

from acsi.server import audit
from acsi.server.clock import now_iso
from acsi.server.db import ServerError
from acsi.server.schema import branches, clerk_name_grants, regions, staff, users

ROLES = ("admin", "head_office", "region_manager", "branch_manager", "clerk", "analyst")
SCOPED = {"region_manager": regions, "branch_manager": branches, "clerk": staff}
SCOPE_KIND = {"region_manager": "region", "branch_manager": "branch", "clerk": "staff"}
MIN_PASSWORD = 8

_hasher = None


def hasher():
    """The shared Argon2 password hasher."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def use_hasher(custom) -> None:  # noqa: ANN001
    """Replace the hasher (tests use cheaper Argon2 parameters; production keeps the defaults)."""
    global _hasher
    _hasher = custom


def hash_password(password: str) -> str:
    return hasher().hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; False otherwise (never raises on a mismatch)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A real hash to verify against when the user does not exist, so that both cases take as long.
_DUMMY: list[str] = []


def dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password("not-a-password-of-anyone"))
    return _DUMMY[0]


def validate_role(role: str, scope: str | None, conn: Connection) -> None:
    """Raise :class:`ServerError` unless ``role`` exists and its scope names a known node."""
    if role not in ROLES:
        raise ServerError(f"Role {role!r} is unknown; roles: {', '.join(ROLES)}.")
    table = SCOPED.get(role)
    if table is None:
        if scope:
            raise ServerError(f"Role {role!r} covers the whole bank; give no --scope (found {scope!r}).")
        return
    if not scope:
        raise ServerError(f"Role {role!r} needs --scope (a {SCOPE_KIND[role]} code).")
    if conn.execute(select(table.c.id).where(table.c.code == scope)).first() is None:
        raise ServerError(
            f"Scope {scope!r} of role {role!r} is not a known {SCOPE_KIND[role]} code; import the organisation first "
            "(acsi org import)."
        )


def add_user(conn: Connection, name: str, role: str, password: str, scope: str | None = None, *, actor: str | None = None) -> int:
    """Create a user; returns its id."""
    name = name.strip()
    if not name:
        raise ServerError("A user needs a non-empty name.")
    validate_role(role, scope, conn)
    if len(password) < MIN_PASSWORD:
        raise ServerError(f"Password of {name!r} is too short: at least {MIN_PASSWORD} characters, found {len(password)}.")
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise ServerError(f"User {name!r} exists already.")
    new_id = conn.execute(
        insert(users).values(
            name=name, password_hash=hash_password(password), role=role, scope=scope or None, active=True, created_at=now_iso()
        )
    ).inserted_primary_key[0]
    audit.record(conn, "user_added", actor=actor, detail=f"user={name} role={role} scope={scope or '-'}")
    return int(new_id)


def set_role(conn: Connection, user_id: int, role: str, scope: str | None, *, actor: str | None) -> None:
    """Change a user's role and scope; their open sessions end (they log in again)."""
    from acsi.server.sessions import revoke_user_sessions

    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    if row is None:
        raise ServerError(f"No user with id {user_id}.")
    validate_role(role, scope, conn)
    conn.execute(update(users).where(users.c.id == user_id).values(role=role, scope=scope or None))
    revoke_user_sessions(conn, user_id)
    audit.record(
        conn,
        "role_changed",
        actor=actor,
        detail=f"user={row['name']} role={row['role']}->{role} scope={row['scope'] or '-'}->{scope or '-'}",
    )


def set_clerk_names(conn: Connection, user_id: int, granted: bool, *, actor: str) -> None:
    """Grant (or revoke) an analyst the clerk-level names and numbers; audited. The grant is
    read at every request (:func:`acsi.server.sessions.load_session`), so it acts at once."""
    row = conn.execute(select(users.c.name, users.c.role).where(users.c.id == user_id)).mappings().first()
    if row is None:
        raise ServerError(f"No user with id {user_id}.")
    if row["role"] != "analyst":
        raise ServerError(f"User {row['name']!r} is {row['role']}, not an analyst: only analysts need the clerk-name grant.")
    held = conn.execute(select(clerk_name_grants.c.user_id).where(clerk_name_grants.c.user_id == user_id)).first() is not None
    if granted == held:
        return
    if granted:
        conn.execute(insert(clerk_name_grants).values(user_id=user_id, granted_by=actor, granted_at=now_iso()))
    else:
        conn.execute(delete(clerk_name_grants).where(clerk_name_grants.c.user_id == user_id))
    audit.record(conn, "clerk_names_granted" if granted else "clerk_names_revoked", actor=actor, detail=f"user={row['name']}")


def find_user(conn: Connection, name: str) -> dict | None:
    row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    return dict(row) if row else None


def users_with_grant(*extra) -> Select:  # noqa: ANN002
    """``SELECT id, name, role, scope, active, clerk_names, *extra`` over users and their
    clerk-name grant (``clerk_names`` true when granted); the caller joins further tables."""
    return select(
        users.c.id,
        users.c.name,
        users.c.role,
        users.c.scope,
        users.c.active,
        clerk_name_grants.c.user_id.is_not(None).label("clerk_names"),
        *extra,
    ).select_from(users.outerjoin(clerk_name_grants, clerk_name_grants.c.user_id == users.c.id))


def list_users(conn: Connection) -> list[dict]:
    query = users_with_grant(users.c.created_at).order_by(users.c.name)
    return [dict(r) for r in conn.execute(query).mappings()]
