"""Performance plots: PNG and SVG, n ticked at the design's values, leave matplotlib's backend alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from acsi.study.plots import plot_performance

SUMMARY = pd.DataFrame(
    {
        "condition": [0, 0, 1, 1],
        "dgp": ["factor"] * 4,
        "loading": [float("nan")] * 4,
        "indicators": [-1] * 4,
        "distribution": ["normal"] * 4,
        "n": [50, 50, 200, 200],
        "misspecification": ["correct"] * 4,
        "missing": ["complete"] * 4,
        "estimator": ["pls", "plsc", "pls", "plsc"],
        "kind": ["path"] * 4,
        "parameter": ["x -> y"] * 4,
        "bias": [-0.05, 0.01, -0.05, 0.0],
        "bias_mcse": [0.01, 0.02, 0.005, 0.01],
        "rmse": [0.1, 0.12, 0.06, 0.05],
        "rmse_mcse": [0.01, 0.01, 0.005, 0.005],
        "coverage_wald": [0.9, 0.95, 0.85, 0.94],
        "coverage_wald_mcse": [0.02, 0.01, 0.02, 0.01],
        "admissible_rate": [1.0, 0.9, 1.0, 1.0],
    }
)

PROBE = """
import sys
import matplotlib
import pandas as pd
from acsi.study.plots import plot_performance
written = plot_performance(pd.read_parquet(sys.argv[1]), sys.argv[2])
print("BACKEND:" + matplotlib.get_backend())
print("PYPLOT:" + str("matplotlib.pyplot" in sys.modules))
print("FILES:" + ",".join(sorted(p.name for p in written)))
"""


def test_plots_are_png_and_svg_and_leave_the_backend_alone(tmp_path: Path) -> None:
    SUMMARY.to_parquet(tmp_path / "summary.parquet")
    env = os.environ | {"MPLBACKEND": "pdf"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "summary.parquet"), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "BACKEND:pdf" in done.stdout and "PYPLOT:False" in done.stdout
    assert "FILES:path_factor_normal_correct_complete.png,path_factor_normal_correct_complete.svg" in done.stdout


def test_one_panel_per_quantity_with_n_at_its_values(tmp_path: Path, monkeypatch) -> None:
    from matplotlib.figure import Figure

    figures: list[Figure] = []
    original = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (figures.append(self), original(self, *a, **k))[1])
    plot_performance(SUMMARY, tmp_path, formats=("png",))
    (figure,) = figures
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["mean |bias|", "RMSE", "coverage (wald)", "admissible rate"]
    for ax in figure.axes:
        assert list(ax.get_xticks()) == [50, 200] and "sample size n" in ax.get_xlabel()
    for ax in figure.axes:  # every panel, the admissible rate too: one error-bar series per estimator
        assert len(ax.containers) == 2
    pls, plsc = (container.lines[0] for container in figure.axes[0].containers)
    assert pls.get_marker() != plsc.get_marker() and pls.get_linestyle() != plsc.get_linestyle()
    assert all(a < b for a, b in zip(pls.get_xdata(), plsc.get_xdata()))  # dodged apart at each n


def test_every_interval_method_with_intervals_gets_its_coverage_panel(tmp_path: Path, monkeypatch) -> None:
    from matplotlib.figure import Figure

    figures: list[Figure] = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: figures.append(self))
    summary = SUMMARY.assign(coverage_bca=[0.93, 0.94, 0.95, 0.95], coverage_bca_mcse=0.01, coverage_basic=float("nan"))
    plot_performance(summary, tmp_path, formats=("svg",))
    (figure,) = figures
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["mean |bias|", "RMSE", "coverage (wald)", "coverage (bca)", "admissible rate"]
