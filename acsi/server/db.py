"""Database engine and migrations: one code path for SQLite (the embedded default) and PostgreSQL.

- ``sqlite:///bank.sqlite``: every connection sets ``journal_mode=WAL`` and ``synchronous=FULL``
  (a committed event survives a power cut, https://www.sqlite.org/pragma.html#pragma_synchronous),
  ``foreign_keys=ON`` and a busy timeout, so concurrent writers wait instead of failing.
- ``postgresql://...``: rewritten to the psycopg 3 driver (``postgresql+psycopg://``).

:func:`open_database` builds the engine and brings the schema to the newest Alembic revision
(migrations ship inside the package, ``acsi/server/migrations``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from acsi.errors import ServerError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """``postgresql://`` becomes ``postgresql+psycopg://``; a bare path becomes ``sqlite:///path``."""
    if "://" not in url:
        url = f"sqlite:///{url}"
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ServerError(f"--db {url!r} is not a database URL; use sqlite:///FILE or postgresql://USER@HOST/DB.") from err
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ServerError(f"--db {url!r}: only SQLite and PostgreSQL are supported, found {parsed.get_backend_name()!r}.")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the SQLite pragmas set on every new connection."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8, max_overflow=16)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # noqa: ANN001
            # IMMEDIATE: take the write lock at the start, so two writers never deadlock on upgrade.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_database(url: str) -> Engine:
    """Engine for ``url`` with the schema migrated to the newest revision."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except Exception as err:
        from sqlalchemy.exc import OperationalError

        if isinstance(err, OperationalError):
            raise ServerError(f"Database {normalise_url(url)!r} cannot be opened: {err.orig}") from err
        raise
    return engine
