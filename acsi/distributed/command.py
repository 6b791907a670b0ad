"""What ``--engine dask`` does for the command line: read DATA as a Dask DataFrame and reduce it on a cluster."""

from __future__ import annotations

from typing import Any

from acsi.errors import ParameterError
from acsi.spec.model import ModelSpec, Scale


def check_engine_options(options: dict[str, Any]) -> None:
    """ParameterError for command-line options the Dask engine cannot honour (they need the rows in memory).

    ``options`` maps a flag (``"--mapping"``) to its value; any truthy value is refused.
    """
    given = [flag for flag, value in options.items() if value]
    if given:
        raise ParameterError(
            f"{', '.join(given)} need(s) the rows in memory and cannot be combined with --engine dask; "
            "drop the option or use --engine memory."
        )


def prepare_on_cluster(
    spec: ModelSpec,
    source: str,
    *,
    scale: tuple[float, float] | Scale | None,
    missing: str,
    weight: str | None = None,
    scheduler: str | None,
    workers: int | None,
) -> Any:
    """IndicatorData (moments only, :mod:`acsi.distributed.prepare`) of ``source`` (a Parquet directory or a CSV glob).

    ``weight`` names a case-weight column; the moments are weighted by it.

    Runs on the cluster at ``scheduler``, or on a LocalCluster of ``workers`` workers started and
    closed here (:func:`acsi.distributed.cluster.dask_client`).
    """
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.frames import read_frame
    from acsi.distributed.prepare import prepare_dask

    with dask_client(scheduler, workers):
        return prepare_dask(spec, read_frame(source), scale=scale, missing=missing, weight=weight, source=source)
