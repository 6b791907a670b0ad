"""Running a designed study into a folder: per-condition Parquet checkpoints, a manifest, resume.

Layout of the output folder::

    manifest.json                 study, fingerprint, seed, versions, machine, runs (start, end, wall time)
    conditions/condition-0003.parquet   one file per finished condition (written atomically)
    replications.parquet          every row (analyse.COLUMNS plus the condition columns)
    summary.csv, summary.parquet  performance measures with Monte-Carlo SEs (acsi.study.performance)

A condition is written as soon as all its replications are done; ``resume=True`` skips the
conditions already written, after checking that the folder holds the same study (its
fingerprint). Replication ``r`` of condition ``c`` draws from ``SeedSequence(seed, spawn_key=(c,
r))`` and rows are sorted, so the results do not depend on the number of workers, on the order
in which they finish, on interruptions, or on whether a Dask cluster (``scheduler``) ran them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from acsi.errors import ParameterError
from acsi.study.analyse import COLUMNS, replicate
from acsi.study.design import StudyDesign
from acsi.study.generate import ConditionPlan, check_plan, plan_condition
from acsi.study.performance import CONDITION_COLUMNS, summarise_design
from acsi.study.published import compare_published

_PACKAGES = ("acsi", "numpy", "scipy", "pandas", "pyarrow", "semopy", "matplotlib")


@dataclass(frozen=True)
class DesignResult:
    """Rows, summary and manifest of a designed study."""

    design: StudyDesign
    replications: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)
    published: pd.DataFrame | None = field(default=None, repr=False)


def fingerprint(design: StudyDesign) -> str:
    """SHA-256 of the design's ``repr``: every field but ``source`` (frozen dataclasses, mappings in file order)."""
    return hashlib.sha256(repr(design).encode()).hexdigest()


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def _condition_file(folder: Path, c: int) -> Path:
    return folder / "conditions" / f"condition-{c:04d}.parquet"


def _proxy_of(content: dict) -> MappingProxyType:
    return MappingProxyType(content)


def _mapping_proxy(proxy: MappingProxyType) -> tuple:
    return _proxy_of, (dict(proxy),)


# Specs and populations hold read-only mappings; let the worker queue (only it) carry them.
ForkingPickler.register(MappingProxyType, _mapping_proxy)


def _init_worker() -> None:
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)  # small matrices: one BLAS thread per process
    except ImportError:  # pragma: no cover
        pass
    warnings.simplefilter("ignore")  # each fit records its own warnings


def _open_manifest(folder: Path, design: StudyDesign, resume: bool) -> dict[str, Any]:
    """The manifest to continue (``resume``) or a new one; refuses a folder holding another study or, without ``resume``, any conditions."""
    path = folder / "manifest.json"
    done = sorted((folder / "conditions").glob("condition-*.parquet")) if (folder / "conditions").is_dir() else []
    if path.exists() and resume:
        manifest = json.loads(path.read_text())
        if manifest.get("fingerprint") != fingerprint(design):
            raise ParameterError(
                f"--resume: {folder} holds another study (fingerprint {manifest.get('fingerprint', '?')[:12]}, "
                f"expected {fingerprint(design)[:12]}): resume with the same study file, or write to a new folder."
            )
        return manifest
    if done:
        raise ParameterError(
            f"--out: {folder} already holds {len(done)} finished conditions; expected an empty folder. "
            "Pass --resume to continue that run, or choose another folder."
        )
    return {
        "study": design.name,
        "fingerprint": fingerprint(design),
        "study_file": design.source,
        "seed": design.seed,
        "replications": design.replications,
        "conditions": len(design.conditions()),
        "versions": _versions(),
        "machine": _machine(),
        "runs": [],
    }


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    frame.to_parquet(temporary, index=False)
    os.replace(temporary, path)


@contextmanager
def _replicator(
    workers: int, scheduler: str | None
) -> Iterator[Callable[[list[tuple[ConditionPlan, int]]], Iterable[list[tuple]]]]:
    """A function mapping :func:`~acsi.study.analyse.replicate` over tasks, results in task order.

    In this process (``workers`` 1), in ``workers`` processes, or on the Dask cluster at
    ``scheduler`` (:func:`acsi.distributed.tasks.map_tasks`, one condition's replications at a
    time). Each replication seeds itself, so the rows do not depend on which of them runs it.
    """
    if scheduler is not None:
        from acsi.distributed.tasks import map_tasks

        def on_cluster(tasks: list[tuple[ConditionPlan, int]]) -> Iterable[list[tuple]]:
            try:
                return map_tasks(replicate, tasks, scheduler=scheduler)
            except OSError as err:  # TimeoutError included: nothing answers at that address
                raise ParameterError(
                    f"--scheduler: cannot reach a Dask scheduler at {scheduler!r} ({err}); expected the address of a "
                    "running scheduler such as tcp://host:8786."
                ) from None

        yield on_cluster
        return
    if workers <= 1:
        yield lambda tasks: map(replicate, tasks)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        yield lambda tasks: pool.map(replicate, tasks)


def _run_condition(
    plan: ConditionPlan, replications: Iterable[list[tuple]], progress: Callable[[int], None] | None
) -> pd.DataFrame:
    """The condition's rows (:data:`~acsi.study.analyse.COLUMNS` plus its factor levels), sorted."""
    rows: list[tuple] = []
    for chunk in replications:
        rows.extend(chunk)
        if progress is not None:
            progress(1)
    frame = pd.DataFrame(rows, columns=COLUMNS).sort_values(["replication", "estimator", "kind", "parameter"], kind="stable")
    labels = plan.condition.labels()
    frame = frame.assign(**{k: v for k, v in labels.items() if k != "condition"})
    return frame[CONDITION_COLUMNS + COLUMNS[1:]].reset_index(drop=True)


def _finish(
    folder: Path, design: StudyDesign, manifest: dict[str, Any], files: list[Path], include_inadmissible: bool
) -> DesignResult:
    """Write the manifest; read the finished conditions back; when all are done, write the tables."""
    finished = [f for f in files if f.exists()]
    manifest["conditions_finished"] = len(finished)
    manifest["complete"] = len(finished) == len(files)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    replications = (
        pd.concat([pd.read_parquet(f) for f in finished], ignore_index=True)
        if finished
        else pd.DataFrame(columns=CONDITION_COLUMNS + COLUMNS[1:])
    )
    summary = summarise_design(replications, include_inadmissible=include_inadmissible) if finished else pd.DataFrame()
    published = None
    if manifest["complete"]:
        replications.to_parquet(folder / "replications.parquet", index=False)
        summary.to_parquet(folder / "summary.parquet", index=False)
        summary.to_csv(folder / "summary.csv", index=False)
        if design.reference is not None:
            published = compare_published(summary, design.reference)
            published.to_csv(folder / "published.csv", index=False)
    return DesignResult(design=design, replications=replications, summary=summary, manifest=manifest, published=published)


def run_design(
    design: StudyDesign,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    include_inadmissible: bool = False,
    progress: Callable[[int], None] | None = None,
    stop_after: int | None = None,
) -> DesignResult:
    """Run ``design``, writing every finished condition to ``out`` (module notes).

    Parameters
    ----------
    design : StudyDesign
    out : path
        Output folder (created).
    workers : int, default 1
        Worker processes; results do not depend on it.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``): its workers run the replications
        instead (``workers`` is then unused); results do not depend on the cluster.
    resume : bool, default False
        Continue a run interrupted in ``out``: conditions already written are not run again.
    include_inadmissible : bool, default False
        Summaries over non-converged and inadmissible replications too.
    progress : callable, optional
        Called with the number of replications just finished.
    stop_after : int, optional
        Stop (as an interruption would) once this many conditions were written in this call.

    Returns
    -------
    DesignResult
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _open_manifest(folder, design, resume)
    started, clock = datetime.now(UTC), time.perf_counter()
    plans = [plan_condition(design, condition) for condition in design.conditions()]
    for plan in plans:
        check_plan(plan)
    written = 0
    with _replicator(workers, scheduler) as replicator, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for plan in plans:
            path = _condition_file(folder, plan.condition.index)
            if path.exists():
                continue
            if stop_after is not None and written >= stop_after:
                break
            frame = _run_condition(plan, replicator([(plan, r) for r in range(design.replications)]), progress)
            _write_atomic(frame, path)
            written += 1
    manifest["runs"].append(
        {
            "start": started.isoformat(),
            "end": datetime.now(UTC).isoformat(),
            "wall_seconds": round(time.perf_counter() - clock, 3),
            "workers": workers if scheduler is None else None,
            "scheduler": scheduler,
            "conditions_written": written,
            "resumed": bool(resume),
        }
    )
    files = [_condition_file(folder, plan.condition.index) for plan in plans]
    return _finish(folder, design, manifest, files, include_inadmissible)
