"""Running the study at a small setting: reproducible, worker-independent, the tidy table, the CLI outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acsi.cli import main
from acsi.simulate.bundled import ACSI_PATHS
from acsi.study.run import run_study
from acsi.study.settings import StudySettings

SMALL = StudySettings(ns=(60,), replications=2, distributions=("normal", "discrete"), n_boot=0, seed=7)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return run_study(SMALL, workers=1)


def test_study_is_reproducible_and_independent_of_the_worker_count(small) -> None:
    again = run_study(SMALL, workers=2)
    columns = [c for c in small.summary.columns if c != "seconds_per_fit"]
    pd.testing.assert_frame_equal(small.summary[columns], again.summary[columns])


def test_tidy_table_has_one_row_per_condition_estimator_and_parameter(small) -> None:
    summary = small.summary
    n_paths, n_constructs = len(ACSI_PATHS), 6
    per_condition = 4 * (n_paths + n_constructs) + n_constructs  # four model estimators, the item mean index only
    assert len(summary) == len(SMALL.conditions()) * per_condition
    for column in ("bias", "rmse", "coverage", "nonconvergence_rate", "inadmissible_rate", "seconds_per_fit", "truth"):
        assert column in summary
    paths = summary[summary.kind == "path"]
    np.testing.assert_allclose(paths.bias, paths.mean_estimate - paths.truth, rtol=0, atol=1e-12)
    assert (paths.rmse >= paths.bias.abs() - 1e-12).all()


def test_only_cbsem_on_normal_factor_data_has_coverage_without_a_bootstrap(small) -> None:
    paths = small.summary[small.summary.kind == "path"]
    has = paths[paths.coverage.notna()]
    assert set(zip(has.estimator, has.dgp, has.distribution)) == {("cbsem", "factor", "normal")}


def test_bootstrap_coverage_for_pls_when_asked() -> None:
    settings = StudySettings(
        ns=(60,), replications=1, dgps=("factor",), distributions=("normal",), estimators=("pls",), n_boot=20, seed=1
    )
    summary = run_study(settings, workers=1).summary
    assert summary[summary.kind == "path"].coverage.notna().all()


def test_cli_bench_estimators_writes_table_and_plots(tmp_path: Path) -> None:
    code = main(
        [
            "bench",
            "estimators",
            "--n",
            "60",
            "--replications",
            "1",
            "--dgp",
            "factor",
            "--distribution",
            "discrete",
            "--estimators",
            "pls,plsc,equal",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
            "--no-progress",
        ]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "estimators.csv")
    assert set(table.estimator) == {"pls", "plsc", "equal"}
    assert pd.read_parquet(tmp_path / "estimators.parquet").shape == table.shape
    for name in ("paths_bias_rmse.png", "index_bias_rmse.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
