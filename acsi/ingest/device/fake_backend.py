"""A scripted pyusb backend: the real pyusb code path without libusb or a device.

:class:`FakeBackend` implements :class:`usb.backend.IBackend` and is passed to
``usb.core.find(backend=...)``, so pyusb's own ``Device``, descriptor parsing, string reads,
kernel-driver calls, ``claim_interface``, ``read``/``write`` and ``ctrl_transfer`` all run. Each
:class:`FakeDevice` replays a script of steps, consumed by interrupt reads:

``report(bytes)``          one interrupt report (1 ms of virtual time)
``silence(ms)``            read timeouts (``USBTimeoutError``, ``ETIMEDOUT``) for ``ms`` of virtual time
``unplug(ms)``             ``USBError`` ``ENODEV`` now; the device is absent from enumeration for ``ms``
``busy(n)``                the next ``n`` claims fail with ``EBUSY`` (another driver or process)
``deny()``                 every open fails with ``EACCES`` from now on (no udev rule)
``call(fn)``               run ``fn()`` (a staff login, a prompt) when the script reaches it

Time is virtual (:class:`FakeClock`): read timeouts and the reader's back-off sleeps advance it,
so a 30-second rating deadline takes no real time. Used by the tests and by the scenarios of
:mod:`acsi.ingest.device.scenario` (``acsi device list/listen/learn --fake-script``).
"""

from __future__ import annotations

import array
import datetime as dt
import errno
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import usb.backend
import usb.core

__all__ = ["FakeBackend", "FakeClock", "FakeDevice", "busy", "call", "deny", "report", "silence", "unplug"]


class FakeClock:
    """Virtual monotonic and wall clocks; ``sleep`` advances both."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.start = start or dt.datetime(2024, 3, 4, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
        self.ns = 1_000_000_000

    def monotonic_ns(self) -> int:
        return self.ns

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(microseconds=self.ns // 1000)

    def sleep(self, seconds: float) -> None:
        self.advance(int(seconds * 1e9))

    def advance(self, ns: int) -> None:
        self.ns += max(int(ns), 0)


def report(data: bytes | str) -> tuple:
    return ("report", bytes.fromhex(data) if isinstance(data, str) else bytes(data))


def silence(ms: float) -> tuple:
    return ("silence", float(ms))


def unplug(ms: float = 1500) -> tuple:
    return ("unplug", float(ms))


def busy(n: int = 1) -> tuple:
    return ("busy", int(n))


def deny() -> tuple:
    return ("deny", True)


def call(fn: Callable[[], Any]) -> tuple:
    return ("call", fn)


@dataclass
class _Desc:
    """A descriptor: pyusb copies its fields with getattr."""

    fields: dict

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class FakeDevice:
    """One scripted device; ``calls`` records every backend call that reached it."""

    vendor_id: int
    product_id: int
    serial: str | None = "SN0001"
    product: str = "Evaluator"
    interface_class: int = 3
    ep_in: int = 0x81
    ep_out: int | None = None
    packet_size: int = 8
    kernel_driver: bool = True
    bus: int = 1
    port_numbers: tuple[int, ...] = (2, 1)
    script: deque = field(default_factory=deque)
    calls: list = field(default_factory=list)
    written: list = field(default_factory=list)
    controls: list = field(default_factory=list)
    configuration: int = 0
    address: int = 5
    plugged: bool = True
    replug_at_ns: int | None = None
    busy_claims: int = 0
    denied: bool = False
    on_write: Callable[[bytes], None] | None = None
    _silence_left_ns: int = 0

    def add(self, *steps: tuple) -> FakeDevice:
        self.script.extend(steps)
        return self

    @property
    def exhausted(self) -> bool:
        return not self.script and self._silence_left_ns <= 0 and self.plugged


#: (bLength, bDescriptorType) of each standard descriptor (USB 2.0 specification, chapter 9.6).
_DESCRIPTOR_HEADERS = {"device": (18, 1), "configuration": (9, 2), "interface": (9, 4), "endpoint": (7, 5)}


def _descriptor(kind: str, **fields: Any) -> _Desc:
    """A standard descriptor of ``kind`` with its length and type; all but the device descriptor
    carry the (empty) class-specific ``extra_descriptors`` that pyusb reads."""
    length, descriptor_type = _DESCRIPTOR_HEADERS[kind]
    extra = {} if kind == "device" else {"extra_descriptors": []}
    return _Desc({"bLength": length, "bDescriptorType": descriptor_type, **fields, **extra})


class _Handle:
    def __init__(self, device: FakeDevice) -> None:
        self.device = device
        self.generation = device.address


def _usb_error(message: str, code: int, err: int) -> usb.core.USBError:
    return usb.core.USBError(message, code, err)


class FakeBackend(usb.backend.IBackend):
    """An :class:`usb.backend.IBackend` serving :class:`FakeDevice` scripts on a :class:`FakeClock`."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.devices: list[FakeDevice] = []

    def add_device(self, **kwargs: Any) -> FakeDevice:
        device = FakeDevice(**kwargs)
        self.devices.append(device)
        return device

    @property
    def exhausted(self) -> bool:
        return all(d.exhausted for d in self.devices)

    # -- control of the script -------------------------------------------------------------------
    def _run_immediate(self, device: FakeDevice, calls: bool = True) -> None:
        """Apply the steps at the head of the script that take no time; ``call`` steps only
        when ``calls`` (at reads, not while enumerating: a reader may not exist yet)."""
        kinds = ("busy", "deny", "call") if calls else ("busy", "deny")
        while device.script and device.script[0][0] in kinds:
            kind, value = device.script.popleft()
            if kind == "busy":
                device.busy_claims += value
            elif kind == "deny":
                device.denied = True
            else:
                value()

    def _check_plugged(self, device: FakeDevice, handle: _Handle | None = None) -> None:
        if not device.plugged or (handle is not None and handle.generation != device.address):
            raise _usb_error("No such device (it may have been disconnected)", -4, errno.ENODEV)

    # -- enumeration and descriptors ---------------------------------------------------------------
    def enumerate_devices(self):
        for device in self.devices:
            if not device.plugged and device.replug_at_ns is not None and self.clock.ns >= device.replug_at_ns:
                device.plugged, device.replug_at_ns = True, None
                device.address += 1  # a replugged device gets a new address
                device.configuration = 0
                device.kernel_driver = True if device.interface_class == 3 else device.kernel_driver
            if device.plugged:
                self._run_immediate(device, calls=False)
                yield device

    def get_device_descriptor(self, dev: FakeDevice) -> _Desc:
        return _descriptor(
            "device",
            bcdUSB=0x0200,
            bDeviceClass=0,
            bDeviceSubClass=0,
            bDeviceProtocol=0,
            bMaxPacketSize0=64,
            idVendor=dev.vendor_id,
            idProduct=dev.product_id,
            bcdDevice=0x0100,
            iManufacturer=0,
            iProduct=2,
            iSerialNumber=3 if dev.serial else 0,
            bNumConfigurations=1,
            bus=dev.bus,
            address=dev.address,
            port_number=dev.port_numbers[-1],
            port_numbers=dev.port_numbers,
            speed=2,
        )

    def get_configuration_descriptor(self, dev: FakeDevice, config: int) -> _Desc:
        return _descriptor(
            "configuration",
            wTotalLength=34,
            bNumInterfaces=1,
            bConfigurationValue=1,
            iConfiguration=0,
            bmAttributes=0x80,
            bMaxPower=50,
        )

    def get_interface_descriptor(self, dev: FakeDevice, intf: int, alt: int, config: int) -> _Desc:
        if intf != 0 or alt != 0:
            raise IndexError("no such interface")
        hid = dev.interface_class == 3
        return _descriptor(
            "interface",
            bInterfaceNumber=0,
            bAlternateSetting=0,
            bNumEndpoints=1 + (dev.ep_out is not None),
            bInterfaceClass=dev.interface_class,
            bInterfaceSubClass=1 if hid else 0,
            bInterfaceProtocol=1 if hid else 0,
            iInterface=0,
        )

    def get_endpoint_descriptor(self, dev: FakeDevice, ep: int, intf: int, alt: int, config: int) -> _Desc:
        address = dev.ep_in if ep == 0 else dev.ep_out
        if address is None or ep > 1:
            raise IndexError("no such endpoint")
        return _descriptor(
            "endpoint",
            bEndpointAddress=address,
            bmAttributes=3,
            wMaxPacketSize=dev.packet_size,
            bInterval=10,
            bRefresh=0,
            bSynchAddress=0,
        )

    # -- handles --------------------------------------------------------------------------------
    def open_device(self, dev: FakeDevice) -> _Handle:
        dev.calls.append("open")
        self._check_plugged(dev)
        if dev.denied:
            raise _usb_error("Access denied (insufficient permissions)", -3, errno.EACCES)
        return _Handle(dev)

    def close_device(self, handle: _Handle) -> None:
        handle.device.calls.append("close")

    def get_configuration(self, handle: _Handle) -> int:
        self._check_plugged(handle.device, handle)
        return handle.device.configuration

    def set_configuration(self, handle: _Handle, value: int) -> None:
        handle.device.calls.append(f"set_configuration({value})")
        self._check_plugged(handle.device, handle)
        handle.device.configuration = value

    def set_interface_altsetting(self, handle: _Handle, intf: int, alt: int) -> None:
        handle.device.calls.append(f"set_altsetting({intf},{alt})")

    def is_kernel_driver_active(self, handle: _Handle, intf: int) -> bool:
        self._check_plugged(handle.device, handle)
        return handle.device.kernel_driver

    def detach_kernel_driver(self, handle: _Handle, intf: int) -> None:
        handle.device.calls.append(f"detach({intf})")
        handle.device.kernel_driver = False

    def attach_kernel_driver(self, handle: _Handle, intf: int) -> None:
        handle.device.calls.append(f"attach({intf})")
        handle.device.kernel_driver = True

    def claim_interface(self, handle: _Handle, intf: int) -> None:
        dev = handle.device
        dev.calls.append(f"claim({intf})")
        self._check_plugged(dev, handle)
        if dev.busy_claims or dev.kernel_driver:
            dev.busy_claims = max(dev.busy_claims - 1, 0)
            raise _usb_error("Resource busy", -6, errno.EBUSY)

    def release_interface(self, handle: _Handle, intf: int) -> None:
        handle.device.calls.append(f"release({intf})")

    def clear_halt(self, handle: _Handle, ep: int) -> None:
        handle.device.calls.append(f"clear_halt({ep:#x})")

    # -- transfers ----------------------------------------------------------------------------------
    def intr_read(self, handle: _Handle, ep: int, intf: int, buff: array.array, timeout: int) -> int:
        dev = handle.device
        self._check_plugged(dev, handle)
        self._run_immediate(dev)
        if dev._silence_left_ns > 0 or not dev.script:
            step = max(int(timeout), 1) * 1_000_000
            self.clock.advance(step)
            dev._silence_left_ns -= step
            raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        kind, value = dev.script.popleft()
        if kind == "silence":
            dev._silence_left_ns = int(value * 1_000_000)
            return self.intr_read(handle, ep, intf, buff, timeout)
        if kind == "unplug":
            dev.plugged = False
            dev.replug_at_ns = self.clock.ns + int(value * 1_000_000)
            raise _usb_error("No such device (it may have been disconnected)", -4, errno.ENODEV)
        # a report
        self.clock.advance(1_000_000)
        n = min(len(value), len(buff))
        buff[:n] = array.array("B", value[:n])
        return n

    bulk_read = intr_read

    def intr_write(self, handle: _Handle, ep: int, intf: int, data: array.array, timeout: int) -> int:
        dev = handle.device
        self._check_plugged(dev, handle)
        payload = bytes(data)
        dev.written.append(payload)
        if dev.on_write is not None:
            dev.on_write(payload)
        return len(payload)

    bulk_write = intr_write

    def ctrl_transfer(
        self, handle: _Handle, bmRequestType: int, bRequest: int, wValue: int, wIndex: int, data: array.array, timeout: int
    ) -> int:
        dev = handle.device
        self._check_plugged(dev, handle)
        if bmRequestType == 0x80 and bRequest == 0x06 and wValue >> 8 == 3:  # GET_DESCRIPTOR(string)
            index = wValue & 0xFF
            if index == 0:
                payload = bytes([4, 3, 0x09, 0x04])
            else:
                text = {2: dev.product, 3: dev.serial or ""}.get(index, "")
                encoded = text.encode("utf-16-le")
                payload = bytes([2 + len(encoded), 3]) + encoded
            n = min(len(payload), len(data))
            data[:n] = array.array("B", payload[:n])
            return n
        dev.controls.append((bmRequestType, bRequest, wValue, wIndex, bytes(data)))
        return len(data)
