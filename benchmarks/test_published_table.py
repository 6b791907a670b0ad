"""The published tables (Kock 2019, Tables 3 and 4) reproduced by the shipped study files: small in CI, whole by hand.

CI (``--benchmark-disable``) runs ``models/studies/kock_2019.yaml`` (normal data) and
``kock_2019_nonnormal.yaml`` (chi-square(1) innovations) at n = 100 with three replications, so
that the comparison with the paper cannot rot. With ``ACSI_BENCH_FULL=1`` it runs the whole files
(1,000 replications of n = 100, 300, 500) on two workers into ``ACSI_STUDY_OUT/<file>`` (default
``.``); ``results/kock_2019/`` and ``results/kock_2019_nonnormal/`` hold such runs. The same from
the command line::

    acsi bench study models/studies/kock_2019.yaml --out kock_2019 --workers 2
    acsi bench study models/studies/kock_2019_nonnormal.yaml --out kock_2019_nonnormal --workers 2
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from acsi.resources import bundled
from acsi.study import load_study, run_design
from acsi.study.published import agreement_line

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.mark.parametrize("study", ["kock_2019", "kock_2019_nonnormal"])
def test_kock_2019_tables_3_and_4(study: str, tmp_path: Path) -> None:
    design = load_study(bundled(f"models/studies/{study}.yaml"))
    reference = design.reference
    assert reference is not None
    if FULL:
        out = Path(os.environ.get("ACSI_STUDY_OUT", ".")) / study
    else:
        values = tuple(v for v in reference.values if v.n == 100)
        design, out = replace(design, ns=(100,), replications=3, reference=replace(reference, values=values)), tmp_path
    result = run_design(design, out, workers=2 if FULL else 1)
    published = result.published
    assert published is not None and (out / "published.csv").exists()
    print("\n" + agreement_line(published, reference))
    compared = published[published.agrees.notna()]
    assert set(compared.estimator) == {"pls", "sumscore", "cbsem"}
    if FULL:  # the composite methods' bias is the paper's (Table 3: 42 of 42 in the committed run)
        composite_bias = compared[(compared.statistic == "bias") & compared.estimator.isin(["pls", "sumscore"])]
        assert composite_bias.agrees.astype(bool).mean() >= 0.9
