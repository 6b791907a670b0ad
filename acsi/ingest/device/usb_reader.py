"""Reading evaluators with pyusb: transport, one worker per device, reconnect, staff and prompts.

The only module of :mod:`acsi.ingest.device` that imports ``usb`` (with the fake backend).
Decoding, storage and indicators never do. Behaviour follows the design note
(``shared/design/evaluator-devices.md`` sections 1.5 and 2.3):

- ``usb.core.find(find_all=True, backend=...)``; without a backend pyusb tries libusb1, openusb,
  libusb0 and raises ``NoBackendError``, reported as :class:`DeviceError` saying what to install.
- Open: detach the kernel driver (``usbhid``) inside ``try/except NotImplementedError``, set the
  configuration only if none is active (``if-unconfigured``), claim explicitly so ``EBUSY``
  shows at start-up.
- Read in short slices (``read_slice_ms``); a timeout means "no report this slice".
  ``EPIPE``: ``clear_halt`` and retry once. ``ENODEV``/``EIO``: dispose, record
  ``disconnected``, rescan with back-off (1 s doubling to 10 s), never reuse the old ``Device``.
- ``EBUSY`` on claim: record ``busy`` and retry every 5 s. ``EACCES``: record ``permission``
  with the udev rule to install and stop this worker.
- State rows are rate-limited: the same state and detail again within ``status_repeat_s``
  (60 s, doubling per repeated row up to an hour) is counted, not written; the next row written
  says how often it repeated. Changes of state go to ``on_status`` (the console of
  ``acsi device listen``).
- Waits (back-off, busy retry) end at once when the worker is stopped, so Ctrl-C and
  ``--duration`` stop promptly.
- Every report that changes state is committed with its events (raw first) *before* the device
  gets its ACK and before the event is handed to ``on_event``.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import usb.core
import usb.util

from acsi.errors import DeviceError
from acsi.ingest.device.decode import build_frame, make_decoder
from acsi.ingest.device.events import EvaluationEvent, WindowSession, iso_utc
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site
from acsi.ingest.device.store import EventStore

__all__ = ["CaptureService", "DeviceError", "DeviceWorker", "PyUsbTransport", "SystemClock", "device_uid", "find_devices"]

log = logging.getLogger("acsi.device")

NO_BACKEND_HINT = (
    "No USB backend found: pyusb needs libusb. Install it with 'apt-get install libusb-1.0-0' "
    "(Debian/Ubuntu) or 'pip install libusb-package'."
)


def udev_hint(profile: Profile) -> str:
    return (
        f"Permission denied on the USB device {profile.usb.vendor_id:04x}:{profile.usb.product_id:04x}. Install a udev "
        f'rule such as SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{profile.usb.vendor_id:04x}", '
        f'ATTRS{{idProduct}}=="{profile.usb.product_id:04x}", TAG+="uaccess", GROUP="plugdev", MODE="0660" '
        "in /etc/udev/rules.d/99-acsi-evaluator.rules, run 'udevadm control --reload && udevadm trigger', "
        "and replug the device."
    )


class SystemClock:
    """Real clocks: ``time.monotonic_ns``, UTC wall clock, ``time.sleep``."""

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _safe_serial(dev: usb.core.Device) -> str | None:
    if not dev.iSerialNumber:
        return None
    try:
        return dev.serial_number or None
    except (usb.core.USBError, ValueError, NotImplementedError):
        return None  # string reads can fail (permissions, flaky firmware)


def device_uid(dev: usb.core.Device, host_id: str) -> str:
    """``vid:pid:serial`` when a serial exists, else ``vid:pid@host:bus-port.path`` (the address
    changes on replug, the port path does not)."""
    serial = _safe_serial(dev)
    head = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
    if serial:
        return f"{head}:{serial}"
    ports = ".".join(str(p) for p in (dev.port_numbers or ()))
    return f"{head}@{host_id}:{dev.bus}-{ports}"


def find_devices(backend: Any = None, **match: Any) -> list[usb.core.Device]:
    """``usb.core.find(find_all=True, backend=backend, **match)`` as a list.

    Raises
    ------
    DeviceError
        ``kind="no-backend"`` when pyusb finds no libusb, saying what to install.
    """
    try:
        return list(usb.core.find(find_all=True, backend=backend, **match))
    except usb.core.NoBackendError as err:
        raise DeviceError(NO_BACKEND_HINT, kind="no-backend") from err


def _interface_class_ok(dev: usb.core.Device, profile: Profile) -> bool:
    wanted = profile.usb.interface_class
    if wanted is None:
        return True
    try:
        for cfg in dev:
            for intf in cfg:
                if intf.bInterfaceNumber == profile.usb.interface and intf.bInterfaceClass == wanted:
                    return True
    except (usb.core.USBError, IndexError):
        return False
    return False


class PyUsbTransport:
    """``open / read(timeout_ms) / write / control / close`` over one pyusb ``Device``."""

    def __init__(self, dev: usb.core.Device, profile: Profile, uid: str) -> None:
        self.dev = dev
        self.profile = profile
        self.uid = uid
        self.ep_in: int | None = None
        self.packet_size = 64
        self.detached = False

    def _raise(self, err: usb.core.USBError, action: str) -> None:
        if err.errno == errno.EACCES:
            raise DeviceError(udev_hint(self.profile), kind="permission", device_uid=self.uid) from err
        if err.errno == errno.EBUSY:
            raise DeviceError(
                f"Device {self.uid} is held by another driver or process ({action}: {err}). "
                "Close the vendor software or detach its driver; retrying.",
                kind="busy",
                device_uid=self.uid,
            ) from err
        if err.errno in (errno.ENODEV, errno.EIO, errno.ENOENT):
            raise DeviceError(
                f"Device {self.uid} disconnected ({action}: {err}).", kind="disconnected", device_uid=self.uid
            ) from err
        raise DeviceError(f"Device {self.uid}: {action} failed: {err}.", kind="io", device_uid=self.uid) from err

    def open(self) -> None:
        u = self.profile.usb
        dev = self.dev
        try:
            if u.detach_kernel_driver:
                try:
                    if dev.is_kernel_driver_active(u.interface):
                        dev.detach_kernel_driver(u.interface)
                        self.detached = True
                except NotImplementedError:
                    log.info("%s: kernel-driver calls are not supported on this OS; not detaching", self.uid)
            if u.set_configuration == "always":
                dev.set_configuration()
            elif u.set_configuration == "if-unconfigured":
                try:
                    dev.get_active_configuration()
                except usb.core.USBError as err:
                    if err.errno in (errno.ENODEV, errno.EACCES):
                        raise
                    dev.set_configuration()
            try:
                usb.util.claim_interface(dev, u.interface)
            except NotImplementedError as err:
                raise DeviceError(
                    f"Device {self.uid}: claiming the interface is unsupported on this OS.",
                    kind="unsupported",
                    device_uid=self.uid,
                ) from err
            intf = dev.get_active_configuration()[(u.interface, u.alt_setting)]
            if u.endpoint_in is not None:
                ep = usb.util.find_descriptor(intf, bEndpointAddress=u.endpoint_in)
            else:
                ep = usb.util.find_descriptor(
                    intf,
                    custom_match=lambda e: (
                        usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_IN
                        and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_INTR
                    ),
                )
            if ep is None:
                raise DeviceError(
                    f"Device {self.uid} has no IN endpoint {u.endpoint_in!r} on interface {u.interface}; "
                    f"check usb.endpoint_in in profile '{self.profile.source}'.",
                    kind="unsupported",
                    device_uid=self.uid,
                )
            self.ep_in = ep.bEndpointAddress
            self.packet_size = ep.wMaxPacketSize
        except usb.core.USBError as err:
            self._raise(err, "open")

    def read(self, timeout_ms: int) -> bytes | None:
        """One report, or None when the slice timed out."""
        for attempt in (0, 1):
            try:
                return bytes(self.dev.read(self.ep_in, self.packet_size, timeout=timeout_ms))
            except usb.core.USBTimeoutError:
                return None
            except usb.core.USBError as err:
                if err.errno == errno.ETIMEDOUT:
                    return None
                if err.errno == errno.EPIPE and attempt == 0:
                    try:
                        self.dev.clear_halt(self.ep_in)
                    except usb.core.USBError:
                        pass
                    continue
                if err.errno == errno.EPIPE:
                    raise DeviceError(
                        f"Device {self.uid}: endpoint stalled twice.", kind="disconnected", device_uid=self.uid
                    ) from err
                self._raise(err, "read")
        return None  # pragma: no cover

    def write(self, data: bytes, timeout_ms: int = 500) -> None:
        if self.profile.usb.endpoint_out is None:
            return
        try:
            self.dev.write(self.profile.usb.endpoint_out, data, timeout=timeout_ms)
        except usb.core.USBError as err:
            self._raise(err, "write")

    def control(self, request_type: int, request: int, value: int, index: int, data: bytes, timeout_ms: int = 500) -> None:
        try:
            self.dev.ctrl_transfer(request_type, request, value, index, data, timeout=timeout_ms)
        except usb.core.USBTimeoutError:
            pass
        except usb.core.USBError as err:
            self._raise(err, "control transfer")

    def close(self) -> None:
        try:
            usb.util.dispose_resources(self.dev)
        except (usb.core.USBError, AttributeError):
            pass


@dataclass
class DeviceWorker:
    """Reads one device (one profile, one window) until stopped.

    ``SCANNING -> OPENING -> READY -> (PROMPTED -> READY)* -> DISCONNECTED -> SCANNING``;
    ``STOPPED`` after a permission error. Drive it with :meth:`run` (blocking) or :meth:`start`
    (a thread). Thread-safe commands: :meth:`login`, :meth:`logout`, :meth:`request_evaluation`.
    """

    profile: Profile
    site: Site
    store: EventStore
    backend: Any = None
    clock: Any = field(default_factory=SystemClock)
    host_id: str = field(default_factory=socket.gethostname)
    uid: str | None = None
    on_event: Callable[[EvaluationEvent], None] | None = None
    on_status: Callable[[str, str], None] | None = None
    rescan_s: tuple[float, float] = (1.0, 10.0)
    busy_retry_s: float = 5.0
    status_repeat_s: float = 60.0
    state: str = "SCANNING"
    session: WindowSession | None = None
    transport: PyUsbTransport | None = None
    _commands: queue.Queue = field(default_factory=queue.Queue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _backoff: float = 0.0
    _last_report: bytes | None = None
    _next_poll_ns: int = 0
    _absent_reported: bool = False
    _pending_staff: str | None = None
    _last_status: tuple[str, str] | None = None
    _last_status_ns: int = 0
    _repeats: int = 0
    _repeat_every: float = 0.0

    def __post_init__(self) -> None:
        self.decoder = make_decoder(self.profile)
        self._backoff = self.rescan_s[0]
        self._repeat_every = self.status_repeat_s

    # -- commands ------------------------------------------------------------------------------
    @property
    def window_id(self) -> str | None:
        return (
            self.session.place.window_id
            if self.session
            else (self.site.place_of_device(self.uid).window_id if self.uid else None)
        )

    def login(self, staff_id: str) -> None:
        """Staff member on duty from now; logged as an append-only ``staff_session`` row."""
        self._commands.put(("login", staff_id))
        if self._thread is None or not self._thread.is_alive():
            self._process_commands()

    def logout(self) -> None:
        self._commands.put(("logout", None))
        if self._thread is None or not self._thread.is_alive():
            self._process_commands()

    def request_evaluation(self, service_ref: str | None = None) -> None:
        """Prompt the customer (request-response devices): sends the prompt frame, opens the deadline."""
        if self.profile.transport.kind != "request-response":
            raise DeviceError(f"Profile '{self.profile.id}' is not a prompted device.", kind="unsupported", device_uid=self.uid)
        self._commands.put(("prompt", service_ref))

    def _process_commands(self) -> None:
        while True:
            try:
                kind, value = self._commands.get_nowait()
            except queue.Empty:
                return
            if kind == "login":
                self._pending_staff = value
                if self.session:
                    self.session.login(value)
                self.store.log_staff(self.window_id, value, "login")
            elif kind == "logout":
                self._pending_staff = None
                if self.session:
                    self.session.logout()
                self.store.log_staff(self.window_id, None, "logout")
            elif kind == "prompt" and self.session is not None and self.transport is not None:
                _, ended = self.session.request_evaluation(self.clock.monotonic_ns(), self.clock.now(), value)
                self._commit(ended)
                req = self.profile.transport.request
                self.transport.write(build_frame(self.profile, bytes([0, req["func"]]) + req["data"]))

    # -- running --------------------------------------------------------------------------------
    def start(self) -> DeviceWorker:
        self._thread = threading.Thread(target=self.run, name=f"acsi-device-{self.profile.id}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self, until: Callable[[], bool] | None = None, max_steps: int | None = None) -> str:
        """Loop until :meth:`stop`, ``until()`` is true, ``max_steps`` or a permission error.
        Returns the final state."""
        steps = 0
        try:
            while not self._stop.is_set() and self.state != "STOPPED":
                if until is not None and until():
                    break
                if max_steps is not None and steps >= max_steps:
                    break
                self.step()
                steps += 1
        finally:
            if self.transport is not None:
                self.transport.close()
        return self.state

    def _status(self, state: str, detail: str = "") -> None:
        """Record a state row, rate-limited: the same state and detail again is only counted
        until ``status_repeat_s`` has passed since the last row (the interval doubles with each
        repeated row, up to an hour, and resets on a change); the next row written gives the
        count. ``on_status`` hears changes of state only."""
        now = self.clock.monotonic_ns()
        repeat = (state, detail) == self._last_status
        if repeat and now - self._last_status_ns < self._repeat_every * 1e9:
            self._repeats += 1
            return
        shown = f"{detail} (repeated {self._repeats} times since the last row)" if repeat and self._repeats else detail
        changed = self._last_status is None or state != self._last_status[0]
        self._repeat_every = min(self._repeat_every * 2, 3600.0) if repeat else self.status_repeat_s
        self._last_status, self._last_status_ns, self._repeats = (state, detail), now, 0
        self.store.log_status(self.uid, state, shown)
        log.info("%s %s %s", self.uid or self.profile.id, state, shown)
        if changed and self.on_status is not None:
            self.on_status(state, detail)

    def _pause(self, seconds: float) -> None:
        """Wait on the worker's clock; with real clocks :meth:`stop` ends the wait at once."""
        if isinstance(self.clock, SystemClock):
            self._stop.wait(seconds)
        else:
            self.clock.sleep(seconds)

    def _find(self) -> usb.core.Device | None:
        u = self.profile.usb
        for dev in find_devices(self.backend, idVendor=u.vendor_id, idProduct=u.product_id):
            if not _interface_class_ok(dev, self.profile):
                continue
            uid = device_uid(dev, self.host_id)
            if u.serial_required and uid.count(":") < 2:
                continue
            if self.uid is None or uid == self.uid:
                self.uid = uid
                return dev
        return None

    def _sleep_backoff(self) -> None:
        self._pause(self._backoff)
        self._backoff = min(self._backoff * 2, self.rescan_s[1])

    def step(self) -> None:
        """One iteration of the state machine."""
        self._process_commands()
        if self.state == "SCANNING":
            dev = self._find()
            if dev is None:
                if not self._absent_reported:
                    self._status("absent", "device not found; rescanning")
                    self._absent_reported = True
                self._sleep_backoff()
                return
            self._absent_reported = False
            self.transport = PyUsbTransport(dev, self.profile, self.uid)  # type: ignore[arg-type]
            self.state = "OPENING"
        if self.state == "OPENING":
            try:
                self.transport.open()  # type: ignore[union-attr]
            except DeviceError as err:
                self.transport.close()  # type: ignore[union-attr]
                self.transport = None
                self._status(err.kind, str(err))
                if err.kind == "permission":
                    self.state = "STOPPED"
                elif err.kind == "busy":
                    self.state = "SCANNING"
                    self._pause(self.busy_retry_s)
                else:
                    self.state = "SCANNING"
                    self._sleep_backoff()
                return
            if self.session is None:
                self.session = WindowSession(self.profile, self.site, self.site.place_of_device(self.uid), self.uid, self.host_id)  # type: ignore[arg-type]
                self.session.staff_id = self._pending_staff
            self.decoder.reset()
            self._last_report = None
            self._backoff = self.rescan_s[0]
            self.state = "READY"
            self._status("connected", f"{self.uid} window {self.session.place.window_id}")
            return
        # READY / PROMPTED
        try:
            self._poll_if_due()
            data = self.transport.read(self.profile.usb.read_slice_ms)  # type: ignore[union-attr]
            if data is not None:
                self._handle(data)
            self._commit(self.session.tick(self.clock.monotonic_ns(), self.clock.now()))  # type: ignore[union-attr]
            self.state = "PROMPTED" if self.session.prompt is not None else "READY"  # type: ignore[union-attr]
        except DeviceError as err:
            self.transport.close()  # type: ignore[union-attr]
            self.transport = None
            self.state = "SCANNING"
            self._status("disconnected" if err.kind == "disconnected" else err.kind, str(err))
            self._sleep_backoff()

    def _poll_if_due(self) -> None:
        poll = self.profile.transport.poll
        if self.profile.transport.kind != "hid-poll":
            return
        now = self.clock.monotonic_ns()
        if now >= self._next_poll_ns:
            self.transport.control(poll["request_type"], poll["request"], poll["value"], poll["index"], poll["data"])  # type: ignore[union-attr]
            self._next_poll_ns = now + poll["every_ms"] * 1_000_000

    def _commit(
        self, events: list[EvaluationEvent], raw: bytes | None = None, mono_ns: int | None = None, wall: dt.datetime | None = None
    ) -> list[EvaluationEvent]:
        if not events and raw is None:
            return []
        stored = self.store.capture(
            events, raw=raw, device_uid=self.uid, captured_at_utc=iso_utc(wall) if wall else None, mono_ns=mono_ns
        )
        if self.on_event is not None:
            for event in stored:
                self.on_event(event)
        return stored

    def _handle(self, data: bytes) -> None:
        if self.profile.transport.kind == "hid-poll" and data == self._last_report:
            return  # the polled state did not change
        self._last_report = data
        mono, wall = self.clock.monotonic_ns(), self.clock.now()
        inputs = self.decoder.feed(data)
        events: list[EvaluationEvent] = []
        for key in inputs:
            events.extend(self.session.on_key(key, mono, wall))  # type: ignore[union-attr]
        self._commit(events, raw=data, mono_ns=mono, wall=wall)  # durable before any ACK
        for key in inputs:
            if key.ack is not None:
                self.transport.write(key.ack)  # type: ignore[union-attr]


@dataclass
class CaptureService:
    """All evaluators of one branch PC: one :class:`DeviceWorker` per device matching a profile.

    :meth:`scan` starts workers for newly found devices; staff and prompts are routed by window.
    """

    profiles: list[Profile]
    site: Site
    store: EventStore
    backend: Any = None
    clock: Any = field(default_factory=SystemClock)
    host_id: str = field(default_factory=socket.gethostname)
    on_event: Callable[[EvaluationEvent], None] | None = None
    on_status: Callable[[str, str, str], None] | None = None
    workers: dict[str, DeviceWorker] = field(default_factory=dict)
    worker_options: dict[str, Any] = field(default_factory=dict)

    def scan(self) -> list[DeviceWorker]:
        """Workers for devices not yet read (not started: call ``start()`` or ``run()``).
        Each worker is bound to its device's uid, so several pads of one model are read apart."""
        new = []
        for profile in self.profiles:
            u = profile.usb
            for dev in find_devices(self.backend, idVendor=u.vendor_id, idProduct=u.product_id):
                if not _interface_class_ok(dev, profile):
                    continue
                uid = device_uid(dev, self.host_id)
                if uid in self.workers:
                    continue
                report = None if self.on_status is None else (lambda state, detail, uid=uid: self.on_status(uid, state, detail))
                worker = DeviceWorker(
                    profile,
                    self.site,
                    self.store,
                    backend=self.backend,
                    clock=self.clock,
                    host_id=self.host_id,
                    uid=uid,
                    on_event=self.on_event,
                    on_status=report,
                    **self.worker_options,
                )
                self.workers[uid] = worker
                new.append(worker)
        return new

    def replay(
        self,
        *,
        duration_s: float | None = None,
        max_steps: int | None = None,
        realtime: bool = False,
        rescan_s: float = 2.0,
        stop: threading.Event | None = None,
    ) -> str:
        """Run every worker in turn on the (fake) backend's virtual clock until nothing is left
        to do: every script consumed with each worker idle (READY without a prompt) or stopped,
        ``duration_s`` of virtual time, or ``max_steps`` worker steps. ``realtime`` keeps the
        virtual clock from running ahead of the wall clock (so Ctrl-C can be tried on a replay).
        Rescans every ``rescan_s`` for devices plugged later; ends when ``stop`` is set. Returns
        why it ended: ``"done"``, ``"duration"``, ``"steps"`` or ``"stopped"``."""
        start = last_scan = self.clock.monotonic_ns()
        real_start = time.monotonic()
        steps, why = 0, "done"
        try:
            while True:
                if self._idle():
                    break
                if stop is not None and stop.is_set():
                    why = "stopped"
                    break
                elapsed = (self.clock.monotonic_ns() - start) / 1e9
                if duration_s is not None and elapsed >= duration_s:
                    why = "duration"
                    break
                if max_steps is not None and steps >= max_steps:
                    why = "steps"
                    break
                for worker in list(self.workers.values()):
                    if worker.state != "STOPPED":
                        worker.step()
                        steps += 1
                if (self.clock.monotonic_ns() - last_scan) / 1e9 >= rescan_s:
                    self.scan()
                    last_scan = self.clock.monotonic_ns()
                if realtime:
                    ahead = (self.clock.monotonic_ns() - start) / 1e9 - (time.monotonic() - real_start)
                    if ahead > 0:
                        (stop or threading.Event()).wait(min(ahead, 0.5))
        finally:
            for worker in self.workers.values():
                if worker.transport is not None:
                    worker.transport.close()
        return why

    def _idle(self) -> bool:
        exhausted = getattr(self.backend, "exhausted", True)
        return exhausted and all(
            w.state == "STOPPED" or (w.state == "READY" and w.session is not None and w.session.prompt is None)
            for w in self.workers.values()
        )

    def worker_at(self, window_id: str) -> DeviceWorker:
        for worker in self.workers.values():
            if worker.window_id == window_id:
                return worker
        known = ", ".join(str(w.window_id) for w in self.workers.values()) or "none"
        raise DeviceError(f"No evaluator is read at window {window_id!r}; windows with devices: {known}.", kind="io")

    def login(self, window_id: str, staff_id: str) -> None:
        self.worker_at(window_id).login(staff_id)

    def logout(self, window_id: str) -> None:
        self.worker_at(window_id).logout()

    def request_evaluation(self, window_id: str, service_ref: str | None = None) -> None:
        self.worker_at(window_id).request_evaluation(service_ref)

    def iter_workers(self) -> Iterator[DeviceWorker]:
        return iter(self.workers.values())
