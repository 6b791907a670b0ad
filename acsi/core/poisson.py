"""Poisson bootstrap counts from a counter-based generator: the same counts however the rows are split.

In the Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy, Muralidharan, Najmi & Naik 2012,
"Estimating uncertainty for massive data streams") each row enters resample r with a count
``c_ri ~ Poisson(1)``, independently of every other row, instead of the multinomial counts of
drawing n rows with replacement. The draw of row i in resample r depends only on
(seed, r, i), so a partition of rows can draw its own counts without knowing the others.

Generator: numpy's Philox4x64 (Salmon, Moraes, Dror & Shaw 2011) with key ``seed`` and
counter ``(i // 4, r, 0, 0)``; the 64-bit output number ``i`` of resample r's stream (four
outputs per counter value) becomes the uniform ``u = (out >> 11) 2^-53``, and the count is the
inverse Poisson(1) distribution function at u: the smallest k with ``F(k) > u``,
``F(k) = e^-1 sum_{j<=k} 1/j!``. Counts above 20 (probability below 1e-19) are cut at 20.

Speed: the inverse is looked up by the top 16 bits of the output (``u`` to 2^-16): a bin of u
values inside one interval ``[F(k-1), F(k))`` has its count in a table; the few bins that hold a
boundary ``F(k)`` (8 of 65,536) are searched exactly. The counts are those of the search alone.
"""

from __future__ import annotations

import math

import numpy as np

from acsi.errors import ParameterError

_MAX_COUNT = 20
_CDF = np.cumsum([math.exp(-1.0) / math.factorial(k) for k in range(_MAX_COUNT)])
_BITS = 16


def _count_table() -> np.ndarray:
    """Count of every u in bin b = [b 2^-16, (b + 1) 2^-16), or -1 where the bin holds a boundary F(k)."""
    low = np.arange(2**_BITS, dtype=float) * 2.0**-_BITS
    first = np.searchsorted(_CDF, low, side="right")
    last = np.searchsorted(_CDF, low + (2.0**-_BITS - 2.0**-53), side="right")  # the bin's largest u
    return np.where(first == last, first, -1).astype(np.int64)


_TABLE = _count_table()


def poisson_key(seed: object) -> int:
    """The Philox key (below 2^128) of a seed: a non-negative integer, or the entropy of a ``SeedSequence``."""
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"A Poisson bootstrap seed must be a non-negative integer; got {seed!r}.")
    return int(seed) % 2**128


def poisson_counts(seed: int, resamples: range, start: int, n_rows: int) -> np.ndarray:
    """Counts (len(resamples), n_rows) of rows ``start .. start + n_rows - 1`` in the given resamples.

    ``poisson_counts(s, rs, a, m)`` equals columns ``a .. a + m - 1`` of
    ``poisson_counts(s, rs, 0, N)`` for any ``N >= a + m``: blocks of rows draw independently.
    """
    counts = np.empty((len(resamples), n_rows), dtype=np.int64)
    first, skip = divmod(start, 4)
    needed = skip + n_rows
    for k, r in enumerate(resamples):
        raw = np.random.Philox(key=seed, counter=[first, r, 0, 0]).random_raw(needed)[skip:]
        row = _TABLE[raw >> np.uint64(64 - _BITS)]
        boundary = np.flatnonzero(row < 0)
        if boundary.size:
            uniform = (raw[boundary] >> np.uint64(11)).astype(float) * 2.0**-53
            row[boundary] = np.searchsorted(_CDF, uniform, side="right")
        counts[k] = row
    return counts
