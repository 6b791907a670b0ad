"""Helpers shared by the spec tests: shipped model paths, reference syntaxes, text-only views."""

from __future__ import annotations

import json
from pathlib import Path as FilePath

from acsi.spec import Construct, ModelSpec

ROOT = FilePath(__file__).resolve().parents[2]
MODELS = ROOT / "models"
SHIPPED = ("acsi", "ecsi", "bank_branch")
REFERENCE_EXPECTED = ROOT.parent / "shared" / "reference" / "expected"

# The three models of ../shared/reference/README.md section 3, one case file each.
REFERENCE_CASES = {
    "political_democracy": "political_democracy_lavaan_ml.json",
    "satisfaction_mode_a": "satisfaction_plspm_centroid_standardized.json",
    "satisfaction_mode_b": "satisfaction_adanco_modeB_centroid.json",
    "three_common_factors": "threecommonfactors_lavaan_ml.json",
}


def reference_model(case: str) -> dict | None:
    """The ``model`` object of a reference case file, or None when ../shared is absent."""
    path = REFERENCE_EXPECTED / REFERENCE_CASES[case]
    return json.loads(path.read_text())["model"] if path.is_file() else None


def text_view(spec: ModelSpec) -> ModelSpec:
    """``spec`` without what lavaan text cannot express (scales, labels, name, description)."""
    return ModelSpec(
        constructs=tuple(Construct(c.name, c.indicators, c.mode) for c in spec.constructs),
        paths=spec.paths,
        covariances=spec.covariances,
        fixed=spec.fixed,
    )
