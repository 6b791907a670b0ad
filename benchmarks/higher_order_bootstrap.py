"""How much refitting stage 1 in every resample changes a two-stage bootstrap (README, Higher-order constructs).

Usage (from the repository root)::

    .venv/bin/python benchmarks/higher_order_bootstrap.py [N_BOOT]

For models/acsi_servqual.yaml on datasets/servqual_demo.csv (600 respondents) and for five
50-respondent samples of the second-order population of tests/higher_order/test_higher_order_bootstrap.py
(draw seeds 1-5), prints the bootstrap standard error of each path of the higher-order construct
with both stages refitted (acsi.bootstrap of the two-stage result) over the one of a bootstrap of
stage 2 alone (stage-1 scores held fixed), the failed resamples and the seconds of the full bootstrap.
"""

import sys
import time
import warnings
from dataclasses import replace

import pandas as pd

import acsi
from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.spec.builders import higher_order, model, path, reflective

warnings.simplefilter("ignore")
N_BOOT = int(sys.argv[1]) if len(sys.argv) > 1 else 60


def ratios(spec: acsi.ModelSpec, frame: pd.DataFrame, keys: list[str]) -> str:
    result = acsi.fit(spec, frame, higher_order="two-stage-disjoint")
    started = time.perf_counter()
    both = acsi.bootstrap(result, n_boot=N_BOOT, seed=5, workers=1)
    seconds = time.perf_counter() - started
    fixed = replace(result, estimator=result.estimator.base, first_stage=None, source_spec=None)
    alone = acsi.bootstrap(fixed, n_boot=N_BOOT, seed=5, workers=1)
    se, se_fixed = both.to_dict()["std_errors"]["paths"], alone.to_dict()["std_errors"]["paths"]
    shown = ", ".join(f"{k}: {se[k] / se_fixed[k]:.3f}" for k in keys)
    return f"{shown}; failed {both.failed} / {alone.failed}; {seconds:.1f} s"


servqual = acsi.load_spec("models/acsi_servqual.yaml")
print(
    "servqual_demo:",
    ratios(
        servqual,
        pd.read_csv("datasets/servqual_demo.csv"),
        ["customer_expectations -> perceived_quality", "perceived_quality -> customer_satisfaction"],
    ),
)
small = model(
    reflective("X", "x1", "x2", "x3"),
    reflective("T", "t1", "t2", "t3"),
    reflective("R", "r1", "r2", "r3"),
    reflective("E", "e1", "e2", "e3"),
    reflective("Y", "y1", "y2", "y3"),
    higher_order("Q", "T", "R", "E"),
    paths=[path("X", "Q"), path("Q", "Y")],
    scale=(1, 7),
)
population = SecondOrderPopulation(
    small,
    paths={"X -> Q": 0.5, "Q -> Y": 0.6},
    second_order_loadings={"Q -> T": 0.8, "Q -> R": 0.7, "Q -> E": 0.6},
    loadings={"*": 0.75},
)
for seed in range(1, 6):
    print(f"n = 50, seed {seed}:", ratios(small, population.draw(50, seed=seed, scale=(1, 7)), ["X -> Q", "Q -> Y"]))
