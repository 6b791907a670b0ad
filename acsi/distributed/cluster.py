"""The Dask client the command line's ``--engine dask`` runs on: an existing scheduler, or a local cluster."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from acsi.errors import ParameterError


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` for the duration of the block.

    With ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``) connect to that cluster;
    otherwise start a ``LocalCluster`` of ``workers`` single-threaded workers (default 2) in
    this process and close it afterwards.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:  # pragma: no cover - the test extra installs it
        raise ParameterError("--engine dask needs dask and distributed: pip install 'acsi[dask]'.") from err
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    if workers is not None and workers < 1:
        raise ParameterError(f"--workers must be at least 1; got {workers}.")
    with (
        LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            # no dashboard; the scheduler's small HTTP server (metrics) on a free port, not 8787
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
