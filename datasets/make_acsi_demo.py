"""Write the bundled ACSI demo data and its population truth.

Usage::

    python datasets/make_acsi_demo.py

Writes ``datasets/acsi_demo.csv`` (500 respondents, integer ratings 1-10, columns in the order
of ``models/acsi.yaml``) and ``datasets/acsi_demo.truth.json`` (the population the data were
drawn from: paths, loadings, R-squared, construct and indicator correlations, and the
generator settings). The output is reproducible: running the script again rewrites identical
files (``tests/simulate/test_bundled.py::test_demo_data_is_reproducible`` checks this).
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
from acsi.simulate import (  # noqa: E402
    ACSI_LOCATIONS,
    DEFAULT_LOCATION_FRACTION,
    DEFAULT_SPREAD_FRACTION,
    acsi_population,
)
from acsi.resources import bundled  # noqa: E402

N = 500
SEED = 20240501
SCALE = (1, 10)
CSV = HERE / "acsi_demo.csv"
TRUTH = HERE / "acsi_demo.truth.json"


def build() -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draw the demo sample and describe its population.

    Returns
    -------
    frame : DataFrame of shape (500, 14)
        Integer ratings on 1-10, columns in spec order.
    truth : dict
        JSON-serialisable population values and generator settings.
    """
    population = acsi_population(acsi.load_spec(bundled("models/acsi.yaml")))
    frame = population.draw(N, seed=SEED, scale=SCALE, location=ACSI_LOCATIONS)
    low, high = SCALE
    truth: dict[str, Any] = {
        "description": (
            "Population of datasets/acsi_demo.csv: a standardised common-factor model (unit construct "
            "variances, x = loading * construct + error), drawn as multivariate normal and discretised "
            "to integers by clip(round(location + spread * z), min, max)."
        ),
        "model": "models/acsi.yaml",
        "generator": {
            "function": "acsi.simulate.acsi_population(spec).draw",
            "n": N,
            "seed": SEED,
            "exact": False,
            "scale": list(SCALE),
            "location": {"*": low + (high - low) * DEFAULT_LOCATION_FRACTION, **ACSI_LOCATIONS},
            "spread": {"*": (high - low) * DEFAULT_SPREAD_FRACTION},
            "rng": "numpy.random.default_rng(seed).standard_normal((n, p)) @ cholesky(Sigma).T",
            "numpy_version": __import__("numpy").__version__,
        },
        "n": N,
        "seed": SEED,
        "columns": list(frame.columns),
        **population.truth(),
    }
    return frame, truth


def main() -> None:
    frame, truth = build()
    frame.to_csv(CSV, index=False, lineterminator="\n")
    TRUTH.write_text(json.dumps(truth, indent=2) + "\n")
    print(f"wrote {CSV.relative_to(HERE.parent)} ({len(frame)} rows) and {TRUTH.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
