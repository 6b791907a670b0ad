"""Vendor-log event ids identify the press: restarted counters, repeated record numbers and
conflicting rows are never counted as "already stored" (issue 10, item 4)."""

from __future__ import annotations

import sqlite3

import pytest

from acsi.errors import EventConflictError
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import _vendor_columns, import_vendor_log

from ._make import event, profile, site

HEADER = "流水号,评价时间,窗口号,工号,评价结果,原因\n"


def _log(tmp_path, name: str, day: str, n: int = 50, start_hour: int = 9) -> object:
    lines = [f"{i},{day} {start_hour + i // 60:02d}:{i % 60:02d}:00,W1,S01,{1 + i % 5},\n" for i in range(1, n + 1)]
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def test_a_restarted_record_counter_imports_the_next_days_presses(tmp_path) -> None:
    monday, tuesday = _log(tmp_path, "mon.csv", "2024-03-04"), _log(tmp_path, "tue.csv", "2024-03-05")
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, monday, profile("framed-5level"), site()) == (50, 50)
        assert import_vendor_log(store, tuesday, profile("framed-5level"), site()) == (50, 50)
        assert store.count() == 100


def test_a_record_number_repeated_in_one_file_keeps_both_presses(tmp_path) -> None:
    path = tmp_path / "repeat.csv"
    path.write_text(
        HEADER + "7,2024-03-05 09:00:00,W1,S01,5,\n7,2024-03-05 09:03:00,W1,S01,2,\n7,2024-03-06 09:00:00,W1,S01,5,\n",
        encoding="utf-8",
    )
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, path, profile("framed-5level"), site()) == (3, 3)
        assert sorted(store.events_frame()["captured_at_utc"]) == [
            "2024-03-05T01:00:00.000Z",
            "2024-03-05T01:03:00.000Z",
            "2024-03-06T01:00:00.000Z",
        ]


def test_the_same_file_imported_twice_adds_nothing_the_second_time(tmp_path) -> None:
    path = _log(tmp_path, "mon.csv", "2024-03-04")
    with path.open("a", encoding="utf-8") as handle:  # plus a repeated number with another time
        handle.write("3,2024-03-04 17:00:00,W1,S02,4,\n")
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, path, profile("framed-5level"), site()) == (51, 51)
        assert import_vendor_log(store, path, profile("framed-5level"), site()) == (0, 51)
        assert store.count() == 51


def test_a_line_repeated_verbatim_is_one_press(tmp_path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + "7,2024-03-05 09:00:00,W1,S01,5,\n7,2024-03-05 09:00:00,W1,S01,5,\n", encoding="utf-8")
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, path, profile("framed-5level"), site()) == (1, 2)


def test_two_lines_with_one_id_but_different_staff_are_refused_naming_both(tmp_path) -> None:
    path = tmp_path / "clash.csv"
    path.write_text(
        HEADER + "7,2024-03-05 09:00:00,W1,S01,5,\n8,2024-03-05 09:01:00,W1,S01,5,\n7,2024-03-05 09:00:00,W1,S09,5,\n",
        encoding="utf-8",
    )
    with EventStore(tmp_path / "e.sqlite") as store:
        with pytest.raises(EventConflictError, match=r"clash.csv': lines 2 and 4 .*'S01'.*'S09'") as info:
            import_vendor_log(store, path, profile("framed-5level"), site())
        assert info.value.record == 4 and store.count() == 0


def test_a_line_whose_id_is_stored_as_another_press_is_refused_with_file_line_and_both_contents(tmp_path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + "7,2024-03-05 09:00:00,W1,S01,2,1\n", encoding="utf-8")
    second.write_text(HEADER + "6,2024-03-05 08:00:00,W1,S01,5,\n7,2024-03-05 09:00:00,W1,S01,2,4\n", encoding="utf-8")
    with EventStore(tmp_path / "e.sqlite") as store:
        assert import_vendor_log(store, first, profile("framed-5level"), site()) == (1, 1)
        with pytest.raises(
            EventConflictError,
            match=r"b.csv', line 3: .*stored already as a different press"
            r".*slow_service.*long_wait",
        ) as info:
            import_vendor_log(store, second, profile("framed-5level"), site())
        assert info.value.record == 3 and store.count() == 1  # the batch was rolled back


def test_an_event_with_a_stored_id_but_other_content_is_a_conflict_not_a_duplicate(tmp_path) -> None:
    import dataclasses

    original = event(4)
    other = dataclasses.replace(original, captured_at_utc="2024-03-06T02:00:00.000Z")
    with EventStore(tmp_path / "e.sqlite") as store:
        assert store.add_events([original]) == 1
        assert store.add_events([original]) == 0  # the same press: idempotent
        with pytest.raises(EventConflictError, match="captured_at_utc differ"):
            store.add_events([other])
        assert store.count() == 1


def test_a_schema_2_store_keeps_its_ids_and_a_reimport_adds_nothing(tmp_path) -> None:
    path = _log(tmp_path, "mon.csv", "2024-03-04")
    prof, place = profile("framed-5level"), site()
    db = tmp_path / "old.sqlite"
    columns, n, _, legacy = _vendor_columns(path, prof, place)
    old_ids = legacy()
    with EventStore(db) as store:  # what version 2 wrote: ids from the record number alone
        store.add_columns({**columns, "event_id": old_ids}, n)
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM meta WHERE key = 'vendor_ids'")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with EventStore(db) as store:
        assert store.has_legacy_vendor_ids()
        assert import_vendor_log(store, path, prof, place) == (0, 50)
        assert store.event_ids() == set(old_ids)  # stored ids unchanged
        assert import_vendor_log(store, _log(tmp_path, "tue.csv", "2024-03-05"), prof, place) == (50, 50)
