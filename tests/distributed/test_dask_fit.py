"""Fits on Dask DataFrames equal the in-memory engine's (two-worker LocalCluster in this process)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.resources import bundled

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

# Same estimates from moments summed in another order: 1e-10 (relative to 1) on every number.
TOL = 1e-10


@pytest.fixture(scope="module")
def client():
    from acsi.distributed.cluster import dask_client

    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    return acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))


def _numbers(result: acsi.FitResult) -> dict:
    """The whole JSON contract (weights, loadings, paths, effects, indices, missing-data report, ...)."""
    return result.to_dict()


def _assert_same(a: object, b: object) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_same(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, float | int) and not isinstance(a, bool):
        assert abs(a - b) <= TOL * max(1.0, abs(b)), (a, b)
    else:
        assert a == b


@pytest.mark.parametrize("partitions", [1, 2, 7])
@pytest.mark.parametrize("method", ["pls", "plsc", "gsca"])
def test_a_dask_fit_equals_the_in_memory_fit(client, demo, partitions: int, method: str) -> None:
    spec, frame = demo
    expected = acsi.fit(spec, frame, method=method)
    got = acsi.fit(spec, dd.from_pandas(frame, npartitions=partitions), method=method)
    _assert_same(_numbers(got), _numbers(expected))
    assert got.n_obs == expected.n_obs


def test_partition_order_does_not_change_the_fit(client, demo) -> None:
    spec, frame = demo
    forward = acsi.fit(spec, dd.from_pandas(frame, npartitions=5))
    backward = acsi.fit(spec, dd.from_pandas(frame.iloc[::-1].reset_index(drop=True), npartitions=5))
    _assert_same(_numbers(forward), _numbers(backward))


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_missing_values_are_treated_as_in_memory(client, demo, missing: str) -> None:
    spec, frame = demo
    holed = frame.copy()
    rng = np.random.default_rng(4)
    columns = list(spec.indicators)
    holed[columns] = holed[columns].mask(rng.random((len(holed), len(columns))) < 0.03)
    expected = acsi.fit(spec, holed, missing=missing)
    got = acsi.fit(spec, dd.from_pandas(holed, npartitions=3), missing=missing)
    _assert_same(_numbers(got), _numbers(expected))
    assert got.to_dict()["missing"] == expected.to_dict()["missing"]


def test_weighted_moments_equal_the_in_memory_weighted_moments(client, demo) -> None:
    from acsi.core.moments import mean_and_covariance
    from acsi.distributed.moments import merge_summaries, partition_summaries

    spec, frame = demo
    weighted = frame.assign(w=np.random.default_rng(1).uniform(0.5, 2.0, len(frame)))
    parts = partition_summaries(dd.from_pandas(weighted, npartitions=7), spec.indicators, weight="w")
    mean, cov = merge_summaries(parts).moments.mean_and_covariance()
    expected_mean, expected_cov = mean_and_covariance(weighted[list(spec.indicators)].to_numpy(float), weighted["w"].to_numpy())
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-12)
    np.testing.assert_allclose(cov, expected_cov, rtol=0, atol=1e-12 * np.abs(expected_cov).max())


def test_grouped_moments_equal_each_groups_in_memory_moments(client, demo) -> None:
    from acsi.core.moments import mean_and_covariance
    from acsi.distributed.moments import group_summaries

    spec, frame = demo
    grouped = frame.assign(g=np.arange(len(frame)) % 3)
    per_group = group_summaries(dd.from_pandas(grouped, npartitions=4), spec.indicators, "g")
    assert list(per_group) == [0, 1, 2]
    for key, summary in per_group.items():
        rows = grouped[grouped["g"] == key][list(spec.indicators)].to_numpy(float)
        _, expected = mean_and_covariance(rows)
        np.testing.assert_allclose(
            summary.moments.mean_and_covariance()[1], expected, rtol=0, atol=1e-12 * np.abs(expected).max()
        )


def test_missing_values_are_refused_by_default_and_cbsem_is_refused(client, demo) -> None:
    spec, frame = demo
    holed = frame.copy()
    holed.iloc[3, holed.columns.get_loc(spec.indicators[0])] = np.nan
    with pytest.raises(acsi.errors.DataError, match="missing indicator values"):
        acsi.fit(spec, dd.from_pandas(holed, npartitions=2))
    with pytest.raises(acsi.errors.ParameterError, match="cbsem"):
        acsi.fit(spec, dd.from_pandas(frame, npartitions=2), method="cbsem")
