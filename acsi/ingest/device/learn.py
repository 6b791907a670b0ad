"""``acsi device learn``: show devices and descriptors, dump raw reports in hex, draft a profile.

The operator presses each key in a stated order (``--keys``); each new non-idle report is taken
as the next key. The draft guesses the decoder (boot keyboard when reports are 8 bytes with the
reserved byte 0 and usages from byte 2, otherwise the first byte that varies) and maps the codes
to the labels in order. It is a *draft*: check it, fill in the transport and scale details, and
bump the version before use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from acsi.errors import DeviceError
from acsi.ingest.device.profile import LABELS
from acsi.ingest.device.profile_load import profile_from_dict
from acsi.ingest.device.usb_reader import PyUsbTransport, device_uid, find_devices
from acsi.ingest.device.worker import SystemClock

__all__ = ["LearnResult", "draft_profile", "learn"]


def draft_profile(
    reports: list[bytes], keys: list[str] | None, vendor_id: int, product_id: int, interface_class: int | None
) -> dict[str, Any]:
    """A draft profile mapping from the distinct non-idle reports seen, in order."""
    idle = {bytes(len(r)) for r in reports}
    keyed: list[bytes] = []
    for r in reports:
        if r not in idle and r not in keyed:
            keyed.append(r)
    keyboard = bool(keyed) and all(len(r) == 8 and r[1] == 0 and r[2] != 0 for r in keyed)
    if keyboard:
        offset = 2
        decoder: dict[str, Any] = {"kind": "hid-boot-keyboard", "trigger": "press", "debounce_ms": 400}
    else:
        width = min((len(r) for r in keyed), default=1)
        offset = next((i for i in range(width) if len({r[i] for r in keyed}) > 1), 0)
        decoder = {"kind": "byte-field", "offset": offset, "idle": [0], "trigger": "press", "debounce_ms": 300}
    labels = [k for k in (keys or []) if k in LABELS[:5]]
    rating_labels = [k for k in LABELS[:5] if k in labels] or ["dissatisfied", "satisfied"]
    codes: dict[str, Any] = {}
    for i, r in enumerate(keyed):
        code = f"0x{r[offset]:02X}"
        if keys and i < len(keys) and keys[i] in rating_labels:
            codes[code] = {"level": rating_labels.index(keys[i]) + 1}
        elif keys and i < len(keys) and keys[i] == "cancel":
            codes[code] = {"outcome": "cancelled"}
    k = len(rating_labels)
    scale: dict[str, Any] = {"levels": k, "labels": rating_labels}
    if k not in (4, 5):
        scale.update(satisfied_min_level=k, bad_max_level=1)
    return {
        "profile": {
            "id": f"draft-{vendor_id:04x}-{product_id:04x}",
            "version": 1,
            "description": f"DRAFT from acsi device learn on {dt.date.today().isoformat()}: check every key",
        },
        "match": {
            "vendor_id": vendor_id,
            "product_id": product_id,
            **({"interface_class": interface_class} if interface_class is not None else {}),
        },
        "usb": {"interface": 0, "detach_kernel_driver": True, "endpoint_in": "auto", "endpoint_out": "none"},
        "transport": {"kind": "interrupt-stream"},
        "decoder": decoder,
        "scale": scale,
        "codes": codes or {"0x00": {"outcome": "ignore"}},
    }


@dataclass(frozen=True)
class LearnResult:
    """What ``learn`` found: the device listing, the raw reports read, and the draft profile (if a device was read).

    ``lines`` is the listing of devices and descriptors as text lines; ``reports`` holds
    (milliseconds since the start, raw bytes) per new non-idle report; ``draft_text`` is the
    draft profile as YAML (None when no ``vendor_id``/``product_id`` was given).
    """

    lines: tuple[str, ...]
    reports: tuple[tuple[float, bytes], ...] = ()
    profile: dict[str, Any] | None = None
    draft_text: str | None = None
    draft_path: str | None = None

    def summary(self) -> str:
        """The listing, then the reports in hex, then where the draft went (or the draft itself)."""
        out = list(self.lines)
        out += [f"  +{ms:9.1f} ms  {data.hex(' ')}" for ms, data in self.reports]
        if self.draft_path:
            out.append(f"draft profile written to {self.draft_path}")
        elif self.draft_text is not None:
            out.append(self.draft_text)
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "devices": list(self.lines),
            "reports": [{"ms": ms, "hex": d.hex(" ")} for ms, d in self.reports],
            "profile": self.profile,
            "draft_path": self.draft_path,
        }

    def __repr__(self) -> str:
        return f"LearnResult({len(self.lines)} listing lines, {len(self.reports)} reports, draft={self.profile is not None})"


def learn(
    *,
    backend: Any = None,
    vendor_id: int | None = None,
    product_id: int | None = None,
    interface: int = 0,
    seconds: float = 30.0,
    keys: list[str] | None = None,
    draft: str | None = None,
    clock: Any = None,
    host_id: str = "host",
    on_line: Callable[[str], None] | None = None,
) -> LearnResult:
    """List USB devices and, for ``vendor_id``/``product_id``, read raw reports for ``seconds`` and draft a profile.

    Nothing is printed: ``on_line`` (if given) receives each line as it happens (the CLI passes
    ``print`` so that the operator sees the reports live); the result holds everything.
    """
    clock = clock or SystemClock()
    emit = on_line or (lambda line: None)
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        emit(line)

    devices = find_devices(backend)
    _list_devices(devices, host_id, say)
    if vendor_id is None or product_id is None:
        say("Give --vendor-id and --product-id to read one device.")
        return LearnResult(lines=tuple(lines))
    target = next((d for d in devices if d.idVendor == vendor_id and d.idProduct == product_id), None)
    if target is None:
        raise DeviceError(
            f"No device {vendor_id:04x}:{product_id:04x} found; plug it in or check the ids above.", kind="disconnected"
        )
    interface_class = None
    for cfg in target:
        for intf in cfg:
            if intf.bInterfaceNumber == interface:
                interface_class = intf.bInterfaceClass
    transport = PyUsbTransport(target, _probe_profile(vendor_id, product_id, interface), device_uid(target, host_id))
    transport.open()
    if keys:
        say("Press the keys in this order, one at a time: " + ", ".join(keys))
    try:
        reports = _read_reports(transport, clock, seconds, emit)
    finally:
        transport.close()
    profile = draft_profile([d for _, d in reports], keys, vendor_id, product_id, interface_class)
    text = "# DRAFT written by acsi device learn: check codes, transport and scale before use.\n" + yaml.safe_dump(
        profile, sort_keys=False, allow_unicode=True
    )
    if draft:
        with open(draft, "w", encoding="utf-8") as fh:
            fh.write(text)
    return LearnResult(lines=tuple(lines), reports=tuple(reports), profile=profile, draft_text=text, draft_path=draft)


def _list_devices(devices: list, host_id: str, say: Callable[[str], None]) -> None:
    """One line per device, and per interface its class and endpoints."""
    say(f"USB devices ({len(devices)}):")
    for dev in devices:
        say(f"  {device_uid(dev, host_id)}  bus {dev.bus} address {dev.address}")
        try:
            for cfg in dev:
                for intf in cfg:
                    eps = ", ".join(f"{ep.bEndpointAddress:#04x} (attr {ep.bmAttributes}, {ep.wMaxPacketSize} B)" for ep in intf)
                    say(f"    interface {intf.bInterfaceNumber} class {intf.bInterfaceClass} endpoints: {eps or '-'}")
        except Exception as err:  # noqa: BLE001 - descriptors of other devices may be unreadable
            say(f"    descriptors unreadable: {err}")


def _probe_profile(vendor_id: int, product_id: int, interface: int) -> Any:
    """A minimal profile that lets the transport open the device and read raw interrupt reports."""
    return profile_from_dict(
        {
            "profile": {"id": "learn", "version": 1},
            "match": {"vendor_id": vendor_id, "product_id": product_id},
            "usb": {"interface": interface, "endpoint_in": "auto", "read_slice_ms": 200},
            "transport": {"kind": "interrupt-stream"},
            "decoder": {"kind": "byte-field"},
            "scale": {"levels": 2, "labels": ["dissatisfied", "satisfied"], "satisfied_min_level": 2, "bad_max_level": 1},
            "codes": {0: {"outcome": "ignore"}},
        },
        source="<learn>",
    )


def _read_reports(
    transport: PyUsbTransport, clock: Any, seconds: float, emit: Callable[[str], None]
) -> list[tuple[float, bytes]]:
    """Each report that differs from the one before, with its milliseconds since the start, for ``seconds``."""
    start = clock.monotonic_ns()
    reports: list[tuple[float, bytes]] = []
    last = None
    while clock.monotonic_ns() - start < seconds * 1e9:
        data = transport.read(200)
        if data is None or data == last:
            continue
        last = data
        ms = (clock.monotonic_ns() - start) / 1e6
        reports.append((ms, data))
        emit(f"  +{ms:9.1f} ms  {data.hex(' ')}")
    return reports
