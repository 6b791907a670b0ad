"""Server-side sessions behind a signed cookie, CSRF tokens, and login throttling.

- The cookie holds a random 256-bit session id signed with itsdangerous (HMAC-SHA1 of the key in
  ``meta.session_secret``, made at first start); the database keeps only its SHA-256, so a copy
  of the database cannot be replayed as a cookie. A new id is issued at every login (session
  rotation); logout and role changes mark the row revoked, so an old cookie stops working at once.
- Each session has its own CSRF token; every state-changing form posts it back
  (:func:`check_csrf`, constant-time comparison). The login form, before any session exists,
  uses a signed double-submit token (:func:`login_csrf`).
- Throttling: at most :data:`MAX_FAILS_ACCOUNT` failed logins per account and
  :data:`MAX_FAILS_ADDRESS` per client address within :data:`WINDOW_S` seconds; beyond that the
  login is refused without checking the password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sqlalchemy import Connection, Engine, and_, func, insert, select, update

from acsi.server.schema import login_attempts, meta, sessions, users
from acsi.server.users import users_with_grant

COOKIE = "acsi_session"
LOGIN_COOKIE = "acsi_login_csrf"
SESSION_SECONDS = 8 * 3600
WINDOW_S = 15 * 60
MAX_FAILS_ACCOUNT = 5
MAX_FAILS_ADDRESS = 20


def secret_key(engine: Engine) -> str:
    """The signing key of this installation (made once, kept in ``meta``)."""
    with engine.begin() as conn:
        row = conn.execute(select(meta.c.value).where(meta.c.key == "session_secret")).first()
        if row is not None:
            return row[0]
        key = secrets.token_hex(32)
        conn.execute(insert(meta).values(key="session_secret", value=key))
        return key


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Signer:
    """Signs and checks cookie values (itsdangerous, with a salt per purpose)."""

    def __init__(self, key: str) -> None:
        from itsdangerous import URLSafeTimedSerializer

        self._session = URLSafeTimedSerializer(key, salt="acsi-session")
        self._login = URLSafeTimedSerializer(key, salt="acsi-login-csrf")

    def sign_session(self, session_id: str) -> str:
        return self._session.dumps(session_id)

    def session_id(self, cookie: str | None) -> str | None:
        from itsdangerous import BadSignature

        if not cookie:
            return None
        try:
            return self._session.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None

    def login_csrf(self) -> tuple[str, str]:
        """(cookie value, form value) of a fresh double-submit token for the login form."""
        token = secrets.token_urlsafe(24)
        return self._login.dumps(token), token

    def check_login_csrf(self, cookie: str | None, form_value: str | None) -> bool:
        from itsdangerous import BadSignature

        if not cookie or not form_value:
            return False
        try:
            token = self._login.loads(cookie, max_age=3600)
        except BadSignature:
            return False
        return hmac.compare_digest(str(token), form_value)


def create_session(conn: Connection, user_id: int) -> str:
    """A new session for ``user_id``; returns the session id (to be signed into the cookie)."""
    session_id = secrets.token_urlsafe(32)
    now = time.time()
    conn.execute(
        insert(sessions).values(
            id_hash=_digest(session_id),
            user_id=user_id,
            csrf=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + SESSION_SECONDS,
            revoked=False,
        )
    )
    return session_id


def load_session(conn: Connection, session_id: str | None) -> dict | None:
    """The user, their CSRF token and clerk-name grant of a live session (None when missing,
    expired or revoked)."""
    if not session_id:
        return None
    row = (
        conn.execute(
            users_with_grant(sessions.c.csrf, sessions.c.id_hash)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.id_hash == _digest(session_id), sessions.c.revoked.is_(False), sessions.c.expires_at > time.time())
        )
        .mappings()
        .first()
    )
    if row is None or not row["active"]:
        return None
    return dict(row)


def revoke_session(conn: Connection, session_id: str) -> None:
    conn.execute(update(sessions).where(sessions.c.id_hash == _digest(session_id)).values(revoked=True))


def revoke_user_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(update(sessions).where(sessions.c.user_id == user_id).values(revoked=True))


def check_csrf(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given)  # type: ignore[arg-type]


def throttled(conn: Connection, username: str, address: str) -> bool:
    """True when the account or the address has too many recent failed logins."""
    since = time.time() - WINDOW_S
    failed = and_(login_attempts.c.ok.is_(False), login_attempts.c.at > since)
    by_user = conn.execute(select(func.count()).where(failed, login_attempts.c.username == username)).scalar_one()
    if by_user >= MAX_FAILS_ACCOUNT:
        return True
    by_address = conn.execute(select(func.count()).where(failed, login_attempts.c.address == address)).scalar_one()
    return by_address >= MAX_FAILS_ADDRESS


def record_attempt(conn: Connection, username: str, address: str, ok: bool) -> None:
    conn.execute(insert(login_attempts).values(at=time.time(), username=username[:128], address=address[:64], ok=ok))
