"""Fake-device scenarios: a YAML script of pads and their steps, replayed on the fake pyusb backend.

A scenario drives :mod:`acsi.ingest.device.fake_backend` instead of libusb, for demos and tests
without hardware (``acsi device list/listen/learn --fake-script FILE``)::

    devices:
      - {vendor_id: 0x1209, product_id: 0x0001, serial: SN0001, interface_class: 3,
         steps: [{login: S001}, {report: "00001e0000000000"}, {report: "0000000000000000"},
                 {silence: 500}, {unplug: 2000}, {report: "0000210000000000"}]}

Steps: ``report`` (hex), ``silence`` (ms), ``unplug`` (ms absent), ``busy`` (n claims),
``deny`` (permission denied from now on), ``login`` (staff id), ``logout``, ``prompt``
(service reference; prompted devices). The last three act on the pad's reader, so they need a
:class:`~acsi.ingest.device.capture.CaptureService` (:func:`replay_scenario`); ``learn``
reads without one.

:func:`load_scenario` reads a file, :meth:`Scenario.bind` queues the steps and
:func:`replay_scenario` runs a capture service on the scenario's virtual time and returns a
:class:`ReplayOutcome`; nothing here prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from acsi.errors import IngestError
from acsi.ingest.device import fake_backend as fb

__all__ = [
    "DEVICE_KEYS",
    "REPLAY_CAP_S",
    "STEP_KINDS",
    "ReplayOutcome",
    "Scenario",
    "load_scenario",
    "replay_scenario",
    "scenario_from_dict",
]

#: The keys a scenario device may set (the fields of :class:`~acsi.ingest.device.fake_backend.FakeDevice`).
DEVICE_KEYS: frozenset[str] = frozenset(
    {
        "vendor_id",
        "product_id",
        "serial",
        "product",
        "interface_class",
        "ep_in",
        "ep_out",
        "packet_size",
        "kernel_driver",
        "bus",
        "port_numbers",
    }
)
#: Step kinds, and those that act on the pad's reader.
STEP_KINDS: tuple[str, ...] = ("report", "silence", "unplug", "busy", "deny", "login", "logout", "prompt")
_READER_STEPS = ("login", "logout", "prompt")
#: A replay without a duration ends after this much virtual time at the latest (seconds).
REPLAY_CAP_S = 3600.0

_TIMED_STEPS: dict[str, Callable[[Any], tuple]] = {
    "report": lambda value: fb.report(str(value)),
    "silence": lambda value: fb.silence(float(value)),
    "unplug": lambda value: fb.unplug(float(value)),
    "busy": lambda value: fb.busy(int(value)),
    "deny": lambda value: fb.deny(),
}


@dataclass(frozen=True)
class Scenario:
    """A fake backend holding the scenario's devices, each with its (not yet queued) steps.

    ``devices`` pairs each :class:`~acsi.ingest.device.fake_backend.FakeDevice` with its step
    mappings; ``source`` names the file in messages.
    """

    backend: fb.FakeBackend
    devices: tuple[tuple[fb.FakeDevice, tuple[Any, ...]], ...]
    source: str

    @property
    def clock(self) -> fb.FakeClock:
        """The scenario's virtual clock."""
        return self.backend.clock

    def unmatched(self, profiles: Any) -> tuple[str, ...]:
        """The devices (``vvvv:pppp``) that none of ``profiles`` matches: a replay skips them."""
        return tuple(f"{d.vendor_id:04x}:{d.product_id:04x}" for d, _ in self.devices if not _matched(d, profiles))

    def bind(self, reader_of: Callable[[fb.FakeDevice], Callable[[], Any]] | None = None) -> None:
        """Queue every device's steps (``reader_of``: see :func:`bind_steps`)."""
        for device, steps in self.devices:
            bind_steps(device, steps, None if reader_of is None else reader_of(device), self.source)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (UTF-8 YAML).

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    IngestError
        When it is not UTF-8 YAML, not a mapping with a ``devices`` list, or a device has
        unknown keys.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Fake script '{path}' not found.")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as err:
        raise IngestError(f"Fake script '{path}' is not valid UTF-8 YAML: {err}", source=str(path)) from err
    return scenario_from_dict(data, source=str(path))


def scenario_from_dict(data: object, *, source: str = "<scenario>") -> Scenario:
    """A scenario from its parsed form ``{"devices": [{...device keys..., "steps": [...]}, ...]}``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("devices", []), list):
        raise IngestError(f"Fake script '{source}': expected a mapping with a 'devices' list.", source=source)
    backend = fb.FakeBackend()
    devices = []
    for i, spec in enumerate(data.get("devices", [])):
        spec = dict(spec)
        steps = spec.pop("steps", [])
        unknown = set(spec) - DEVICE_KEYS
        if unknown:
            raise IngestError(
                f"Fake script '{source}', devices[{i}]: unknown keys {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(DEVICE_KEYS))}.",
                source=source,
            )
        if "port_numbers" in spec:
            spec["port_numbers"] = tuple(spec["port_numbers"])
        devices.append((backend.add_device(**spec), tuple(steps)))
    return Scenario(backend=backend, devices=tuple(devices), source=source)


def bind_steps(device: fb.FakeDevice, steps: tuple[Any, ...], worker: Callable[[], Any] | None, source: str) -> None:
    """Queue a device's scripted steps; ``worker`` is None (no reader: ``learn``) or a function
    returning the device's reader when a login, logout or prompt step is reached."""
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or len(step) != 1:
            raise IngestError(f"Fake script '{source}': step {i} must be a one-key mapping such as {{report: \"00001e\"}}.")
        ((kind, value),) = step.items()
        if worker is None and kind in _READER_STEPS:
            raise IngestError(f"Fake script '{source}': step {i} ({kind}) needs a reader; use it with 'acsi device listen'.")
        if kind in _TIMED_STEPS:
            device.add(_TIMED_STEPS[kind](value))
        elif kind in _READER_STEPS:
            device.add(fb.call(_reader_call(worker, kind, value)))  # type: ignore[arg-type]
        else:
            raise IngestError(
                f"Fake script '{source}': unknown step {kind!r}; use report, silence, unplug, busy, deny, "
                "login, logout or prompt."
            )


def _matched(device: fb.FakeDevice, profiles: Any) -> bool:
    return any(p.matches(device.vendor_id, device.product_id) for p in profiles)


def _reader_call(worker: Callable[[], Any], kind: str, value: object) -> Callable[[], Any]:
    """The call a login, logout or prompt step makes on the pad's reader when the script reaches it."""
    if kind == "login":
        return lambda: worker().login(str(value))
    if kind == "logout":
        return lambda: worker().logout()
    return lambda: worker().request_evaluation(None if value is None else str(value))


def reader_of(service: Any, device: fb.FakeDevice) -> Callable[[], Any]:
    """A function returning the worker of ``service`` reading the fake ``device`` (matched by serial or port)."""

    def find() -> Any:
        head = f"{device.vendor_id:04x}:{device.product_id:04x}"
        ports = ".".join(str(p) for p in device.port_numbers)
        for uid, worker in service.workers.items():
            if uid == f"{head}:{device.serial}" or (uid.startswith(head + "@") and uid.endswith(f":{device.bus}-{ports}")):
                return worker
        raise IngestError(f"Fake script: no reader for device {head} (serial {device.serial}) when its step ran.")

    return find


@dataclass(frozen=True)
class ReplayOutcome:
    """How a replay ended.

    ``reason`` is the capture service's: ``"done"`` (script exhausted), ``"stopped"``,
    ``"duration"`` (``duration_s`` of device time ran out) or another limit (the step cap);
    ``unmatched`` lists the scenario devices no profile matches (``vvvv:pppp``, not replayed);
    ``not_reading`` the workers neither ready nor stopped at the end (``uid (state)``);
    ``stopped`` the workers that gave up (see ``device_status`` in the store).
    """

    reason: str
    duration_s: float
    unmatched: tuple[str, ...] = ()
    not_reading: tuple[str, ...] = ()
    stopped: tuple[str, ...] = ()


def replay_scenario(
    service: Any,
    scenario: Scenario,
    *,
    staff: tuple[tuple[str, str], ...] = (),
    duration_s: float | None = None,
    max_steps: int = 10_000_000,
    realtime: bool = False,
    stop: threading.Event | None = None,
) -> ReplayOutcome:
    """Deterministic replay of ``scenario`` by ``service`` (a :class:`~acsi.ingest.device.capture.CaptureService`
    built on ``scenario.backend`` and its clock): all pads in turn on virtual time.

    Steps are queued before the first scan, so a pad that denies access or is busy from the
    start shows it as a real one would (its serial unreadable, it is known by its port). Then
    ``staff`` ``(window, staff id)`` pairs log in and the service replays for ``duration_s``
    of device time (default :data:`REPLAY_CAP_S`).
    """
    for device, steps in scenario.devices:
        if _matched(device, service.profiles):
            bind_steps(device, steps, reader_of(service, device), scenario.source)
    service.scan()
    for window, who in staff:
        service.login(window, who)
    duration = REPLAY_CAP_S if duration_s is None else duration_s
    why = service.replay(duration_s=duration, max_steps=max_steps, realtime=realtime, stop=stop)
    workers = service.workers.items()
    return ReplayOutcome(
        reason=why,
        duration_s=duration,
        unmatched=scenario.unmatched(service.profiles),
        not_reading=tuple(f"{uid} ({w.state.lower()})" for uid, w in workers if w.state not in ("READY", "STOPPED")),
        stopped=tuple(uid for uid, w in workers if w.state == "STOPPED"),
    )
