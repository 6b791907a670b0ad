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
from acsi.distributed.moments import PartSummary, case_weights, indicator_block, merge_summaries, partition_summaries

#: Counts (resamples x rows) a partition draws at once: the rows of a piece are
#: ``max(1, COUNTS_PER_PIECE // R)`` (4,000,000 counts of 8 bytes = 32 MB, whatever R).
COUNTS_PER_PIECE = 4_000_000


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
    w = None if weight is None else case_weights(frame, weight)
    if listwise:
        kept = ~np.isnan(X).any(axis=1)
        X, w = X[kept], None if w is None else w[kept]
    p = X.shape[1]
    upper_i, upper_j = np.triu_indices(p)
    total = np.zeros((n_resamples, 1))
    weighted = np.zeros((n_resamples, p + upper_i.size))
    rows = max(1, COUNTS_PER_PIECE // n_resamples)
    for start in range(0, X.shape[0], rows):
        Xc = X[start : start + rows] - center
        counts = poisson_counts(key, range(n_resamples), offset + start, Xc.shape[0]).astype(float)
        if w is not None:
            counts *= w[start : start + rows]
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
    parts: list[PartSummary] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Means (R, p) and covariances (R, p, p) of the R Poisson-bootstrap resamples of ``ddf``, in two passes.

    Complete rows only (``listwise``) or data without missing cells; independent of how the
    rows are partitioned and of the number of workers. ``parts``: the partition summaries of
    pass 1 when the caller has them (the fit's, :func:`acsi.distributed.prepare.prepare_dask`),
    which leaves one pass.
    """
    import dask

    if parts is None:
        parts = partition_summaries(ddf, indicators, weight=weight, listwise=listwise)
    center = np.diagonal(merge_summaries(parts).moments.mean).copy()
    offsets = np.concatenate([[0], np.cumsum([part.moments.n_rows for part in parts])[:-1]])
    key = poisson_key(seed)
    work = dask.delayed(partition_sums, pure=True)
    pieces = [
        work(frame, indicators, center, key, n_resamples, int(offset), weight, listwise)
        for frame, offset in zip(ddf.to_delayed(), offsets)
    ]
    add = dask.delayed(_added, pure=True)
    while len(pieces) > 1:  # summed on the workers as a balanced tree: only one (R, ...) pair comes back
        pieces = [add(*pieces[k : k + 2]) if k + 1 < len(pieces) else pieces[k] for k in range(0, len(pieces), 2)]
    total, weighted = dask.compute(pieces[0])[0]
    return moments_from_sums(center, total, weighted)


def _added(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two partitions' ``(sum of counts, counts @ basis)``, added."""
    return a[0] + b[0], a[1] + b[1]
