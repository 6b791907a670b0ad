"""Poisson-bootstrap resample moments on Dask equal the in-memory ones for any partitioning and worker count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acsi.core.moments import MomentBasis
from acsi.core.poisson import poisson_counts, poisson_key

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

# Sums of the same terms in another order: 1e-12 relative to the largest entry.
TOL = 1e-12
COLUMNS = tuple(f"x{j}" for j in range(5))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    values = rng.normal(size=(900, 5)) @ rng.normal(size=(5, 5)) + 7.0
    return pd.DataFrame(values, columns=COLUMNS).assign(w=rng.uniform(0.5, 2.0, 900))


def _in_memory(frame: pd.DataFrame, weighted: bool) -> tuple[np.ndarray, np.ndarray]:
    counts = poisson_counts(poisson_key(11), range(12), 0, len(frame)).astype(float)
    if weighted:
        counts = counts * frame["w"].to_numpy()
    return MomentBasis.from_data(frame[list(COLUMNS)].to_numpy()).moments(counts)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("partitions", [1, 2, 3, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_resample_moments_do_not_depend_on_partitions_or_workers(frame, workers: int, partitions: int, weighted: bool) -> None:
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.resample import poisson_resample_moments

    expected_mean, expected_cov = _in_memory(frame, weighted)
    with dask_client(workers=workers):
        mean, cov = poisson_resample_moments(
            dd.from_pandas(frame, npartitions=partitions), COLUMNS, n_resamples=12, seed=11, weight="w" if weighted else None
        )
    np.testing.assert_allclose(mean, expected_mean, rtol=0, atol=TOL * np.abs(expected_mean).max())
    np.testing.assert_allclose(cov, expected_cov, rtol=0, atol=TOL * np.abs(expected_cov).max())


def test_pieces_within_a_partition_do_not_change_the_counts(frame, monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    from acsi.distributed import resample

    ddf = dd.from_pandas(frame, npartitions=2)
    with dask.config.set(scheduler="synchronous"):
        whole = resample.poisson_resample_moments(ddf, COLUMNS, n_resamples=5, seed=3)
        monkeypatch.setattr(resample, "COUNTS_PER_PIECE", 35)  # 7 rows per piece at 5 resamples
        pieces = resample.poisson_resample_moments(ddf, COLUMNS, n_resamples=5, seed=3)
    np.testing.assert_allclose(pieces[1], whole[1], rtol=0, atol=TOL * np.abs(whole[1]).max())
