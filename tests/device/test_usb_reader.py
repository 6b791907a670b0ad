"""The real pyusb code path on a scripted fake backend: find, descriptors, detach, claim, reads,
timeouts, unplug and replug, busy, permission denied, polled and prompted devices."""

from __future__ import annotations

import errno
import json

import pytest
import usb.backend
import usb.core

from acsi.errors import DeviceError
from acsi.ingest.device.capture import CaptureService
from acsi.ingest.device.decode import build_frame
from acsi.ingest.device.fake_backend import FakeBackend, busy, call, deny, report, silence, unplug
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.usb_reader import device_uid, find_devices
from acsi.ingest.device.worker import DeviceWorker

from ._make import profile, site

KEY = {"1": "00001e0000000000", "2": "00001f0000000000", "3": "0000200000000000", "4": "0000210000000000"}
UP = "0000000000000000"


@pytest.fixture()
def store(tmp_path):
    with EventStore(tmp_path / "events.sqlite") as s:
        yield s


def _worker(store, backend, name="hid-keyboard-4key", **kw):
    seen = []
    w = DeviceWorker(
        profile(name),
        site(),
        store,
        backend=backend,
        clock=backend.clock,
        host_id="pc1",
        rescan_s=(0.5, 4.0),
        on_event=seen.append,
        **kw,
    )
    return w, seen


def _run(worker, backend):
    return worker.run(
        until=lambda: (
            backend.exhausted
            and worker.state in ("READY", "PROMPTED")
            and (worker.session is None or worker.session.prompt is None)
        ),
        max_steps=100_000,
    )


def _statuses(store):
    return [r[0] for r in store._conn.execute("SELECT state FROM device_status ORDER BY id")]


def test_fake_backend_is_a_pyusb_backend_and_find_sees_its_devices() -> None:
    fake = FakeBackend()
    fake.add_device(vendor_id=0x1209, product_id=0x0001, serial="SN0001")
    assert isinstance(fake, usb.backend.IBackend)
    devices = list(usb.core.find(find_all=True, backend=fake))
    assert len(devices) == 1 and isinstance(devices[0], usb.core.Device)
    assert devices[0].serial_number == "SN0001"  # string descriptors via ctrl_transfer, langids first
    assert device_uid(devices[0], "pc1") == "1209:0001:SN0001"


def test_a_device_without_serial_is_identified_by_its_port_path() -> None:
    fake = FakeBackend()
    fake.add_device(vendor_id=0x1209, product_id=0x0001, serial=None, bus=3, port_numbers=(1, 4))
    (dev,) = find_devices(fake)
    assert device_uid(dev, "pc1") == "1209:0001@pc1:3-1.4"


def test_keyboard_session_across_unplug_and_replug_loses_and_duplicates_nothing(store) -> None:
    fake = FakeBackend()
    pad = fake.add_device(vendor_id=0x1209, product_id=0x0001)
    worker, seen = _worker(store, fake)
    pad.add(
        call(lambda: worker.login("S1")),
        report(KEY["1"]),
        report(KEY["1"]),
        report(UP),  # press, repeat, release: one event
        silence(800),
        report(KEY["4"]),
        report(UP),
        silence(500),
        unplug(3000),
        report(KEY["2"]),
        report(UP),  # after replug
        call(worker.logout),
        silence(500),
        report(KEY["3"]),
        report(UP),
        report("0000290000000000"),
        report(UP),  # Esc: cancelled
        silence(500),
        report("0000990000000000"),
        report(UP),  # unknown key: unmapped, kept
        silence(200),
    )
    assert _run(worker, fake) == "READY"
    got = [(e.outcome, e.level, e.staff_id, e.raw_code) for e in seen]
    assert got == [
        ("rated", 4, "S1", "0x1e"),
        ("rated", 1, "S1", "0x21"),
        ("rated", 3, "S1", "0x1f"),
        ("rated", 2, None, "0x20"),
        ("cancelled", None, None, "0x29"),
        ("unmapped", None, None, "0x99"),
    ]
    stored = store.events_frame()
    assert list(stored["event_id"]) == [e.event_id for e in seen] and stored["event_id"].is_unique
    assert list(stored["window_id"].unique()) == ["W1"] and list(stored["branch_id"].unique()) == ["BR1"]
    assert json.loads(stored["flags"].iloc[3]) == ["no_staff"]
    assert _statuses(store) == ["connected", "disconnected", "absent", "connected"]
    assert pad.calls.count("detach(0)") == 2 and pad.calls.count("claim(0)") == 2  # reopened, not reused
    # every report of an interrupt stream is stored raw (the repeat and the releases too)
    assert store.count("raw_reports") == 13
    assert stored["raw_report_id"].notna().all()
    assert [r[0] for r in store._conn.execute("SELECT action FROM staff_session ORDER BY id")] == ["login", "logout"]


def test_busy_claim_is_reported_and_retried(store) -> None:
    fake = FakeBackend()
    pad = fake.add_device(vendor_id=0x1209, product_id=0x0001)
    pad.add(busy(2))
    worker, seen = _worker(store, fake, busy_retry_s=5.0)
    pad.add(report(KEY["2"]), report(UP), silence(100))
    _run(worker, fake)
    assert _statuses(store) == ["busy", "connected"]  # the repeated busy row within 60 s is only counted
    detail = store._conn.execute("SELECT detail FROM device_status WHERE state = 'busy'").fetchone()[0]
    assert "held by another driver or process" in detail
    assert [(e.outcome, e.level) for e in seen] == [("rated", 3)]


def test_permission_denied_stops_the_worker_with_the_udev_rule(store) -> None:
    fake = FakeBackend()
    pad = fake.add_device(vendor_id=0x1209, product_id=0x0001)
    pad.add(deny(), report(KEY["1"]))
    worker, seen = _worker(store, fake)
    assert worker.run(max_steps=50) == "STOPPED"
    (detail,) = store._conn.execute("SELECT detail FROM device_status WHERE state = 'permission'").fetchone()
    assert 'ATTRS{idVendor}=="1209"' in detail and "uaccess" in detail
    assert seen == []


def test_no_backend_says_what_to_install(monkeypatch) -> None:
    def no_backend(*args, **kwargs):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    with pytest.raises(DeviceError, match="libusb-1.0-0") as info:
        find_devices()
    assert info.value.kind == "no-backend"


def test_polled_three_level_pad_sends_set_report_and_emits_on_state_change(store) -> None:
    fake = FakeBackend()
    pad = fake.add_device(vendor_id=0x1209, product_id=0x0003, serial="SN0003")
    worker, seen = _worker(store, fake, name="hid-poll-3level")
    pad.add(
        call(lambda: worker.login("S3")),
        report("00" * 8),
        report("01" + "00" * 7),
        report("01" + "00" * 7),
        report("00" * 8),
        silence(400),
        report("04" + "00" * 7),
        report("00" * 8),
        silence(400),
        report("03" + "00" * 7),
        report("00" * 8),
        silence(100),
    )
    _run(worker, fake)
    assert [(e.outcome, e.level, e.label) for e in seen] == [
        ("rated", 3, "satisfied"),
        ("rated", 1, "complaint"),
        ("rated", 1, "dissatisfied"),
    ]
    assert all(e.window_id == "W3" and e.staff_id == "S3" for e in seen)
    polls = [c for c in pad.controls if c[:2] == (0x21, 0x09)]
    assert polls and polls[0] == (0x21, 0x09, 0x0200, 0, bytes.fromhex("0000000000000002"))
    assert store.count("raw_reports") == 7  # of 8 reports: identical consecutive polled states are not stored again


def test_prompted_pad_rates_times_out_and_flags_late_presses_with_ack_after_commit(store) -> None:
    prof = profile("framed-5level")
    fake = FakeBackend()
    pad = fake.add_device(
        vendor_id=0x1209,
        product_id=0x0002,
        serial="SN0002",
        interface_class=255,
        ep_out=0x01,
        packet_size=16,
        kernel_driver=False,
    )
    worker, seen = _worker(store, fake, name="framed-5level")
    acked_after_commit = []
    pad.on_write = lambda data: acked_after_commit.append((data, store.count()))

    def rating(code: int, *reasons: int) -> tuple:
        return report(build_frame(prof, bytes([0, 0x11, code, *reasons])))

    frame = build_frame(prof, bytes([0, 0x11, 2, 1, 4]))
    pad.add(
        call(lambda: worker.login("S2")),
        call(lambda: worker.request_evaluation("T001")),
        silence(300),
        report(frame[:7]),
        report(frame[7:]),  # a frame split across two reports
        silence(300),
        call(lambda: worker.request_evaluation("T002")),
        silence(31_000),  # deadline 30 s
        rating(5),  # after the timeout: late
        silence(40_000),
        rating(4),  # long after: unprompted
        call(lambda: worker.request_evaluation("T003")),
        silence(300),
        rating(0),  # customer cancels
        silence(300),
    )
    _run(worker, fake)
    got = [(e.outcome, e.level, e.service_ref, json.loads(e.reason_codes)) for e in seen]
    assert got == [
        ("rated", 2, "T001", ["slow_service", "long_wait"]),
        ("timeout", None, "T002", []),
        ("late", 5, None, []),
        ("unprompted", 4, None, []),
        ("cancelled", None, "T003", []),
    ]
    assert seen[2].prompt_id == seen[1].prompt_id  # the late press belongs to the expired prompt
    prompts = [w for w, _ in acked_after_commit if w[6] == 0x10]
    acks = [(w, n) for w, n in acked_after_commit if w[6] == 0x11]
    assert len(prompts) == 3 and prompts[0] == build_frame(prof, bytes([0, 0x10, 0x1E]))
    assert [w for w, _ in acks][0] == frame and acks[0][1] == 1  # echoed only once the event was stored
    assert len(acks) == 4


def test_corrupt_frames_are_stored_as_unmapped_never_dropped(store) -> None:
    prof = profile("framed-5level")
    fake = FakeBackend()
    pad = fake.add_device(
        vendor_id=0x1209,
        product_id=0x0002,
        serial="SN0002",
        interface_class=255,
        ep_out=0x01,
        packet_size=16,
        kernel_driver=False,
    )
    worker, seen = _worker(store, fake, name="framed-5level")
    good = bytearray(build_frame(prof, bytes([0, 0x11, 5])))
    bad = bytes(good[:-2]) + bytes([(good[-2] + 1) % 256, 0x16])
    pad.add(call(lambda: worker.request_evaluation("T1")), report(bad), report(bytes(good)), silence(100))
    _run(worker, fake)
    assert [(e.outcome, json.loads(e.flags)) for e in seen] == [
        ("unmapped", ["bad_checksum", "no_staff"]),
        ("rated", ["no_staff"]),
    ]
    assert seen[0].raw_code == "0x" + bad.hex()


def test_capture_service_routes_staff_and_prompts_by_window(store) -> None:
    fake = FakeBackend()
    fake.add_device(vendor_id=0x1209, product_id=0x0001, serial="SN0001")
    fake.add_device(vendor_id=0x1209, product_id=0x0002, serial="SN0002", interface_class=255, ep_out=0x01, kernel_driver=False)
    service = CaptureService(
        [profile("hid-keyboard-4key"), profile("framed-5level")], site(), store, backend=fake, clock=fake.clock, host_id="pc1"
    )
    workers = service.scan()
    assert sorted(w.window_id for w in workers) == ["W1", "W2"] and service.scan() == []
    service.login("W1", "S9")
    with pytest.raises(DeviceError, match="windows with devices"):
        service.login("W7", "S1")
    with pytest.raises(DeviceError, match="not a prompted device"):
        service.request_evaluation("W1")
    assert store._conn.execute("SELECT window_id, staff_id FROM staff_session").fetchall() == [("W1", "S9")]


def test_epipe_clears_the_halt_and_retries_once(store) -> None:
    fake = FakeBackend()
    pad = fake.add_device(vendor_id=0x1209, product_id=0x0001)
    original = fake.intr_read
    stalls = [1]

    def stalling(handle, ep, intf, buff, timeout):
        if stalls[0]:
            stalls[0] -= 1
            raise usb.core.USBError("Pipe error", -9, errno.EPIPE)
        return original(handle, ep, intf, buff, timeout)

    fake.intr_read = stalling
    worker, seen = _worker(store, fake)
    pad.add(report(KEY["1"]), report(UP), silence(100))
    _run(worker, fake)
    assert "clear_halt(0x81)" in pad.calls and [(e.outcome, e.level) for e in seen] == [("rated", 4)]
    assert _statuses(store) == ["connected"]
