"""Running a designed study: checkpoints per condition, resume, worker independence, the manifest, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from acsi.cli import main
from acsi.errors import ParameterError
from acsi.study.checkpoint import run_design

from ._designs import small_design

DETERMINISTIC = lambda frame: frame.drop(columns=["seconds"])  # noqa: E731 - timings differ run to run


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> pd.DataFrame:
    return run_design(small_design(), tmp_path_factory.mktemp("whole"), workers=1).replications


def test_interrupted_run_resumes_to_identical_results(uninterrupted, tmp_path: Path) -> None:
    first = run_design(small_design(), tmp_path, workers=1, stop_after=1)
    assert first.manifest["conditions_finished"] == 1 and not first.manifest["complete"]
    assert not (tmp_path / "summary.csv").exists()
    resumed = run_design(small_design(), tmp_path, workers=1, resume=True)
    assert resumed.manifest["complete"] and [run["conditions_written"] for run in resumed.manifest["runs"]] == [1, 1]
    pd.testing.assert_frame_equal(DETERMINISTIC(resumed.replications), DETERMINISTIC(uninterrupted))


def test_results_do_not_depend_on_the_number_of_workers(uninterrupted, tmp_path: Path) -> None:
    two = run_design(small_design(), tmp_path, workers=2).replications
    pd.testing.assert_frame_equal(DETERMINISTIC(two), DETERMINISTIC(uninterrupted))


def test_finished_folder_is_refused_without_resume_and_another_study_with_it(tmp_path: Path) -> None:
    run_design(small_design(ns=(60,)), tmp_path, workers=1)
    with pytest.raises(ParameterError, match="--resume"):
        run_design(small_design(ns=(60,)), tmp_path, workers=1)
    with pytest.raises(ParameterError, match="another study"):
        run_design(small_design(ns=(60,), seed=12), tmp_path, workers=1, resume=True)


def test_manifest_records_study_seed_versions_machine_and_times(tmp_path: Path) -> None:
    run_design(small_design(ns=(60,)), tmp_path, workers=1)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["study"] == "small" and len(manifest["fingerprint"]) == 64
    assert manifest["versions"]["acsi"] and manifest["versions"]["numpy"] and manifest["machine"]["cpus"]
    (run,) = manifest["runs"]
    assert run["start"] <= run["end"] and run["wall_seconds"] >= 0
    assert sorted(p.name for p in (tmp_path / "conditions").iterdir()) == ["condition-0000.parquet"]


def test_summary_reports_admissible_counts_beside_every_number(uninterrupted) -> None:
    from acsi.study.performance import summarise_design

    summary = summarise_design(uninterrupted)
    for column in ("bias", "bias_mcse", "rmse", "rmse_mcse", "empirical_se", "used", "replications", "admissible_rate"):
        assert summary[column].notna().all(), column
    assert (summary.used <= summary.replications).all()
    everything = summarise_design(uninterrupted, include_inadmissible=True)
    assert (everything.used >= summary.used.reindex(everything.index).fillna(0)).all()
    assert set(everything.included) == {"all but failed"}


def test_cli_bench_study_runs_a_study_file_and_resumes(tmp_path: Path, capsys) -> None:
    study = tmp_path / "tiny.yaml"
    study.write_text(
        "name: tiny\nseed: 3\nreplications: 2\n"
        "population:\n  model: |\n    X =~ 0.8*x1 + 0.8*x2 + 0.8*x3\n    Y =~ 0.8*y1 + 0.8*y2 + 0.8*y3\n    Y ~ 0.4*X\n"
        "design:\n  n: [60, 90]\n  distribution: [normal, {name: t5, kind: heavy_tailed, df: 5}]\n"
        "estimators: [pls, plsc]\n"
    )
    out = tmp_path / "out"
    assert main(["bench", "study", str(study), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert "4 of 4 conditions" in capsys.readouterr().out
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary.distribution) == {"normal", "t5"} and set(summary.n) == {60, 90}
    assert {p.suffix for p in (out / "plots").iterdir()} == {".png", ".svg"}
    assert main(["bench", "study", str(study), "--out", str(out), "--resume", "--no-plots", "--no-progress"]) == 0
    assert "4 of 4 conditions" in capsys.readouterr().out


def test_cli_bench_study_names_the_bad_key(tmp_path: Path, capsys) -> None:
    study = tmp_path / "bad.yaml"
    study.write_text("population: {model: 'Y ~ 0.4*X'}\ndesign: {n: [5]}\nestimators: [pls]\n")
    code = main(["bench", "study", str(study), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code != 0
    assert "design.n[0]" in capsys.readouterr().err


def test_bootstrap_gives_model_se_and_percentile_and_basic_coverage(tmp_path: Path) -> None:
    from acsi.study.design import EstimatorSetting

    design = small_design(ns=(80,), replications=3, n_boot=30, estimators=(EstimatorSetting("pls", "pls"),))
    summary = run_design(design, tmp_path, workers=1).summary
    for column in ("model_se", "coverage_wald", "coverage_percentile", "coverage_basic", "power_percentile", "relative_se_error"):
        assert summary[column].notna().all(), column
    assert (summary.intervals_percentile == 3).all()


def test_missing_data_are_fitted_with_the_estimators_policy(tmp_path: Path) -> None:
    from acsi.study.design import EstimatorSetting, Missingness

    design = small_design(
        ns=(120,),
        missing=(Missingness("mcar", "mcar", 0.1),),
        estimators=(EstimatorSetting("pls_mean", "pls", missing="mean"), EstimatorSetting("pls_listwise", "pls")),
    )
    result = run_design(design, tmp_path, workers=1)
    assert not result.replications.error.any()
    summary = result.summary
    assert set(summary.estimator) == {"pls_mean", "pls_listwise"} and (summary.used == 3).all()


def test_bca_intervals_are_the_bootstraps_own_and_get_coverage_and_power(tmp_path: Path) -> None:
    import numpy as np

    import acsi
    from acsi.study.design import EstimatorSetting
    from acsi.study.generate import plan_condition

    intervals = ("percentile", "basic", "bca")
    design = small_design(ns=(60,), replications=2, n_boot=200, intervals=intervals, estimators=(EstimatorSetting("pls", "pls"),))
    result = run_design(design, tmp_path, workers=1)
    for column in ("coverage_bca", "coverage_bca_mcse", "power_bca"):
        assert result.summary[column].notna().all(), column
    plan = plan_condition(design, design.conditions()[0])
    frame, boot_seed = plan.draw(0)
    fit = acsi.fit(plan.fitted_spec, frame)
    boot = acsi.bootstrap(fit, n_boot=200, seed=boot_seed, ci="bca", workers=1)
    expected = {key[0]: boot.intervals[j] for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)) if kind == "paths"}
    first = result.replications[(result.replications.replication == 0) & (result.replications.kind == "path")]
    for row in first.itertuples():
        np.testing.assert_allclose([row.lower_bca, row.upper_bca], expected[row.parameter], rtol=0, atol=1e-12)


def test_bca_needs_two_hundred_resamples() -> None:
    with pytest.raises(ParameterError, match="BCa needs n_boot of at least 200"):
        small_design(n_boot=50, intervals=("bca",))
