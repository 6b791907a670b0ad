"""Designed studies (``acsi bench study``) as a benchmark: small in CI, the shipped study file by hand.

CI (``--benchmark-disable``) runs the shipped ECSI study file at one n and two replications so
that the study-file path cannot rot. With ``ACSI_BENCH_FULL=1`` it runs the whole file on two
workers into ``ACSI_STUDY_OUT`` (default ``ecsi-study/``); ``results/ecsi_two_factors/`` holds
such a run. The same from the command line::

    acsi bench study models/studies/ecsi_two_factors.yaml --out ecsi-study --workers 2
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from acsi.resources import bundled
from acsi.study import load_study, plot_performance, run_design

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}


def test_ecsi_study_file(tmp_path: Path) -> None:
    design = load_study(bundled("models/studies/ecsi_two_factors.yaml"))
    if FULL:
        out = Path(os.environ.get("ACSI_STUDY_OUT", "ecsi-study"))
    else:
        design, out = replace(design, ns=(100,), replications=2), tmp_path
    result = run_design(design, out, workers=2 if FULL else 1)
    plot_performance(result.summary, out / "plots")
    assert result.manifest["complete"]
    paths = result.summary[result.summary.kind == "path"]
    assert paths[paths.used >= 2].bias_mcse.notna().all() and (paths.used <= paths.replications).all()
    if FULL:  # PLS attenuates common-factor paths, PLSc and CB-SEM do not
        large = paths[paths.n == max(design.ns)]
        mean_abs = large.assign(b=large.bias.abs()).groupby("estimator").b.mean()
        assert mean_abs["plsc"] < mean_abs["pls"] and mean_abs["cbsem"] < mean_abs["pls"]
