"""Fixtures of the server tests: every database test runs on SQLite and on PostgreSQL.

PostgreSQL: a throwaway database ``acsi_test_<pid>`` is created on 127.0.0.1:5432 as user
``postgres`` (or ``$ACSI_TEST_PG``, a libpq URL of the server's maintenance database) for the
test session and dropped after it; each test starts from an empty schema. The PostgreSQL cases
skip only when no server answers (``.ci/run`` starts one).
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

PG_ADMIN = os.environ.get("ACSI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True):
            return None
    except Exception as err:  # noqa: BLE001 - any failure means: no server to test against
        return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


@pytest.fixture(scope="session", autouse=True)
def cheap_argon2():
    """Argon2id with small parameters, so that logging in 100 times stays fast in tests."""
    from argon2 import PasswordHasher

    from acsi.server import users

    users.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    users.use_hasher(None)


@pytest.fixture(scope="session")
def pg_database():
    """URL of a PostgreSQL database made for this test session (dropped at the end)."""
    problem = _pg_available()
    if problem is not None:
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN}: {problem}")
    import psycopg

    name = f"acsi_test_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = re.sub(r"/[^/]*$", f"/{name}", PG_ADMIN)
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bank.sqlite'}"
    url = request.getfixturevalue("pg_database")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@pytest.fixture
def engine(db_url):
    from acsi.server.db import open_database

    engine = open_database(db_url)
    yield engine
    engine.dispose()


ORG = {
    "bank": {"id": "BANK01"},
    "regions": [
        {
            "id": "R1",
            "name": "North",
            "branches": [
                {
                    "id": "B01",
                    "name": "Main Street",
                    "counters": ["W1", "W2"],
                    "staff": [
                        {"id": "S1", "name": "Ann", "counter": "W1", "since": "2024-01-01"},
                        {"id": "S2", "name": "Bo", "counter": "W2", "since": "2024-01-01"},
                    ],
                },
                {
                    "id": "B02",
                    "name": "Harbour",
                    "counters": ["W1"],
                    "staff": [{"id": "S3", "name": "Cy", "counter": "W1", "since": "2024-01-01"}],
                },
            ],
        },
        {
            "id": "R2",
            "name": "South",
            "branches": [
                {
                    "id": "B03",
                    "name": "Station",
                    "counters": ["W1"],
                    "staff": [{"id": "S4", "name": "Di", "counter": "W1", "since": "2024-01-01"}],
                }
            ],
        },
    ],
}

# role -> (own user, other-scope user); bank-wide roles have one user for both.
PASSWORD = "correct horse battery"
USERS = {
    "admin": ("admin", None),
    "head_office": ("head", None),
    "analyst": ("analyst", None),
    "region_manager": ("north", "R1"),
    "branch_manager": ("mgr1", "B01"),
    "clerk": ("clerk1", "S1"),
}


def make_events(
    branches=("B01", "B02", "B03"), start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 28), per_day=12, seed=3
) -> list[dict]:
    from acsi.server.synth import generate

    pairs = {"B01": [("W1", "S1"), ("W2", "S2")], "B02": [("W1", "S3")], "B03": [("W1", "S4")]}
    return list(
        generate({b: pairs[b] for b in branches}, start, end, per_day=per_day, seed=seed, branch_effect={"B02": 0.8, "B03": -0.8})
    )


@pytest.fixture
def bank(engine):
    """The small organisation above, a user per role (plus the other-scope ones), two months of events."""
    from acsi.server.ingest import store_events
    from acsi.server.org import import_org
    from acsi.server.users import add_user

    with engine.begin() as conn:
        import_org(conn, ORG, today=dt.date(2025, 1, 1))
        for role, (name, scope) in USERS.items():
            add_user(conn, name, role, PASSWORD, scope)
        add_user(conn, "south", "region_manager", PASSWORD, "R2")
        add_user(conn, "mgr3", "branch_manager", PASSWORD, "B03")
    store_events(engine, make_events(), branch=None)
    return engine


@pytest.fixture
def client(bank):
    from fastapi.testclient import TestClient

    from acsi.server.app import create_app

    app = create_app(bank)
    app.state.sse_seconds = 0  # a live stream answers its first version and ends (TestClient reads to the end)
    with TestClient(app) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def login(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login", data={"username": name, "password": password, "csrf": csrf_of(page.text)}, follow_redirects=False
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """Uvicorn serving the app in a thread on 127.0.0.1 (for the push client and the browser)."""

    def __init__(self, engine, port: int | None = None) -> None:
        import uvicorn

        from acsi.server.app import create_app

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = None

    def start(self) -> LiveServer:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)


@pytest.fixture
def live_server(bank):
    server = LiveServer(bank).start()
    yield server
    server.stop()


def local_store(path, events):
    """An event store (the collector's SQLite file) holding ``events``."""
    from acsi.ingest.device.events import EVENT_COLUMNS
    from acsi.ingest.device.store import EventStore

    with EventStore(path) as store:
        store.add_rows([tuple(e[c] for c in EVENT_COLUMNS) for e in events])
    return path
