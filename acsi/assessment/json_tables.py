"""Labelled pandas tables as the nested JSON objects of ``acsi assess --json``; non-finite numbers become ``null``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def number(value: Any) -> float | None:
    """``float(value)``, or None for NaN and infinities (strict JSON has no token for them)."""
    value = float(value)
    return value if math.isfinite(value) else None


def series_object(series: pd.Series) -> dict[str, float | None]:
    """{label: value} of a series indexed by one level."""
    return {str(k): number(v) for k, v in series.items()}


def nested_object(series: pd.Series) -> dict[str, dict[str, float | None]]:
    """{first label: {second label: value}} of a series indexed by two levels."""
    out: dict[str, dict[str, float | None]] = {}
    for (a, b), v in series.items():
        out.setdefault(str(a), {})[str(b)] = number(v)
    return out


def frame_object(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """{row: {column: value}} of a frame."""
    return {str(i): {str(c): number(frame.at[i, c]) for c in frame.columns} for i in frame.index}
