"""Commands that only read never create, rename or change a store; damage is an error, and
recovery belongs to writers (issue 10, item 7)."""

from __future__ import annotations

import hashlib
import json
import re
import warnings

import pytest
import yaml

from acsi.cli import main
from acsi.errors import StoreError, StoreRecoveredWarning
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.store_check import check_store

from ._make import event

SITE = {"bank_id": "B", "branch_id": "BR1", "tz": "Asia/Shanghai", "windows": [{"window_id": "W1"}]}


def _store(path, n: int = 3000):
    with EventStore(path) as store:
        store.add_events([event(1 + i % 4) for i in range(n)])
    return path


def _cut(path) -> bytes:
    data = path.read_bytes()
    cut = data[: len(data) // 2 + 100]  # mid-page
    path.write_bytes(cut)
    return cut


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command", [["indicators"], ["export", "--out", "{tmp}/x.csv"], ["export", "--out", "{tmp}/x.csv", "--since", "daily"]]
)
def test_reading_commands_fail_on_a_store_cut_mid_page_and_leave_it_as_it_was(tmp_path, capsys, command) -> None:
    db = _store(tmp_path / "e.sqlite")
    _cut(db)
    before = _digest(db)
    args = ["device", *[a.replace("{tmp}", str(tmp_path)) for a in command], "--db", str(db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "e.sqlite" in err and "damaged" in err and "cut short" in err
    assert _digest(db) == before
    assert not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("command", [["indicators"], ["export", "--out", "{tmp}/x.csv"], ["check"]])
def test_reading_commands_refuse_a_missing_store_and_create_nothing(tmp_path, capsys, command) -> None:
    db = tmp_path / "typo.sqlite"
    args = ["device", *[a.replace("{tmp}", str(tmp_path)) for a in command], "--db", str(db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "typo.sqlite" in err and "does not exist" in err
    assert not db.exists() and not list(tmp_path.glob("typo*"))


def test_open_readonly_cannot_write(tmp_path) -> None:
    db = _store(tmp_path / "e.sqlite", 10)
    with EventStore.open_readonly(db) as store:
        assert store.count() == 10
        with pytest.raises(Exception, match="readonly"):
            store.add_events([event(2)])


def test_a_writer_sets_a_damaged_store_aside_and_says_where(tmp_path, capsys) -> None:
    db = _store(tmp_path / "e.sqlite")
    cut = _cut(db)
    log = tmp_path / "v.csv"
    log.write_text("流水号,评价时间,窗口号,工号,评价结果,原因\n1,2024-03-05 09:00:00,W1,S1,5,\n", encoding="utf-8")
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(SITE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StoreRecoveredWarning)
        assert (
            main(
                [
                    "device",
                    "import",
                    str(log),
                    "--profile",
                    "framed-5level",
                    "--site",
                    str(tmp_path / "site.yaml"),
                    "--db",
                    str(db),
                ]
            )
            == 0
        )
    err = capsys.readouterr().err
    kept = list(tmp_path.glob("e.sqlite.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == cut
    assert str(kept[0]) in err
    with EventStore.open_readonly(db) as store:
        assert store.count() == 1


def test_check_reports_counts_of_a_sound_store(tmp_path, capsys) -> None:
    db = _store(tmp_path / "e.sqlite", 25)
    assert main(["device", "check", "--db", str(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["counts"]["events"] == 25 and report["problems"] == []
    assert report == check_store(db)  # the CLI prints the library call's report
    assert main(["device", "check", "--db", str(db), "--quick"]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_exits_non_zero_on_damage_and_changes_nothing(tmp_path, capsys) -> None:
    db = _store(tmp_path / "e.sqlite")
    _cut(db)
    before = _digest(db)
    assert main(["device", "check", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "DAMAGED" in out and "cut short" in out
    assert _digest(db) == before


def test_check_finds_a_damaged_page_that_the_header_does_not_show(tmp_path) -> None:
    db = _store(tmp_path / "e.sqlite")
    data = bytearray(db.read_bytes())
    page = 4096
    data[3 * page : 3 * page + 200] = b"\xff" * 200  # garble a page, keep the length
    db.write_bytes(bytes(data))
    report = check_store(db)
    assert not report["ok"] and report["problems"]


@pytest.mark.parametrize("command", [["indicators"], ["export", "--out", "{tmp}/x.csv"]])
def test_reading_commands_fail_on_a_damaged_page_the_queries_would_not_touch(tmp_path, capsys, command) -> None:
    db = _store(tmp_path / "e.sqlite")
    data = bytearray(db.read_bytes())
    data[3 * 4096 : 3 * 4096 + 200] = b"\xff" * 200
    db.write_bytes(bytes(data))
    before = _digest(db)
    assert main(["device", *[a.replace("{tmp}", str(tmp_path)) for a in command], "--db", str(db)]) == 2
    assert re.search(r"e.sqlite' (is damaged|cannot be read).*malformed", capsys.readouterr().err)
    assert _digest(db) == before and not (tmp_path / "x.csv").exists()


def test_not_a_store_is_refused_by_readers(tmp_path) -> None:
    other = tmp_path / "notes.sqlite"
    other.write_text("hello")
    with pytest.raises(StoreError, match="not an SQLite database"):
        EventStore.open_readonly(other)
