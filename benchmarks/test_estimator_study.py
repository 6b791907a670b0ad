"""The estimator study (``acsi bench estimators``: the shipped ``models/studies/acsi.yaml``) as a benchmark.

CI (``--benchmark-disable``) runs one small setting so that the study cannot rot. With
``ACSI_BENCH_FULL=1`` it runs the whole shipped study file (n = 50 ... 5,000, 200 replications,
both DGPs, three indicator distributions, the correct and the misspecified model) on every CPU
into ``ACSI_STUDY_OUT`` (default ``estimator-study/``). The same run from the command line::

    acsi bench estimators --replications 200 --misspecified --workers 2 --out estimator-study
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from acsi.study import StudySettings, plot_performance, run_study

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}


def test_estimator_study(tmp_path: Path) -> None:
    if FULL:
        settings = StudySettings(replications=200, misspecified=(False, True))
        out = Path(os.environ.get("ACSI_STUDY_OUT", "estimator-study"))
    else:
        settings = StudySettings(ns=(100,), replications=2, distributions=("discrete",))
        out = tmp_path
    result = run_study(settings, workers=None if FULL else 1, out=out, resume=FULL)
    plot_performance(result.summary, out / "plots")
    summary = result.summary
    assert result.manifest["complete"] and set(summary.estimator) == set(settings.estimators)
    paths = summary[summary.kind == "path"]
    assert np.isfinite(paths[paths.used > 0].rmse).all()
    if FULL:  # what the study is for: PLS attenuates common-factor paths, PLSc and ML do not
        factor = paths[(paths.dgp == "factor") & (paths.distribution == "normal") & (paths.n == 5000)]
        mean_abs = factor.assign(b=factor.bias.abs()).groupby("estimator").b.mean()
        assert mean_abs["plsc"] < mean_abs["pls"] and mean_abs["cbsem"] < mean_abs["pls"]
