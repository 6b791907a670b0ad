"""Independent tasks (Monte-Carlo replications) on a Dask cluster, results in task order.

Used by ``acsi bench study`` and ``acsi bench estimators`` with ``--scheduler ADDRESS`` (issue 14,
item 5): :mod:`acsi.study.checkpoint` maps one condition's replications, tasks whose random
streams derive from the task itself (the seed of each (condition, replication)), over the
workers and gathers the results in task order, so any number of workers gives the same rows as
the in-process loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def map_tasks(
    function: Callable[[Task], Result],
    tasks: Sequence[Task],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """``[function(task) for task in tasks]`` computed on Dask (the cluster at ``scheduler``, or a local one).

    ``function`` must be importable by the workers (a module-level function) and depend on its
    task alone; then the result does not depend on the number of workers or on scheduling.
    ``progress`` is called with 1 as each task finishes (in completion order).
    """
    from distributed import as_completed

    from acsi.distributed.cluster import dask_client

    with dask_client(scheduler, workers) as client:
        futures = client.map(function, list(tasks), pure=False)
        if progress is not None:
            for _ in as_completed(futures):
                progress(1)
        results: list[Any] = client.gather(futures)
    return results
