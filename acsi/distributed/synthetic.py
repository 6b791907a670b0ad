"""Indicator rows and device events generated on the workers (never stored): the data of the distributed benchmarks.

Partition k holds ``rows`` rows of ``p`` indicators from a one-factor model,
``x = 5.5 + lambda f + e`` with ``f, e ~ N(0, 1)`` and loadings ``lambda_j = 0.6 + 0.8 j / p``,
drawn by ``numpy.random.Generator(PCG64(SeedSequence([seed, k])))``: the rows depend only on
(seed, k), so every run, worker count and partition order sees the same data.

Device events (:func:`generated_event_counts`): piece k holds ``events`` ratings of 50
branches over 2023-2024 (levels uniform on the 4- or 5-point scale, 5 % timeouts), drawn from
``SeedSequence([seed, k])``; they are written to an in-memory Parquet buffer and counted by
the lake's per-file path (:func:`acsi.ingest.device.parquet_counts.counts_from_parquet`).
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


def generated_events(k: int, *, events: int, seed: int) -> Any:
    """Piece ``k`` of the generated device events as an Arrow table with the event store's columns."""
    import pandas as pd
    import pyarrow as pa

    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, k])))
    days = pd.date_range("2023-01-01", "2024-12-31").strftime("%Y-%m-%d").to_numpy()
    branches = np.array([f"BR{b}" for b in range(50)])
    k_levels = np.where(rng.random(events) < 0.5, 4, 5)
    rated = rng.random(events) >= 0.05
    level = np.minimum(rng.integers(1, 6, events), k_levels)
    columns = {name: pa.nulls(events, pa.string()) for name in ("bank_id", "window_id", "staff_id", "label", "prompt_id")}
    columns |= {
        "branch_id": pa.DictionaryArray.from_arrays(rng.integers(0, branches.size, events).astype(np.int32), branches),
        "local_date": pa.DictionaryArray.from_arrays(rng.integers(0, days.size, events).astype(np.int32), days),
        "scale_levels": pa.array(k_levels),
        "level": pa.array(np.where(rated, level, 0).astype(float)),
        "outcome": pa.DictionaryArray.from_arrays(rated.astype(np.int32), np.array(["timeout", "rated"])),
        "satisfied_min_level": pa.array(k_levels - 1),
        "bad_max_level": pa.array(np.where(k_levels == 4, 1, 2)),
        "flags": pa.DictionaryArray.from_arrays(np.zeros(events, np.int32), np.array(["[]"])),
        "reason_codes": pa.DictionaryArray.from_arrays(np.zeros(events, np.int32), np.array(["[]"])),
    }
    return pa.table(columns)


def generated_event_counts(k: int, *, events: int, seed: int, by: str) -> Any:
    """The count table and reason counts of piece ``k`` of the generated events (through an in-memory Parquet file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from acsi.ingest.device.parquet_counts import counts_from_parquet

    buffer = pa.BufferOutputStream()
    pq.write_table(generated_events(k, events=events, seed=seed), buffer, row_group_size=1_000_000)
    return counts_from_parquet(pa.BufferReader(buffer.getvalue()), by=by)
