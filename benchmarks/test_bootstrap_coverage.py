"""Coverage of bootstrap 95% intervals for path coefficients, over Monte-Carlo replications.

Two populations with known truth:

- **composite** (Mode B truth, :func:`acsi.testing.composite.composite_population`): three
  composites of three indicators, paths X -> Y 0.5, X -> Z 0.2, Y -> Z 0.4, estimated by PLS
  Mode B, which is consistent here: coverage should be close to 95%;
- **common factor** (``acsi.simulate.acsi_population()``, the ACSI model, loadings 0.85),
  estimated by ordinary PLS Mode A, which is biased for common-factor data (paths between
  multi-indicator constructs attenuated, others inflated): coverage falls below 95% where the
  bias is large against the standard error. This is the documented PLS bias, not a bootstrap
  defect; consistent PLS (issue 4) is meant to remove it.

Each replication draws n = 250 observations (normal for the composite population, normal
and not discretised for the common-factor one), fits, bootstraps with ``B`` resamples and checks
whether each 95% interval holds the true path. CI: 10 replications x 200 resamples (cannot
rot); ``ACSI_BENCH_FULL=1``: 200 replications x 1,000 resamples, percentile and BCa. The table
(coverage, mean estimate, bias, mean bootstrap SE, Monte-Carlo SD of the estimates) is printed
and written to ``out/bootstrap_coverage.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
REPLICATIONS = 200 if FULL else 10
RESAMPLES = 1000 if FULL else 200
N_OBS = 250
OUT = Path(__file__).resolve().parent.parent / "out"
_ROWS: list[dict[str, Any]] = []


def _populations() -> dict[str, tuple[Any, Any, dict[str, float]]]:
    import acsi
    from acsi.simulate import PopulationModel, acsi_population
    from acsi.testing.composite import composite_population

    spec = acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nZ =~ z1 + z2 + z3\nY ~ X\nZ ~ X + Y")
    composite = composite_population(PopulationModel(spec, paths={"X -> Y": 0.5, "X -> Z": 0.2, "Y -> Z": 0.4}, loadings=0.8))
    common = acsi_population()
    unscaled = acsi.ModelSpec(constructs=common.spec.constructs, paths=common.spec.paths)  # continuous draws
    return {
        "composite, PLS Mode B": (composite.spec, composite, composite.paths),
        "common factor (ACSI), PLS Mode A": (unscaled, common, dict(common.paths)),
    }


def _draw(population: Any, n: int, rng: np.random.Generator, spec: Any) -> pd.DataFrame:
    if hasattr(population, "covariance"):
        return pd.DataFrame(population.draw_array(n, rng), columns=list(spec.indicators))
    return population.draw(n, seed=int(rng.integers(2**31)))


def _study(label: str, ci: str) -> list[dict[str, Any]]:
    import acsi

    spec, population, truth = _populations()[label]
    keys = [p.key for p in spec.paths]
    true = np.array([truth[k] for k in keys])
    rng = np.random.default_rng(20240601)
    estimates, covered, ses = [], [], []
    for _ in range(REPLICATIONS):
        frame = _draw(population, N_OBS, rng, spec)
        boot = acsi.bootstrap(acsi.fit(spec, frame), n_boot=RESAMPLES, seed=int(rng.integers(2**31)), ci=ci)
        paths = np.array(boot.kinds) == "paths"
        lower, upper = boot.intervals[paths].T
        estimates.append(boot.estimates[paths])
        covered.append((lower <= true) & (true <= upper))
        ses.append(boot.std_errors[paths])
    est, cov, se = np.array(estimates), np.array(covered), np.array(ses)
    return [
        {
            "population": label,
            "ci": ci,
            "path": key,
            "truth": true[j],
            "mean_estimate": est[:, j].mean(),
            "bias": est[:, j].mean() - true[j],
            "mean_boot_se": se[:, j].mean(),
            "mc_sd": est[:, j].std(ddof=1),
            "coverage": cov[:, j].mean(),
        }
        for j, key in enumerate(keys)
    ]


CASES = [("composite, PLS Mode B", "percentile"), ("common factor (ACSI), PLS Mode A", "percentile")]
if FULL:
    CASES.append(("composite, PLS Mode B", "bca"))


@pytest.fixture(scope="module", autouse=True)
def coverage_table(request: pytest.FixtureRequest) -> Any:
    yield
    if not _ROWS:
        return
    frame = pd.DataFrame(_ROWS)
    header = (
        f"Coverage of 95% bootstrap intervals for path coefficients: {REPLICATIONS} replications, "
        f"{RESAMPLES} resamples each, n = {N_OBS} (Monte-Carlo SE of a 95% coverage: "
        f"{np.sqrt(0.95 * 0.05 / REPLICATIONS):.3f})"
    )
    text = (
        header + "\n\n" + frame.to_markdown(index=False, floatfmt=".3f")
        if _has_tabulate()
        else header + "\n\n" + frame.to_string(index=False, float_format="{:.3f}".format)
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "bootstrap_coverage.md").write_text(text + "\n")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n" + text)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(("label", "ci"), CASES, ids=[f"{c[0].split(',')[0]}-{c[1]}" for c in CASES])
def test_bootstrap_coverage(benchmark: Any, label: str, ci: str) -> None:
    benchmark.group = "bootstrap coverage"
    rows = benchmark.pedantic(lambda: _study(label, ci), rounds=1, iterations=1, warmup_rounds=0)
    _ROWS.extend(rows)
    coverage = np.array([r["coverage"] for r in rows])
    assert ((coverage >= 0) & (coverage <= 1)).all()
    if label.startswith("composite"):
        # consistent estimator: near-nominal coverage (loose in CI with 10 replications)
        assert coverage.mean() >= (0.9 if FULL else 0.7), rows
