"""Specs, paths and named tolerances shared by the tests of acsi.simulate."""

from __future__ import annotations

import os
from pathlib import Path as FilePath

from acsi.simulate.bundled import ACSI_PATHS
from acsi.spec.model import Construct, ModelSpec, Path

# Named tolerances (GUIDE.md section 5.6), passed by keyword.
EXACT = {"rtol": 0.0, "atol": 1e-12}  # algebra
EXACT_DRAW = {"rtol": 0.0, "atol": 1e-10}  # sample covariance of an exact draw

REPO = FilePath(__file__).resolve().parents[2]
REFERENCE = FilePath(os.environ.get("ACSI_REFERENCE_DIR", REPO.parent / "shared" / "reference"))

ACSI_BLOCKS = {
    "customer_expectations": ("ce1", "ce2", "ce3"),
    "perceived_quality": ("pq1", "pq2", "pq3"),
    "perceived_value": ("pv1", "pv2"),
    "customer_satisfaction": ("cs1", "cs2", "cs3"),
    "customer_complaints": ("cc1",),
    "customer_loyalty": ("cl1", "cl2"),
}


def _acsi_spec() -> ModelSpec:
    """The ACSI structure built in code, independent of models/acsi.yaml."""
    paths = tuple(Path(*(s.strip() for s in key.split("->"))) for key in ACSI_PATHS)
    return ModelSpec(constructs=tuple(Construct(k, v) for k, v in ACSI_BLOCKS.items()), paths=paths)


def _small_spec() -> ModelSpec:
    return ModelSpec(
        constructs=(
            Construct("a", ("a1", "a2")),
            Construct("b", ("b1", "b2")),
            Construct("c", ("c1", "c2", "c3")),
        ),
        paths=(Path("a", "c"), Path("b", "c")),
    )
