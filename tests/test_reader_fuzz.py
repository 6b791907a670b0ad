"""Fuzzing the readers of user files: whatever they are fed, a result or one of our errors.

The spec readers (YAML and lavaan text, through :func:`acsi.load_spec` and the parsers), the
survey-mapping reader (and applying a mapping to a survey), the device-profile and site readers
and the vendor-log reader get arbitrary text and arbitrary structures built from their own
keys. Each must either return a valid result or raise an :class:`acsi.errors.AcsiError`
subclass; any other exception (``TypeError``, ``KeyError``, ``AttributeError``, a pyarrow or
yaml error) is a reader bug that would reach the user as a traceback.

Examples are bounded, unlimited in time (``deadline=None``: CI machines are slow and shared)
and derandomised, so a run is reproducible without a database.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acsi
from acsi.errors import AcsiError
from acsi.ingest import Survey, apply_mapping, load_mapping, mapping_from_dict
from acsi.ingest.device.profile_load import PROFILE_DIR, load_profile, profile_from_dict
from acsi.ingest.device.site import site_from_dict
from acsi.ingest.device.vendor_log import read_vendor_log
from acsi.spec import ModelSpec, parse_syntax, spec_from_dict
from acsi.spec.yaml_io import spec_from_text

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def outcome(call, *args: Any, **kwargs: Any) -> Any:
    """``call(...)``'s result, or None when it raised one of our errors (anything else propagates)."""
    try:
        return call(*args, **kwargs)
    except AcsiError:
        return None


# ---------------------------------------------------------------- building blocks
_NAMES = ["SAT", "LOY", "IMAG", "q1", "q2", "q3", "x", "F", "1a", "", " ", "é", "a.b", "_"]
_names = st.one_of(st.sampled_from(_NAMES), st.text(max_size=6))
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    _names,
    st.sampled_from(["reflective", "composite", "A", "B", "formative", "->", "~~", "=~", "SAT -> LOY", "1,5", "0x1E"]),
)


def structures(keys: list[str], leaves: st.SearchStrategy = _scalars, depth: int = 4) -> st.SearchStrategy:
    """Nested dicts and lists whose keys are mostly the reader's own (so validation goes deep)."""
    key = st.one_of(st.sampled_from(keys), _names, st.integers(-3, 300), st.booleans())
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=5)),
        max_leaves=12 * depth,
    )


def mutate(base: Any, data: st.DataObject, junk: st.SearchStrategy, rounds: int = 3) -> Any:
    """``base`` with up to ``rounds`` values replaced by ``junk`` or deleted, at drawn places."""
    tree = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(1, rounds))):
        node = tree
        while True:
            if not isinstance(node, (dict, list)) or not node:
                break
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            k = data.draw(st.sampled_from(keys))
            child = node[k]
            if isinstance(child, (dict, list)) and child and data.draw(st.booleans()):
                node = child
                continue
            if data.draw(st.integers(0, 4)) == 0:
                del node[k]
            else:
                node[k] = data.draw(junk)
            break
    return tree


def _dump(value: Any) -> str | None:
    try:
        return yaml.safe_dump(value, allow_unicode=True)
    except (yaml.YAMLError, ValueError, TypeError):  # keys yaml cannot write, lone surrogates
        return None


# ---------------------------------------------------------------- specs
_SPEC_KEYS = [
    "name",
    "description",
    "scale",
    "constructs",
    "paths",
    "covariances",
    "fixed",
    "label",
    "mode",
    "indicators",
    "min",
    "max",
    "wording",
    "lhs",
    "op",
    "rhs",
    "value",
    "SAT",
    "LOY",
    "q1",
]
VALID_SPEC = {
    "name": "T",
    "scale": {"min": 1, "max": 5},
    "constructs": {
        "SAT": {"mode": "reflective", "indicators": ["q1", "q2"]},
        "LOY": {"indicators": {"q3": {"scale": [1, 7], "wording": "How likely?"}, "q4": None}},
    },
    "paths": ["SAT -> LOY", ["SAT", "LOY"]],
    "covariances": [["q1", "q2"]],
    "fixed": [{"lhs": "SAT", "op": "=~", "rhs": "q1", "value": 1}],
}
_TOKENS = [
    "=~",
    "<~",
    "~",
    "~~",
    "+",
    "*",
    "1",
    "0.5",
    "NA",
    ":=",
    "==",
    "#",
    ";",
    "(",
    ")",
    " ",
    " ",
    "\n",
    "\t",
    "SAT",
    "LOY",
    "q1",
    "q2",
    "q3",
    "a",
    "2x",
    "@",
    "start",
    "-",
    "e",
    "\r",
    "\\",
    "'",
    '"',
]
lavaan_like = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)


@FUZZ
@given(st.one_of(st.text(max_size=200), lavaan_like))
def test_lavaan_parser_returns_a_spec_or_a_spec_error(text: str) -> None:
    spec = outcome(parse_syntax, text, source="fuzz.lav")
    assert spec is None or isinstance(spec, ModelSpec)


def drawn_tree(data: st.DataObject, base: Any, keys: list[str]) -> Any:
    """Either an arbitrary structure of the reader's keys, or ``base`` (valid) with a few parts broken."""
    if data.draw(st.booleans()):
        return data.draw(structures(keys))
    return mutate(base, data, structures(keys, depth=2))


@FUZZ
@given(st.data())
def test_yaml_spec_reader_returns_a_spec_or_a_spec_error(data: st.DataObject) -> None:
    tree = drawn_tree(data, VALID_SPEC, _SPEC_KEYS)
    spec = outcome(spec_from_dict, tree, source="fuzz.yaml")
    assert spec is None or isinstance(spec, ModelSpec)
    text = _dump(tree)
    if text is not None:
        spec = outcome(spec_from_text, text, source="fuzz.yaml")
        assert spec is None or isinstance(spec, ModelSpec)


@FUZZ
@given(st.one_of(st.text(max_size=200), lavaan_like, structures(_SPEC_KEYS).map(_dump).filter(lambda t: t is not None)))
def test_load_spec_of_any_file_returns_a_spec_or_our_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))  # lone surrogates make it invalid UTF-8
        spec = outcome(acsi.load_spec, path)
    assert spec is None or isinstance(spec, ModelSpec)


@FUZZ
@given(st.text(min_size=1, max_size=120).filter(lambda t: "\n" in t.strip() or any(op in t for op in ("=~", "<~", "~", "{"))))
def test_load_spec_of_any_text_returns_a_spec_or_our_error(text: str) -> None:
    spec = outcome(acsi.load_spec, text)
    assert spec is None or isinstance(spec, ModelSpec)


# ---------------------------------------------------------------- survey mappings
_MAPPING_KEYS = [
    "indicators",
    "defaults",
    "weight",
    "groups",
    "description",
    "column",
    "scale",
    "missing",
    "reverse",
    "recode",
    "label",
    "q1",
    "q2",
    "q3",
    "wgt",
    "branch",
    "acsi",
    "five_level",
]
VALID_MAPPING = {
    "weight": "wgt",
    "groups": ["branch"],
    "defaults": {"scale": [1, 5], "missing": {98: "dk"}},
    "indicators": {
        "q1": "q1",
        "q2": {"column": "q2", "reverse": True},
        "q3": {"column": "q3", "recode": "five_level"},
        "q4": {"column": "q4", "recode": {1: 0, 2: 50, 5: 100}, "missing": [99, "DK"]},
    },
}
SURVEY = pd.DataFrame(
    {
        "q1": [1, 2, 3, 4, 5, 98],
        "q2": [5, 4, 3, 2, 1, 2],
        "q3": [1, 2, 3, 4, 5, 5],
        "q4": [1, 2, 5, 99, 1, 2],
        "wgt": [1.0, 2.0, 0.5, 1.0, 1.5, 1.0],
        "branch": ["n", "s", "n", "s", "n", "s"],
        "text": ["a", "b", "c", "d", "e", "f"],
    }
)


@FUZZ
@given(st.data())
def test_mapping_reader_and_apply_return_a_result_or_our_error(data: st.DataObject) -> None:
    tree = drawn_tree(data, VALID_MAPPING, _MAPPING_KEYS)
    mapping = outcome(mapping_from_dict, tree, source="fuzz.yaml")
    if mapping is None:
        return
    strict = data.draw(st.booleans())
    survey = outcome(apply_mapping, Survey.from_frame(SURVEY, source="fuzz.csv"), mapping, strict=strict)
    assert survey is None or isinstance(survey, Survey)


@FUZZ
@given(st.one_of(st.text(max_size=200), structures(_MAPPING_KEYS).map(_dump).filter(lambda t: t is not None)))
def test_mapping_file_reader_returns_a_mapping_or_our_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        outcome(load_mapping, path)


# ---------------------------------------------------------------- device profiles and sites
_PROFILES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(PROFILE_DIR.glob("*.yaml"))}
_PROFILE_KEYS = sorted(
    {
        k
        for raw in _PROFILES.values()
        for section in raw.values()
        if isinstance(section, dict)
        for k in section
        if isinstance(k, str)
    }
    | set(next(iter(_PROFILES.values())))
)
_profile_junk = structures(
    _PROFILE_KEYS, leaves=st.one_of(_scalars, st.sampled_from(["FF68", "zz", "0x81", "none", "%Y", 0x81, 300])), depth=2
)


@FUZZ
@given(st.sampled_from(sorted(_PROFILES)), st.data())
def test_profile_reader_returns_a_profile_or_our_error(name: str, data: st.DataObject) -> None:
    tree = mutate(_PROFILES[name], data, _profile_junk)
    outcome(profile_from_dict, tree, source="fuzz.yaml")


@FUZZ
@given(
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        structures(_PROFILE_KEYS).map(_dump).filter(lambda t: t is not None),
    )
)
def test_profile_file_reader_returns_a_profile_or_our_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        outcome(load_profile, path)


_SITE = {
    "bank_id": "B",
    "branch_id": "BR1",
    "tz": "Asia/Shanghai",
    "business_hours": ["08:30", "17:30"],
    "burst": {"max_events": 5, "seconds": 60},
    "windows": [{"window_id": "W1", "device_uid": "1209:0002:SN1"}],
}
_SITE_KEYS = [*_SITE, "window_id", "device_uid", "max_events", "seconds", "host_id", "UTC", "08:30", "25:00"]


@FUZZ
@given(st.data())
def test_site_reader_returns_a_site_or_our_error(data: st.DataObject) -> None:
    tree = drawn_tree(data, _SITE, _SITE_KEYS)
    outcome(site_from_dict, tree, source="fuzz.yaml")


# ---------------------------------------------------------------- vendor logs
_HEADER = ["流水号", "评价时间", "窗口号", "工号", "评价结果", "原因"]
_cells = st.one_of(
    st.sampled_from(
        [
            "",
            "1001",
            "2024-03-05 09:15:02",
            "2024-02-30 09:00:00",
            "yesterday",
            "W1",
            "W9",
            "S01",
            "007",
            "5",
            "0",
            "9",
            "-1",
            "0x05",
            "1|4",
            "|",
            "1||99",
            "abc",
            "5.0",
            "1e400",
            '"',
            '""',
            "\n",
            "a,b",
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def vendor_logs(draw: st.DrawFn) -> bytes:
    header = draw(
        st.one_of(st.permutations(_HEADER), st.lists(st.one_of(st.sampled_from(_HEADER), st.text(max_size=5)), max_size=7))
    )
    width = draw(st.integers(max(len(header) - 2, 0), len(header) + 2))
    rows = draw(st.lists(st.lists(_cells, min_size=width, max_size=width), max_size=6))
    frame_text = "\n".join(",".join(cells) for cells in [list(header), *rows])
    if draw(st.booleans()):
        frame_text += "\n"
    raw = frame_text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:  # truncated in the middle of a line (or a multi-byte character)
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@FUZZ
@given(st.one_of(vendor_logs(), st.binary(max_size=150)))
def test_vendor_log_reader_returns_events_or_our_error(raw: bytes) -> None:
    profile = load_profile("framed-5level")
    site = site_from_dict(_SITE)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        path.write_bytes(raw)
        events = outcome(read_vendor_log, path, profile, site)
    if events is not None:
        assert isinstance(events, pd.DataFrame)
        assert events["event_id"].notna().all()
