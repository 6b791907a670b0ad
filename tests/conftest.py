"""Shared fixtures: the reference folder beside the checkout and the shipped models."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"
MODELS = ROOT / "models"


def reference_cases(*estimators: str) -> list[Path]:
    """Expected-result files of ../shared/reference whose estimator is one of ``estimators``."""
    folder = REFERENCE / "expected"
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.glob("*.json")) if json.loads(path.read_text())["settings"]["estimator"] in estimators]


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (clone ../shared beside the checkout)")
    return REFERENCE


@pytest.fixture(scope="session")
def satisfaction(reference: Path) -> pd.DataFrame:
    return pd.read_csv(reference / "data" / "satisfaction.csv")
