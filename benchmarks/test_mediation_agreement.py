"""Specific indirect effects against the PyPI peer seminr (``specific_effect_significance``), on the same resamples.

Runs only where the peer is installed (the benchmark-only environment; skipped otherwise).
The bundled ACSI model and demo survey; seminr's ``bootstrap_model`` is fed acsi's own resample
indices (:func:`acsi.inference.resample_indices`), so both bootstraps see the same rows. For
every chain of the model with at most four mediators (seminr's limit) the original estimate,
bootstrap mean, standard error, t and percentile interval must agree: seminr stops its weights
at a change of 1e-7, acsi at 1e-10, so the numbers agree to about 1e-6. seminr's quantile is
R's type 7, as numpy's default.

Run: ``.venv-peers/bin/python -m pytest benchmarks/test_mediation_agreement.py -s --benchmark-disable``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

N_BOOT = 300
SEED = 11
TOLERANCE = 1e-6  # seminr's weights stop at 1e-7 (see benchmarks/test_bootstrap_speed.py)


def test_specific_indirect_effects_agree_with_seminr_on_the_same_resamples(import_peer: Callable[..., Any]) -> None:
    seminr = import_peer("seminr", "seminr (PyPI peer) is installed only in .venv-peers")
    import acsi
    from acsi.inference import bootstrap, resample_indices
    from acsi.resources import bundled

    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    mm = seminr.constructs(*(seminr.composite(c.name, list(c.indicators)) for c in spec.constructs))
    sm = seminr.relationships(*(seminr.paths(from_=p.source, to=p.target) for p in spec.paths))
    model = seminr.estimate_pls(frame[list(spec.indicators)], mm, sm)
    theirs = seminr.bootstrap_model(model, N_BOOT, indices=resample_indices(N_BOOT, len(frame), SEED))
    ours = bootstrap(acsi.fit(spec, frame), n_boot=N_BOOT, seed=SEED).specific_indirect_effects()
    compared = 0
    for row in ours.itertuples():
        through = row.through.split(", ")
        if len(through) > 4:
            continue
        peer = seminr.specific_effect_significance(theirs, from_=row.source, to=row.target, through=through, alpha=0.05)
        got = (row.estimate, row.boot_mean, row.std_error, row.t, row.ci_lower, row.ci_upper)
        expected = (peer.original_est, peer.bootstrap_mean, peer.bootstrap_sd, peer.t_stat, peer.ci_lower, peer.ci_upper)
        assert got[:3] + got[4:] == pytest.approx(expected[:3] + expected[4:], abs=TOLERANCE), row.path
        assert got[3] == pytest.approx(expected[3], rel=1e-5), row.path  # t: a ratio of two such numbers
        compared += 1
    print(f"\n{compared} specific indirect effects agree with seminr 0.2.1 within {TOLERANCE:g} ({N_BOOT} resamples)")
    assert compared >= 20
