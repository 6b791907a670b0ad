"""``acsi bench estimators`` / :func:`run_study`: the shipped ACSI study file at the flags' levels, run by ``run_design``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from acsi.cli import main
from acsi.resources import bundled
from acsi.study.checkpoint import run_design
from acsi.study.settings import StudySettings, run_study
from acsi.study.studyfile import load_study


def test_settings_keep_the_chosen_levels_of_the_shipped_study_file() -> None:
    shipped = load_study(bundled("models/studies/acsi.yaml"))
    settings = StudySettings(
        ns=(60, 90),
        replications=3,
        dgps=("composite",),
        distributions=("discrete", "normal"),
        estimators=("plsc", "equal"),
        misspecified=(False, True),
        n_boot=200,
        intervals=("bca",),
        seed=4,
    )
    design = settings.design()
    assert design.population == shipped.population
    assert (design.ns, design.replications, design.seed, design.n_boot, design.intervals) == ((60, 90), 3, 4, 200, ("bca",))
    assert design.dgps == ("composite",)
    assert [d.name for d in design.distributions] == ["normal", "discrete"]  # the file's order
    assert [e.name for e in design.estimators] == ["plsc", "equal"]
    assert design.misspecifications == shipped.misspecifications
    assert StudySettings().design().misspecifications == shipped.misspecifications[:1]
    # the manifest records the study that runs, not the shipped file's defaults
    assert design.source is not None and design.source["replications"] == 3 and design.source["design"]["n"] == [60, 90]


def test_run_study_is_run_design_of_the_settings(tmp_path: Path) -> None:
    settings = StudySettings(ns=(60,), replications=2, distributions=("discrete",), estimators=("pls", "equal"), seed=7)
    ours = run_study(settings, workers=1).replications
    direct = run_design(settings.design(), tmp_path, workers=1).replications
    columns = [c for c in ours.columns if c != "seconds"]
    pd.testing.assert_frame_equal(ours[columns], direct[columns])


def test_cli_bench_estimators_writes_the_study_outputs(tmp_path: Path) -> None:
    argv = ["bench", "estimators", "--n", "60", "--replications", "1", "--dgp", "factor", "--distribution", "normal"]
    argv += ["--estimators", "pls,cbsem,equal", "--workers", "1", "--out", str(tmp_path), "--no-progress"]
    assert main(argv) == 0
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary.estimator) == {"pls", "cbsem", "equal"}
    assert {"bias_mcse", "admissible_rate", "used", "coverage_wald"} <= set(summary.columns)
    marker = summary[summary.kind == "path_marker"]  # CB-SEM's Wald intervals on the normal factor data
    assert set(marker.estimator) == {"cbsem"} and np.isfinite(marker.coverage_wald).all()
    assert (tmp_path / "manifest.json").exists()
    plots = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert any(p.endswith(".png") for p in plots) and any(p.endswith(".svg") for p in plots)


def test_cli_interval_choices_are_the_studys() -> None:
    from acsi.cli.bench import BOOTSTRAP_INTERVALS as CLI
    from acsi.inference import BCA_MIN_RESAMPLES as INFERENCE
    from acsi.study.design import BCA_MIN_RESAMPLES, BOOTSTRAP_INTERVALS

    assert CLI == BOOTSTRAP_INTERVALS and BCA_MIN_RESAMPLES == INFERENCE


def test_cli_bca_with_too_few_resamples_is_a_user_error(tmp_path: Path, capsys) -> None:
    argv = ["bench", "estimators", "--n", "60", "--replications", "1", "--n-boot", "50", "--intervals", "bca"]
    assert main([*argv, "--out", str(tmp_path), "--no-progress"]) != 0
    err = capsys.readouterr().err
    assert "bootstrap.n_boot" in err and "200" in err and "Traceback" not in err
