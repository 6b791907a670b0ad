"""Throughput of the Dask engine (issue 14, item 7): fits, Poisson bootstraps and device indicators of data generated on the workers.

Every size is an environment variable, so the full run can be made by hand on an idle machine;
CI runs the file tiny with ``--benchmark-disable`` on a LocalCluster of threads.

``ACSI_BENCH_FULL=1`` switches to worker *processes* (peak memory per worker measured as each
process's maximum resident set) and to the issue's sizes:

=================================  ==============  ========  ===========================================
variable                           full            small     what
=================================  ==============  ========  ===========================================
``ACSI_BENCH_DASK_ROWS``           100,000,000     20,000    rows x 14 indicators generated on the workers
``ACSI_BENCH_DASK_RESAMPLES``      200             10        Poisson resamples of the bootstrap
``ACSI_BENCH_DASK_PARTITIONS``     rows / 10^6     4         partitions of the generated rows
``ACSI_BENCH_DASK_EVENTS``         1,000,000,000   200,000   device events generated on the workers
``ACSI_BENCH_DASK_EVENT_PIECE``    2,000,000       50,000    events per task
``ACSI_BENCH_DASK_MEMORY_ROWS``    10,000,000      20,000    rows of the in-memory fit (the baseline)
``ACSI_BENCH_DASK_MEMORY_BOOT``    100,000         2,000     rows of the in-memory Poisson bootstrap
``ACSI_BENCH_DASK_WORKERS``        1,2             1,2       worker counts (the events use the largest)
=================================  ==============  ========  ===========================================

Printed (``-s``) and kept in ``benchmark.extra_info``: rows (events) per second per worker,
seconds, peak MB per worker and, on the second worker count, the speed-up over the first. The
in-memory bootstrap holds a resamples x rows matrix of counts, so its baseline is smaller
(``ACSI_BENCH_DASK_MEMORY_BOOT``); its fit runs at ``ACSI_BENCH_DASK_MEMORY_ROWS``.
"""

from __future__ import annotations

import os
import resource
import time

import pytest

pytest.importorskip("distributed")

import acsi  # noqa: E402
from acsi.distributed.cluster import dask_client  # noqa: E402
from acsi.distributed.synthetic import generated_frame, generated_partition, indicator_names  # noqa: E402
from acsi.estimators.pls import PLSPM  # noqa: E402
from acsi.spec.lavaan import parse_syntax  # noqa: E402

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}


def _size(name: str, full: int, small: int) -> int:
    return int(float(os.environ.get(name, full if FULL else small)))


ROWS = _size("ACSI_BENCH_DASK_ROWS", 100_000_000, 20_000)
RESAMPLES = _size("ACSI_BENCH_DASK_RESAMPLES", 200, 10)
PARTITIONS = _size("ACSI_BENCH_DASK_PARTITIONS", max(4, ROWS // 1_000_000), 4)
EVENTS = _size("ACSI_BENCH_DASK_EVENTS", 1_000_000_000, 200_000)
EVENT_PIECE = _size("ACSI_BENCH_DASK_EVENT_PIECE", 2_000_000, 50_000)
MEMORY_ROWS = _size("ACSI_BENCH_DASK_MEMORY_ROWS", 10_000_000, 20_000)
MEMORY_BOOT = _size("ACSI_BENCH_DASK_MEMORY_BOOT", 100_000, 2_000)
WORKERS = [int(w) for w in os.environ.get("ACSI_BENCH_DASK_WORKERS", "1,2").split(",")]
P = 14
#: Seconds per (test, workers), for the speed-up of the second worker count over the first.
SECONDS: dict[tuple[str, int], float] = {}


def _spec() -> acsi.ModelSpec:
    """Three composites of the 14 generated indicators: A -> B -> C and A -> C."""
    x = indicator_names(P)
    return parse_syntax(f"A =~ {' + '.join(x[:5])}\nB =~ {' + '.join(x[5:10])}\nC =~ {' + '.join(x[10:])}\nB ~ A\nC ~ A + B")


def _peak_mb(client) -> float:  # noqa: ANN001
    """Largest peak resident memory of the workers (MB; ru_maxrss in kB on Linux). With threads: this process."""
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
                memory_limit=0,  # measure, do not spill or restart
                scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
            )
            self.client = Client(self.cluster)
            return self.client

        def __exit__(self, *exc):  # noqa: ANN002, ANN204
            self.client.close()
            self.cluster.close()

    return _Processes()


def _report(benchmark, name: str, workers: int, units: int, seconds: float, peak: float, what: str) -> None:  # noqa: ANN001
    SECONDS[name, workers] = seconds
    rate = units / seconds / workers
    info = {"seconds": seconds, "per_second_per_worker": rate, "peak_mb_per_worker": peak, "workers": workers}
    line = f"\n{what} on {workers} worker(s): {seconds:.1f} s, {rate:,.0f}/s/worker, peak {peak:.0f} MB/worker"
    first = (name, WORKERS[0])
    if workers != WORKERS[0] and first in SECONDS:
        info["speedup_over_first"] = SECONDS[first] / seconds
        line += f", {info['speedup_over_first']:.2f}x the {WORKERS[0]}-worker run"
    benchmark.extra_info.update(info)
    print(line)


@pytest.mark.parametrize("workers", WORKERS)
def test_fit_rows_per_second_per_worker(benchmark, workers: int) -> None:
    spec = _spec()
    with _client(workers) as client:
        frame = generated_frame(ROWS, partitions=PARTITIONS, p=P)
        started = time.perf_counter()
        result = benchmark.pedantic(lambda: acsi.fit(spec, frame), rounds=1, iterations=1)
        seconds = time.perf_counter() - started
        peak = _peak_mb(client)
    assert result.n_obs == ROWS // PARTITIONS * PARTITIONS
    _report(benchmark, "fit", workers, result.n_obs, seconds, peak, f"fit: {result.n_obs:,} rows x {P}")


@pytest.mark.parametrize("workers", WORKERS)
def test_fit_and_poisson_bootstrap_rows_per_second_per_worker(benchmark, workers: int) -> None:
    spec = _spec()
    with _client(workers) as client:
        frame = generated_frame(ROWS, partitions=PARTITIONS, p=P)
        started = time.perf_counter()
        boot = benchmark.pedantic(
            lambda: acsi.bootstrap(PLSPM(), spec, frame, n_boot=RESAMPLES, seed=1, resampling="poisson"),
            rounds=1,
            iterations=1,
        )
        seconds = time.perf_counter() - started
        peak = _peak_mb(client)
    assert boot.used == RESAMPLES and boot.fit.n_obs == ROWS // PARTITIONS * PARTITIONS
    what = f"fit + {RESAMPLES} Poisson resamples: {boot.fit.n_obs:,} rows x {P}"
    _report(benchmark, "bootstrap", workers, boot.fit.n_obs, seconds, peak, what)


def test_device_indicators_from_generated_events(benchmark) -> None:
    import dask

    from acsi.distributed.device import summed_counts
    from acsi.distributed.synthetic import generated_event_counts
    from acsi.ingest.device.indicators import indicators_from_counts

    workers = max(WORKERS)
    pieces = max(1, EVENTS // EVENT_PIECE)
    count = dask.delayed(generated_event_counts, pure=True)

    def run():  # noqa: ANN202
        parts = dask.compute(*[count(k, events=EVENT_PIECE, seed=0, by="branch,month") for k in range(pieces)])
        return indicators_from_counts(*summed_counts(parts), by="branch,month")

    with _client(workers) as client:
        started = time.perf_counter()
        table = benchmark.pedantic(run, rounds=1, iterations=1)
        seconds = time.perf_counter() - started
        peak = _peak_mb(client)
    assert table["n_events"].sum() == pieces * EVENT_PIECE
    what = f"device indicators (branch x month): {pieces * EVENT_PIECE:,} events"
    _report(benchmark, "events", workers, pieces * EVENT_PIECE, seconds, peak, what)


def test_in_memory_baseline(benchmark) -> None:
    import pandas as pd

    spec = _spec()
    pieces = max(1, MEMORY_ROWS // 1_000_000)
    frame = pd.concat([generated_partition(k, rows=MEMORY_ROWS // pieces, p=P, seed=0) for k in range(pieces)], ignore_index=True)
    started = time.perf_counter()
    result = benchmark.pedantic(lambda: acsi.fit(spec, frame), rounds=1, iterations=1)
    fit_seconds = time.perf_counter() - started
    small = frame.iloc[:MEMORY_BOOT]
    started = time.perf_counter()
    boot = acsi.bootstrap(PLSPM(), spec, small, n_boot=RESAMPLES, seed=1, resampling="poisson", workers=1)
    boot_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert boot.used == RESAMPLES
    benchmark.extra_info.update(
        fit_rows_per_second=result.n_obs / fit_seconds,
        bootstrap_rows_per_second=small.shape[0] / boot_seconds,
        peak_mb=peak,
    )
    print(
        f"\nin memory: fit of {result.n_obs:,} rows x {P} in {fit_seconds:.1f} s ({result.n_obs / fit_seconds:,.0f} rows/s); "
        f"fit + {RESAMPLES} Poisson resamples of {small.shape[0]:,} rows in {boot_seconds:.1f} s "
        f"({small.shape[0] / boot_seconds:,.0f} rows/s); peak {peak:.0f} MB"
    )
