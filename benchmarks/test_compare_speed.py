"""Group comparison at bank size, and the Monte-Carlo behaviour of the tests of differences.

* ``test_bank_branches``: per-branch indices with bootstrap intervals for the bank-branch
  model (6 constructs, 17 indicators, 1-10 items), separate PLS model in every branch.
  Default (CI): 20 branches x 300 respondents, 100 resamples. ``ACSI_BENCH_FULL=1``: 500
  branches x 300 respondents, 1,000 resamples each (500,000 PLS fits), on 2 worker
  processes. Time and peak memory (max RSS of this process and of its workers) are printed
  and stored in the benchmark's ``extra_info``.
* ``test_tests_monte_carlo``: rejection rates of the parametric, Henseler and permutation
  tests over Monte-Carlo replications, for a branch pair that truly differs and pairs that
  do not; the stated power is the normal-theory power at the true index difference.
  Default: 4 replications; ``ACSI_BENCH_FULL=1``: 200.

Run: ``ACSI_BENCH_FULL=1 .venv/bin/python -m pytest benchmarks/test_compare_speed.py -s --benchmark-disable``
(``-s`` shows the tables).
"""

from __future__ import annotations

import os
import resource
import time
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
BANK = (
    {"branches": 500, "respondents": 300, "n_boot": 1000, "jobs": 2}
    if FULL
    else {"branches": 20, "respondents": 300, "n_boot": 100, "jobs": 1}
)
MC = {"reps": 200, "n": 150, "n_boot": 200, "n_perm": 199} if FULL else {"reps": 4, "n": 100, "n_boot": 50, "n_perm": 19}
SAT = "customer_satisfaction"
SHIFT = 0.5  # raise of the satisfaction items' location (1-10 scale) in the branch that truly differs


def _bank_population() -> Any:
    import acsi
    from acsi.resources import bundled
    from acsi.simulate import PopulationModel

    spec = acsi.load_spec(bundled("models/bank_branch.yaml"))
    paths = {p.key: 0.35 for p in spec.paths}
    paths["customer_satisfaction -> customer_complaints"] = -0.4
    paths["customer_complaints -> customer_loyalty"] = -0.2
    return PopulationModel(spec, paths=paths, loadings={"*": 0.85, "customer_complaints": 1.0})


def _bank_frame(branches: int, respondents: int, seed: int = 1) -> pd.DataFrame:
    population = _bank_population()
    rng = np.random.default_rng(seed)
    values = population.draw_array(branches * respondents, seed=seed, scale=(1, 10), location={"complaint": 2.5})
    frame = pd.DataFrame(values, columns=list(population.indicator_names))
    # Branch effects: each branch shifts its answers by a small random amount (truly different branches).
    effect = rng.normal(0.0, 0.3, branches)
    branch = np.repeat(np.arange(branches), respondents)
    shifted = np.clip(frame.to_numpy() + np.rint(effect[branch, None] + rng.normal(0, 0.3, frame.shape)), 1, 10)
    frame.loc[:, :] = shifted.astype(np.int64)
    frame["branch"] = [f"B{b:03d}" for b in branch]
    return frame


def _peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def test_bank_branches(benchmark: Any) -> None:
    from acsi.compare import estimate_groups, ranking

    frame = _bank_frame(BANK["branches"], BANK["respondents"])
    spec = _bank_population().spec
    seconds: list[float] = []

    def run() -> Any:
        start = time.perf_counter()
        est = estimate_groups(spec, frame, "branch", n_boot=BANK["n_boot"], seed=1, workers=BANK["jobs"])
        seconds.append(time.perf_counter() - start)
        return est

    est = benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    own, children = _peak_rss_mb()
    ranked = ranking(est, SAT)
    assert est.reported.all() and np.isfinite(est.index).all()
    failed = np.isnan(est.index_draws).any(axis=2).mean()
    assert failed < 0.01
    lower, upper = est.index_interval
    assert (lower <= est.index).all() and (est.index <= upper).all()
    fits = BANK["branches"] * (BANK["n_boot"] + 1)
    benchmark.extra_info.update(
        branches=BANK["branches"],
        respondents=BANK["respondents"],
        n_boot=BANK["n_boot"],
        jobs=BANK["jobs"],
        seconds=seconds[-1],
        fits_per_second=fits / seconds[-1],
        peak_rss_mb=own,
        peak_rss_workers_mb=children,
    )
    print(
        f"\nbank run: {BANK['branches']} branches x {BANK['respondents']} respondents, {BANK['n_boot']} resamples each "
        f"({fits:,} PLS fits) on {BANK['jobs']} process(es): {seconds[-1]:.1f} s ({fits / seconds[-1]:,.0f} fits/s); "
        f"peak RSS {own:.0f} MB (main), {children:.0f} MB (largest worker); failed resamples {failed:.3%}; "
        f"median width of the {SAT} interval {np.median(upper - lower, axis=0)[est.construct_position(SAT)]:.2f} points; "
        f"top branch {ranked.iloc[0].group} rank interval [{ranked.iloc[0].rank_lower:.0f}, {ranked.iloc[0].rank_upper:.0f}]"
    )


def monte_carlo(reps: int, n: int, n_boot: int, n_perm: int, seed: int = 0) -> pd.DataFrame:
    """Rejection rates at 5% (unadjusted) per test for pairs that differ (x-y, x-z) and one that does not (y-z)."""
    from acsi.compare import compare_groups, estimate_groups
    from acsi.simulate import ACSI_LOCATIONS, acsi_population

    population = acsi_population()
    rows = []
    for rep in range(reps):
        frames = []
        for b, name in enumerate("xyz"):
            location = dict(ACSI_LOCATIONS)
            if name == "x":
                location[SAT] = 7.5 + SHIFT
            frames.append(population.draw(n, seed=seed + 10 * rep + b, scale=(1, 10), location=location).assign(branch=name))
        frame = pd.concat(frames, ignore_index=True)
        est = estimate_groups(population.spec, frame, "branch", n_boot=n_boot, seed=rep)
        table = compare_groups(est, parameters=[SAT], adjust="none", n_perm=n_perm, seed=rep)
        se = float(np.nanmean(est.index_se[:, est.construct_position(SAT)]))
        for r in table.itertuples():
            rows.append(
                {
                    "pair": f"{r.group_a}-{r.group_b}",
                    "parametric": r.p_parametric < 0.05,
                    "henseler": r.p_henseler < 0.05,
                    "permutation": r.p_permutation < 0.05,
                    "se": se,
                }
            )
    result = pd.DataFrame(rows).groupby("pair").mean()
    # Stated power: normal theory at the true difference of the population indices (large draws).
    big = 200_000
    location = dict(ACSI_LOCATIONS)
    base = population.draw(big, seed=99, scale=(1, 10), location=location)
    location[SAT] = 7.5 + SHIFT
    high = population.draw(big, seed=98, scale=(1, 10), location=location)
    import acsi

    delta = acsi.fit(population.spec, high).index.to_dict()[SAT] - acsi.fit(population.spec, base).index.to_dict()[SAT]
    se_d = float(np.sqrt(2) * result["se"].mean())
    z = stats.norm.ppf(0.975)
    result["stated"] = [
        stats.norm.sf(z - abs(delta) / se_d) + stats.norm.cdf(-z - abs(delta) / se_d) if p != "y-z" else 0.05
        for p in result.index
    ]
    result.attrs.update(delta=delta, se_d=se_d)
    return result.drop(columns="se")


def test_tests_monte_carlo(benchmark: Any) -> None:
    result = benchmark.pedantic(lambda: monte_carlo(**MC), rounds=1, iterations=1, warmup_rounds=0)
    print(
        f"\nMonte-Carlo, {MC['reps']} replications, n = {MC['n']} per branch, true difference "
        f"{result.attrs['delta']:.2f} index points (se of the difference {result.attrs['se_d']:.2f}):"
    )
    print(result.to_string(float_format=lambda v: f"{v:.3f}"))
    benchmark.extra_info.update(
        MC, delta=result.attrs["delta"], **{f"{p}_{t}": float(result.loc[p, t]) for p in result.index for t in result.columns}
    )
    assert set(result.index) == {"x-y", "x-z", "y-z"}
    if FULL:  # at 200 replications: 5% +- 3 binomial sd, and within 0.1 of the stated power
        for test in ("parametric", "henseler", "permutation"):
            assert result.loc["y-z", test] <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / MC["reps"])
            assert abs(result.loc["x-y", test] - result.loc["x-y", "stated"]) <= 0.1
