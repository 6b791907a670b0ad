"""Seeded tasks mapped over Dask workers give the in-process results, whatever the number of workers."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("distributed")


def _replication(task: tuple[int, int]) -> float:
    condition, replication = task
    rng = np.random.default_rng([condition, replication])
    return float(rng.standard_normal(1000).mean())


def test_mapped_tasks_equal_the_loop_for_one_and_two_workers() -> None:
    from acsi.distributed.tasks import map_tasks

    tasks = [(c, r) for c in range(3) for r in range(8)]
    expected = [_replication(task) for task in tasks]
    done: list[int] = []
    for workers in (1, 2):
        assert map_tasks(_replication, tasks, workers=workers, progress=done.append) == expected
    assert sum(done) == 2 * len(tasks)
