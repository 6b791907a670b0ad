"""Device profiles: one declarative YAML file per evaluator model, read into frozen objects.

A profile says how to find the device on USB, how to talk to it (transport), how to turn its
reports into key codes (decoder), what its own rating scale is, and what each raw code means.
Mapping is per profile because vendors disagree: "3" is *very satisfied* on one pad and
*dissatisfied* on another, and "0" is "no rating" on a third (see
``shared/design/evaluator-devices.md`` section 1.3). Codes a profile does not list are stored as
``unmapped`` with their raw bytes, never dropped; timeouts and cancellations are outcomes, never
ratings.

This module holds the values; :mod:`~acsi.ingest.device.profile_load` reads and checks the
files (every validation error an :class:`~acsi.errors.IngestError` naming the file and the key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CodeMeaning",
    "DecoderSpec",
    "ExportFormat",
    "LABELS",
    "Profile",
    "Scale",
    "TransportSpec",
    "UsbSpec",
]

#: The one vocabulary of labels, worst to best, plus ``complaint`` (JT/T 905 style).
LABELS = ("very_dissatisfied", "dissatisfied", "basic", "satisfied", "very_satisfied", "complaint")
TRANSPORTS = ("interrupt-stream", "hid-poll", "request-response")
DECODERS = ("hid-boot-keyboard", "byte-field", "frame")
NON_RATING_OUTCOMES = ("cancelled", "timeout", "ignore")
SET_CONFIGURATION = ("never", "always", "if-unconfigured")
TRIGGERS = ("press", "release", "change")


@dataclass(frozen=True)
class Scale:
    """The device's own rating scale: levels 1..k, higher is better.

    Attributes
    ----------
    levels : int
        k, the number of rating levels (2..10).
    labels : tuple of str
        Canonical label of each level, worst first.
    satisfied_min_level : int
        Levels at or above count as satisfied (满意率); default the top two levels.
    bad_max_level : int
        Levels at or below count as a bad review (差评率); default level 1 on 4 levels, levels
        1-2 on 5 levels; other scales must set it.
    """

    levels: int
    labels: tuple[str, ...]
    satisfied_min_level: int
    bad_max_level: int

    def score_0_100(self, level: int) -> float:
        """(level - 1) / (k - 1) * 100, ACSI's min-max rescaling."""
        return (level - 1) / (self.levels - 1) * 100.0


@dataclass(frozen=True)
class CodeMeaning:
    """What one raw code means: a rating level, or a non-rating outcome.

    Attributes
    ----------
    level : int or None
        Rating level on the profile's scale, for ratings.
    outcome : str
        ``rated``, ``cancelled``, ``timeout`` or ``ignore`` (not an event: idle or heartbeat).
    label : str or None
        Canonical label: the scale's label of ``level``, or ``complaint``.
    complaint : bool
        The key files a complaint (counts in ``complaint_rate``; it still carries a level).
    """

    outcome: str
    level: int | None = None
    label: str | None = None
    complaint: bool = False


@dataclass(frozen=True)
class UsbSpec:
    """How to open the device with pyusb."""

    vendor_id: int
    product_id: int
    interface_class: int | None = None
    serial_required: bool = False
    interface: int = 0
    alt_setting: int = 0
    detach_kernel_driver: bool = True
    set_configuration: str = "if-unconfigured"
    endpoint_in: int | None = None  # None: the first interrupt IN endpoint of the interface
    endpoint_out: int | None = None
    read_slice_ms: int = 300


@dataclass(frozen=True)
class TransportSpec:
    """How reports arrive: a stream, a polled HID state, or a prompt and its answer.

    ``poll`` (hid-poll) holds ``request_type``, ``request``, ``value``, ``index``, ``data`` (bytes)
    and ``every_ms``. ``request`` (request-response) holds ``func`` and ``data`` (bytes) of the
    prompt frame sent to the OUT endpoint; ``deadline_s`` is the rating deadline.
    """

    kind: str
    poll: Mapping[str, Any] = field(default_factory=dict)
    request: Mapping[str, Any] = field(default_factory=dict)
    deadline_s: float = 30.0


@dataclass(frozen=True)
class DecoderSpec:
    """How a report becomes key codes; ``options`` are the kind's own keys (see the YAML files)."""

    kind: str
    trigger: str = "press"
    debounce_ms: int = 400
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFormat:
    """Columns of the vendor PC software's CSV export (for ``acsi device import``).

    ``columns`` maps our field (``time``, ``code``, ``window``, ``staff``, ``record_id``,
    ``device``, ``service_ref``, ``reasons``) to the vendor's column name; ``time`` and ``code``
    are required. Times are local wall-clock times in the site's time zone.
    """

    columns: Mapping[str, str]
    time_format: str | None = None
    encoding: str = "utf-8"
    code_base: int = 10
    reasons_separator: str = "|"


@dataclass(frozen=True)
class Profile:
    """A validated device profile (see the module docstring and ``profiles/*.yaml``)."""

    id: str
    version: int
    description: str
    usb: UsbSpec
    transport: TransportSpec
    decoder: DecoderSpec
    scale: Scale
    codes: Mapping[int, CodeMeaning]
    reasons: Mapping[int, str]
    export: ExportFormat | None
    source: str
    sha256: str

    def meaning(self, code: int) -> CodeMeaning | None:
        """The meaning of a raw code, or None when the profile does not list it (unmapped)."""
        return self.codes.get(code)

    def matches(self, vendor_id: int, product_id: int) -> bool:
        return vendor_id == self.usb.vendor_id and product_id == self.usb.product_id
