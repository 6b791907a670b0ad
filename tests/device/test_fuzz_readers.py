"""Hypothesis fuzzing of the device profile reader and the vendor-log reader: whatever the input,
the result is a profile / event rows or one of our errors, never an unhandled exception."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acsi.errors import AcsiError
from acsi.ingest.device.profile_load import load_profile, profile_from_dict
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log, read_vendor_log

from ._make import profile, site

PROFILES = Path(__file__).resolve().parents[2] / "acsi/ingest/device/profiles"
SHIPPED = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(PROFILES.glob("*.yaml"))}
FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["0x1E", "0xZZ", "", "auto-first-interrupt-in", "none", "FF68", "sum8", "press", "hid-poll", "frame", "-1"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8,
)


def _paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


@st.composite
def mutated_profiles(draw):
    name = draw(st.sampled_from(sorted(SHIPPED)))
    data = copy.deepcopy(SHIPPED[name])
    paths = list(_paths(data))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            parent.pop(path[-1], None)
        elif action == "replace":
            parent[path[-1]] = draw(values)
        else:
            parent[draw(st.text(max_size=8))] = draw(values)
    return data


@FUZZ
@given(mutated_profiles())
def test_a_mutated_profile_is_read_or_refused_with_our_error(data) -> None:
    try:
        profile_from_dict(data, source="fuzz.yaml")
    except AcsiError:
        pass


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_profile_file_is_read_or_refused_with_our_error(tmp_path_factory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("p") / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        load_profile(path)
    except AcsiError:
        pass


HEADER = "流水号,评价时间,窗口号,工号,评价结果,原因"
cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["2024-03-05 09:15:02", "2024-02-30 10:00:00", "5", "0x1E", "1|4", "W1", "", '"', "\x00", "9" * 30, "2024-03-10 02:30:00"]
    ),
)


@st.composite
def vendor_logs(draw) -> bytes:
    header = draw(st.sampled_from([HEADER, HEADER.replace(",原因", ""), "time,code", HEADER + ",extra", ""]))
    width = header.count(",") + 1
    rows = draw(st.lists(st.lists(cells, min_size=max(width - 1, 0), max_size=width + 1), max_size=6))
    text = "\n".join([header, *(",".join(row) for row in rows)])
    if draw(st.booleans()):
        return text.encode("utf-8")
    return draw(st.binary(max_size=200)) if draw(st.booleans()) else text.encode("utf-8")[: draw(st.integers(0, 200))]


@FUZZ
@given(vendor_logs())
def test_any_vendor_log_is_read_or_refused_with_our_error(tmp_path_factory, raw: bytes) -> None:
    folder = tmp_path_factory.mktemp("v")
    path = folder / "log.csv"
    path.write_bytes(raw)
    prof, place = profile("framed-5level"), site(business_hours=["08:30", "17:30"])
    try:
        frame = read_vendor_log(path, prof, place)
    except AcsiError:
        return
    assert frame["event_id"].notna().all()
    with EventStore(folder / "e.sqlite") as store:  # what reads also imports, twice without change
        try:
            added, total = import_vendor_log(store, path, prof, place)
        except AcsiError:
            return
        assert import_vendor_log(store, path, prof, place) == (0, total)
        assert store.count() == added
