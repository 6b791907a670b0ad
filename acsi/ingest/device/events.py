"""Evaluation events and the per-window state machine that makes them. Pure: no I/O, no ``usb``.

:class:`WindowSession` holds what one window knows: the staff member logged in, an open prompt
and its deadline, the last press (debounce) and recent ratings (burst). It turns decoded
:class:`~acsi.ingest.device.decode.KeyInput` values into :class:`EvaluationEvent` rows with
outcomes ``rated``, ``cancelled``, ``timeout``, ``late``, ``unprompted`` or ``unmapped``
(design note section 2.4). Quality flags (``no_staff``, ``off_hours``, ``burst``,
``duplicate_press``, ``clock_jump``, ``unknown_window``, bad-frame problems) are stored, never
used to filter.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import deque
from dataclasses import dataclass, field, fields, replace

from acsi.ingest.device.decode import KeyInput
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site, WindowPlace

__all__ = ["EVENT_COLUMNS", "EvaluationEvent", "OUTCOMES", "WindowSession", "iso_utc"]

SCHEMA_VERSION = 1
OUTCOMES = ("rated", "timeout", "cancelled", "late", "unmapped", "unprompted")
CLOCK_JUMP_NS = 2_000_000_000


def iso_utc(moment: dt.datetime) -> str:
    """ISO-8601 UTC with milliseconds: ``2024-03-05T01:02:03.456Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class EvaluationEvent:
    """One row of the ``events`` table; the JSON/CSV/Parquet export uses the same names.

    ``level`` is on the device's own scale 1..k (higher is better); ``score_0_100`` is
    (level - 1)/(k - 1) * 100. ``local_date`` is the capture day in ``tz``; periods are
    assigned from it. ``reason_codes`` and ``flags`` are JSON arrays of text.
    """

    event_id: str
    captured_at_utc: str
    captured_mono_ns: int | None
    tz: str
    local_date: str
    local_time: str
    host_id: str | None
    device_uid: str | None
    profile_id: str
    profile_version: int
    profile_sha256: str
    bank_id: str | None
    branch_id: str | None
    window_id: str | None
    staff_id: str | None
    service_ref: str | None
    prompt_id: str | None
    prompted_at_utc: str | None
    outcome: str
    scale_levels: int
    level: int | None
    label: str | None
    score_0_100: float | None
    satisfied_min_level: int
    bad_max_level: int
    reason_codes: str = "[]"
    flags: str = "[]"
    raw_code: str | None = None
    raw_report_id: int | None = None
    source: str = "capture"
    app_version: str = ""
    schema_version: int = SCHEMA_VERSION

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in EVENT_COLUMNS)


EVENT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(EvaluationEvent))


def _app_version() -> str:
    from acsi import __version__

    return __version__


@dataclass
class _Prompt:
    prompt_id: str
    service_ref: str | None
    prompted_at: dt.datetime
    deadline_ns: int


@dataclass
class WindowSession:
    """State of one window's evaluator; all times are passed in (testable without a clock).

    Parameters
    ----------
    profile : Profile
    site : Site
    place : WindowPlace
        Bank, branch and window of the device (from the site file).
    device_uid, host_id : str
    """

    profile: Profile
    site: Site
    place: WindowPlace
    device_uid: str | None = None
    host_id: str | None = None
    staff_id: str | None = None
    prompt: _Prompt | None = None
    _last_press: tuple[int, int] | None = None  # (code, mono_ns)
    _ended: tuple[str, int] | None = None  # (prompt_id, mono_ns) of the last finished prompt
    _recent: deque = field(default_factory=deque)
    _last_clock: tuple[int, dt.datetime] | None = None
    _version: str = field(default_factory=_app_version)

    # -- staff and prompts -------------------------------------------------------------------
    def login(self, staff_id: str) -> None:
        self.staff_id = staff_id

    def logout(self) -> None:
        self.staff_id = None

    @property
    def prompted(self) -> bool:
        return self.profile.transport.kind == "request-response"

    def request_evaluation(
        self, mono_ns: int, wall: dt.datetime, service_ref: str | None = None, deadline_s: float | None = None
    ) -> tuple[str, list[EvaluationEvent]]:
        """Open a prompt; a prompt still open ends as ``timeout`` with the ``superseded`` flag."""
        events = []
        if self.prompt is not None:
            events.append(self._event(None, "timeout", mono_ns, wall, extra_flags=["superseded"]))
            self._close_prompt(mono_ns)
        deadline = self.profile.transport.deadline_s if deadline_s is None else deadline_s
        self.prompt = _Prompt(str(uuid.uuid4()), service_ref, wall, mono_ns + int(deadline * 1e9))
        return self.prompt.prompt_id, events

    def tick(self, mono_ns: int, wall: dt.datetime) -> list[EvaluationEvent]:
        """A ``timeout`` event once the open prompt's deadline has passed."""
        if self.prompt is not None and mono_ns >= self.prompt.deadline_ns:
            event = self._event(None, "timeout", mono_ns, wall)
            self._close_prompt(mono_ns)
            return [event]
        return []

    def _close_prompt(self, mono_ns: int) -> None:
        assert self.prompt is not None  # internal invariant
        self._ended = (self.prompt.prompt_id, mono_ns)
        self.prompt = None

    # -- keys --------------------------------------------------------------------------------
    def on_key(self, key: KeyInput, mono_ns: int, wall: dt.datetime) -> list[EvaluationEvent]:
        """Events for one decoded key (none for an ignored code or a bounce of the same key)."""
        flags: list[str] = []
        if key.problem is not None:
            return [self._event(key, "unmapped", mono_ns, wall, extra_flags=[key.problem])]
        meaning = self.profile.meaning(key.code)  # type: ignore[arg-type]
        if meaning is not None and meaning.outcome == "ignore":
            return []
        debounce_ns = self.profile.decoder.debounce_ms * 1_000_000
        if self._last_press is not None and mono_ns - self._last_press[1] < debounce_ns:
            if self._last_press[0] == key.code:
                return []  # contact bounce or a held key re-reported
            flags.append("duplicate_press")
        self._last_press = (key.code, mono_ns)  # type: ignore[assignment]
        if meaning is None:
            return [self._event(key, "unmapped", mono_ns, wall, extra_flags=flags)]
        if not self.prompted:
            outcome = meaning.outcome
            return [self._event(key, outcome, mono_ns, wall, meaning=meaning, extra_flags=flags)]
        if self.prompt is not None:
            event = self._event(key, meaning.outcome, mono_ns, wall, meaning=meaning, extra_flags=flags)
            self._close_prompt(mono_ns)
            return [event]
        late_window_ns = int(self.profile.transport.deadline_s * 1e9)
        if self._ended is not None and mono_ns - self._ended[1] <= late_window_ns:
            return [self._event(key, "late", mono_ns, wall, meaning=meaning, extra_flags=flags, prompt_id=self._ended[0])]
        return [self._event(key, "unprompted", mono_ns, wall, meaning=meaning, extra_flags=flags)]

    # -- building events -----------------------------------------------------------------------
    def _event(
        self,
        key: KeyInput | None,
        outcome: str,
        mono_ns: int,
        wall: dt.datetime,
        *,
        meaning=None,
        extra_flags: list[str] | None = None,
        prompt_id: str | None = None,
    ) -> EvaluationEvent:
        profile, site, scale = self.profile, self.site, self.profile.scale
        local = wall.astimezone(site.zone)
        flags = list(extra_flags or [])
        if self.staff_id is None:
            flags.append("no_staff")
        if site.off_hours(local):
            flags.append("off_hours")
        if self.place.window_id is None:
            flags.append("unknown_window")
        if self._last_clock is not None:
            d_mono = mono_ns - self._last_clock[0]
            d_wall = (wall - self._last_clock[1]).total_seconds() * 1e9
            if abs(d_wall - d_mono) > CLOCK_JUMP_NS:
                flags.append("clock_jump")
        self._last_clock = (mono_ns, wall)
        if outcome == "rated":
            window_ns = int(site.burst_seconds * 1e9)
            while self._recent and mono_ns - self._recent[0] > window_ns:
                self._recent.popleft()
            self._recent.append(mono_ns)
            if len(self._recent) > site.burst_max_events:
                flags.append("burst")
        level = meaning.level if meaning is not None else None
        reasons = []
        if key is not None:
            reasons = [profile.reasons.get(r, f"raw:{r:#04x}") for r in key.reasons]
        prompt = self.prompt
        if prompt_id is None and prompt is not None:
            prompt_id = prompt.prompt_id
        raw_code = None
        if key is not None:
            raw_code = f"{key.code:#04x}" if key.code is not None else "0x" + key.raw.hex()
        return EvaluationEvent(
            event_id=str(uuid.uuid4()),
            captured_at_utc=iso_utc(wall),
            captured_mono_ns=mono_ns,
            tz=site.tz,
            local_date=local.date().isoformat(),
            local_time=local.strftime("%H:%M:%S"),
            host_id=self.host_id,
            device_uid=self.device_uid,
            profile_id=profile.id,
            profile_version=profile.version,
            profile_sha256=profile.sha256,
            bank_id=self.place.bank_id,
            branch_id=self.place.branch_id,
            window_id=self.place.window_id,
            staff_id=self.staff_id,
            service_ref=prompt.service_ref if prompt is not None else None,
            prompt_id=prompt_id,
            prompted_at_utc=iso_utc(prompt.prompted_at) if prompt is not None else None,
            outcome=outcome,
            scale_levels=scale.levels,
            level=level,
            label=meaning.label if meaning is not None else None,
            score_0_100=scale.score_0_100(level) if level is not None else None,
            satisfied_min_level=scale.satisfied_min_level,
            bad_max_level=scale.bad_max_level,
            reason_codes=json.dumps(reasons),
            flags=json.dumps(flags),
            raw_code=raw_code,
            app_version=self._version,
        )


def with_raw_report(event: EvaluationEvent, raw_report_id: int) -> EvaluationEvent:
    return replace(event, raw_report_id=raw_report_id)
