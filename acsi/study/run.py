"""Running the study: every condition x replication (in worker processes), and the tidy summary."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from acsi.study.replication import COLUMNS, replicate
from acsi.study.settings import StudySettings


@dataclass(frozen=True)
class StudyResult:
    """Raw replications and the tidy summary of a study.

    Attributes
    ----------
    settings : StudySettings
    replications : pandas.DataFrame
        One row per condition x replication x estimator x parameter: ``estimate``, ``truth``,
        ``covered`` (bool or NaN) and the fit's ``converged``, ``inadmissible``, ``error``,
        ``seconds``.
    summary : pandas.DataFrame
        One row per condition x estimator x parameter (see module notes).
    """

    settings: StudySettings
    replications: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)

    def write(self, folder: str | Path, *, plots: bool = True) -> list[Path]:
        """Write ``estimators.csv``, ``estimators.parquet``, ``replications.parquet`` and the PNG
        plots ``paths_bias_rmse.png`` and ``index_bias_rmse.png`` to ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "estimators.csv", folder / "estimators.parquet", folder / "replications.parquet"]
        self.summary.to_csv(written[0], index=False)
        self.summary.to_parquet(written[1], index=False)
        self.replications.to_parquet(written[2], index=False)
        if plots:
            from acsi.study.plots import plot_study

            written += plot_study(self.summary, folder)
        return written


def _one_blas_thread():  # noqa: ANN202
    """Pin BLAS to one thread: on 14 x 14 matrices more threads only contend (shared/design/peers.md)."""
    try:
        from threadpoolctl import threadpool_limits

        return threadpool_limits(limits=1)
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()


def _init_worker() -> None:
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)  # small matrices: one BLAS thread per process
    except ImportError:  # pragma: no cover
        pass
    warnings.simplefilter("ignore")  # each fit records its own warnings


def run_study(
    settings: StudySettings,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> StudyResult:
    """Run the Monte-Carlo study.

    Parameters
    ----------
    settings : StudySettings
    workers : int, optional
        Worker processes (default: the CPU count); 1 runs in this process. Results do not
        depend on it.
    progress : callable, optional
        Called with the number of replications just finished.

    Returns
    -------
    StudyResult
    """
    conditions = settings.conditions()
    tasks = [(c, r, condition, settings) for c, condition in enumerate(conditions) for r in range(settings.replications)]
    workers = (os.cpu_count() or 1) if workers is None else workers
    rows: list[tuple] = []
    if workers <= 1:
        with warnings.catch_warnings(), _one_blas_thread():
            warnings.simplefilter("ignore")
            for task in tasks:
                rows.extend(replicate(task))
                if progress is not None:
                    progress(1)
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            for chunk in pool.map(replicate, tasks, chunksize=max(1, len(tasks) // (workers * 8))):
                rows.extend(chunk)
                if progress is not None:
                    progress(1)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.sort_values(
        ["dgp", "distribution", "n", "misspecified", "replication", "estimator", "kind", "parameter"], kind="stable"
    ).reset_index(drop=True)
    return StudyResult(settings=settings, replications=frame, summary=summarise(frame))


def summarise(replications: pd.DataFrame) -> pd.DataFrame:
    """The tidy table: one row per condition x estimator x parameter."""
    keys = ["dgp", "distribution", "n", "misspecified", "estimator"]
    fits = replications.drop_duplicates(keys + ["replication"])
    rates = (
        fits.groupby(keys, sort=True)
        .agg(
            nonconvergence_rate=("converged", lambda s: float(1 - s.mean())),
            inadmissible_rate=("inadmissible", "mean"),
            error_rate=("error", "mean"),
            seconds_per_fit=("seconds", "mean"),
            replications=("replication", "nunique"),
        )
        .reset_index()
    )
    data = replications.assign(deviation=replications.estimate - replications.truth)
    ok = data[np.isfinite(data.estimate)]
    stats = (
        ok.groupby(keys + ["kind", "parameter"], sort=True)
        .agg(
            truth=("truth", "first"),
            mean_estimate=("estimate", "mean"),
            bias=("deviation", "mean"),
            rmse=("deviation", lambda d: float(np.sqrt(np.mean(d**2)))),
            coverage=("covered", "mean"),
            used=("estimate", "size"),
        )
        .reset_index()
    )
    return stats.merge(rates, on=keys, how="left")
