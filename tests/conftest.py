"""Shared fixtures: the reference folder beside the checkout and the shipped models."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi.resources import bundled

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


#: Keys every method's FitResult.to_dict() carries (the JSON contract of `acsi fit --json`).
FIT_RESULT_KEYS = {
    "method",
    "scheme",
    "standardized",
    "converged",
    "iterations",
    "n_obs",
    "n_dropped",
    "weights",
    "loadings",
    "paths",
    "r_squared",
    "adjusted_r_squared",
    "effects",
    "construct_correlations",
    "warnings",
    "index",
    "index_weights",
}


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    """The shipped ACSI model and the bundled demo survey."""
    return acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))
