"""Profiles with clear errors, the vendor code tables as mapping fixtures, pure decoders on hex
fixtures, and the window state machine."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json

import pytest
import yaml

from acsi.errors import IngestError
from acsi.ingest.device.decode import KeyInput, build_frame, make_decoder
from acsi.ingest.device.events import WindowSession
from acsi.ingest.device.profile_load import PROFILE_DIR, load_profile, profile_from_dict, shipped_profiles

from ._make import T0, profile, site


def _raw(name: str) -> dict:
    return yaml.safe_load((PROFILE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def test_shipped_profiles_cover_keyboard_framed_and_polled_pads() -> None:
    profiles = shipped_profiles()
    kinds = {(p.decoder.kind, p.transport.kind, p.scale.levels) for p in profiles.values()}
    assert {
        ("hid-boot-keyboard", "interrupt-stream", 4),
        ("frame", "request-response", 5),
        ("byte-field", "hid-poll", 3),
    } <= kinds
    p5 = profiles["framed-5level"]
    assert (p5.scale.satisfied_min_level, p5.scale.bad_max_level) == (4, 2)  # 好差评 defaults
    assert len(p5.sha256) == 64


def _set(data: dict, dotted: str, value) -> dict:
    data = copy.deepcopy(data)
    *path, last = dotted.split(".")
    node = data
    for part in path:
        node = node[int(part, 0) if isinstance(next(iter(node)), int) else part]
    if value is _DELETE:
        del node[int(last, 0) if isinstance(next(iter(node)), int) else last]
    else:
        node[int(last, 0) if node and isinstance(next(iter(node)), int) else last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("name", "dotted", "value", "key", "message"),
    [
        ("hid-keyboard-4key", "codes.0x1E", {"level": 5}, "codes.30.level", "outside the allowed range 1..4"),
        ("hid-keyboard-4key", "codes.0x1F", {"level": 3, "outcome": "cancelled"}, "codes.31", "exactly one of"),
        ("hid-keyboard-4key", "codes.0x29", {"outcome": "maybe"}, "codes.41.outcome", "not one of cancelled, timeout, ignore"),
        ("hid-keyboard-4key", "scale.labels", ["bad", "ok", "good", "great"], "scale.labels[0]", "not a canonical label"),
        ("hid-keyboard-4key", "scale.levels", 3, "scale.labels", "expected a list of 3 labels"),
        ("hid-keyboard-4key", "match.vendor_id", "acme", "match.vendor_id", "expected an integer"),
        ("hid-keyboard-4key", "transport.kind", "bluetooth", "transport.kind", "not one of interrupt-stream"),
        ("hid-keyboard-4key", "decoder.kind", "magic", "decoder.kind", "not one of hid-boot-keyboard"),
        ("hid-keyboard-4key", "usb.colour", "red", "usb.colour", "unknown key"),
        ("hid-keyboard-4key", "profile.id", "", "profile.id", "non-empty string"),
        ("hid-poll-3level", "scale.satisfied_min_level", _DELETE, "scale", "no default thresholds"),
        ("hid-poll-3level", "transport.poll.data", "zz", "transport.poll.data", "hex bytes"),
        ("framed-5level", "usb.endpoint_out", "none", "usb.endpoint_out", "needs an OUT endpoint"),
        ("framed-5level", "export.columns.time", _DELETE, "export.columns.time", "required"),
        ("framed-5level", "export.time_format", 5, "export.time_format", "strftime pattern"),
    ],
)
def test_profile_errors_name_the_file_and_the_key(name, dotted, value, key, message) -> None:
    data = _set(_raw(name), dotted, value)
    with pytest.raises(IngestError) as info:
        profile_from_dict(data, source=f"{name}.yaml")
    assert info.value.key == key, str(info.value)
    assert f"Profile '{name}.yaml', key '{key}'" in str(info.value) and message in str(info.value)


def test_missing_profile_lists_the_shipped_ones(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="hid-keyboard-4key"):
        load_profile("nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile: [unclosed", encoding="utf-8")
    with pytest.raises(IngestError, match="not valid UTF-8 YAML"):
        load_profile(bad)


# The code tables of section 1.3 of the design note, written as profiles: the same raw value
# means different things per vendor, and "no rating" is never a rating.
VENDOR_TABLES = {
    "XJPJQ.getKey": (
        4,
        {0: {"outcome": "ignore"}, 1: {"level": 4}, 2: {"level": 3}, 3: {"level": 2}, 4: {"level": 1}, 5: {"level": 1}},
        {3: "basic", 1: "very_satisfied", 0: None},
    ),
    "AxScoreOcx": (
        4,
        {3: {"level": 4}, 2: {"level": 3}, 1: {"level": 2}, 0: {"level": 1}},
        {3: "very_satisfied", 0: "dissatisfied"},
    ),
    "JT/T 905": (
        3,
        {0: {"outcome": "ignore"}, 1: {"level": 3}, 2: {"level": 2}, 3: {"level": 1}, 4: {"level": 1, "complaint": True}},
        {3: "dissatisfied", 4: "complaint", 1: "satisfied"},
    ),
}


@pytest.mark.parametrize("vendor", sorted(VENDOR_TABLES))
def test_vendor_code_tables_map_declaratively(vendor: str) -> None:
    k, codes, expect = VENDOR_TABLES[vendor]
    data = _raw("hid-poll-3level" if k == 3 else "hid-keyboard-4key")
    data["codes"] = codes
    p = profile_from_dict(data, source=vendor)
    for code, label in expect.items():
        meaning = p.meaning(code)
        assert (meaning.label if meaning.outcome == "rated" else None) == label
    assert p.meaning(0x77) is None  # unlisted: unmapped downstream


# -- decoders -------------------------------------------------------------------------------------
def _codes(decoder, *hexes: str) -> list:
    out = []
    for h in hexes:
        out.extend((k.code, k.problem) for k in decoder.feed(bytes.fromhex(h)))
    return out


def test_boot_keyboard_emits_on_press_and_ignores_repeats_release_and_rollover() -> None:
    d = make_decoder(profile("hid-keyboard-4key"))
    assert _codes(
        d,
        "00001e0000000000",
        "00001e0000000000",
        "0000000000000000",
        "00001e1f00000000",
        "0000010101010101",
        "00001f0000000000",
        "0000",
    ) == [(0x1E, None), (0x1E, None), (0x1F, None), (None, "short_report")]


def test_boot_keyboard_release_trigger() -> None:
    p = profile("hid-keyboard-4key")
    p = dataclasses.replace(p, decoder=dataclasses.replace(p.decoder, trigger="release"))
    assert _codes(make_decoder(p), "00001e0000000000", "0000000000000000") == [(0x1E, None)]


def test_byte_field_emits_when_the_state_leaves_idle() -> None:
    d = make_decoder(profile("hid-poll-3level"))
    assert _codes(d, "00", "01", "01", "00", "02", "03", "00") == [(1, None), (2, None), (3, None)]


def test_frames_split_across_reports_bad_checksum_length_and_other_functions() -> None:
    p = profile("framed-5level")
    d = make_decoder(p)
    good = build_frame(p, bytes([7, 0x11, 4, 2]))
    assert good.hex() == "ff68040468071104021e16"  # CS = 7 + 0x11 + 4 + 2 = 0x1e
    heartbeat = build_frame(p, bytes([7, 0x20, 0]))
    bad_cs = good[:-2] + b"\x00\x16"
    bad_len = bytes.fromhex("ff6804056807110402") + b"\x1e\x16"
    inputs = []
    for chunk in (b"\x00\x01" + good[:5], good[5:] + heartbeat, bad_cs, bad_len, good):
        inputs.extend(d.feed(chunk))
    assert [(k.code, k.reasons, k.problem) for k in inputs] == [
        (4, (2,), None),
        (None, (), "bad_checksum"),
        (None, (), "bad_length"),
        (4, (2,), None),
    ]
    assert inputs[0].ack == good


# -- window state machine ---------------------------------------------------------------------------
def _at(seconds: float) -> tuple[int, dt.datetime]:
    return int(seconds * 1e9), T0 + dt.timedelta(seconds=seconds)


def _key(code: int) -> KeyInput:
    return KeyInput(code=code)


def test_debounce_drops_bounces_and_flags_a_second_key() -> None:
    s = WindowSession(profile("hid-keyboard-4key"), site(), site().place_of_window("W1"), "u", "pc")
    s.login("S1")
    got = []
    for t, code in ((0, 0x1E), (0.1, 0x1E), (0.2, 0x21), (1.0, 0x1E)):
        got += [(e.outcome, e.level, json.loads(e.flags)) for e in s.on_key(_key(code), *_at(t))]
    assert got == [("rated", 4, []), ("rated", 1, ["duplicate_press"]), ("rated", 4, [])]


def test_burst_off_hours_and_clock_jump_are_flagged() -> None:
    st = site(business_hours=["08:30", "17:30"], burst={"max_events": 2, "seconds": 60})
    s = WindowSession(profile("hid-keyboard-4key"), st, st.place_of_window("W1"), "u", "pc")
    flags = [json.loads(s.on_key(_key(0x1E), *_at(t))[0].flags) for t in (0, 1, 2)]
    assert flags == [["no_staff"], ["no_staff"], ["no_staff", "burst"]]
    mono, wall = _at(3)
    late = s.on_key(_key(0x1F), mono, wall + dt.timedelta(hours=9))[0]  # wall clock moved, monotonic did not
    assert json.loads(late.flags) == ["no_staff", "off_hours", "clock_jump", "burst"]


def test_prompt_timeout_then_late_press_then_unprompted() -> None:
    s = WindowSession(profile("framed-5level"), site(), site().place_of_window("W2"), "u", "pc")
    pid, ended = s.request_evaluation(*_at(0), service_ref="T1")
    assert ended == [] and s.tick(*_at(29.9)) == []
    (timeout,) = s.tick(*_at(30))
    (late,) = s.on_key(_key(5), *_at(40))
    (free,) = s.on_key(_key(4), *_at(100))
    assert [
        (timeout.outcome, timeout.prompt_id, timeout.service_ref),
        (late.outcome, late.prompt_id),
        (free.outcome, free.prompt_id),
    ] == [("timeout", pid, "T1"), ("late", pid), ("unprompted", None)]


def test_a_new_prompt_supersedes_an_open_one() -> None:
    s = WindowSession(profile("framed-5level"), site(), site().place_of_window("W2"), "u", "pc")
    first, _ = s.request_evaluation(*_at(0))
    second, ended = s.request_evaluation(*_at(5))
    assert [(e.outcome, e.prompt_id, json.loads(e.flags)[0]) for e in ended] == [("timeout", first, "superseded")]
    (rated,) = s.on_key(_key(3), *_at(6))
    assert (rated.outcome, rated.prompt_id, rated.score_0_100) == ("rated", second, 50.0)
