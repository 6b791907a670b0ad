"""The shipped ACSI study file is the study of ``acsi bench estimators``: same samples, same estimates."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from acsi.resources import bundled
from acsi.study.checkpoint import run_design
from acsi.study.design import EstimatorSetting
from acsi.study.run import run_study
from acsi.study.settings import StudySettings
from acsi.study.studyfile import load_study


def test_shipped_acsi_study_reproduces_the_built_in_study(tmp_path) -> None:
    design = load_study(bundled("models/studies/acsi.yaml"))
    design = replace(
        design,
        ns=(60,),
        replications=2,
        seed=5,
        distributions=design.distributions,
        misspecifications=design.misspecifications[:1],
        estimators=(EstimatorSetting("pls", "pls"), EstimatorSetting("equal", "equal")),
    )
    ours = run_design(design, tmp_path, workers=1).replications
    settings = StudySettings(ns=(60,), replications=2, estimators=("pls", "equal"), seed=5)
    legacy = run_study(settings, workers=1).replications
    keys = ["dgp", "distribution", "replication", "estimator", "kind", "parameter"]
    merged = legacy.merge(ours[ours.kind.isin(["path", "index"])], on=keys, suffixes=("_legacy", ""), how="outer", indicator=True)
    assert (merged._merge == "both").all() and len(merged) == len(legacy)
    # same code path on the same machine; the index truths are integrated on different grids
    np.testing.assert_allclose(merged.estimate, merged.estimate_legacy, rtol=0, atol=1e-12)
    np.testing.assert_allclose(merged.truth, merged.truth_legacy, rtol=0, atol=1e-3)
