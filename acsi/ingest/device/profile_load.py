"""Reading device profiles: YAML files (shipped or given) checked key by key into :class:`~acsi.ingest.device.profile.Profile` values.

Every validation error is an :class:`~acsi.errors.IngestError` naming the file and the key,
e.g. ``Profile 'pad.yaml', key 'codes.0x1E.level': level 5 is outside the scale 1..4.``
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from acsi.errors import IngestError
from acsi.ingest.device.profile import (
    DECODERS,
    LABELS,
    NON_RATING_OUTCOMES,
    SET_CONFIGURATION,
    TRANSPORTS,
    TRIGGERS,
    CodeMeaning,
    DecoderSpec,
    ExportFormat,
    Profile,
    Scale,
    TransportSpec,
    UsbSpec,
)

__all__ = ["PROFILE_DIR", "load_profile", "profile_from_dict", "shipped_profiles"]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"


class _Reader:
    """Typed access to a nested mapping with errors naming the file and the dotted key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, message: str, value: object = None) -> IngestError:
        return IngestError(f"Profile '{self.source}', key '{key}': {message}", source=self.source, key=key, raw_value=value)

    def table(self, data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
        name = key.rsplit(".", 1)[-1]
        if name not in data:
            if required:
                raise self.fail(
                    key, "this section is required. Add it (see the shipped profiles in acsi/ingest/device/profiles/)."
                )
            return {}
        value = data[name]
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a mapping of keys, got {type(value).__name__} {value!r}.", value)
        return value

    def known(self, data: Mapping[str, Any], prefix: str, allowed: set[str]) -> None:
        for name in data:
            if name not in allowed:
                raise self.fail(
                    f"{prefix}.{name}" if prefix else str(name), f"unknown key. Allowed here: {', '.join(sorted(allowed))}.", name
                )

    def _lookup(self, data: Mapping[str, Any], key: str, default: Any, need: str) -> tuple[bool, Any]:
        """``(True, value)`` when the last part of the dotted ``key`` is in ``data``, ``(False,
        default)`` when it is not and a default is given; else "this key is required{need}."."""
        name = key.rsplit(".", 1)[-1]
        if name in data:
            return True, data[name]
        if default is ...:
            raise self.fail(key, f"this key is required{need}.")
        return False, default

    def int_(
        self,
        data: Mapping[str, Any],
        key: str,
        *,
        default: Any = ...,
        low: int | None = None,
        high: int | None = None,
        none_ok: bool = False,
    ) -> Any:
        given, value = self._lookup(data, key, default, " (an integer; hex such as 0x1A2B is fine)")
        if not given:
            return value
        if none_ok and (value is None or value == "none"):
            return None
        if isinstance(value, str):
            try:
                value = int(value, 0)
            except ValueError:
                raise self.fail(key, f"expected an integer, got {value!r}.", value) from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected an integer, got {value!r}.", value)
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, f"{value} is outside the allowed range {low}..{high}.", value)
        return value

    def choice(self, data: Mapping[str, Any], key: str, choices: tuple[str, ...], default: Any = ...) -> str:
        given, value = self._lookup(data, key, default, f"; one of {', '.join(choices)}")
        if not given:
            return value
        if value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}.", value)
        return value

    def hexbytes(self, data: Mapping[str, Any], key: str, default: Any = ...) -> bytes:
        given, value = self._lookup(data, key, default, ' (hex bytes such as "FF68")')
        if not given:
            return value
        try:
            return bytes.fromhex(str(value).replace(" ", ""))
        except ValueError:
            raise self.fail(key, f'expected hex bytes such as "FF68", got {value!r}.', value) from None


def _code_key(reader: _Reader, raw: object, key: str) -> int:
    if isinstance(raw, bool):
        raise reader.fail(key, f"a code must be an integer such as 0x1E or 30, got {raw!r}.", raw)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw), 0)
    except ValueError:
        raise reader.fail(key, f"a code must be an integer such as 0x1E or 30, got {raw!r}.", raw) from None


def _scale(reader: _Reader, data: Mapping[str, Any]) -> Scale:
    section = reader.table(data, "scale")
    reader.known(section, "scale", {"levels", "labels", "satisfied_min_level", "bad_max_level"})
    k = reader.int_(section, "scale.levels", low=2, high=10)
    labels = section.get("labels")
    if not isinstance(labels, list) or len(labels) != k:
        raise reader.fail("scale.labels", f"expected a list of {k} labels (worst first), got {labels!r}.", labels)
    for i, label in enumerate(labels):
        if label not in LABELS[:5]:
            raise reader.fail(
                f"scale.labels[{i}]", f"{label!r} is not a canonical label; use one of {', '.join(LABELS[:5])}.", label
            )
    if len(set(labels)) != k:
        raise reader.fail("scale.labels", "labels must be distinct.", labels)
    default_sat = k - 1 if k in (4, 5) else ...
    default_bad = {4: 1, 5: 2}.get(k, ...)
    if (default_sat is ... and "satisfied_min_level" not in section) or (default_bad is ... and "bad_max_level" not in section):
        raise reader.fail("scale", f"a {k}-level scale has no default thresholds; set satisfied_min_level and bad_max_level.")
    sat = reader.int_(section, "scale.satisfied_min_level", default=default_sat, low=1, high=k)
    bad = reader.int_(section, "scale.bad_max_level", default=default_bad, low=1, high=k)
    if bad >= sat:
        raise reader.fail("scale.bad_max_level", f"bad_max_level ({bad}) must be below satisfied_min_level ({sat}).", bad)
    return Scale(levels=k, labels=tuple(labels), satisfied_min_level=sat, bad_max_level=bad)


def _codes(reader: _Reader, data: Mapping[str, Any], scale: Scale) -> dict[int, CodeMeaning]:
    section = reader.table(data, "codes")
    if not section:
        raise reader.fail("codes", "at least one code must be mapped.")
    codes: dict[int, CodeMeaning] = {}
    for raw, entry in section.items():
        code = _code_key(reader, raw, f"codes.{raw}")
        key = f"codes.{raw}"
        if code in codes:
            raise reader.fail(key, f"code {code:#04x} is listed twice.", raw)
        if not isinstance(entry, Mapping):
            raise reader.fail(key, f"expected a mapping such as {{level: 4}} or {{outcome: cancelled}}, got {entry!r}.", entry)
        reader.known(entry, key, {"level", "outcome", "complaint"})
        if ("level" in entry) == ("outcome" in entry):
            raise reader.fail(key, "give exactly one of 'level' (a rating) or 'outcome' (cancelled, timeout, ignore).", entry)
        if "level" in entry:
            level = reader.int_(entry, f"{key}.level", low=1, high=scale.levels)
            complaint = bool(entry.get("complaint", False))
            label = "complaint" if complaint else scale.labels[level - 1]
            codes[code] = CodeMeaning(outcome="rated", level=level, label=label, complaint=complaint)
        else:
            if "complaint" in entry:
                raise reader.fail(f"{key}.complaint", "a complaint needs a level (it is also a rating).")
            outcome = reader.choice(entry, f"{key}.outcome", NON_RATING_OUTCOMES)
            codes[code] = CodeMeaning(outcome=outcome)
    return codes


def _byte_at(reader: _Reader, section: Mapping[str, Any], key: str, value: str, *, max_offset: int) -> tuple[int, int] | None:
    """An optional ``{offset, <value>}`` section: a frame byte position and the byte expected there, or None."""
    table = reader.table(section, key, required=False)
    reader.known(table, key, {"offset", value})
    if not table:
        return None
    return reader.int_(table, f"{key}.offset", low=0, high=max_offset), reader.int_(table, f"{key}.{value}", low=0, high=255)


def _decoder(reader: _Reader, data: Mapping[str, Any]) -> DecoderSpec:
    section = reader.table(data, "decoder")
    kind = reader.choice(section, "decoder.kind", DECODERS)
    common = {"kind", "trigger", "debounce_ms"}
    options: dict[str, Any] = {}
    if kind == "hid-boot-keyboard":
        reader.known(section, "decoder", common)
    elif kind == "byte-field":
        reader.known(section, "decoder", common | {"offset", "idle"})
        options["offset"] = reader.int_(section, "decoder.offset", default=0, low=0, high=63)
        idle = section.get("idle", [0])
        if not isinstance(idle, list):
            raise reader.fail("decoder.idle", f"expected a list of idle byte values, got {idle!r}.", idle)
        options["idle"] = frozenset(_code_key(reader, v, "decoder.idle") for v in idle)
    else:
        reader.known(
            section, "decoder", common | {"header", "length", "sync", "checksum", "trailer", "func", "code", "reasons", "ack"}
        )
        options["header"] = reader.hexbytes(section, "decoder.header")
        length = reader.table(section, "decoder.length")
        reader.known(length, "decoder.length", {"offset", "dup_offset", "min", "max"})
        options["length_offset"] = reader.int_(length, "decoder.length.offset", low=0, high=15)
        options["length_dup_offset"] = reader.int_(length, "decoder.length.dup_offset", default=None, low=0, high=15)
        options["length_min"] = reader.int_(length, "decoder.length.min", default=1, low=1, high=255)
        options["length_max"] = reader.int_(length, "decoder.length.max", default=64, low=1, high=255)
        options["sync"] = _byte_at(reader, section, "decoder.sync", "value", max_offset=15)
        offsets = (
            [options["length_offset"]]
            + ([options["length_dup_offset"]] if options["length_dup_offset"] is not None else [])
            + ([options["sync"][0]] if options["sync"] else [])
        )
        options["body_offset"] = max([len(options["header"]) - 1, *offsets]) + 1
        options["checksum"] = reader.choice(section, "decoder.checksum", ("sum8", "xor8", "none"), default="sum8")
        options["trailer"] = reader.hexbytes(section, "decoder.trailer", default=b"")
        options["func"] = _byte_at(reader, section, "decoder.func", "rating", max_offset=63)
        code = reader.table(section, "decoder.code")
        reader.known(code, "decoder.code", {"offset"})
        options["code_offset"] = reader.int_(code, "decoder.code.offset", low=0, high=63)
        reasons = reader.table(section, "decoder.reasons", required=False)
        reader.known(reasons, "decoder.reasons", {"offset"})
        options["reasons_offset"] = reader.int_(reasons, "decoder.reasons.offset", low=0, high=63) if reasons else None
        options["ack"] = reader.choice(section, "decoder.ack", ("echo", "none"), default="none")
    return DecoderSpec(
        kind=kind,
        trigger=reader.choice(section, "decoder.trigger", TRIGGERS, default="press"),
        debounce_ms=reader.int_(section, "decoder.debounce_ms", default=400, low=0, high=10_000),
        options=options,
    )


def _transport(reader: _Reader, data: Mapping[str, Any], decoder: DecoderSpec) -> TransportSpec:
    section = reader.table(data, "transport")
    reader.known(section, "transport", {"kind", "poll", "request", "deadline_s"})
    kind = reader.choice(section, "transport.kind", TRANSPORTS)
    poll: dict[str, Any] = {}
    request: dict[str, Any] = {}
    if kind == "hid-poll":
        p = reader.table(section, "transport.poll")
        reader.known(p, "transport.poll", {"request_type", "request", "value", "index", "data", "every_ms"})
        poll = {
            "request_type": reader.int_(p, "transport.poll.request_type", low=0, high=255),
            "request": reader.int_(p, "transport.poll.request", low=0, high=255),
            "value": reader.int_(p, "transport.poll.value", default=0, low=0, high=0xFFFF),
            "index": reader.int_(p, "transport.poll.index", default=0, low=0, high=0xFFFF),
            "data": reader.hexbytes(p, "transport.poll.data", default=b""),
            "every_ms": reader.int_(p, "transport.poll.every_ms", default=50, low=1, high=10_000),
        }
    elif kind == "request-response":
        if decoder.kind != "frame":
            raise reader.fail("transport.kind", "request-response needs a frame decoder (the prompt is sent as a frame).", kind)
        r = reader.table(section, "transport.request")
        reader.known(r, "transport.request", {"func", "data"})
        request = {
            "func": reader.int_(r, "transport.request.func", low=0, high=255),
            "data": reader.hexbytes(r, "transport.request.data", default=b""),
        }
    deadline = section.get("deadline_s", 30.0)
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or not 0 < deadline <= 600:
        raise reader.fail("transport.deadline_s", f"expected seconds in (0, 600], got {deadline!r}.", deadline)
    return TransportSpec(kind=kind, poll=poll, request=request, deadline_s=float(deadline))


def _usb(reader: _Reader, data: Mapping[str, Any], transport: TransportSpec) -> UsbSpec:
    match = reader.table(data, "match")
    reader.known(match, "match", {"vendor_id", "product_id", "interface_class", "serial_required"})
    usb = reader.table(data, "usb", required=False)
    reader.known(
        usb,
        "usb",
        {"interface", "alt_setting", "detach_kernel_driver", "set_configuration", "endpoint_in", "endpoint_out", "read_slice_ms"},
    )
    spec = UsbSpec(
        vendor_id=reader.int_(match, "match.vendor_id", low=0, high=0xFFFF),
        product_id=reader.int_(match, "match.product_id", low=0, high=0xFFFF),
        interface_class=reader.int_(match, "match.interface_class", default=None, low=0, high=255),
        serial_required=bool(match.get("serial_required", False)),
        interface=reader.int_(usb, "usb.interface", default=0, low=0, high=255),
        alt_setting=reader.int_(usb, "usb.alt_setting", default=0, low=0, high=255),
        detach_kernel_driver=bool(usb.get("detach_kernel_driver", True)),
        set_configuration=reader.choice(usb, "usb.set_configuration", SET_CONFIGURATION, default="if-unconfigured"),
        endpoint_in=None
        if usb.get("endpoint_in", "auto") == "auto"
        else reader.int_(usb, "usb.endpoint_in", low=0x80, high=0x8F),
        endpoint_out=reader.int_(usb, "usb.endpoint_out", default=None, low=0x00, high=0x0F, none_ok=True),
        read_slice_ms=reader.int_(usb, "usb.read_slice_ms", default=300, low=1, high=5000),
    )
    if transport.kind == "request-response" and spec.endpoint_out is None:
        raise reader.fail("usb.endpoint_out", "a request-response device needs an OUT endpoint for the prompt.")
    return spec


def _export(reader: _Reader, data: Mapping[str, Any]) -> ExportFormat | None:
    section = reader.table(data, "export", required=False)
    if not section:
        return None
    reader.known(section, "export", {"columns", "time_format", "encoding", "code_base", "reasons_separator"})
    columns = reader.table(section, "export.columns")
    allowed = {"time", "code", "window", "staff", "record_id", "device", "service_ref", "reasons"}
    reader.known(columns, "export.columns", allowed)
    for needed in ("time", "code"):
        if needed not in columns:
            raise reader.fail(f"export.columns.{needed}", "this column is required.")
    time_format = section.get("time_format")
    if time_format is not None and not (isinstance(time_format, str) and time_format.strip()):
        raise reader.fail(
            "export.time_format", f'expected a strftime pattern such as "%Y-%m-%d %H:%M:%S", got {time_format!r}.', time_format
        )
    return ExportFormat(
        columns={k: str(v) for k, v in columns.items()},
        time_format=time_format,
        encoding=str(section.get("encoding", "utf-8")),
        code_base=reader.int_(section, "export.code_base", default=10, low=2, high=16),
        reasons_separator=str(section.get("reasons_separator", "|")),
    )


def profile_from_dict(data: Mapping[str, Any], *, source: str = "<dict>", sha256: str = "") -> Profile:
    """Validate a parsed profile mapping; errors name ``source`` and the key."""
    reader = _Reader(source)
    if not isinstance(data, Mapping):
        raise reader.fail("", f"expected a mapping at the top level, got {type(data).__name__}.")
    reader.known(data, "", {"profile", "match", "usb", "transport", "decoder", "scale", "codes", "reasons", "export"})
    head = reader.table(data, "profile")
    reader.known(head, "profile", {"id", "version", "description"})
    pid = head.get("id")
    if not isinstance(pid, str) or not pid.strip():
        raise reader.fail("profile.id", f"expected a non-empty string (a stable key stored on every event), got {pid!r}.", pid)
    version = reader.int_(head, "profile.version", low=1)
    decoder = _decoder(reader, data)
    transport = _transport(reader, data, decoder)
    usb = _usb(reader, data, transport)
    scale = _scale(reader, data)
    codes = _codes(reader, data, scale)
    reasons_section = reader.table(data, "reasons", required=False)
    reasons: dict[int, str] = {}
    for raw, name in reasons_section.items():
        code = _code_key(reader, raw, f"reasons.{raw}")
        if not isinstance(name, str) or not name:
            raise reader.fail(f"reasons.{raw}", f"expected a reason id (text), got {name!r}.", name)
        reasons[code] = name
    return Profile(
        id=pid,
        version=version,
        description=str(head.get("description", "")),
        usb=usb,
        transport=transport,
        decoder=decoder,
        scale=scale,
        codes=codes,
        reasons=reasons,
        export=_export(reader, data),
        source=source,
        sha256=sha256,
    )


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file (YAML); a bare name loads a shipped profile.

    Raises
    ------
    IngestError
        Malformed YAML or an invalid key, naming the file and the dotted key.
    FileNotFoundError
        Neither the path nor a shipped profile of that name exists.
    """
    file = Path(path)
    if not file.is_file():
        shipped = PROFILE_DIR / (str(path) if str(path).endswith(".yaml") else f"{path}.yaml")
        if not shipped.is_file():
            names = ", ".join(p.stem for p in sorted(PROFILE_DIR.glob("*.yaml")))
            raise FileNotFoundError(f"Profile '{path}' not found; give a YAML file or a shipped profile ({names}).")
        file = shipped
    raw = file.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as err:  # ValueError: a date such as 0000-00-00
        raise IngestError(f"Profile '{file}' is not valid UTF-8 YAML: {err}", source=str(file)) from err
    return profile_from_dict(data, source=str(file), sha256=hashlib.sha256(raw).hexdigest())


def shipped_profiles() -> dict[str, Profile]:
    """Every profile shipped in ``acsi/ingest/device/profiles/``, keyed by profile id."""
    profiles = [load_profile(p) for p in sorted(PROFILE_DIR.glob("*.yaml"))]
    return {p.id: p for p in profiles}
