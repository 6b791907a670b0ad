"""Speed of the bank server (`acsi serve`): head-office overview and branch view end to end
(HTTP request in-process through the whole app), and ingest over HTTP from concurrent collectors.

Sizes: small by default (CI runs this file once with ``--benchmark-disable``). By hand:
``ACSI_BENCH_SERVER_BRANCHES`` (default 10; the issue's goal is 500), ``ACSI_BENCH_SERVER_DAYS``
(default 60; goal 1095 = 3 years), ``ACSI_BENCH_SERVER_COLLECTORS`` (default 4; goal 200) and
``ACSI_BENCH_SERVER_EVENTS`` (events per collector, default 200), ``ACSI_BENCH_SERVER_WORKERS``
(Uvicorn worker processes of the server under test, default 1). The pages are measured on
SQLite; the ingest on SQLite, or on ``ACSI_BENCH_SERVER_INGEST_DB`` (an empty database's URL,
e.g. ``postgresql://postgres@127.0.0.1/acsi_bench``).
``ACSI_BENCH_SERVER_DB=FILE`` keeps the filled database in FILE and reuses it on the next run
(filling 500 branches x 3 years takes about 9 minutes).

The page benchmarks fill the aggregate tables directly (3 counters x 9 opening hours x 4
levels per branch and day, plus timeouts), which is what the pages read; the ingest benchmark
goes through the real push API, and checks the event count afterwards (nothing lost, nothing
doubled). Each test prints its figure with ``-s``; ``benchmark.extra_info`` carries it into the
JSON report.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

import numpy as np
import pytest

BRANCHES = int(os.environ.get("ACSI_BENCH_SERVER_BRANCHES", 10))
DAYS = int(os.environ.get("ACSI_BENCH_SERVER_DAYS", 60))
COLLECTORS = int(os.environ.get("ACSI_BENCH_SERVER_COLLECTORS", 4))
EVENTS_EACH = int(os.environ.get("ACSI_BENCH_SERVER_EVENTS", 200))
WORKERS = int(os.environ.get("ACSI_BENCH_SERVER_WORKERS", 1))
END = dt.date(2026, 6, 30)


def _fill(engine) -> int:
    """Aggregates of BRANCHES x DAYS x 3 counters x 9 hours; returns the number of events they count."""
    from sqlalchemy import insert

    from acsi.server.org import import_org
    from acsi.server.schema import agg_day, agg_fine, agg_month, branch_state

    codes = [f"B{i:04d}" for i in range(1, BRANCHES + 1)]
    org = {
        "regions": [
            {
                "id": f"R{r}",
                "name": f"Region {r}",
                "branches": [{"id": c, "name": f"Branch {c}", "counters": ["W1", "W2", "W3"]} for c in codes[r::10]],
            }
            for r in range(10)
        ]
    }
    with engine.begin() as conn:
        import_org(conn, org)
    rng = np.random.default_rng(5)
    probs = np.array([0.05, 0.10, 0.35, 0.50])
    total = 0
    days = [END - dt.timedelta(days=d) for d in range(DAYS)]
    for code in codes:
        fine, day_rows, months = [], [], {}
        for day in days:
            counts = rng.multinomial(2, probs, size=(3, 9))  # 2 rated events per counter and hour
            iso = day.isoformat()
            for w in range(3):
                for h in range(9):
                    for level in range(4):
                        n = int(counts[w, h, level])
                        if n:
                            fine.append(
                                {
                                    "bank_id": "BANK",
                                    "branch_id": code,
                                    "window_id": f"W{w + 1}",
                                    "staff_id": f"S{code}{w}",
                                    "local_date": iso,
                                    "local_hour": 9 + h,
                                    "scale_levels": 4,
                                    "satisfied_min_level": 3,
                                    "bad_max_level": 1,
                                    "outcome": "rated",
                                    "level": level + 1,
                                    "label": "",
                                    "flags": "[]",
                                    "prompted": True,
                                    "n": n,
                                }
                            )
            per_level = counts.sum(axis=(0, 1))
            for level in range(4):
                day_rows.append(
                    {
                        "branch_id": code,
                        "local_date": iso,
                        "scale_levels": 4,
                        "satisfied_min_level": 3,
                        "bad_max_level": 1,
                        "outcome": "rated",
                        "level": level + 1,
                        "n": int(per_level[level]),
                    }
                )
                months[(iso[:7], level + 1)] = months.get((iso[:7], level + 1), 0) + int(per_level[level])
            total += int(per_level.sum())
        with engine.begin() as conn:
            conn.execute(insert(agg_fine), fine)
            conn.execute(insert(agg_day), day_rows)
            conn.execute(
                insert(agg_month),
                [
                    {
                        "branch_id": code,
                        "month": m,
                        "scale_levels": 4,
                        "satisfied_min_level": 3,
                        "bad_max_level": 1,
                        "outcome": "rated",
                        "level": lv,
                        "n": n,
                    }
                    for (m, lv), n in months.items()
                ],
            )
            conn.execute(insert(branch_state).values(branch_id=code, version=1))
    return total


@pytest.fixture(scope="module")
def bank_app(tmp_path_factory):
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from acsi.server import users
    from acsi.server.app import create_app
    from acsi.server.db import open_database
    from acsi.server.schema import agg_day, branch_state

    users.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    reuse = os.environ.get("ACSI_BENCH_SERVER_DB")
    path = reuse or tmp_path_factory.mktemp("server") / "bank.sqlite"
    engine = open_database(f"sqlite:///{path}")
    with engine.connect() as conn:
        filled = conn.execute(select(func.count()).select_from(branch_state)).scalar_one()
    started = time.perf_counter()
    if filled:  # a file filled by an earlier run (ACSI_BENCH_SERVER_DB): migrated above, reused
        with engine.connect() as conn:
            events = int(conn.execute(select(func.sum(agg_day.c.n))).scalar_one())
        print(f"\nreusing {path}: {filled} branches, {events:,} events")
    else:
        events = _fill(engine)
        print(
            f"\nfilled aggregates of {events:,} events ({BRANCHES} branches x {DAYS} days) in "
            f"{time.perf_counter() - started:.1f} s"
        )
    with engine.begin() as conn:
        for name, role, scope in (("head", "head_office", None), ("mgr", "branch_manager", "B0001")):
            if users.find_user(conn, name) is None:
                users.add_user(conn, name, role, "bench-password", scope)
    with TestClient(create_app(engine)) as client:
        yield client, events, f"{filled or BRANCHES} branches, {events:,} events"
    users.use_hasher(None)
    engine.dispose()


def _logged_in(client, name):
    client.cookies.clear()
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", data={"username": name, "password": "bench-password", "csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    return client


def _p95(benchmark, fn) -> float:
    times = []

    def timed():
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)

    benchmark.pedantic(timed, rounds=20, iterations=1, warmup_rounds=1)
    return float(np.percentile(times, 95)) if times else float("nan")


def test_overview_page_end_to_end(benchmark, bank_app):
    client, _, size = bank_app
    _logged_in(client, "head")

    def overview():
        answer = client.get(f"/overview?period=month&at={END.isoformat()}")
        assert answer.status_code == 200 and "B0001" in answer.text

    p95 = _p95(benchmark, overview)
    benchmark.extra_info.update(p95_s=p95, size=size)
    print(f"\noverview: p95 {p95 * 1000:.0f} ms ({size})")


def test_branch_page_end_to_end(benchmark, bank_app):
    client, _, size = bank_app
    _logged_in(client, "mgr")

    def branch():
        answer = client.get(f"/branch/B0001?period=month&at={END.isoformat()}")
        assert answer.status_code == 200

    p95 = _p95(benchmark, branch)
    benchmark.extra_info.update(p95_s=p95, size=size)
    print(f"\nbranch view: p95 {p95 * 1000:.0f} ms ({size})")


def test_ingest_over_http_from_concurrent_collectors(benchmark, tmp_path):
    """COLLECTORS threads each push EVENTS_EACH events in batches of 100 to a Uvicorn server in
    another process; the stored count must equal what was sent."""
    from sqlalchemy import func, select

    from acsi.server.db import open_database
    from acsi.server.org import import_org
    from acsi.server.schema import events as events_table
    from acsi.server.synth import generate
    from acsi.server.tokens import add_token

    db = os.environ.get("ACSI_BENCH_SERVER_INGEST_DB") or f"sqlite:///{tmp_path / 'ingest.sqlite'}"
    engine = open_database(db)
    codes = [f"C{i:04d}" for i in range(COLLECTORS)]
    with engine.begin() as conn:
        import_org(conn, {"regions": [{"id": "R", "branches": [{"id": c, "counters": ["W1"]} for c in codes]}]})
        tokens = [add_token(conn, c)[1] for c in codes]
    batches = []
    for code, token in zip(codes, tokens):
        made = []
        day = dt.date(2026, 1, 1)
        while len(made) < EVENTS_EACH:
            made.extend(generate({code: [("W1", "S1")]}, day, day, per_day=50, seed=len(made)))
            made = [dict(e, event_id=f"{code}-{i}") for i, e in enumerate(made)]
            day += dt.timedelta(days=1)
        made = made[:EVENTS_EACH]
        batches.append((token, [json.dumps(made[i : i + 100]).encode() for i in range(0, len(made), 100)]))
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "acsi.cli",
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(WORKERS),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    url = f"http://127.0.0.1:{port}/api/v1/events"
    try:
        _wait(port)
        errors: list[str] = []

        def collector(token, bodies):
            for body in bodies:
                request = urllib.request.Request(
                    url,
                    data=body,
                    method="POST",
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                try:
                    with urllib.request.urlopen(request, timeout=120) as answer:
                        json.loads(answer.read())
                except Exception as err:  # noqa: BLE001 - collected and asserted below
                    errors.append(str(err))

        def run():
            threads = [threading.Thread(target=collector, args=b) for b in batches]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        start = time.perf_counter()
        benchmark.pedantic(run, rounds=1, iterations=1)
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)
        server.stderr.close()
    assert not errors, errors[:3]
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(events_table)).scalar_one()
    engine.dispose()
    sent = COLLECTORS * EVENTS_EACH
    assert stored == sent
    rate = sent / elapsed
    benchmark.extra_info.update(events_per_s=rate, collectors=COLLECTORS, events=sent)
    print(f"\ningest over HTTP: {sent:,} events from {COLLECTORS} collectors in {elapsed:.2f} s = {rate:,.0f} events/s")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")
