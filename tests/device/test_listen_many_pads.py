"""``acsi device listen`` with several pads (issue 10, item 9): every pad is read, an unplugged
pad comes back while the others keep working, --duration and Ctrl-C end cleanly, state
changes are shown on the console and repeated state rows are rate-limited."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from acsi.cli import main
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.store_check import check_store

KEYS = ["00001e0000000000", "00001f0000000000", "0000200000000000", "0000210000000000"]  # levels 4, 3, 2, 1
UP = "0000000000000000"


def _site(n: int) -> dict:
    return {
        "bank_id": "B",
        "branch_id": "BR1",
        "tz": "Asia/Shanghai",
        "windows": [{"window_id": f"W{i}", "device_uid": f"1209:0001:SN{i:04d}"} for i in range(1, n + 1)],
    }


def _pad(i: int, steps: list) -> dict:
    return {"vendor_id": 0x1209, "product_id": 0x0001, "serial": f"SN{i:04d}", "port_numbers": [2, i], "steps": steps}


def _presses(i: int, n: int) -> list:
    """Pad i: n presses, staggered against the other pads so that presses interleave."""
    steps: list = [{"silence": 37 * i}]
    for k in range(n):
        steps += [{"report": KEYS[(i + k) % 4]}, {"report": UP}, {"silence": 450}]
    return steps


def _listen(tmp_path, pads: list, *extra: str) -> tuple[int, str, str]:
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(_site(max(8, len(pads)))))
    (tmp_path / "fake.yaml").write_text(yaml.safe_dump({"devices": pads}))
    return [
        "device",
        "listen",
        "--profile",
        "hid-keyboard-4key",
        "--site",
        str(tmp_path / "site.yaml"),
        "--db",
        str(tmp_path / "e.sqlite"),
        "--fake-script",
        str(tmp_path / "fake.yaml"),
        *extra,
    ]


def _events(tmp_path):
    with EventStore.open_readonly(tmp_path / "e.sqlite") as store:
        return store.events_frame()


@pytest.mark.parametrize("n_pads", [1, 2, 8])
def test_every_pad_is_read_and_presses_interleave(tmp_path, capsys, n_pads: int) -> None:
    presses = 3
    assert main(_listen(tmp_path, [_pad(i, _presses(i, presses)) for i in range(1, n_pads + 1)])) == 0
    out, err = capsys.readouterr()
    events = _events(tmp_path)
    assert len(events) == n_pads * presses
    assert events.groupby("window_id").size().to_dict() == {f"W{i}": presses for i in range(1, n_pads + 1)}
    for i in range(1, n_pads + 1):
        levels = events.loc[events["window_id"] == f"W{i}", "level"].tolist()
        assert levels == [4 - (i + k) % 4 for k in range(presses)]
        assert f"device 1209:0001:SN{i:04d}: connected" in err
    if n_pads > 1:  # stored in capture order, pads alternate rather than one after the other
        order = events["window_id"].tolist()
        assert order[:n_pads] != [order[0]] * n_pads and len(set(order[:n_pads])) > 1
    assert f"{n_pads * presses} events stored" in err


def test_an_unplugged_pad_returns_while_the_others_keep_working(tmp_path, capsys) -> None:
    flaky = [
        {"report": KEYS[0]},
        {"report": UP},
        {"silence": 100},
        {"unplug": 3000},
        {"report": KEYS[3]},
        {"report": UP},
        {"silence": 100},
    ]
    steady = [{"silence": 600}] + [s for _ in range(6) for s in ({"report": KEYS[1]}, {"report": UP}, {"silence": 700})]
    assert main(_listen(tmp_path, [_pad(1, flaky), _pad(2, steady), _pad(3, list(steady))])) == 0
    err = capsys.readouterr().err
    events = _events(tmp_path)
    assert events.groupby("window_id").size().to_dict() == {"W1": 2, "W2": 6, "W3": 6}
    assert "device 1209:0001:SN0001: disconnected" in err and err.count("SN0001: connected") == 2
    assert "SN0002: disconnected" not in err and "SN0003: disconnected" not in err
    w1 = events[events["window_id"] == "W1"]["captured_at_utc"].tolist()
    during = events[(events["window_id"] != "W1") & (events["captured_at_utc"] > w1[0]) & (events["captured_at_utc"] < w1[1])]
    assert len(during) >= 2  # the other pads stored presses while pad 1 was away


def test_duration_ends_a_replay_and_keeps_what_was_stored(tmp_path, capsys) -> None:
    steps = [{"report": KEYS[0]}, {"report": UP}, {"silence": 600_000}, {"report": KEYS[1]}, {"report": UP}]
    assert main(_listen(tmp_path, [_pad(1, steps), _pad(2, list(steps))], "--duration", "5")) == 0
    err = capsys.readouterr().err
    assert "replay ended after 5 s" in err and "2 events stored" in err
    assert len(_events(tmp_path)) == 2


def test_a_pad_that_stays_busy_is_shown_once_and_rate_limited(tmp_path, capsys) -> None:
    profile = (Path(__file__).resolve().parents[2] / "acsi/ingest/device/profiles/hid-keyboard-4key.yaml").read_text()
    (tmp_path / "wrong.yaml").write_text(profile.replace("detach_kernel_driver: true", "detach_kernel_driver: false"))
    args = _listen(tmp_path, [_pad(1, [{"report": KEYS[0]}]), _pad(2, _presses(2, 2))])
    args[args.index("hid-keyboard-4key")] = str(tmp_path / "wrong.yaml")
    t0 = time.monotonic()
    assert main(args) == 0
    assert time.monotonic() - t0 < 30
    err = capsys.readouterr().err
    assert err.count("SN0001: busy") == 1 and "not reading at the end: 1209:0001:SN0001" in err
    with EventStore.open_readonly(tmp_path / "e.sqlite") as store:
        rows = store._conn.execute(
            "SELECT detail FROM device_status WHERE state = 'busy' AND device_uid LIKE '%SN0001'"
        ).fetchall()
    assert 1 <= len(rows) <= 10  # an hour of retries every 5 s: ~720 attempts
    assert "repeated" in rows[-1][0]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_stops_listening_cleanly(tmp_path) -> None:
    steps = [{"report": KEYS[0]}, {"report": UP}, {"silence": 600_000}]
    args = _listen(tmp_path, [_pad(1, steps), _pad(2, _presses(2, 1) + [{"silence": 600_000}])], "--fake-realtime")
    with subprocess.Popen(
        [sys.executable, "-m", "acsi.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as proc:
        try:
            lines = [proc.stdout.readline(), proc.stdout.readline()]
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert all("rated" in line for line in lines), (lines, err)
    assert proc.returncode == 0, err
    assert "stopped (Ctrl-C)" in err and "2 events stored" in err and "Traceback" not in err
    report = check_store(tmp_path / "e.sqlite")
    assert report["ok"] and report["counts"]["events"] == 2


def test_stopping_threaded_workers_does_not_wait_out_a_busy_retry(tmp_path) -> None:
    import dataclasses

    from acsi.ingest.device.capture import CaptureService
    from acsi.ingest.device.fake_backend import FakeBackend
    from acsi.ingest.device.profile_load import load_profile
    from acsi.ingest.device.site import site_from_dict
    from acsi.ingest.device.worker import SystemClock

    profile = load_profile("hid-keyboard-4key")
    profile = dataclasses.replace(profile, usb=dataclasses.replace(profile.usb, detach_kernel_driver=False))
    backend = FakeBackend()
    for i in (1, 2):
        backend.add_device(vendor_id=0x1209, product_id=0x0001, serial=f"SN{i:04d}", port_numbers=(2, i))
    seen = []
    with EventStore(tmp_path / "e.sqlite") as store:
        service = CaptureService(
            [profile],
            site_from_dict(_site(2)),
            store,
            backend=backend,
            clock=SystemClock(),
            on_status=lambda uid, state, detail: seen.append((uid, state)),
        )
        workers = service.scan()
        for worker in workers:
            worker.busy_retry_s = 30.0
            worker.start()
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        t0 = time.monotonic()
        for worker in workers:
            worker.stop()
        assert time.monotonic() - t0 < 2.0
        assert not any(w._thread.is_alive() for w in workers)
    assert sorted(seen) == [("1209:0001:SN0001", "busy"), ("1209:0001:SN0002", "busy")]


def test_a_pad_without_permission_is_shown_and_stopped_while_the_others_are_read(tmp_path, capsys) -> None:
    args = _listen(tmp_path, [_pad(1, [{"deny": True}, {"report": KEYS[0]}]), _pad(2, _presses(2, 2))])
    assert main(args) == 0
    err = capsys.readouterr().err
    import re

    # without permission the serial cannot be read either: the pad is known by its port
    assert re.search(r"device 1209:0001@\S+:1-2\.1: permission - Permission denied .*udev", err)
    assert re.search(r"stopped: 1209:0001@\S+:1-2\.1", err) and "device 1209:0001:SN0002: connected" in err
    assert _events(tmp_path).groupby("window_id").size().to_dict() == {"W2": 2}


@pytest.mark.parametrize("spec", ["W1", "=S1", "W1="])
def test_a_malformed_staff_login_is_refused_before_listening(tmp_path, capsys, spec: str) -> None:
    assert main(_listen(tmp_path, [_pad(1, _presses(1, 1))], "--staff", spec)) == 2
    assert f"--staff '{spec}'" in capsys.readouterr().err
    assert not (tmp_path / "e.sqlite").exists()
