"""Fault test of the store: an import killed (SIGKILL) at random points leaves a sound store
holding whole batches only, and importing again ends with exactly one event per distinct press."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import yaml

from acsi.ingest.device.store import EventStore, check_store
from acsi.ingest.device.vendor_log import import_vendor_log

from ._make import profile, site

CHILD = """
import sys
from acsi.ingest.device.profile import load_profile
from acsi.ingest.device.site import load_site
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log

log, site_file, db = sys.argv[1:4]
prof, place = load_profile("framed-5level"), load_site(site_file)
with EventStore(db) as store:
    print("start", flush=True)
    for _ in range(1000):  # keep writing (re-imports are idempotent) until killed
        import_vendor_log(store, log, prof, place, batch=500)
"""


def _log(path, days: int = 20, per_day: int = 3000) -> int:
    """Days of presses whose record counter restarts each day, plus lines repeated verbatim
    (the same press twice); returns the number of distinct presses."""
    rng = np.random.default_rng(10)
    lines = ["流水号,评价时间,窗口号,工号,评价结果,原因\n"]
    distinct = 0
    for day in range(days):
        for i in range(per_day):
            seconds = 9 * 3600 + i * 17
            line = (f"{i + 1},2024-03-{day + 1:02d} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},"
                    f"W{1 + i % 3},S{i % 7},{rng.integers(1, 6)},\n")
            lines.append(line)
            distinct += 1
            if i % 97 == 0:
                lines.append(line)  # exported twice by the vendor software
    path.write_text("".join(lines), encoding="utf-8")
    return distinct


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_import_then_reimport_stores_each_distinct_press_once(tmp_path) -> None:
    log, db, site_file = tmp_path / "v.csv", tmp_path / "e.sqlite", tmp_path / "site.yaml"
    distinct = _log(log)
    site_file.write_text(yaml.safe_dump({"bank_id": "B", "branch_id": "BR1", "tz": "Asia/Shanghai",
                                         "windows": [{"window_id": f"W{i}"} for i in (1, 2, 3)]}))
    rng = np.random.default_rng(int(os.environ.get("ACSI_FAULT_SEED", "20")))
    counts = []
    for _ in range(8):
        with subprocess.Popen([sys.executable, "-c", CHILD, str(log), str(site_file), str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
            try:
                started = proc.stdout.readline().strip()
                time.sleep(float(rng.uniform(0.0, 1.0)))
            finally:
                proc.send_signal(signal.SIGKILL)
                _, err = proc.communicate(timeout=30)
        assert started == "start", err
        assert proc.returncode == -signal.SIGKILL
        report = check_store(db)
        assert report["ok"], report["problems"]
        counts.append(report["counts"]["events"])
        if 0 < counts[-1] < distinct and len(counts) >= 4:
            break  # a kill landed inside an import
        assert counts[-1] <= distinct
    assert counts == sorted(counts)  # nothing committed was lost
    assert any(0 < c < distinct for c in counts), counts  # at least one kill landed inside an import
    with EventStore(db) as store:
        import_vendor_log(store, log, profile("framed-5level"), site(windows=[{"window_id": f"W{i}"} for i in (1, 2, 3)]))
        assert store.count() == distinct
        assert import_vendor_log(store, log, profile("framed-5level"),
                                 site(windows=[{"window_id": f"W{i}"} for i in (1, 2, 3)]))[0] == 0
