"""The pyusb boundary: finding evaluators, naming them, and the transport that opens, reads and writes one.

The only module of :mod:`acsi.ingest.device` that imports ``usb`` (with the fake backend).
Decoding, storage and indicators never do. Behaviour follows the design note
(``shared/design/evaluator-devices.md`` sections 1.5 and 2.3):

- ``usb.core.find(find_all=True, backend=...)``; without a backend pyusb tries libusb1, openusb,
  libusb0 and raises ``NoBackendError``, reported as :class:`DeviceError` saying what to install.
- Open: detach the kernel driver (``usbhid``) inside ``try/except NotImplementedError``, set the
  configuration only if none is active (``if-unconfigured``), claim explicitly so ``EBUSY``
  shows at start-up.
- Read in short slices (``read_slice_ms``); a timeout means "no report this slice".
  ``EPIPE``: ``clear_halt`` and retry once. ``ENODEV``/``EIO``: a ``disconnected``
  :class:`DeviceError`; ``EBUSY`` ``busy``; ``EACCES`` ``permission`` with the udev rule to install.

The worker that drives a transport through reconnects, staff and prompts is
:class:`acsi.ingest.device.worker.DeviceWorker`; all pads of a PC are read by
:class:`acsi.ingest.device.capture.CaptureService`.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

import usb.core
import usb.util

from acsi.errors import DeviceError
from acsi.ingest.device.profile import Profile

__all__ = ["DeviceError", "PyUsbTransport", "device_uid", "find_devices", "interface_class_ok", "udev_hint"]

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


def interface_class_ok(dev: usb.core.Device, profile: Profile) -> bool:
    """The device has the profile's interface with the profile's interface class (when it names one)."""
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
