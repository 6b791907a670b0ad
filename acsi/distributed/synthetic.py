"""Indicator rows generated on the workers (never stored): the data of the distributed benchmarks.

Partition k holds ``rows`` rows of ``p`` indicators from a one-factor model,
``x = 5.5 + lambda f + e`` with ``f, e ~ N(0, 1)`` and loadings ``lambda_j = 0.6 + 0.8 j / p``,
drawn by ``numpy.random.Generator(PCG64(SeedSequence([seed, k])))``: the rows depend only on
(seed, k), so every run, worker count and partition order sees the same data.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def indicator_names(p: int) -> tuple[str, ...]:
    """Column names ``x01 .. xNN``."""
    return tuple(f"x{j + 1:02d}" for j in range(p))


def generated_partition(k: int, *, rows: int, p: int, seed: int) -> Any:
    """Partition ``k`` as a pandas DataFrame (see the module notes)."""
    import pandas as pd

    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, k])))
    loadings = 0.6 + 0.8 * np.arange(p) / p
    values = 5.5 + rng.standard_normal((rows, 1)) * loadings + rng.standard_normal((rows, p))
    return pd.DataFrame(values, columns=list(indicator_names(p)))


def generated_frame(n_rows: int, *, partitions: int, p: int = 14, seed: int = 0) -> Any:
    """A Dask DataFrame of about ``n_rows`` generated rows in ``partitions`` equal partitions."""
    import dask.dataframe as dd

    rows = max(1, n_rows // partitions)
    meta = generated_partition(0, rows=0, p=p, seed=seed)
    return dd.from_map(generated_partition, list(range(partitions)), rows=rows, p=p, seed=seed, meta=meta, enforce_metadata=False)
