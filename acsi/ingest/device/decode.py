"""Decoders: raw USB reports to key codes. Pure, stateful per device, no I/O, no ``usb`` import.

Three kinds, chosen by the profile's ``decoder.kind``:

``hid-boot-keyboard``
    8-byte boot keyboard report: modifiers, reserved, six usages of the keyboard page (0x07).
    Reports carry *state*, so a key is emitted when its usage appears (``trigger: press``),
    disappears (``release``) or both (``change``); repeats and the all-zero release emit nothing,
    and the ErrorRollOver report (usages 0x01) is ignored. Source: USB HID Usage Tables, keyboard
    page; Silicon Labs ``HIDKBD_KeyReport_t``.
``byte-field``
    One byte of a (polled) report holds the key state; ``idle`` values mean no key. A press is a
    move to a non-idle value (elbeanio/dream_cheeky_big_red_button: ``cheeky.py``).
``frame``
    A byte stream cut into frames ``HEADER | LEN | LEN | SYNC | body | CS | TRAILER`` where
    ``CS = sum(body) mod 256`` (or XOR), as in JackQChen/QueueSystem's RS-485 evaluators. Frames
    may span reports; a frame with a bad length, checksum or trailer becomes a
    :class:`KeyInput` with ``code=None`` and a ``problem``, so it is stored, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from acsi.ingest.device.profile import Profile

__all__ = ["Decoder", "KeyInput", "build_frame", "make_decoder"]


@dataclass(frozen=True)
class KeyInput:
    """One key event decoded from the device.

    Attributes
    ----------
    code : int or None
        Raw key code (usage, state byte, frame code); None when the report was malformed.
    reasons : tuple of int
        Raw reason codes carried with the key (framed devices).
    problem : str or None
        ``bad_length``, ``bad_checksum``, ``bad_trailer``, ``bad_sync`` or ``short_report``.
    raw : bytes
        The bytes this input came from (the frame, or the report).
    ack : bytes or None
        Bytes to send back once the event is committed (framed devices that expect an echo).
    """

    code: int | None
    reasons: tuple[int, ...] = ()
    problem: str | None = None
    raw: bytes = b""
    ack: bytes | None = None


class Decoder:
    """Base class: ``feed(report)`` returns the key inputs the report completes."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.trigger = profile.decoder.trigger

    def feed(self, report: bytes) -> list[KeyInput]:  # pragma: no cover - abstract
        raise NotImplementedError

    def reset(self) -> None:
        """Forget state (after an unplug: the device restarts from idle)."""


class HidBootKeyboardDecoder(Decoder):
    def __init__(self, profile: Profile) -> None:
        super().__init__(profile)
        self._held: tuple[int, ...] = ()

    def reset(self) -> None:
        self._held = ()

    def feed(self, report: bytes) -> list[KeyInput]:
        if len(report) < 3:
            return [KeyInput(code=None, problem="short_report", raw=bytes(report))]
        usages = tuple(u for u in report[2:8] if u > 0x03)  # 0x00 none, 0x01-0x03 error codes
        if any(u == 0x01 for u in report[2:8]):
            return []  # ErrorRollOver: too many keys; the state is unknown, keep the old one
        pressed = [u for u in usages if u not in self._held]
        released = [u for u in self._held if u not in usages]
        self._held = usages
        codes = {"press": pressed, "release": released, "change": pressed + released}[self.trigger]
        return [KeyInput(code=c, raw=bytes(report)) for c in codes]


class ByteFieldDecoder(Decoder):
    def __init__(self, profile: Profile) -> None:
        super().__init__(profile)
        self.offset = profile.decoder.options["offset"]
        self.idle = profile.decoder.options["idle"]
        self._last: int | None = None

    def reset(self) -> None:
        self._last = None

    def feed(self, report: bytes) -> list[KeyInput]:
        if len(report) <= self.offset:
            return [KeyInput(code=None, problem="short_report", raw=bytes(report))]
        value = report[self.offset]
        last, self._last = self._last, value
        if value == last:
            return []
        out: list[int] = []
        if self.trigger in ("release", "change") and last is not None and last not in self.idle:
            out.append(last)
        if self.trigger in ("press", "change") and value not in self.idle:
            out.append(value)
        return [KeyInput(code=c, raw=bytes(report)) for c in out]


def _checksum(algo: str, body: bytes) -> int | None:
    if algo == "sum8":
        return sum(body) & 0xFF
    if algo == "xor8":
        x = 0
        for b in body:
            x ^= b
        return x
    return None


def build_frame(profile: Profile, body: bytes) -> bytes:
    """A frame around ``body`` (ADDR FUNC DATA...) in the profile's framing: header, LEN twice,
    sync, body, checksum, trailer. Used for prompts and by tests and the fake device."""
    o = profile.decoder.options
    size = o["body_offset"] + len(body) + (1 if o["checksum"] != "none" else 0) + len(o["trailer"])
    frame = bytearray(size)
    frame[: len(o["header"])] = o["header"]
    frame[o["length_offset"]] = len(body)
    if o["length_dup_offset"] is not None:
        frame[o["length_dup_offset"]] = len(body)
    if o["sync"]:
        frame[o["sync"][0]] = o["sync"][1]
    b0 = o["body_offset"]
    frame[b0 : b0 + len(body)] = body
    pos = b0 + len(body)
    cs = _checksum(o["checksum"], body)
    if cs is not None:
        frame[pos] = cs
        pos += 1
    frame[pos:] = o["trailer"]
    return bytes(frame)


class FrameDecoder(Decoder):
    def __init__(self, profile: Profile) -> None:
        super().__init__(profile)
        self.o = profile.decoder.options
        self._buffer = bytearray()

    def reset(self) -> None:
        self._buffer.clear()

    def feed(self, report: bytes) -> list[KeyInput]:
        o = self.o
        self._buffer += report
        out: list[KeyInput] = []
        header = o["header"]
        while True:
            start = self._buffer.find(header)
            if start < 0:
                # keep a possible partial header at the end
                keep = len(header) - 1
                del self._buffer[: max(len(self._buffer) - keep, 0)]
                return out
            del self._buffer[:start]
            if len(self._buffer) < o["body_offset"]:
                return out
            n = self._buffer[o["length_offset"]]
            problem = None
            if o["length_dup_offset"] is not None and self._buffer[o["length_dup_offset"]] != n:
                problem = "bad_length"
            elif not o["length_min"] <= n <= o["length_max"]:
                problem = "bad_length"
            elif o["sync"] and self._buffer[o["sync"][0]] != o["sync"][1]:
                problem = "bad_sync"
            if problem:
                out.append(KeyInput(code=None, problem=problem, raw=bytes(self._buffer[: o["body_offset"]])))
                del self._buffer[:1]  # resynchronise on the next header
                continue
            size = o["body_offset"] + n + (1 if o["checksum"] != "none" else 0) + len(o["trailer"])
            if len(self._buffer) < size:
                return out
            frame = bytes(self._buffer[:size])
            body = frame[o["body_offset"] : o["body_offset"] + n]
            cs = _checksum(o["checksum"], body)
            if cs is not None and frame[o["body_offset"] + n] != cs:
                out.append(KeyInput(code=None, problem="bad_checksum", raw=frame))
                del self._buffer[:1]
                continue
            if o["trailer"] and not frame.endswith(o["trailer"]):
                out.append(KeyInput(code=None, problem="bad_trailer", raw=frame))
                del self._buffer[:1]
                continue
            del self._buffer[:size]
            func = o["func"]
            if func and (len(body) <= func[0] or body[func[0]] != func[1]):
                continue  # not a rating frame (heartbeat, status): stored as a raw report only
            if len(body) <= o["code_offset"]:
                out.append(KeyInput(code=None, problem="bad_length", raw=frame))
                continue
            reasons: tuple[int, ...] = ()
            if o["reasons_offset"] is not None:
                reasons = tuple(b for b in body[o["reasons_offset"] :] if b != 0)
            out.append(
                KeyInput(code=body[o["code_offset"]], reasons=reasons, raw=frame, ack=frame if o["ack"] == "echo" else None)
            )


def make_decoder(profile: Profile) -> Decoder:
    """A fresh decoder for the profile's ``decoder.kind``."""
    kinds = {"hid-boot-keyboard": HidBootKeyboardDecoder, "byte-field": ByteFieldDecoder, "frame": FrameDecoder}
    return kinds[profile.decoder.kind](profile)
