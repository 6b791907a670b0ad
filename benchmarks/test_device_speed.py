"""Speed of the evaluator-device store: bulk import, live capture, indicators from many events.

Sizes: small by default (CI runs this file once with ``--benchmark-disable``); with
``ACSI_BENCH_FULL=1`` the goals of issue 6 are measured: 1,000,000-row vendor log import
(goal >= 100,000 events/s), 2,000 live events each committed with ``synchronous=FULL`` before
acknowledging (rate reported), and branch x month indicators from 10,000,000 stored events
(goal < 10 s) through SQL and through a Parquet file aggregated by Arrow.
``ACSI_BENCH_DEVICE_STORED=N`` overrides the number of stored events (filling a 10-million-event
SQLite file takes minutes at the import rate).

``test_import_rate_against_a_plain_sqlite_insert`` (issue 10, item 14) times, in the same run,
the whole import of a vendor log (CSV to committed events, ``synchronous=FULL``, idempotent ids)
against a plain ``sqlite3`` ``executemany`` of the same rows, already in memory and as wide as
the stored ones, into an unindexed table in one transaction, and asks for at least half its rate.

Each test prints its rate with ``-s``; ``benchmark.extra_info`` carries it into the JSON report.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from acsi.ingest.device.event_export import sql_rows
from acsi.ingest.device.indicators import indicators_from_counts
from acsi.ingest.device.parquet_counts import counts_from_parquet
from acsi.ingest.device.profile_load import load_profile
from acsi.ingest.device.site import site_from_dict
from acsi.ingest.device.store import EventStore
from acsi.ingest.device.vendor_log import import_vendor_log, read_vendor_log

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
N_IMPORT = 1_000_000 if FULL else 20_000
N_LIVE = 2_000 if FULL else 50
N_STORED = int(os.environ.get("ACSI_BENCH_DEVICE_STORED", 10_000_000 if FULL else 20_000))
SITE = site_from_dict(
    {"bank_id": "B", "branch_id": "BR1", "tz": "Asia/Shanghai", "windows": [{"window_id": f"W{i}"} for i in range(1, 9)]}
)


def _vendor_log(path, n: int, seed: int = 6) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T08:30:00")
    seconds = np.sort(rng.integers(0, 730 * 86_400, n))
    frame = pd.DataFrame(
        {
            "流水号": np.arange(1, n + 1),
            "评价时间": pd.Series(start + seconds.astype("timedelta64[s]")).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "窗口号": "W" + pd.Series(rng.integers(1, 9, n)).astype(str),
            "工号": "S" + pd.Series(rng.integers(1, 40, n)).astype(str),
            "评价结果": rng.choice([5, 4, 3, 2, 1, 0], n, p=[0.6, 0.25, 0.08, 0.03, 0.02, 0.02]),
            "原因": np.where(rng.random(n) < 0.05, "1|4", ""),
        }
    )
    frame.to_csv(path, index=False)


def _rate(benchmark, name: str, n: int, seconds: float) -> None:
    benchmark.extra_info[name] = round(n / seconds)
    print(f"\n{name}: {n:,} events in {seconds:.2f} s = {n / seconds:,.0f} events/s")


def test_bulk_import_of_a_vendor_log(benchmark, tmp_path) -> None:
    log = tmp_path / "vendor.csv"
    _vendor_log(log, N_IMPORT)
    profile = load_profile("framed-5level")
    runs = iter(range(1000))

    def run() -> tuple[int, int]:
        with EventStore(tmp_path / f"e{next(runs)}.sqlite") as store:
            return import_vendor_log(store, log, profile, SITE)

    t0 = time.perf_counter()
    added, total = benchmark.pedantic(run, rounds=1, iterations=1)
    _rate(benchmark, "import_events_per_s", total, time.perf_counter() - t0)
    assert added == total == N_IMPORT


def _plain_insert(path, rows: list[tuple], width: int) -> float:
    """Seconds for one ``executemany`` of ``rows`` in one transaction (WAL, synchronous=FULL)."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"CREATE TABLE events ({', '.join(f'c{i}' for i in range(width))})")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * width)})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def test_import_rate_against_a_plain_sqlite_insert(benchmark, tmp_path) -> None:
    log = tmp_path / "vendor.csv"
    _vendor_log(log, N_IMPORT)
    profile = load_profile("framed-5level")
    rows = [(*row, i) for i, row in enumerate(sql_rows(read_vendor_log(log, profile, SITE)))]  # + id_hash
    width = len(rows[0])
    runs = iter(range(1000))
    plain, imported = [], []

    def run() -> None:  # alternate the two, best of two each: load on the machine hits both alike
        for _ in range(2):
            plain.append(_plain_insert(tmp_path / f"plain{next(runs)}.sqlite", rows, width))
            t0 = time.perf_counter()
            with EventStore(tmp_path / f"import{next(runs)}.sqlite") as store:
                added, total = import_vendor_log(store, log, profile, SITE)
            imported.append(time.perf_counter() - t0)
            assert added == total == N_IMPORT

    benchmark.pedantic(run, rounds=1, iterations=1)
    plain_rate, import_rate = N_IMPORT / min(plain), N_IMPORT / min(imported)
    ratio = import_rate / plain_rate
    benchmark.extra_info.update(
        plain_insert_rows_per_s=round(plain_rate), import_events_per_s=round(import_rate), import_over_plain=round(ratio, 3)
    )
    print(
        f"\nplain executemany: {plain_rate:,.0f} rows/s; vendor-log import: {import_rate:,.0f} events/s; "
        f"ratio {ratio:.2f} ({N_IMPORT:,} rows of {width} columns)"
    )
    assert ratio >= (0.5 if FULL else 0.3), f"import at {ratio:.2f} of a plain insert's rate"


def test_live_capture_commits_each_event_before_acknowledging(benchmark, tmp_path) -> None:
    from tests.device._make import event

    events = [event(1 + i % 4) for i in range(N_LIVE)]
    runs = iter(range(1000))

    def run() -> int:
        with EventStore(tmp_path / f"live{next(runs)}.sqlite") as store:
            for e in events:
                store.capture([e], raw=b"\x00\x00\x1e\x00\x00\x00\x00\x00", device_uid="pad")  # one fsync'd commit each
            return store.count()

    t0 = time.perf_counter()
    assert benchmark.pedantic(run, rounds=1, iterations=1) == N_LIVE
    _rate(benchmark, "live_commits_per_s", N_LIVE, time.perf_counter() - t0)


def _columns(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", "2024-12-31").strftime("%Y-%m-%d").to_numpy()
    k = np.where(rng.random(n) < 0.5, 4, 5)
    level = np.minimum(rng.integers(1, 6, n), k)
    outcome = np.where(rng.random(n) < 0.05, "timeout", "rated")
    return {
        "branch_id": np.char.add("BR", rng.integers(0, 50, n).astype(str)),
        "local_date": days[rng.integers(0, len(days), n)],
        "scale_levels": k,
        "level": np.where(outcome == "rated", level, 0),
        "outcome": outcome,
        "satisfied_min_level": k - 1,
        "bad_max_level": np.where(k == 4, 1, 2),
    }


def _stored_events(path, n: int) -> EventStore:
    store = EventStore(path, synchronous="NORMAL")
    chunk = 500_000
    for start in range(0, n, chunk):
        c = _columns(min(chunk, n - start), seed=start)
        m = len(c["level"])
        columns = {name: values for name, values in c.items()}
        columns["level"] = np.where(c["level"] > 0, c["level"], np.nan)
        columns.update(
            event_id=[f"ev{start + i}" for i in range(m)],
            captured_at_utc=np.char.add(c["local_date"].astype(str), "T02:00:00.000Z").astype(object),
            local_date=c["local_date"].astype(object),
            branch_id=c["branch_id"].astype(object),
            outcome=c["outcome"].astype(object),
            tz="Asia/Shanghai",
            bank_id="B",
            profile_id="p",
            window_id="W1",
            staff_id="S1",
            reason_codes="[]",
            flags="[]",
            schema_version=1,
        )
        store.add_columns(columns, m, batch=chunk)
    return store


def test_branch_month_indicators_from_stored_events_in_sql(benchmark, tmp_path) -> None:
    store = _stored_events(tmp_path / "big.sqlite", N_STORED)
    try:

        def run() -> pd.DataFrame:
            return indicators_from_counts(*store.count_table(by="branch,month"), by="branch,month")

        t0 = time.perf_counter()
        table = benchmark.pedantic(run, rounds=1, iterations=1)
        _rate(benchmark, "sql_indicator_events_per_s", N_STORED, time.perf_counter() - t0)
    finally:
        store.close()
    assert table["n_events"].sum() == N_STORED and set(table["period"].str[:4]) == {"2023", "2024"}


def test_branch_month_indicators_from_parquet(benchmark, tmp_path) -> None:
    path = tmp_path / "events.parquet"
    writer = None
    chunk = 1_000_000
    for start in range(0, N_STORED, chunk):
        c = _columns(min(chunk, N_STORED - start), seed=start)
        m = len(c["level"])
        cols = {name: pa.nulls(m, pa.string()) for name in ("bank_id", "window_id", "staff_id", "label", "prompt_id")}
        cols.update({name: pa.array(v) for name, v in c.items()})
        cols["level"] = pa.array(np.where(c["level"] > 0, c["level"], 0)).cast(pa.float64())
        cols["flags"] = pa.array(np.full(m, "[]"))
        cols["reason_codes"] = pa.array(np.full(m, "[]"))
        table = pa.table(cols)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()

    def run() -> pd.DataFrame:
        return indicators_from_counts(*counts_from_parquet(path, by="branch,month"), by="branch,month")

    t0 = time.perf_counter()
    out = benchmark.pedantic(run, rounds=1, iterations=1)
    _rate(benchmark, "parquet_indicator_events_per_s", N_STORED, time.perf_counter() - t0)
    assert out["n_events"].sum() == N_STORED
