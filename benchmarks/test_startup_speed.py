"""Start-up time of the command line: ``acsi --help`` and a small ``acsi fit`` (bundled demo data).

Each round runs a fresh interpreter (``python -m acsi.cli``), so it measures imports, not a warm
process. Targets of issue 10: ``--help`` under 0.3 s, the small fit under 1.5 s (wall, median);
reported by pytest-benchmark, not asserted (timing thresholds do not belong in the suite).
By hand: ``python -X importtime -c "import acsi.cli"`` shows what is imported.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from acsi.resources import bundled


def _run(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "acsi.cli", *args], check=True, capture_output=True)


@pytest.mark.benchmark(group="startup")
def test_acsi_help_start_up(benchmark) -> None:  # noqa: ANN001
    benchmark.pedantic(_run, args=(["--help"],), rounds=10, iterations=1)


@pytest.mark.benchmark(group="startup")
def test_small_acsi_fit_start_up(benchmark) -> None:  # noqa: ANN001
    args = ["fit", str(bundled("models/acsi.yaml")), str(bundled("datasets/acsi_demo.csv")), "--quiet"]
    benchmark.pedantic(_run, args=(args,), rounds=5, iterations=1)
