"""Making every chart leaves matplotlib's backend alone and never imports pyplot (issue 11, item 9).

Charts are built on ``matplotlib.figure.Figure``; a user's notebook or GUI backend must survive
``import acsi`` and every plot. Run in a fresh interpreter with a non-default backend (``pdf``)
so that a switch to Agg, or an import of pyplot by anything, shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from types import SimpleNamespace

import matplotlib
import pandas as pd

import acsi
from acsi.report.plots import plot_ipma, plot_periods, plot_ranking
from acsi.study.plots import plot_performance

out = sys.argv[1]
ranked = pd.DataFrame({"group": ["a", "b"], "value": [70.0, 72.0], "ci_lower": [68.0, 70.0],
                       "ci_upper": [72.0, 74.0], "rank": [2, 1], "flag": ["", "above"]})
periods = pd.DataFrame({"group": ["a", "a"], "period": ["2024Q1", "2024Q2"], "value": [70.0, 71.0],
                        "ci_lower": [68.0, 69.0], "ci_upper": [72.0, 73.0]})
ipma = SimpleNamespace(constructs=pd.DataFrame({"importance": [0.2, 0.4], "performance": [70.0, 60.0]},
                                               index=["quality", "value"]),
                       importance_cut=0.3, performance_cut=65.0, act_first="value", target="satisfaction")
summary = pd.DataFrame({"dgp": ["factor"] * 4, "loading": [0.8] * 4, "indicators": [-1] * 4,
                        "distribution": ["normal"] * 4, "misspecification": ["correct"] * 4,
                        "missing": ["complete"] * 4, "kind": ["path", "path", "index", "index"],
                        "estimator": ["pls"] * 4, "parameter": ["x -> y", "x -> y", "y", "y"], "n": [50, 100, 50, 100],
                        "bias": [0.1, 0.05, 1.0, 0.5], "rmse": [0.2, 0.1, 2.0, 1.0], "admissible_rate": [1.0] * 4})
written = [plot_ranking(ranked, out + "/r.png", overall=71.0), plot_periods(periods, out + "/p.svg"),
           plot_ipma(ipma, out + "/i.pdf"), *plot_performance(summary, out, formats=("png",))]
print("BACKEND:" + matplotlib.get_backend())
print("PYPLOT:" + str("matplotlib.pyplot" in sys.modules))
print("WRITTEN:" + ",".join(str(p) for p in written))
"""


def test_every_chart_keeps_the_users_backend_and_never_imports_pyplot(tmp_path: Path) -> None:
    env = dict(os.environ, MPLBACKEND="pdf")
    run = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, env=env, check=True)
    lines = dict(line.split(":", 1) for line in run.stdout.splitlines() if ":" in line)
    assert lines["BACKEND"] == "pdf"
    assert lines["PYPLOT"] == "False"
    written = lines["WRITTEN"].split(",")
    assert len(written) == 5 and all(Path(p).stat().st_size > 1000 for p in written)


FORBIDDEN = ("matplotlib.use(", "import matplotlib.pyplot", "from matplotlib import pyplot")


def test_no_module_of_the_package_switches_the_backend_or_imports_pyplot() -> None:
    package = Path(__file__).resolve().parents[1] / "acsi"
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if any(call in path.read_text(encoding="utf-8") for call in FORBIDDEN)
    ]
    assert offenders == []
