"""Regression on sum scores: the textbook computation, its attenuation on factor data, invariances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.errors import EstimationError
from acsi.estimators.sumscore import SumScore
from acsi.simulate import PopulationModel

from ._tolerances import EXACT, NUMERIC, POPULATION

SPEC_TEXT = """
X =~ x1 + x2 + x3
M =~ m1 + m2 + m3 + m4
Y =~ y1 + y2
M ~ X
Y ~ X + M
"""
LOADINGS = {"x1": 0.5, "x2": 0.7, "x3": 0.9, "m1": 0.6, "m2": 0.6, "m3": 0.8, "m4": 0.8, "y1": 0.7, "y2": 0.85}
PATHS = {"X -> M": 0.5, "X -> Y": 0.2, "M -> Y": 0.4}


@pytest.fixture(scope="module")
def spec() -> acsi.ModelSpec:
    return acsi.load_spec(SPEC_TEXT)


@pytest.fixture(scope="module")
def frame(spec: acsi.ModelSpec) -> pd.DataFrame:
    return PopulationModel(spec, paths=PATHS, loadings=LOADINGS).draw(400, seed=7)


def _textbook(spec: acsi.ModelSpec, frame: pd.DataFrame) -> dict[str, float]:
    """Standardise the items, add them up per construct, standardise the sums, OLS per equation."""
    z = (frame - frame.mean()) / frame.std(ddof=1)
    scores = pd.DataFrame({c.name: z[list(c.indicators)].sum(axis=1) for c in spec.constructs})
    scores = (scores - scores.mean()) / scores.std(ddof=1)
    paths: dict[str, float] = {}
    for target in ("M", "Y"):
        sources = [p.source for p in spec.paths if p.target == target]
        beta, *_ = np.linalg.lstsq(scores[sources].to_numpy(), scores[target].to_numpy(), rcond=None)
        paths |= {f"{s} -> {target}": float(b) for s, b in zip(sources, beta)}
    return paths


def test_paths_are_ols_on_standardised_sums_of_standardised_items(spec: acsi.ModelSpec, frame: pd.DataFrame) -> None:
    result = acsi.fit(spec, frame, method="sumscore")
    for key, want in _textbook(spec, frame).items():
        np.testing.assert_allclose(result.path_coefficients[key], want, **NUMERIC)
    assert result.method == "sumscore" and result.converged and result.n_iter == 0
    weights = pd.Series(np.asarray(result.outer_weights), index=result.indicators)
    for construct in spec.constructs:  # equal weights within a block
        block = weights[list(construct.indicators)]
        np.testing.assert_allclose(block, block.iloc[0], **EXACT)


def test_single_predictor_path_is_attenuated_by_the_sums_reliability_on_factor_data() -> None:
    """On population-exact common-factor data: beta_sum = beta * q_X * q_Y with
    q = sum(lambda) / sqrt(sum(lambda)^2 + sum(1 - lambda^2)), the correlation of a unit-weighted sum with its factor."""
    spec = acsi.load_spec("X =~ x1 + x2 + x3\nY =~ y1 + y2\nY ~ X")
    loadings = {"x1": 0.5, "x2": 0.7, "x3": 0.9, "y1": 0.7, "y2": 0.85}
    frame = PopulationModel(spec, paths={"X -> Y": 0.6}, loadings=loadings).draw(500, seed=3, exact=True)

    def q(values: list[float]) -> float:
        lam = np.array(values)
        return float(lam.sum() / np.sqrt(lam.sum() ** 2 + (1 - lam**2).sum()))

    want = 0.6 * q([0.5, 0.7, 0.9]) * q([0.7, 0.85])
    got = acsi.fit(spec, frame, method="sumscore").path_coefficients["X -> Y"]
    np.testing.assert_allclose(got, want, **POPULATION)
    assert got < acsi.fit(spec, frame, method="plsc").path_coefficients["X -> Y"]


def test_paths_do_not_depend_on_indicator_scale_or_row_order(spec: acsi.ModelSpec, frame: pd.DataFrame) -> None:
    base = acsi.fit(spec, frame, method="sumscore").path_coefficients
    rescaled = frame.assign(x1=frame.x1 * 10 + 3, m4=frame.m4 * 0.1)
    shuffled = rescaled.sample(frac=1.0, random_state=2)[list(reversed(frame.columns))]
    other = acsi.fit(spec, shuffled, method="sumscore").path_coefficients
    for key in PATHS:
        np.testing.assert_allclose(other[key], base[key], **NUMERIC)


def test_input_frame_is_not_modified(spec: acsi.ModelSpec, frame: pd.DataFrame) -> None:
    before = frame.copy()
    acsi.fit(spec, frame, method="sumscore")
    pd.testing.assert_frame_equal(frame, before)


def test_a_sum_with_no_variance_is_our_estimation_error() -> None:
    spec = acsi.load_spec("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X")
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x1": x, "x2": -x, "y1": rng.normal(size=200), "y2": rng.normal(size=200)})
    with pytest.raises(EstimationError, match="'X'.*no variance"):
        SumScore().fit(spec, frame)


def test_the_bootstrap_refits_sum_scores_and_its_standard_errors_are_positive(spec: acsi.ModelSpec, frame: pd.DataFrame) -> None:
    result = acsi.fit(spec, frame, method="sumscore")
    payload = acsi.bootstrap(result, n_boot=50, seed=1).to_dict()
    assert payload["bootstrap"]["used"] == 50 and payload["bootstrap"]["failed"] == 0
    assert all(se > 0 for se in payload["std_errors"]["paths"].values())
    assert result.to_dict()["method"] == "sumscore"
