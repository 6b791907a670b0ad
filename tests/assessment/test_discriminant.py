"""HTMT from absolute indicator correlations (seminr, cSEM default) or signed ones (issue 10, item 13)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.assessment import assess

from .._tolerances import EXACT

SYNTAX = "A =~ a1 + a2 + a3 + a4\nB =~ b1 + b2\nB ~ A\n"


@pytest.fixture(scope="module")
def reversed_item() -> tuple[acsi.FitResult, np.ndarray]:
    """Two blocks; a3 is reverse-coded (its block still correlates positively on average), so its correlations with every other item are negative."""
    rng = np.random.default_rng(11)
    n = 400
    f = rng.standard_normal(n)
    g = 0.5 * f + math.sqrt(0.75) * rng.standard_normal(n)
    frame = pd.DataFrame(
        {
            "a1": 0.8 * f + 0.6 * rng.standard_normal(n),
            "a2": 0.7 * f + 0.7 * rng.standard_normal(n),
            "a3": -0.5 * f + math.sqrt(0.75) * rng.standard_normal(n),
            "a4": 0.75 * f + 0.66 * rng.standard_normal(n),
            "b1": 0.8 * g + 0.6 * rng.standard_normal(n),
            "b2": 0.75 * g + 0.66 * rng.standard_normal(n),
        }
    )
    result = acsi.fit(acsi.parse_syntax(SYNTAX), frame, method="pls")
    return result, np.corrcoef(frame.to_numpy().T)


def _hand_htmt(R: np.ndarray, absolute: bool) -> float:
    r = np.abs(R) if absolute else R
    a, b = (0, 1, 2, 3), (4, 5)
    hetero = np.mean([r[i, j] for i in a for j in b])
    mono_a = np.mean([r[i, j] for i in a for j in a if i < j])
    mono_b = r[4, 5]
    return hetero / math.sqrt(mono_a * mono_b)


@pytest.mark.parametrize("variant", ["absolute", "signed"])
def test_htmt_equals_the_hand_computation(reversed_item, variant: str) -> None:  # noqa: ANN001
    result, R = reversed_item
    got = assess(result, htmt=variant).htmt.loc["A", "B"]
    assert got == pytest.approx(_hand_htmt(R, variant == "absolute"), rel=1e-10, abs=EXACT["atol"])


def test_absolute_htmt_is_the_default_and_differs_from_the_signed_one_with_a_reversed_item(reversed_item) -> None:  # noqa: ANN001
    result, R = reversed_item
    default = assess(result).htmt.loc["A", "B"]
    assert default == assess(result, htmt="absolute").htmt.loc["A", "B"]
    assert abs(default - assess(result, htmt="signed").htmt.loc["A", "B"]) > 0.1
    # HTMT2 (geometric means) is defined for the absolute correlations only when some are negative.
    assert math.isfinite(assess(result).htmt2.loc["A", "B"])
    assert math.isnan(assess(result, htmt="signed").htmt2.loc["A", "B"])


def test_unknown_htmt_variant_is_refused(reversed_item) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="htmt='abs'"):
        assess(reversed_item[0], htmt="abs")
