"""Survey files written by the tests (into tmp_path) in every format acsi reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

ANSWERS = {
    1: "very dissatisfied",
    2: "dissatisfied",
    3: "neutral",
    4: "satisfied",
    5: "very satisfied",
    98: "don't know",
    99: "refused",
}


def survey_frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """Five 1-5 items (with 98/99 codes in q2), a weight, a branch and a period."""
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 6, size=(n, 1))
    values = np.clip(base + rng.integers(-1, 2, size=(n, 5)), 1, 5).astype(float)
    frame = pd.DataFrame(values, columns=["q1", "q2", "q3", "q4", "q5"])
    frame.loc[[3, 17], "q2"] = 98.0
    frame.loc[[8], "q2"] = 99.0
    frame["wgt"] = rng.uniform(0.5, 2.0, size=n).round(3)
    frame["branch"] = np.where(np.arange(n) % 2 == 0, "north", "south")
    frame["period"] = "2024Q1"
    return frame


def write(frame: pd.DataFrame, path: Path, *, missing_codes: dict | None = None) -> Path:
    """Write ``frame`` to ``path`` in the format of its extension (SPSS with labels and codes)."""
    suffix = path.suffix
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".sav":
        numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels={c: f"Question {c[1:]}" for c in frame.columns if c.startswith("q")},
            variable_value_labels={c: ANSWERS for c in numeric if c.startswith("q")},
            missing_ranges=missing_codes or {},
            variable_measure={c: "ordinal" for c in numeric if c.startswith("q")},
        )
    else:  # pragma: no cover - test helper misuse
        raise ValueError(suffix)
    return path
