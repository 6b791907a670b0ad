"""Device indicators from a monthly Parquet lake on Dask equal the SQLite store's."""

from __future__ import annotations

import pandas as pd
import pytest

from acsi.cli import main
from acsi.ingest.device.indicators import indicators_from_counts
from acsi.ingest.device.store import EventStore

from ..device._make import event

pytest.importorskip("distributed")


def _events() -> list:
    days = ["2023-03-02", "2023-04-11", "2024-02-01", "2024-03-05", "2024-03-20", "2024-04-02"]
    out = []
    for k, day in enumerate(days):
        out += [event(1 + (j + k) % 4, day=day, branch=f"BR{j % 2}", reasons=("fees",) if j % 3 == 0 else ()) for j in range(9)]
        out += [event(1 + j % 5, k=5, day=day, window="W2", branch="BR1") for j in range(4)]
        out += [event(None, outcome="timeout", prompt="p1", day=day)]
    return out


@pytest.mark.parametrize("by", ["branch,month", "window,quarter", "bank,year"])
def test_lake_indicators_on_dask_equal_the_store_indicators(tmp_path, by: str) -> None:
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.device import counts_from_lake, write_lake

    with EventStore(tmp_path / "e.sqlite") as store:
        store.add_events(_events())
        expected = indicators_from_counts(*store.count_table(by=by), by=by, min_n=1)
        write_lake(store.events_frame(), tmp_path / "lake")
    assert len(list((tmp_path / "lake").glob("month=*/part-0.parquet"))) == 5  # 2024-03 holds two days
    with dask_client(workers=2):
        got = indicators_from_counts(*counts_from_lake(tmp_path / "lake", by=by), by=by, min_n=1)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_device_cli_exports_a_lake_and_computes_indicators_on_dask(tmp_path) -> None:
    db = str(tmp_path / "e.sqlite")
    with EventStore(db) as store:
        store.add_events(_events())
    lake = str(tmp_path / "lake")
    assert main(["device", "export", "--db", db, "--out", lake, "--partition-by", "month"]) == 0
    store_out, lake_out = str(tmp_path / "store.csv"), str(tmp_path / "lake.csv")
    assert main(["device", "indicators", "--db", db, "--min-n", "1", "--out", store_out]) == 0
    args = ["device", "indicators", "--events", lake, "--engine", "dask", "--workers", "2", "--min-n", "1", "--out", lake_out]
    assert main(args) == 0
    pd.testing.assert_frame_equal(pd.read_csv(lake_out), pd.read_csv(store_out))
    assert main(["device", "indicators", "--events", lake, "--min-n", "1"]) != 0  # --events needs --engine dask
