"""Make the README charts of `acsi compare` and `acsi ipma` (small PNGs in this folder).

Run from the checkout: ``.venv/bin/python docs/figures/make_compare_figures.py``. The data are
drawn from the bundled ACSI population: eight branches over four quarters, two branches with
truly higher satisfaction.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from acsi.cli import main
from acsi.resources import bundled
from acsi.simulate import ACSI_LOCATIONS, acsi_population

HERE = Path(__file__).resolve().parent


def survey() -> pd.DataFrame:
    population = acsi_population()
    frames = []
    for b in range(8):
        for q, quarter in enumerate(["2023Q2", "2023Q3", "2023Q4", "2024Q1"]):
            location = dict(ACSI_LOCATIONS)
            location["customer_satisfaction"] = 7.5 + (0.6 if b < 2 else 0.0) + 0.1 * q * (b == 3)
            frame = population.draw(120, seed=100 * b + q, scale=(1, 10), location=location)
            frames.append(frame.assign(branch=f"branch {b + 1}", quarter=quarter))
    return pd.concat(frames, ignore_index=True)


if __name__ == "__main__":
    path = HERE / "compare_demo.csv"
    survey().to_csv(path, index=False)
    main(["compare", str(bundled("models/acsi.yaml")), str(path), "--group", "branch", "--period", "quarter",
          "--bootstrap", "500", "--seed", "1", "--plot", str(HERE), "--quiet"])
    path.unlink()
