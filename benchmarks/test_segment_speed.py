"""FIMIX-PLS speed (issue 16, item 6): K = 1..6 with 10 seeded starts each on n = 2,000.

Data: two generated segments with different structural paths (``tests/test_segment_fimix.py``'s
population, 1,200 + 800 respondents). The whole call is timed: the pooled PLS fit, the EM runs
of every K (all starts of a K iterate as one batch) and the criteria. Wall and CPU time are
printed (``-s``) and stored in ``extra_info``; with ``ACSI_BENCH_FULL=1`` the wall time must be
under 10 s (the target of the issue, on this 2-core machine).

Run: ``ACSI_BENCH_FULL=1 .venv/bin/python -m pytest benchmarks/test_segment_speed.py -s --benchmark-disable``
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pandas as pd

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
TARGET_SECONDS = 10.0


def _two_segments(n_a: int, n_b: int, seed: int) -> pd.DataFrame:
    from acsi.simulate import PopulationModel
    from acsi.spec.model import Construct, ModelSpec, Path

    spec = ModelSpec(
        constructs=tuple(Construct(c, tuple(f"{c[0]}{i}" for i in (1, 2, 3))) for c in ("qual", "value", "sat", "loy")),
        paths=(Path("qual", "sat"), Path("value", "sat"), Path("sat", "loy")),
    )
    truths = (
        {"qual -> sat": 0.9, "value -> sat": 0.0, "sat -> loy": 0.9},
        {"qual -> sat": -0.6, "value -> sat": 0.7, "sat -> loy": -0.8},
    )
    frames = [
        PopulationModel(spec, paths=truth, loadings=0.95, exogenous_correlations=0.2).draw(n, seed=[seed, g])
        for g, (truth, n) in enumerate(zip(truths, (n_a, n_b)))
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs["spec"] = spec
    return frame


def test_fimix_k1_to_6_ten_starts_n2000(benchmark: Any) -> None:
    from acsi.segment import fimix

    frame = _two_segments(1200, 800, seed=1)
    spec = frame.attrs["spec"]
    times: dict[str, float] = {}

    def run() -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fimix(spec, frame, k="1-6", starts=10, seed=1)
        times.update(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)
        return result

    result = benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    benchmark.extra_info.update(times, k=result.k, iterations={k: s.n_iter for k, s in result.solutions.items()})
    print(
        f"\nFIMIX-PLS n=2000, K=1..6, 10 starts: wall {times['wall']:.2f} s, CPU {times['cpu']:.2f} s, "
        f"recommended K={result.k}, EM iterations {[s.n_iter for s in result.solutions.values()]}"
    )
    assert result.k == 2 and np.isfinite(result.solutions[6].log_likelihood)
    if FULL:
        assert times["wall"] < TARGET_SECONDS
