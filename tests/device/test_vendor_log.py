"""Importing the vendor PC software's CSV log: same mapping, placing and idempotency as capture."""

from __future__ import annotations

import json

import pytest

from acsi.errors import IngestError
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log, read_vendor_log

from ._make import profile, site

LOG = """流水号,评价时间,窗口号,工号,评价结果,原因
1001,2024-03-05 09:15:02,W1,S01,5,
1002,2024-03-05 09:20:40,W1,S01,2,1|4
1003,2024-03-05 18:05:00,W2,,4,
1004,2024-03-31 23:59:59,W1,S02,9,
1005,2024-04-01 00:00:01,W9,S02,0,
"""


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "vendor.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def test_vendor_rows_become_events_on_the_profiles_scale(log) -> None:
    frame = read_vendor_log(log, profile("framed-5level"), site(business_hours=["08:30", "17:30"]))
    assert list(frame["outcome"]) == ["rated", "rated", "rated", "unmapped", "cancelled"]
    assert list(frame["level"].fillna(0).astype(int)) == [5, 2, 4, 0, 0]
    assert frame["raw_code"].iloc[3] == "9"  # unknown code kept with its raw value
    assert json.loads(frame["reason_codes"].iloc[1]) == ["slow_service", "long_wait"]
    # local time in Asia/Shanghai: 2024-04-01 00:00:01 local is 2024-03-31T16:00:01Z, but the local day counts
    assert (frame["local_date"].iloc[4], frame["captured_at_utc"].iloc[4]) == ("2024-04-01", "2024-03-31T16:00:01.000Z")
    assert json.loads(frame["flags"].iloc[2]) == ["no_staff", "off_hours"]
    assert json.loads(frame["flags"].iloc[4]) == ["off_hours", "unknown_window"]
    assert frame["event_id"].is_unique


def test_importing_the_same_log_twice_adds_nothing(log, tmp_path) -> None:
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, log, profile("framed-5level"), site()) == (5, 5)
        assert import_vendor_log(store, log, profile("framed-5level"), site()) == (0, 5)
        # an overlapping later export: old rows ignored, the new one added
        longer = tmp_path / "later.csv"
        longer.write_text(LOG + "1006,2024-04-02 10:00:00,W1,S01,3,\n", encoding="utf-8")
        assert import_vendor_log(store, longer, profile("framed-5level"), site()) == (1, 6)


def test_a_log_without_record_ids_keeps_identical_rows_apart_and_stays_idempotent(tmp_path) -> None:
    import dataclasses

    prof = profile("framed-5level")
    columns = {k: v for k, v in prof.export.columns.items() if k != "record_id"}
    prof = dataclasses.replace(prof, export=dataclasses.replace(prof.export, columns=columns))
    path = tmp_path / "norecord.csv"
    path.write_text(
        "评价时间,窗口号,工号,评价结果,原因\n2024-03-05 09:15:02,W1,S01,5,\n2024-03-05 09:15:02,W1,S01,5,\n", encoding="utf-8"
    )
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, path, prof, site()) == (2, 2)
        assert import_vendor_log(store, path, prof, site()) == (0, 2)


def test_missing_columns_are_named_with_those_found(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("time,code\n2024-03-05 09:00:00,5\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"lacks the columns .*评价时间.*Columns found: time, code"):
        read_vendor_log(path, profile("framed-5level"), site())


def test_unreadable_times_name_the_rows(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(LOG.replace("2024-03-05 09:20:40", "yesterday"), encoding="utf-8")
    with pytest.raises(IngestError, match=r"rows 3; first 'yesterday'") as info:
        read_vendor_log(path, profile("framed-5level"), site())
    assert info.value.record == 3


def test_a_profile_without_export_section_is_refused(log) -> None:
    with pytest.raises(IngestError, match="no 'export' section"):
        read_vendor_log(log, profile("hid-keyboard-4key"), site())


def test_imported_rows_hold_exactly_what_the_reader_produces(log, tmp_path) -> None:
    import pandas as pd

    prof, place = profile("framed-5level"), site(business_hours=["08:30", "17:30"])
    expected = read_vendor_log(log, prof, place)
    with EventStore(tmp_path / "e.sqlite") as store:
        import_vendor_log(store, log, prof, place)
        stored = store.events_frame()
    assert list(stored.columns) == list(expected.columns)
    for name in expected.columns:
        want = [None if pd.isna(v) else v for v in expected[name]]
        got = [None if pd.isna(v) else v for v in stored[name]]
        assert got == want, name


def test_iso_text_matches_the_event_timestamp_format() -> None:
    import datetime as dt

    import numpy as np

    from acsi.ingest.device.csv_text import iso_text
    from acsi.ingest.device.events import iso_utc

    rng = np.random.default_rng(3)
    values = np.datetime64("1999-12-31T23:59:59.999") + rng.integers(0, 40 * 365 * 86_400_000, 500).astype("timedelta64[ms]")
    utc, date, time = iso_text(values, "utc_ms", "date", "time")
    moments = [dt.datetime.fromisoformat(str(v)).replace(tzinfo=dt.UTC) for v in values]
    assert list(utc) == [iso_utc(m) for m in moments]
    assert list(date) == [m.date().isoformat() for m in moments]
    assert list(time) == [m.strftime("%H:%M:%S") for m in moments]


@pytest.mark.parametrize("encoding, data", [("gbk", LOG.encode("gbk")), ("utf-8", b"\xef\xbb\xbf" + LOG.encode())])
def test_gbk_logs_and_byte_order_marks_read_like_plain_utf8(tmp_path, log, encoding: str, data: bytes) -> None:
    import dataclasses

    prof = profile("framed-5level")
    prof_enc = dataclasses.replace(prof, export=dataclasses.replace(prof.export, encoding=encoding))
    path = tmp_path / "encoded.csv"
    path.write_bytes(data)
    got = read_vendor_log(path, prof_enc, site())
    want = read_vendor_log(log, prof, site())
    assert got.drop(columns="source").astype(str).equals(want.drop(columns="source").astype(str))


def test_staff_numbers_keep_their_leading_zeros(tmp_path) -> None:
    path = tmp_path / "zeros.csv"
    path.write_text("流水号,评价时间,窗口号,工号,评价结果,原因\n0001,2024-03-05 09:15:02,W1,007,5,\n", encoding="utf-8")
    frame = read_vendor_log(path, profile("framed-5level"), site())
    assert frame["staff_id"].tolist() == ["007"]
