"""How PLS, PLSc, GSCA and CB-SEM recover a second-order perceived-quality construct (README table).

Usage (from the repository root)::

    .venv/bin/python benchmarks/higher_order_table.py

Fits models/acsi_servqual.yaml to datasets/servqual_demo.csv (600 respondents, 1-7 and 1-10
items, perceived quality a second-order factor of the five SERVQUAL dimensions) with every
method and higher-order approach, and prints a Markdown table of three paths of perceived
quality (standardised for CB-SEM) beside the population values of datasets/servqual_demo.truth.json.
"""

import json
import time
import warnings

import pandas as pd

import acsi

warnings.simplefilter("ignore")
spec = acsi.load_spec("models/acsi_servqual.yaml")
df = pd.read_csv("datasets/servqual_demo.csv")
truth = json.load(open("datasets/servqual_demo.truth.json"))
keys = [
    "customer_expectations -> perceived_quality",
    "perceived_quality -> perceived_value",
    "perceived_quality -> customer_satisfaction",
]
print(
    "| method | approach | "
    + " | ".join(k.replace("customer_", "").replace("perceived_", "p_") for k in keys)
    + " | PQ index | seconds |"
)
print("|---|---|" + "---|" * len(keys) + "---|---|")
print("| truth | | " + " | ".join(f"{truth['paths'][k]:.3f}" for k in keys) + " | | |")
for method in ["pls", "plsc", "gsca"]:
    for a in ["repeated-indicators", "two-stage-embedded", "two-stage-disjoint"]:
        t = time.perf_counter()
        r = acsi.fit(spec, df, method=method, higher_order=a)
        s = time.perf_counter() - t
        d = r.to_dict()
        print(
            f"| {method} | {a} | "
            + " | ".join(f"{d['paths'][k]:.3f}" for k in keys)
            + f" | {d['index']['perceived_quality']:.1f} | {s:.2f} |"
        )
t = time.perf_counter()
r = acsi.fit(spec, df, method="cbsem")
s = time.perf_counter() - t
d = r.to_dict()
print(
    "| cbsem | second-order factor | "
    + " | ".join(f"{d['standardized']['paths'][k]:.3f}" for k in keys)
    + f" | {d['index']['perceived_quality']:.1f} | {s:.2f} |"
)
print(
    {
        k: round(v, 3)
        for k, v in d["standardized"]["paths"].items()
        if k.startswith("perceived_quality -> ") and "customer" not in k and "value" not in k
    },
    truth["second_order_loadings"],
)
