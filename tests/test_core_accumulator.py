"""The mergeable moment accumulator equals the in-memory moments over any partition of the rows."""

from __future__ import annotations

import numpy as np
import pytest

from acsi.core.accumulator import MomentAccumulator, merge_all
from acsi.core.missing import pairwise_moments
from acsi.core.moments import mean_and_covariance

# Different summation orders: agreement to 1e-12 relative to the largest entry.
TOL = 1e-12


def _data(seed: int, n: int = 400, p: int = 6, offset: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    L = rng.normal(size=(p, p))
    return rng.normal(size=(n, p)) @ L + offset


def _parts(n: int, k: int, seed: int) -> list[np.ndarray]:
    cuts = np.sort(np.random.default_rng(seed).choice(np.arange(1, n), size=k - 1, replace=False))
    return np.split(np.arange(n), cuts)


def _close(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=0, atol=TOL * max(1.0, float(np.abs(b).max())))


@pytest.mark.parametrize("k", [1, 2, 3, 7, 40])
@pytest.mark.parametrize("weighted", [False, True])
def test_merged_partitions_give_the_in_memory_mean_and_covariance(k: int, weighted: bool) -> None:
    X = _data(k, offset=50.0)
    w = np.random.default_rng(9).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    parts = [MomentAccumulator.from_block(X[rows], None if w is None else w[rows]) for rows in _parts(X.shape[0], k, k)]
    mean, cov = merge_all(parts).mean_and_covariance()
    expected_mean, expected_cov = mean_and_covariance(X, w)
    _close(mean, expected_mean)
    _close(cov, expected_cov)


def test_partition_order_does_not_matter() -> None:
    X = _data(3)
    parts = [MomentAccumulator.from_block(X[rows]) for rows in _parts(X.shape[0], 7, 1)]
    forward = merge_all(parts).mean_and_covariance()
    backward = merge_all(parts[::-1]).mean_and_covariance()
    _close(forward[1], backward[1])
    _close(forward[0], backward[0])


@pytest.mark.parametrize("k", [1, 2, 7])
def test_merged_partitions_give_the_pairwise_moments(k: int) -> None:
    X = _data(5)
    X[np.random.default_rng(2).random(X.shape) < 0.15] = np.nan
    merged = merge_all([MomentAccumulator.from_block(X[rows]) for rows in _parts(X.shape[0], k, k)])
    mean, cov, pairs = merged.pairwise_moments()
    expected_mean, expected_cov, expected_pairs = pairwise_moments(X)
    _close(mean, expected_mean)
    _close(cov, expected_cov)
    np.testing.assert_array_equal(pairs, expected_pairs)
    assert merged.n_incomplete == int(np.isnan(X).any(axis=1).sum())
    np.testing.assert_array_equal(merged.low, np.nanmin(X, axis=0))
    np.testing.assert_array_equal(merged.high, np.nanmax(X, axis=0))


def test_an_empty_block_is_the_identity_of_merge() -> None:
    X = _data(4, n=50)
    one = MomentAccumulator.from_block(X)
    both = MomentAccumulator.from_block(X[:0]).merge(one).merge(MomentAccumulator.empty(X.shape[1]))
    _close(both.mean_and_covariance()[1], one.mean_and_covariance()[1])
    assert both.n_rows == 50


def test_poisson_counts_do_not_depend_on_how_the_rows_are_split() -> None:
    from acsi.core.poisson import poisson_counts

    whole = poisson_counts(7, range(3, 9), 0, 101)
    for cuts in ([0, 101], [0, 50, 101], [0, 1, 2, 33, 34, 101]):
        pieces = [poisson_counts(7, range(3, 9), a, b - a) for a, b in zip(cuts[:-1], cuts[1:])]
        np.testing.assert_array_equal(np.concatenate(pieces, axis=1), whole)


def test_poisson_counts_have_mean_and_variance_one() -> None:
    from acsi.core.poisson import poisson_counts

    counts = poisson_counts(1, range(20), 0, 5000)
    assert abs(counts.mean() - 1.0) < 0.02
    assert abs(counts.var() - 1.0) < 0.03


def test_poisson_counts_are_the_inverse_distribution_function_at_each_uniform() -> None:
    from acsi.core.poisson import _CDF, poisson_counts

    # The table lookup must give the exact search's counts: the definition, applied to the same Philox outputs.
    counts = poisson_counts(11, range(4, 8), 0, 250_000)
    for k, r in enumerate(range(4, 8)):
        raw = np.random.Philox(key=11, counter=[0, r, 0, 0]).random_raw(250_000)
        uniform = (raw >> np.uint64(11)).astype(float) * 2.0**-53
        np.testing.assert_array_equal(counts[k], np.searchsorted(_CDF, uniform, side="right"))
    assert counts.max() >= 6  # the searched bins near 1 were reached


def test_the_count_table_agrees_with_the_search_at_both_ends_of_every_bin() -> None:
    from acsi.core.poisson import _BITS, _CDF, _TABLE

    low = np.arange(2**_BITS) * 2.0**-_BITS
    high = low + (2.0**-_BITS - 2.0**-53)
    known = _TABLE >= 0
    np.testing.assert_array_equal(_TABLE[known], np.searchsorted(_CDF, low[known], side="right"))
    np.testing.assert_array_equal(_TABLE[known], np.searchsorted(_CDF, high[known], side="right"))
    assert (~known).sum() <= _CDF.size  # a bin is searched only when it holds a boundary F(k)
