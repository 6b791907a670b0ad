"""The site file: which device sits at which window of which branch, in which time zone.

Example (YAML)::

    bank_id: BANK01
    branch_id: BR0101
    tz: Asia/Shanghai
    business_hours: ["08:30", "17:30"]     # optional; events outside get the off_hours flag
    burst: {max_events: 5, seconds: 60}    # optional; more ratings than this at a window: burst
    windows:
      - window_id: W1
        device_uid: "1209:0001:SN0001"     # vid:pid:serial, or vid:pid@host:bus-port.path
      - window_id: W2
        device_uid: "1209:0002@pc1:1-2.1"
        branch_id: BR0102                  # optional per-window override

A device that the site file does not list is still read; its events carry ``window_id`` null
and the ``unknown_window`` flag, so nothing is lost while the site file is fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from acsi.errors import IngestError

__all__ = ["Site", "WindowPlace", "load_site", "site_from_dict"]


@dataclass(frozen=True)
class WindowPlace:
    """Where one device sits."""

    bank_id: str | None
    branch_id: str | None
    window_id: str | None
    device_uid: str | None = None


@dataclass(frozen=True)
class Site:
    bank_id: str | None
    branch_id: str | None
    tz: str
    windows: tuple[WindowPlace, ...]
    business_hours: tuple[dt.time, dt.time] | None = None
    burst_max_events: int = 5
    burst_seconds: float = 60.0
    source: str = "<dict>"
    zone: ZoneInfo = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def place_of_device(self, device_uid: str) -> WindowPlace:
        for w in self.windows:
            if w.device_uid == device_uid:
                return w
        return WindowPlace(self.bank_id, self.branch_id, None, device_uid)

    def place_of_window(self, window_id: str | None) -> WindowPlace:
        for w in self.windows:
            if w.window_id == window_id:
                return w
        return WindowPlace(self.bank_id, self.branch_id, window_id)

    def off_hours(self, local: dt.datetime) -> bool:
        if self.business_hours is None:
            return False
        start, end = self.business_hours
        return not start <= local.time() < end


def _fail(source: str, key: str, message: str, value: object = None) -> IngestError:
    return IngestError(f"Site file '{source}', key '{key}': {message}", source=source, key=key, raw_value=value)


def _time(source: str, key: str, text: object) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise _fail(source, key, f'expected a time such as "08:30", got {text!r}.', text) from None


def site_from_dict(data: Mapping[str, Any], *, source: str = "<dict>") -> Site:
    """Validate a parsed site mapping; errors name the file and the key."""
    if not isinstance(data, Mapping):
        raise _fail(source, "", "expected a mapping at the top level.")
    allowed = {"bank_id", "branch_id", "tz", "business_hours", "burst", "windows", "host_id"}
    for key in data:
        if key not in allowed:
            raise _fail(source, str(key), f"unknown key. Allowed: {', '.join(sorted(allowed))}.", key)
    tz = str(data.get("tz", "Asia/Shanghai"))
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file of the tz database
        raise _fail(source, "tz", f"unknown time zone {tz!r}; use an IANA name such as Asia/Shanghai.", tz) from None
    bank = data.get("bank_id")
    branch = data.get("branch_id")
    windows = []
    raw_windows = data.get("windows", [])
    if not isinstance(raw_windows, list):
        raise _fail(source, "windows", "expected a list of {window_id, device_uid} entries.", raw_windows)
    seen: set[str] = set()
    for i, w in enumerate(raw_windows):
        if not isinstance(w, Mapping) or "window_id" not in w:
            raise _fail(source, f"windows[{i}]", "expected a mapping with at least window_id.", w)
        for key in w:
            if key not in {"window_id", "device_uid", "branch_id", "bank_id"}:
                raise _fail(
                    source, f"windows[{i}].{key}", "unknown key. Allowed: bank_id, branch_id, device_uid, window_id.", key
                )
        uid = w.get("device_uid")
        if uid is not None and not isinstance(uid, (str, int)):
            raise _fail(source, f"windows[{i}].device_uid", f'expected a device id such as "1209:0001:SN0001", got {uid!r}.', uid)
        if uid is not None and uid in seen:
            raise _fail(source, f"windows[{i}].device_uid", f"device {uid!r} is listed at two windows.", uid)
        if uid is not None:
            seen.add(str(uid))
        windows.append(
            WindowPlace(
                bank_id=str(w.get("bank_id", bank)) if w.get("bank_id", bank) is not None else None,
                branch_id=str(w.get("branch_id", branch)) if w.get("branch_id", branch) is not None else None,
                window_id=str(w["window_id"]),
                device_uid=str(uid) if uid is not None else None,
            )
        )
    hours = data.get("business_hours")
    business = None
    if hours is not None:
        if not isinstance(hours, list) or len(hours) != 2:
            raise _fail(source, "business_hours", 'expected [start, end] such as ["08:30", "17:30"].', hours)
        business = (_time(source, "business_hours[0]", hours[0]), _time(source, "business_hours[1]", hours[1]))
    burst = data.get("burst", {}) or {}
    if not isinstance(burst, Mapping):
        raise _fail(source, "burst", "expected {max_events: N, seconds: S}.", burst)
    max_events = burst.get("max_events", 5)
    seconds = burst.get("seconds", 60)
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
        raise _fail(source, "burst.max_events", f"expected a positive integer, got {max_events!r}.", max_events)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise _fail(source, "burst.seconds", f"expected positive seconds, got {seconds!r}.", seconds)
    return Site(
        bank_id=None if bank is None else str(bank),
        branch_id=None if branch is None else str(branch),
        tz=tz,
        windows=tuple(windows),
        business_hours=business,
        burst_max_events=max_events,
        burst_seconds=float(seconds),
        source=source,
        zone=zone,
    )


def load_site(path: str | Path) -> Site:
    """Read and validate a site file (YAML)."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Site file '{path}' not found.")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as err:  # ValueError: a date such as 0000-00-00
        raise IngestError(f"Site file '{file}' is not valid UTF-8 YAML: {err}", source=str(file)) from err
    return site_from_dict(data or {}, source=str(file))
