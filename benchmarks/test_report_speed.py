"""Wall time of ``acsi report``: the issue's bar is the ECSI model on the mobi data with
``--bootstrap 1000 --seed 1`` in under 5 s, a fresh process (imports, fit, bootstrap, assessment,
IPMA, the diagram's layout and the page).

Default (CI): 100 resamples, 2 rounds, and the bank-branch report with ``--group branch --period
quarter`` once. ``ACSI_BENCH_FULL=1``: 1,000 resamples (the issue's command), 5 rounds. Reported by
pytest-benchmark, not asserted (timing thresholds do not belong in the suite).

Run: ``ACSI_BENCH_FULL=1 .venv/bin/python -m pytest benchmarks/test_report_speed.py --benchmark-only``
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MOBI = ROOT.parent / "shared" / "reference" / "data" / "mobi.csv"
FULL = os.environ.get("ACSI_BENCH_FULL", "").strip().lower() in {"1", "true", "yes", "on"}
N_BOOT, ROUNDS = (1000, 5) if FULL else (100, 2)


def _run(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "acsi.cli", *args], check=True, capture_output=True)


@pytest.mark.benchmark(group="report")
@pytest.mark.skipif(not MOBI.exists(), reason=f"reference data not found at {MOBI}")
def test_ecsi_report_on_mobi(benchmark, tmp_path: Path) -> None:  # noqa: ANN001
    args = ["report", str(ROOT / "docs" / "ecsi_mobi.lav"), str(MOBI), "--scale", "1,10"]
    args += ["--bootstrap", str(N_BOOT), "--seed", "1", "--out", str(tmp_path / "ecsi.html"), "--quiet"]
    benchmark.extra_info["n_boot"] = N_BOOT
    benchmark.pedantic(_run, args=(args,), rounds=ROUNDS, iterations=1)


@pytest.mark.benchmark(group="report")
def test_bank_branch_report_with_groups_and_periods(benchmark, tmp_path: Path) -> None:  # noqa: ANN001
    args = ["report", str(ROOT / "models" / "bank_branch.yaml"), str(ROOT / "datasets" / "bank_branches_demo.csv")]
    args += ["--group", "branch", "--period", "quarter", "--out", str(tmp_path / "bank.html"), "--quiet"]
    benchmark.pedantic(_run, args=(args,), rounds=1, iterations=1)
