"""One evaluator read until stopped: reconnects, staff logins, prompts, state rows, events committed before ACK.

- ``ENODEV``/``EIO``: dispose, record ``disconnected``, rescan with back-off (1 s doubling to
  10 s), never reuse the old ``Device``. ``EBUSY`` on claim: record ``busy`` and retry every
  5 s. ``EACCES``: record ``permission`` with the udev rule to install and stop this worker.
- State rows are rate-limited: the same state and detail again within ``status_repeat_s``
  (60 s, doubling per repeated row up to an hour) is counted, not written; the next row written
  says how often it repeated. Changes of state go to ``on_status`` (the console of
  ``acsi device listen``).
- Waits (back-off, busy retry) end at once when the worker is stopped, so Ctrl-C and
  ``--duration`` stop promptly.
- Every report that changes state is committed with its events (raw first) *before* the device
  gets its ACK and before the event is handed to ``on_event``.

The transport (the pyusb calls) is :class:`acsi.ingest.device.usb_reader.PyUsbTransport`.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acsi.errors import DeviceError
from acsi.ingest.device.decode import build_frame, make_decoder
from acsi.ingest.device.events import EvaluationEvent, WindowSession, iso_utc
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.usb_reader import PyUsbTransport, device_uid, find_devices, interface_class_ok

__all__ = ["DeviceWorker", "SystemClock"]

log = logging.getLogger("acsi.device")


class SystemClock:
    """Real clocks: ``time.monotonic_ns``, UTC wall clock, ``time.sleep``."""

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


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

    def _find(self) -> Any:
        u = self.profile.usb
        for dev in find_devices(self.backend, idVendor=u.vendor_id, idProduct=u.product_id):
            if not interface_class_ok(dev, self.profile):
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
