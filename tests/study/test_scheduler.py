"""``scheduler``: replications on a Dask cluster give the rows of the in-process run, for any number of workers."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from acsi.cli import main
from acsi.study.checkpoint import run_design
from acsi.study.design import EstimatorSetting

from ._designs import small_design

distributed = pytest.importorskip("distributed")

DESIGN = small_design(ns=(60,), replications=3, estimators=(EstimatorSetting("pls", "pls"),))


def _cluster(workers: int):  # noqa: ANN202
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None)


def _on_cluster(workers: int, out: Path) -> pd.DataFrame:
    with _cluster(workers) as cluster:
        result = run_design(DESIGN, out, scheduler=cluster.scheduler_address)
    assert result.manifest["runs"][0]["scheduler"] == cluster.scheduler_address
    return result.replications.drop(columns=["seconds"])


def test_one_and_two_dask_workers_give_the_in_process_results(tmp_path: Path) -> None:
    local = run_design(DESIGN, tmp_path / "local", workers=1).replications.drop(columns=["seconds"])
    one = _on_cluster(1, tmp_path / "one")
    two = _on_cluster(2, tmp_path / "two")
    pd.testing.assert_frame_equal(one, local)
    pd.testing.assert_frame_equal(two, local)


def test_cli_bench_estimators_runs_on_the_scheduler(tmp_path: Path) -> None:
    argv = ["bench", "estimators", "--n", "60", "--replications", "2", "--dgp", "factor", "--distribution", "normal"]
    argv += ["--estimators", "pls,equal", "--out", str(tmp_path), "--no-progress", "--no-plots"]
    with _cluster(2) as cluster:
        assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0
    (run,) = json.loads((tmp_path / "manifest.json").read_text())["runs"]
    assert run["scheduler"] == cluster.scheduler_address and run["workers"] is None


def test_unreachable_scheduler_is_a_user_error(tmp_path: Path, capsys) -> None:
    import dask

    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    argv = ["bench", "estimators", "--n", "60", "--replications", "1", "--dgp", "factor", "--distribution", "normal"]
    argv += ["--estimators", "pls", "--out", str(tmp_path), "--no-progress", "--scheduler", address]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(argv)
    assert code != 0
    err = capsys.readouterr().err
    assert "--scheduler" in err and address in err and "Traceback" not in err
