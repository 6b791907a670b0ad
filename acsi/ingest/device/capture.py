"""All evaluators of one branch PC: a worker per matching pad, live or replayed on a fake backend's virtual time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from acsi.errors import DeviceError
from acsi.ingest.device.events import EvaluationEvent
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.usb_reader import device_uid, find_devices, interface_class_ok
from acsi.ingest.device.worker import DeviceWorker, SystemClock

__all__ = ["CaptureService"]


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
                if not interface_class_ok(dev, profile):
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
