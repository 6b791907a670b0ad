"""Write the bundled bank-branch demo data (branches x quarters) and its truth.

Usage::

    python datasets/make_bank_branches_demo.py

Writes ``datasets/bank_branches_demo.csv``: the ``models/bank_branch.yaml`` survey (integer
ratings 1-10) for 8 branches in the third and fourth quarters of 2025 and 2026, 60 respondents
per branch and quarter, plus the columns ``branch`` and ``quarter``; and
``datasets/bank_branches_demo.truth.json`` with the population and the known differences:
every respondent of a branch draws from the ACSI population (``acsi.simulate.ACSI_PATHS``,
loadings 0.85) with every rating's location moved by the branch's shift plus the year's shift
(complaints item: moved the other way). So branch B02 truly rates higher and B05 lower than
the rest, the other six do not differ, and 2026 is a little better than 2025: data for
``acsi compare ... --group branch --period quarter``. Reproducible: running the script again
rewrites identical files (``tests/simulate/test_bundled.py`` checks this).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a source checkout without installing

import acsi  # noqa: E402
from acsi.resources import bundled  # noqa: E402
from acsi.simulate import ACSI_LOCATIONS, DEFAULT_LOCATION_FRACTION, acsi_population  # noqa: E402

SEED = 20261123
PER_CELL = 60
SCALE = (1, 10)
BRANCH_SHIFT = {"B01": 0.0, "B02": 0.6, "B03": 0.0, "B04": 0.0, "B05": -0.5, "B06": 0.0, "B07": 0.0, "B08": 0.0}
YEAR_SHIFT = {2025: 0.0, 2026: 0.2}
QUARTERS = ("2025Q3", "2025Q4", "2026Q3", "2026Q4")
CSV = HERE / "bank_branches_demo.csv"
TRUTH = HERE / "bank_branches_demo.truth.json"


def build() -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw every branch x quarter cell and describe the population and the shifts.

    Returns
    -------
    frame : DataFrame of shape (8 x 4 x 60, 17 + 2)
        Integer ratings in the spec's column order, then ``branch`` and ``quarter``.
    truth : dict
        JSON-serialisable population values, shifts and generator settings.
    """
    spec = acsi.load_spec(bundled("models/bank_branch.yaml"))
    population = acsi_population(spec)
    low, high = SCALE
    base = low + (high - low) * DEFAULT_LOCATION_FRACTION
    complaints = ACSI_LOCATIONS["customer_complaints"]
    cells = []
    for b, (branch, branch_shift) in enumerate(BRANCH_SHIFT.items()):
        for q, quarter in enumerate(QUARTERS):
            shift = branch_shift + YEAR_SHIFT[int(quarter[:4])]
            location = {name: base + shift for name in spec.construct_names}
            location["customer_complaints"] = complaints - shift
            frame = population.draw(PER_CELL, seed=[SEED, b, q], scale=SCALE, location=location)
            cells.append(frame.assign(branch=branch, quarter=quarter))
    frame = pd.concat(cells, ignore_index=True)
    truth: dict[str, Any] = {
        "description": (
            "Population of datasets/bank_branches_demo.csv: the ACSI common-factor population on the "
            "bank-branch model; each branch x quarter cell drawn with every rating's location moved by "
            "branch_shift + year_shift (the complaints item by minus that)."
        ),
        "model": "models/bank_branch.yaml",
        "branch_shift": BRANCH_SHIFT,
        "year_shift": {str(year): value for year, value in YEAR_SHIFT.items()},
        "generator": {
            "function": "acsi.simulate.acsi_population(spec).draw",
            "respondents_per_cell": PER_CELL,
            "seed": f"[{SEED}, branch position, quarter position]",
            "scale": list(SCALE),
            "base_location": base,
            "complaints_location": complaints,
        },
        "n": len(frame),
        "columns": list(frame.columns),
        **population.truth(),
    }
    return frame, truth


def main() -> None:
    frame, truth = build()
    frame.to_csv(CSV, index=False)
    TRUTH.write_text(json.dumps(truth, indent=2) + "\n")
    print(f"wrote {CSV.name} ({len(frame)} rows) and {TRUTH.name}")


if __name__ == "__main__":
    main()
