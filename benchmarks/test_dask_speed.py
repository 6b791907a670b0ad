"""Throughput of the Dask engine (issue 14): moments and Poisson resamples of rows generated on the workers.

Small by default (CI runs this file with ``--benchmark-disable``): 40,000 rows x 14 indicators,
20 resamples, on a LocalCluster of threads. ``ACSI_BENCH_FULL=1``: 4,000,000 rows for the
moments and 400,000 rows x 200 resamples, on 1 and then 2 worker *processes*, with the
in-memory engine on the same rows as the baseline; rows per second per worker are printed
(``-s``) and kept in ``benchmark.extra_info``. The issue's sizes (10^8 rows) are a run by hand
with ``ACSI_BENCH_DASK_ROWS``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

pytest.importorskip("distributed")

from acsi.core.moments import mean_and_covariance  # noqa: E402
from acsi.distributed.cluster import dask_client  # noqa: E402
from acsi.distributed.moments import merge_summaries, partition_summaries  # noqa: E402
from acsi.distributed.resample import poisson_resample_moments  # noqa: E402
from acsi.distributed.synthetic import generated_frame, generated_partition, indicator_names  # noqa: E402

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
N_MOMENTS = int(os.environ.get("ACSI_BENCH_DASK_ROWS", 4_000_000 if FULL else 40_000))
N_RESAMPLED = N_MOMENTS // 10
N_RESAMPLES = 200 if FULL else 20
P = 14
PARTITIONS = 16


def _peak_mb(client) -> float:  # noqa: ANN001
    """Largest peak resident memory of the workers (MB; their processes' ru_maxrss, Linux kB)."""
    import resource

    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return max(peaks.values()) / 1024


def _client(workers: int):  # noqa: ANN202
    if not FULL:
        return dask_client(workers=workers)
    from distributed import Client, LocalCluster

    class _Processes:
        def __enter__(self):  # noqa: ANN204
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
            )
            self.client = Client(self.cluster)
            return self.client

        def __exit__(self, *exc):  # noqa: ANN002, ANN204
            self.client.close()
            self.cluster.close()

    return _Processes()


@pytest.mark.parametrize("workers", [1, 2])
def test_moments_rows_per_second_per_worker(benchmark, workers: int) -> None:
    names = indicator_names(P)
    with _client(workers) as client:
        frame = generated_frame(N_MOMENTS, partitions=PARTITIONS, p=P)
        started = time.perf_counter()
        total = benchmark.pedantic(lambda: merge_summaries(partition_summaries(frame, names)), rounds=1, iterations=1)
        seconds = time.perf_counter() - started
        benchmark.extra_info["peak_mb_per_worker"] = peak = _peak_mb(client)
    assert total.n_rows == N_MOMENTS // PARTITIONS * PARTITIONS
    rate = total.n_rows / seconds / workers
    benchmark.extra_info["rows_per_second_per_worker"] = rate
    print(
        f"\nmoments: {total.n_rows} rows x {P} on {workers} worker(s): {seconds:.2f} s, {rate:,.0f} rows/s/worker, peak {peak:.0f} MB"
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_poisson_resamples_rows_per_second_per_worker(benchmark, workers: int) -> None:
    names = indicator_names(P)
    with _client(workers) as client:
        frame = generated_frame(N_RESAMPLED, partitions=PARTITIONS, p=P)
        started = time.perf_counter()
        mean, _ = benchmark.pedantic(
            lambda: poisson_resample_moments(frame, names, n_resamples=N_RESAMPLES, seed=1), rounds=1, iterations=1
        )
        seconds = time.perf_counter() - started
        benchmark.extra_info["peak_mb_per_worker"] = peak = _peak_mb(client)
    assert mean.shape == (N_RESAMPLES, P)
    rate = N_RESAMPLED / seconds / workers
    benchmark.extra_info["rows_per_second_per_worker"] = rate
    print(
        f"\nPoisson x{N_RESAMPLES}: {N_RESAMPLED} rows on {workers} worker(s): {seconds:.2f} s, {rate:,.0f} rows/s/worker, peak {peak:.0f} MB"
    )


def test_in_memory_moments_baseline(benchmark) -> None:
    rows = N_MOMENTS // PARTITIONS
    X = np.concatenate([generated_partition(k, rows=rows, p=P, seed=0).to_numpy() for k in range(PARTITIONS)])
    started = time.perf_counter()
    benchmark.pedantic(lambda: mean_and_covariance(X), rounds=1, iterations=1)
    seconds = time.perf_counter() - started
    benchmark.extra_info["rows_per_second"] = X.shape[0] / seconds
    print(f"\nin memory: {X.shape[0]} rows x {P}: {seconds:.3f} s, {X.shape[0] / seconds:,.0f} rows/s")
