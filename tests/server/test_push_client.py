"""The collector's push client: batches, watermark, offline backlog, and a SIGKILL mid-push."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from tests.server.conftest import free_port, local_store, make_events


def _server_count(engine, branch="B01", since="2025-06-01") -> int:
    from acsi.server.schema import events

    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(events.c.branch_id == branch, events.c.local_date >= since)).scalar_one()


def _new_events(days=10):
    return make_events(("B01",), start=dt.date(2025, 6, 1), end=dt.date(2025, 6, days), per_day=30, seed=11)


@pytest.fixture
def token(bank):
    from acsi.server.tokens import add_token

    with bank.begin() as conn:
        return add_token(conn, "B01")[1]


def test_push_sends_everything_in_batches_and_moves_the_watermark(bank, live_server, token, tmp_path):
    from acsi.server.push_client import PushClient

    events = _new_events()
    store = local_store(tmp_path / "b01.sqlite", events)
    client = PushClient(store, live_server.url, token, batch=100)
    report = client.push_pending()
    assert report.sent == report.accepted == len(events) and report.duplicates == 0 and report.backlog == 0
    assert _server_count(bank) == len(events)
    assert client.watermark() == len(events)
    assert client.push_pending().sent == 0  # nothing new


def test_backlog_survives_the_server_being_down_and_arrives_once_it_is_back(bank, token, tmp_path):
    from acsi.server.push_client import PushClient, PushError
    from tests.server.conftest import LiveServer

    events = _new_events()
    store = local_store(tmp_path / "b01.sqlite", events)
    port = free_port()
    client = PushClient(store, f"http://127.0.0.1:{port}", token, batch=100)
    with pytest.raises(PushError, match="not reachable"):
        client.push_pending()
    assert client.watermark() == 0
    server = LiveServer(bank, port=port).start()
    try:
        report = client.push_pending()
    finally:
        server.stop()
    assert report.accepted == len(events)
    assert _server_count(bank) == len(events)


def test_revoked_token_stops_the_push_without_moving_the_watermark(bank, live_server, token, tmp_path):
    from acsi.server.push_client import PushClient, PushError
    from acsi.server.tokens import list_tokens, revoke_token

    store = local_store(tmp_path / "b01.sqlite", _new_events(2))
    with bank.begin() as conn:
        revoke_token(conn, list_tokens(conn)[0]["id"])
    client = PushClient(store, live_server.url, token)
    with pytest.raises(PushError) as info:
        client.push_pending()
    assert info.value.status == 401 and client.watermark() == 0


def test_run_retries_with_back_off_until_the_server_answers(bank, token, tmp_path):
    import threading

    from acsi.server.push_client import PushClient
    from tests.server.conftest import LiveServer

    events = _new_events(3)
    store = local_store(tmp_path / "b01.sqlite", events)
    port = free_port()
    client = PushClient(store, f"http://127.0.0.1:{port}", token, backoff=(0.05, 0.2))
    stop = threading.Event()
    worker = threading.Thread(target=client.run, args=(stop,), kwargs={"interval": 0.05}, daemon=True)
    worker.start()
    time.sleep(0.5)  # several failed attempts
    server = LiveServer(bank, port=port).start()
    try:
        deadline = time.monotonic() + 10
        while _server_count(bank) < len(events) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(5)
        server.stop()
    assert _server_count(bank) == len(events)


KILLED_PUSHER = """
import sys, threading, time
from acsi.server.push_client import PushClient

class Paced(PushClient):  # 50 ms per batch, so that the kill lands mid-push
    def post(self, events):
        answer = super().post(events)
        time.sleep(0.05)
        return answer

Paced(sys.argv[1], sys.argv[2], sys.argv[3], batch=20).run(threading.Event(), interval=0.01)
"""


def test_sigkill_of_the_collector_mid_push_loses_and_doubles_nothing(bank, live_server, token, tmp_path):
    from acsi.server.push_client import PushClient

    events = _new_events(10)
    store = local_store(tmp_path / "b01.sqlite", events)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_PUSHER, str(store), live_server.url, token], env={**os.environ, "PYTHONPATH": os.getcwd()}
    )
    deadline = time.monotonic() + 30
    while _server_count(bank) < len(events) // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    arrived = _server_count(bank)
    assert 0 < arrived < len(events), "kill the pusher mid-way"
    report = PushClient(store, live_server.url, token, batch=20).push_pending()
    assert _server_count(bank) == len(events)
    assert report.accepted == len(events) - arrived


def test_device_listen_with_push_forwards_the_captured_events(bank, live_server, token, tmp_path, capsys):
    import yaml

    from acsi.cli import main
    from acsi.ingest.device.store import EventStore

    site = {
        "bank_id": "BANK01",
        "branch_id": "B01",
        "tz": "Asia/Shanghai",
        "windows": [{"window_id": "W1", "device_uid": "1209:0001:SN0001"}],
    }
    script = {
        "devices": [
            {
                "vendor_id": 0x1209,
                "product_id": 0x0001,
                "serial": "SN0001",
                "steps": [
                    {"login": "S1"},
                    {"report": "00001e0000000000"},
                    {"report": "0000000000000000"},
                    {"silence": 600},
                    {"report": "0000210000000000"},
                    {"report": "0000000000000000"},
                    {"silence": 100},
                ],
            }
        ]
    }
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(site))
    (tmp_path / "fake.yaml").write_text(yaml.safe_dump(script))
    db = tmp_path / "b01.sqlite"
    code = main(
        [
            "device",
            "listen",
            "--profile",
            "hid-keyboard-4key",
            "--site",
            str(tmp_path / "site.yaml"),
            "--db",
            str(db),
            "--fake-script",
            str(tmp_path / "fake.yaml"),
            "--push",
            live_server.url,
            "--token",
            token,
        ]
    )
    assert code == 0
    with EventStore(db) as store:
        local = store.event_ids()
    from acsi.server.schema import events

    with bank.connect() as conn:
        remote = {r[0] for r in conn.execute(select(events.c.event_id).where(events.c.event_id.in_(sorted(local))))}
    assert len(local) == 2 and remote == local
    assert "pushed 2 events" in capsys.readouterr().err


def test_device_listen_push_without_a_token_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    from acsi.cli import main

    monkeypatch.delenv("ACSI_PUSH_TOKEN", raising=False)
    code = main(
        [
            "device",
            "listen",
            "--profile",
            "hid-keyboard-4key",
            "--site",
            str(tmp_path / "s.yaml"),
            "--db",
            str(tmp_path / "x.sqlite"),
            "--push",
            "http://127.0.0.1:9",
        ]
    )
    assert code == 2 and "--push needs a collector token" in capsys.readouterr().err
