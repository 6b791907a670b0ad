"""`acsi serve --demo`: a populated demo bank, its logins printed, the server answering."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from tests.server.conftest import free_port, make_events


def test_demo_bank_has_the_known_branch_differences(tmp_path):
    from acsi.server.db import open_database
    from acsi.server.demo import build_demo
    from acsi.server.periods import Period
    from acsi.server.queries import ranking

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    logins = build_demo(url, years=1, per_day=30, today=dt.date(2026, 6, 30))
    assert {role for _, _, role, _ in logins} == {"admin", "head_office", "region_manager", "branch_manager", "clerk", "analyst"}
    assert build_demo(url, years=1, today=dt.date(2026, 6, 30)) == logins  # a second start keeps the demo
    engine = open_database(url)
    with engine.connect() as conn:
        rows = ranking(conn, None, Period("year", dt.date(2025, 7, 1), dt.date(2026, 6, 30)))
        winter = ranking(conn, None, Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
        summer = ranking(conn, None, Period("quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30)))
        from acsi.server.survey import latest

        indices = {r["group"]: r["value"] for r in latest(conn)["result"]["rows"]}
    engine.dispose()
    assert max(indices, key=indices.get) == "B02" and min(indices, key=indices.get) == "B05"
    order = [r["branch"] for r in rows]
    assert len(order) == 8 and order[0] == "B02" and order[-1] == "B05"
    assert sum(r["rate"] for r in winter) / 8 > sum(r["rate"] for r in summer) / 8  # the seasonal pattern


def test_acsi_serve_demo_prints_url_and_logins_and_serves_the_dashboard(tmp_path):
    port = free_port()
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "acsi.cli",
            "serve",
            "--demo",
            "--db",
            db,
            "--port",
            str(port),
            "--demo-years",
            "1",
            "--demo-per-day",
            "6",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("acsi server on"):
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in out, out + process.stderr.read()
        password = re.search(r"headoffice\s+(\S+)\s+head_office", out).group(1)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"http://127.0.0.1:{port}/login", timeout=5).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": "headoffice", "password": password, "csrf": csrf}).encode()
        page = opener.open(f"http://127.0.0.1:{port}/login", data=data, timeout=10)
        html = page.read().decode()
        assert page.geturl().endswith("/overview")
        assert all(f"B0{i}" in html for i in range(1, 9))
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_serve_with_two_worker_processes_answers_on_one_database(tmp_path):
    from acsi.server.db import open_database
    from acsi.server.org import import_org
    from acsi.server.tokens import add_token

    db = f"sqlite:///{tmp_path / 'bank.sqlite'}"
    engine = open_database(db)
    with engine.begin() as conn:
        import_org(conn, {"regions": [{"id": "R1", "branches": [{"id": "B01", "counters": ["W1"]}]}]})
        token = add_token(conn, "B01")[1]
    engine.dispose()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "acsi.cli", "serve", "--db", db, "--port", str(port), "--workers", "2", "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        events = make_events(("B01",), start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 3))
        answers = []
        for part in (events[: len(events) // 2], events):  # the second resends the first half
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/events",
                data=json.dumps(part).encode(),
                method="POST",
                headers={"Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                answers.append(json.loads(answer.read()))
    finally:
        process.terminate()
        process.wait(20)
    assert answers[0]["accepted"] == len(events) // 2
    assert answers[1] == {"accepted": len(events) - len(events) // 2, "duplicates": len(events) // 2, "conflicts": []}
