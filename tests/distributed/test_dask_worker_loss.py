"""A worker lost in the middle of a computation does not change the result: Dask recomputes its tasks elsewhere."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from acsi.core.moments import MomentBasis
from acsi.core.poisson import poisson_counts, poisson_key

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

COLUMNS = tuple(f"x{j}" for j in range(4))
PARTITIONS = 8
# Sums of the same terms in another order: 1e-12 relative to the largest entry.
TOL = 1e-12
#: Worker address of every partition read, in the order read (the workers run in this process).
READS: list[str] = []


def _slow_partition(k: int) -> pd.DataFrame:
    """Partition k (60 rows, seeded by k), read slowly so that the computation is still running when a worker goes."""
    try:
        READS.append(distributed.get_worker().address)
        time.sleep(0.05)
    except ValueError:  # read here, not on a worker
        pass
    rng = np.random.default_rng(k)
    return pd.DataFrame(rng.normal(size=(60, 4)) @ rng.normal(size=(4, 4)) + 3.0, columns=list(COLUMNS))


def test_a_worker_closed_mid_computation_does_not_change_the_resample_moments() -> None:
    from acsi.distributed.resample import poisson_resample_moments

    rows = np.vstack([_slow_partition(k).to_numpy() for k in range(PARTITIONS)])
    counts = poisson_counts(poisson_key(4), range(6), 0, rows.shape[0]).astype(float)
    expected_mean, expected_cov = MomentBasis.from_data(rows).moments(counts)
    READS.clear()
    ddf = dd.from_map(_slow_partition, list(range(PARTITIONS)), meta=pd.DataFrame(columns=list(COLUMNS), dtype=float))
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        ) as cluster,
        distributed.Client(cluster) as client,
        ThreadPoolExecutor(1) as pool,
    ):
        running = pool.submit(poisson_resample_moments, ddf, COLUMNS, n_resamples=6, seed=4)
        deadline = time.monotonic() + 30
        while not READS and time.monotonic() < deadline:  # until a worker has read a partition
            time.sleep(0.01)
        victim = next(worker for worker in cluster.workers.values() if worker.address == READS[0])
        assert not running.done()  # closed in the middle of the computation
        cluster.sync(victim.close)
        mean, cov = running.result(timeout=60)
        assert len(client.scheduler_info()["workers"]) == 1
    np.testing.assert_allclose(mean, expected_mean, rtol=0, atol=TOL * np.abs(expected_mean).max())
    np.testing.assert_allclose(cov, expected_cov, rtol=0, atol=TOL * np.abs(expected_cov).max())
