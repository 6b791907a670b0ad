"""The event store: append-only, idempotent, corrections at read time, export and replay,
integrity check and recovery, and a writer killed with SIGKILL mid-stream."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from acsi.errors import IngestError, StoreRecoveredWarning
from acsi.ingest.device.store import EventStore

from ._make import event


def test_store_runs_wal_with_full_sync(tmp_path) -> None:
    with EventStore(tmp_path / "e.sqlite") as store:
        assert store.pragma("journal_mode") == "wal"
        assert store.pragma("synchronous") == 2  # FULL


def test_events_and_raw_reports_are_append_only(tmp_path) -> None:
    with EventStore(tmp_path / "e.sqlite") as store:
        store.capture([event(4)], raw=b"\x00\x00\x1e", device_uid="d")
        for sql in (
            "UPDATE events SET level = 1",
            "DELETE FROM events",
            "UPDATE raw_reports SET bytes = x'00'",
            "DELETE FROM raw_reports",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store._conn.execute(sql)
        assert store.count() == 1 and store.count("raw_reports") == 1


def test_writing_the_same_events_twice_adds_them_once(tmp_path) -> None:
    events = [event(lv) for lv in (1, 2, 3, 4)]
    with EventStore(tmp_path / "e.sqlite") as store:
        assert store.add_events(events) == 4
        assert store.add_events(events) == 0
        assert store.capture(events[:1]) and store.count() == 4


def test_corrections_are_rows_applied_when_reading(tmp_path) -> None:
    a, b = event(4, staff="S1"), event(1)
    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events([a, b])
        store.correct(a.event_id, "staff_id", "S2", reason="wrong login", by="supervisor")
        store.correct(b.event_id, "outcome", "void", reason="test press", by="supervisor")
        frame = store.events_frame()
        assert list(frame["event_id"]) == [a.event_id] and frame["staff_id"].iloc[0] == "S2"
        raw = store.events_frame(corrected=False)
        assert list(raw["staff_id"]) == ["S1", "S1"]  # history unchanged
        counts, _ = store.count_table()
        assert counts["n"].sum() == 1 and list(counts["staff_id"]) == ["S2"]
        with pytest.raises(IngestError, match="cannot be corrected"):
            store.correct(a.event_id, "level", "3", reason="x", by="y")
        with pytest.raises(IngestError, match="No event"):
            store.correct("nope", "staff_id", "S3", reason="x", by="y")


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_replaying_an_export_changes_nothing_and_fills_a_fresh_store(tmp_path, suffix: str) -> None:
    events = [event(4, reasons=("fees",)), event(None, outcome="timeout", prompt="p"), event(2, k=5)]
    with EventStore(tmp_path / "a.sqlite") as store:
        store.add_events(events)
        assert store.export(tmp_path / f"x{suffix}") == 3
        assert store.import_export(tmp_path / f"x{suffix}") == 0
        original = store.events_frame()
    with EventStore(tmp_path / "b.sqlite") as other:
        assert other.import_export(tmp_path / f"x{suffix}") == 3
        assert other.import_export(tmp_path / f"x{suffix}") == 0
        copy = other.events_frame()
    assert copy.astype(str).equals(original.astype(str))


def test_incremental_export_by_watermark(tmp_path) -> None:
    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events([event(4), event(3)])
        assert store.export(tmp_path / "d1.csv", since_watermark="daily") == 2
        store.add_events([event(1)])
        assert store.export(tmp_path / "d2.csv", since_watermark="daily") == 1
        assert store.export(tmp_path / "d3.csv", since_watermark="daily") == 0


def test_a_corrupt_store_is_kept_aside_and_a_fresh_one_started(tmp_path) -> None:
    path = tmp_path / "e.sqlite"
    with EventStore(path) as store:
        store.add_events([event(4) for _ in range(2000)])
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 512] = b"\xff" * 512  # clobber a b-tree page
    path.write_bytes(bytes(data))
    with pytest.warns(StoreRecoveredWarning, match="kept it as"):
        store = EventStore(path)
    assert store.count() == 0 and list(tmp_path.glob("e.sqlite.corrupt-*"))
    store.close()


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from acsi.ingest.device.store import EventStore
    from tests.device._make import event
    store = EventStore(sys.argv[1])
    i = 0
    while True:
        e = event(1 + i % 4, day="2024-03-05")
        e = type(e)(**{{**e.__dict__, "event_id": f"{{sys.argv[2]}}-{{i}}"}})
        store.capture([e], raw=bytes([0, 0, 0x1e + i % 4]), device_uid="pad")
        print(e.event_id, flush=True)   # acknowledged only after the commit
        i += 1
""")


def test_writer_killed_at_random_points_keeps_every_acknowledged_event(tmp_path) -> None:
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=root))
    db = tmp_path / "e.sqlite"
    rng = random.Random(6)
    acknowledged: list[str] = []
    for run in range(3):
        proc = subprocess.Popen([sys.executable, str(script), str(db), f"r{run}"], stdout=subprocess.PIPE, text=True)
        # wait for the writer to start streaming, then kill it at a random moment
        first = proc.stdout.readline().strip()
        acknowledged.append(first)
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        acknowledged += [line for line in out.splitlines() if line.strip()]
    with EventStore(db) as store:
        assert store.integrity_check() == []
        ids = store.event_ids()
        assert set(acknowledged) <= ids
        assert len(ids) >= len(acknowledged) and len(acknowledged) > 3
        assert store.count("raw_reports") == store.count()  # each event committed with its raw report
        before = store.count()
        frame = store.events_frame()
        assert store.add_rows(frame.itertuples(index=False, name=None)) == 0  # importing the batch again
        assert store.count() == before


def test_online_backup_is_a_consistent_copy(tmp_path) -> None:
    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events([event(4), event(2)])
        store.backup(tmp_path / "copy.sqlite")
        with EventStore(tmp_path / "copy.sqlite") as copy:
            assert copy.event_ids() == store.event_ids() and copy.integrity_check() == []


def test_ids_sharing_a_64_bit_key_are_both_stored_and_found(tmp_path, monkeypatch) -> None:
    from acsi.ingest.device import event_keys

    real = event_keys.id_hash

    def clashing(event_id: str, probe: int = 0) -> int:
        return 7 if probe == 0 else real(event_id, probe)  # every id starts on the same slot

    monkeypatch.setattr(event_keys, "id_hash", clashing)
    monkeypatch.setattr(event_keys, "id_hashes", lambda ids: [7] * len(ids))
    a, b, c = event(4), event(2), event(1)
    with EventStore(tmp_path / "e.sqlite") as store:
        assert store.add_events([a, b]) == 2
        assert store.add_events([a, b, c, c]) == 1 and store.count() == 3
        assert store.capture([b]) and store.count() == 3
        assert store.event_ids() == {a.event_id, b.event_id, c.event_id}
        store.correct(c.event_id, "staff_id", "S9", reason="wrong login", by="supervisor")  # found along its probe chain
        assert store.integrity_check() == []


def test_an_event_breaking_a_required_field_is_refused_with_its_id(tmp_path) -> None:
    from dataclasses import replace

    good, bad = event(4), replace(event(3), outcome=None)
    with EventStore(tmp_path / "e.sqlite") as store:
        with pytest.raises(IngestError, match=f"Event '{bad.event_id}' cannot be stored"):
            store.add_events([good, bad])
        assert store.count() == 0  # the batch is one transaction


def test_a_schema_1_store_is_migrated_and_keeps_its_events(tmp_path) -> None:
    from acsi.ingest.device.events import EVENT_COLUMNS

    path = tmp_path / "v1.sqlite"
    old, new = event(4), event(2)
    conn = sqlite3.connect(path)
    columns = ", ".join(f"{c} TEXT NOT NULL UNIQUE" if c == "event_id" else c for c in EVENT_COLUMNS)
    conn.execute(f"CREATE TABLE events ({columns})")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute(f"INSERT INTO events VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", old.row())
    conn.commit()
    conn.close()
    with EventStore(path) as store:
        assert store.pragma("user_version") == 0 and store.count() == 1
        assert store._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
        assert store.add_events([old, new]) == 1 and store.event_ids() == {old.event_id, new.event_id}
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store._conn.execute("UPDATE events SET level = 1")
