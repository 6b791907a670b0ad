"""Write the bundled bank customer demo: a customer file with 12-month retention and revenue, and its survey.

Usage::

    python datasets/make_bank_customers_demo.py

Draws 4,000 customers of 6 branches from the ACSI population on ``models/bank_branch.yaml``
(integer ratings 1-10; branch B02 rates higher, B05 lower, as in the branch demo), then

* the satisfaction index of each customer, ``x = 100 (mean(sat_overall, sat_confirmation,
  sat_ideal) - 1) / 9`` (the equal-weight 0-100 index of the satisfaction items);
* ``retained`` (still a customer 12 months later) ~ Bernoulli(expit(A + B (x - 70))) with
  A = 1.2 and B = 0.05 per index point;
* ``revenue`` per year ~ lognormal, median 1,200 times the branch's factor, log-sd 0.7,
  independent of satisfaction;
* ``device_rating``, the customer's last 5-level evaluator-device rating:
  1 + the number of cut points (35, 50, 65, 80) below x + N(0, 6).

Writes ``datasets/bank_customers_demo.csv`` (customer_id, branch, revenue, retained: every
customer) and ``datasets/bank_customer_survey_demo.csv`` (customer_id, branch, the 17 ratings and
device_rating of the 60% who answered the survey), and ``bank_customers_demo.truth.json``.
Reproducible: running it again rewrites identical files (``tests/test_outcomes.py`` checks this).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a source checkout without installing

import acsi  # noqa: E402
from acsi.resources import bundled  # noqa: E402
from acsi.simulate import ACSI_LOCATIONS, DEFAULT_LOCATION_FRACTION, acsi_population  # noqa: E402

SEED = 20261206
N_CUSTOMERS = 4000
SURVEYED = 0.6
SCALE = (1, 10)
BRANCHES = {"B01": 0.0, "B02": 0.6, "B03": 0.0, "B04": 0.0, "B05": -0.5, "B06": 0.0}
REVENUE_FACTOR = {"B01": 1.0, "B02": 0.8, "B03": 1.5, "B04": 1.0, "B05": 1.3, "B06": 0.9}
INTERCEPT, SLOPE, CENTRE = 1.2, 0.05, 70.0
REVENUE_MEDIAN, REVENUE_LOG_SD = 1200.0, 0.7
DEVICE_CUTS, DEVICE_NOISE = (35.0, 50.0, 65.0, 80.0), 6.0
SATISFACTION_ITEMS = ("sat_overall", "sat_confirmation", "sat_ideal")
CUSTOMERS = HERE / "bank_customers_demo.csv"
SURVEY = HERE / "bank_customer_survey_demo.csv"
TRUTH = HERE / "bank_customers_demo.truth.json"


def build() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The customer file, the survey and the truth."""
    spec = acsi.load_spec(bundled("models/bank_branch.yaml"))
    population = acsi_population(spec)
    low, high = SCALE
    base = low + (high - low) * DEFAULT_LOCATION_FRACTION
    per_branch = N_CUSTOMERS // len(BRANCHES)
    parts = []
    for b, (branch, shift) in enumerate(BRANCHES.items()):
        location = {name: base + shift for name in spec.construct_names}
        location["customer_complaints"] = ACSI_LOCATIONS["customer_complaints"] - shift
        parts.append(population.draw(per_branch, seed=[SEED, b], scale=SCALE, location=location).assign(branch=branch))
    ratings = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng([SEED, 99])
    n = len(ratings)
    x = 100.0 * (ratings[list(SATISFACTION_ITEMS)].mean(axis=1).to_numpy() - low) / (high - low)
    retained = (rng.random(n) < 1.0 / (1.0 + np.exp(-(INTERCEPT + SLOPE * (x - CENTRE))))).astype(int)
    factor = ratings["branch"].map(REVENUE_FACTOR).to_numpy()
    revenue = np.round(REVENUE_MEDIAN * factor * np.exp(REVENUE_LOG_SD * rng.standard_normal(n)), 2)
    device = 1 + np.searchsorted(DEVICE_CUTS, x + DEVICE_NOISE * rng.standard_normal(n))
    surveyed = rng.random(n) < SURVEYED
    ids = [f"C{i + 1:05d}" for i in range(n)]
    customers = pd.DataFrame({"customer_id": ids, "branch": ratings["branch"], "revenue": revenue, "retained": retained})
    survey = pd.concat(
        [
            pd.DataFrame({"customer_id": ids, "branch": ratings["branch"]}),
            ratings.drop(columns="branch"),
            pd.Series(device, name="device_rating"),
        ],
        axis=1,
    )[surveyed].reset_index(drop=True)
    truth: dict[str, Any] = {
        "description": (
            "Customers of datasets/bank_customers_demo.csv and their survey datasets/bank_customer_survey_demo.csv: "
            "ratings from the ACSI population on models/bank_branch.yaml; retention depends on the equal-weight "
            "satisfaction index x through logit P(retained) = intercept + slope (x - centre)."
        ),
        "model": "models/bank_branch.yaml",
        "satisfaction_index": "100 (mean(" + ", ".join(SATISFACTION_ITEMS) + ") - 1) / 9",
        "retention": {"intercept": INTERCEPT, "slope": SLOPE, "centre": CENTRE, "link": "logit"},
        "revenue": {
            "median": REVENUE_MEDIAN,
            "log_sd": REVENUE_LOG_SD,
            "branch_factor": REVENUE_FACTOR,
            "depends_on_satisfaction": False,
        },
        "device_rating": {"cuts": list(DEVICE_CUTS), "noise_sd": DEVICE_NOISE},
        "branch_shift": BRANCHES,
        "generator": {"seed": SEED, "customers": n, "surveyed_share": SURVEYED, "scale": list(SCALE)},
        "n_customers": n,
        "n_surveyed": int(surveyed.sum()),
        "retention_rate": float(retained.mean()),
        "paths": dict(population.paths),
    }
    return customers, survey, truth


def main() -> None:
    customers, survey, truth = build()
    customers.to_csv(CUSTOMERS, index=False)
    survey.to_csv(SURVEY, index=False)
    TRUTH.write_text(json.dumps(truth, indent=2) + "\n")
    print(f"wrote {CUSTOMERS.name} ({len(customers)} rows), {SURVEY.name} ({len(survey)} rows) and {TRUTH.name}")


if __name__ == "__main__":
    main()
