"""The Poisson bootstrap's resample moments over a Dask DataFrame, the same for any partitioning.

Pass 1 (:func:`acsi.distributed.moments.partition_summaries`) gives every partition's number
of rows kept and the full-sample means. Pass 2 has each partition draw its rows' Poisson(1)
counts for all R resamples from the counter-based generator of :mod:`acsi.core.poisson`, keyed
by the seed and the row's position among the rows kept, and add its rows' contributions to
every resample's sums of the centred indicators and their products
(:class:`acsi.core.moments.MomentBasis` columns). The sums add up across partitions;
:func:`acsi.core.moments.moments_from_sums` turns them into means and covariances. In memory,
``MomentBasis.from_data(X).moments(poisson_counts(key, range(R), 0, n))`` gives the same
moments (up to summation order), which is what ``acsi.bootstrap(..., resampling="poisson")``
resamples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from acsi.core.moments import moments_from_sums
from acsi.core.poisson import poisson_counts, poisson_key
from acsi.distributed.moments import indicator_block, merge_summaries, partition_summaries

#: Rows per piece of a partition whose counts (R x rows) are drawn at once (memory: R * 8 bytes each).
ROWS_PER_PIECE = 20_000


def partition_sums(
    frame: Any,
    indicators: tuple[str, ...],
    center: np.ndarray,
    key: int,
    n_resamples: int,
    offset: int,
    weight: str | None,
    listwise: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """One partition's ``(sum of counts (R, 1), counts @ basis (R, p + p(p+1)/2))``, its kept rows numbered from ``offset``."""
    X = indicator_block(frame, indicators)
    w = None if weight is None else frame[weight].to_numpy(dtype=float)
    if listwise:
        kept = ~np.isnan(X).any(axis=1)
        X, w = X[kept], None if w is None else w[kept]
    p = X.shape[1]
    upper_i, upper_j = np.triu_indices(p)
    total = np.zeros((n_resamples, 1))
    weighted = np.zeros((n_resamples, p + upper_i.size))
    for start in range(0, X.shape[0], ROWS_PER_PIECE):
        Xc = X[start : start + ROWS_PER_PIECE] - center
        counts = poisson_counts(key, range(n_resamples), offset + start, Xc.shape[0]).astype(float)
        if w is not None:
            counts *= w[start : start + ROWS_PER_PIECE]
        total += counts.sum(axis=1, keepdims=True)
        weighted += counts @ np.concatenate([Xc, Xc[:, upper_i] * Xc[:, upper_j]], axis=1)
    return total, weighted


def poisson_resample_moments(
    ddf: Any,
    indicators: tuple[str, ...],
    *,
    n_resamples: int,
    seed: int,
    weight: str | None = None,
    listwise: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Means (R, p) and covariances (R, p, p) of the R Poisson-bootstrap resamples of ``ddf``, in two passes.

    Complete rows only (``listwise``) or data without missing cells; independent of how the
    rows are partitioned and of the number of workers.
    """
    import dask

    parts = partition_summaries(ddf, indicators, weight=weight, listwise=listwise)
    center = np.diagonal(merge_summaries(parts).moments.mean).copy()
    offsets = np.concatenate([[0], np.cumsum([part.moments.n_rows for part in parts])[:-1]])
    key = poisson_key(seed)
    work = dask.delayed(partition_sums, pure=True)
    pieces = dask.compute(
        *[
            work(frame, indicators, center, key, n_resamples, int(offset), weight, listwise)
            for frame, offset in zip(ddf.to_delayed(), offsets)
        ]
    )
    total = np.sum([piece[0] for piece in pieces], axis=0)
    weighted = np.sum([piece[1] for piece in pieces], axis=0)
    return moments_from_sums(center, total, weighted)
