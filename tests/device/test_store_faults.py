"""Fault test of the store: imports killed (SIGKILL) at random points leave a sound store that
keeps every committed batch, and importing again ends with exactly one event per distinct press."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml

from acsi.ingest.device.store import EventStore
from acsi.ingest.device.store_check import check_store
from acsi.ingest.device.vendor_log import import_vendor_log

from ._make import profile, site

DAYS = 12
CHILD = """
import sys
from acsi.ingest.device.profile_load import load_profile
from acsi.ingest.device.site import load_site
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log

site_file, db, *logs = sys.argv[1:]
prof, place = load_profile("framed-5level"), load_site(site_file)
with EventStore(db) as store:
    for k, log in enumerate(logs):
        import_vendor_log(store, log, prof, place, batch=250)
        print("done", k, flush=True)
"""


def _logs(folder, per_day: int = 2000) -> tuple[list, int]:
    """One log per day whose record counter restarts at 1, with some lines repeated verbatim
    (the same press exported twice); returns the files and the number of distinct presses."""
    rng = np.random.default_rng(10)
    files, distinct = [], 0
    for day in range(DAYS):
        lines = ["流水号,评价时间,窗口号,工号,评价结果,原因\n"]
        for i in range(per_day):
            seconds = 9 * 3600 + i * 17
            line = (
                f"{i + 1},2024-03-{day + 1:02d} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},"
                f"W{1 + i % 3},S{i % 7},{rng.integers(1, 6)},\n"
            )
            lines.append(line)
            distinct += 1
            if i % 97 == 0:
                lines.append(line)
        path = folder / f"day{day:02d}.csv"
        path.write_text("".join(lines), encoding="utf-8")
        files.append(path)
    return files, distinct


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_import_then_reimport_stores_each_distinct_press_once(tmp_path) -> None:
    logs, distinct = _logs(tmp_path)
    db, site_file = tmp_path / "e.sqlite", tmp_path / "site.yaml"
    windows = [{"window_id": f"W{i}"} for i in (1, 2, 3)]
    site_file.write_text(yaml.safe_dump({"bank_id": "B", "branch_id": "BR1", "tz": "Asia/Shanghai", "windows": windows}))
    rng = np.random.default_rng(int(os.environ.get("ACSI_FAULT_SEED", "20")))
    counts = []
    for _ in range(4):  # each child re-imports from the first day (idempotent), then is killed further on
        wait_for = int(rng.integers(0, DAYS - 2))
        with subprocess.Popen(
            [sys.executable, "-c", CHILD, str(site_file), str(db), *map(str, logs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            try:
                seen = [proc.stdout.readline().strip() for _ in range(wait_for + 1)]
                time.sleep(float(rng.uniform(0.0, 0.1)))  # inside the next day's import, most often
            finally:
                proc.send_signal(signal.SIGKILL)
                _, err = proc.communicate(timeout=30)
        assert seen[-1] == f"done {wait_for}", err
        assert proc.returncode == -signal.SIGKILL
        report = check_store(db)
        assert report["ok"], report["problems"]
        counts.append(report["counts"]["events"])
        assert (wait_for + 1) * 2000 <= counts[-1] <= distinct
    assert counts == sorted(counts)  # nothing committed was lost
    assert any(c < distinct for c in counts), counts  # killed before the end at least once
    with EventStore(db) as store:
        for log in logs:
            import_vendor_log(store, log, profile("framed-5level"), site(windows=windows))
        assert store.count() == distinct
        assert sum(import_vendor_log(store, log, profile("framed-5level"), site(windows=windows))[0] for log in logs) == 0
