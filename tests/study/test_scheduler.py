"""``scheduler``: replications on a Dask cluster give the rows of the in-process run, for any number of workers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from acsi.study.checkpoint import run_design
from acsi.study.design import EstimatorSetting

from ._designs import small_design

distributed = pytest.importorskip("distributed")

DESIGN = small_design(ns=(60,), replications=3, estimators=(EstimatorSetting("pls", "pls"),))


def _on_cluster(workers: int, out: Path) -> pd.DataFrame:
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = run_design(DESIGN, out, scheduler=cluster.scheduler_address)
    assert result.manifest["runs"][0]["scheduler"] == cluster.scheduler_address
    return result.replications.drop(columns=["seconds"])


def test_one_and_two_dask_workers_give_the_in_process_results(tmp_path: Path) -> None:
    local = run_design(DESIGN, tmp_path / "local", workers=1).replications.drop(columns=["seconds"])
    one = _on_cluster(1, tmp_path / "one")
    two = _on_cluster(2, tmp_path / "two")
    pd.testing.assert_frame_equal(one, local)
    pd.testing.assert_frame_equal(two, local)
