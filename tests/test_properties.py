"""Invariances of PLS and the index, checked on many generated datasets (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import acsi
from acsi.spec.model import Construct, ModelSpec, Path

from ._tolerances import NUMERIC

MODEL = """
EXPE =~ expe1 + expe2 + expe3
QUAL =~ qual1 + qual2 + qual3 + qual4
SAT =~ sat1 + sat2
LOY =~ loy1 + loy2 + loy3
QUAL ~ EXPE
SAT ~ EXPE + QUAL
LOY ~ SAT
"""
SPEC = acsi.parse_syntax(MODEL)
SCHEMES = st.sampled_from(["centroid", "factorial", "path"])
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def survey(seed: int, n: int) -> pd.DataFrame:
    """Ratings on 1-10 from a random common-factor population of MODEL."""
    rng = np.random.default_rng(seed)
    expe = rng.normal(size=n)
    qual = 0.5 * expe + 0.85 * rng.normal(size=n)
    sat = 0.3 * expe + 0.5 * qual + 0.7 * rng.normal(size=n)
    loy = 0.6 * sat + 0.8 * rng.normal(size=n)
    factors = {"expe": expe, "qual": qual, "sat": sat, "loy": loy}
    columns = {}
    for name in SPEC.indicators:
        loading = rng.uniform(0.6, 0.95)
        latent = loading * factors[name.rstrip("0123456789")] + np.sqrt(1 - loading**2) * rng.normal(size=n)
        columns[name] = np.clip(np.round(6.5 + 1.8 * latent), 1, 10)
    return pd.DataFrame(columns)


def _estimates(result: acsi.FitResult) -> np.ndarray:
    return np.concatenate(
        [
            result.weights.sort_index().to_numpy(),
            result.loadings.sort_index().to_numpy(),
            result.path_coefficients.sort_index().to_numpy(),
            result.r_squared.sort_index().to_numpy(),
        ]
    )


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(40, 300), scheme=SCHEMES, raw=st.booleans())
def test_row_order_does_not_change_the_estimates(seed: int, n: int, scheme: str, raw: bool) -> None:
    frame = survey(seed, n)
    shuffled = frame.sample(frac=1.0, random_state=seed % 2**31)
    first = acsi.fit(SPEC, frame, scheme=scheme, raw=raw, scale=(1, 10), index_weights="equal")
    second = acsi.fit(SPEC, shuffled, scheme=scheme, raw=raw, scale=(1, 10), index_weights="equal")
    np.testing.assert_allclose(_estimates(first), _estimates(second), **NUMERIC)
    np.testing.assert_allclose(first.index.values, second.index.values, **NUMERIC)
    pd.testing.assert_frame_equal(first.scores.loc[shuffled.index], second.scores, atol=1e-9, rtol=0)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scheme=SCHEMES, data=st.data())
def test_indicator_and_construct_order_do_not_change_the_estimates(seed: int, scheme: str, data: st.DataObject) -> None:
    frame = survey(seed, 150)
    constructs = [Construct(c.name, tuple(data.draw(st.permutations(c.indicators))), c.mode) for c in SPEC.constructs]
    reordered = ModelSpec(
        constructs=tuple(data.draw(st.permutations(constructs))),
        paths=tuple(data.draw(st.permutations([Path(p.source, p.target) for p in SPEC.paths]))),
    )
    columns = data.draw(st.permutations(list(frame.columns)))
    first = acsi.fit(SPEC, frame, scheme=scheme)
    second = acsi.fit(reordered, frame[columns], scheme=scheme)
    np.testing.assert_allclose(_estimates(first), _estimates(second), **NUMERIC)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    scheme=SCHEMES,
    factor=st.floats(0.01, 100.0),
    shift=st.floats(-1000.0, 1000.0),
    column=st.sampled_from(SPEC.indicators),
)
def test_standardised_estimates_ignore_affine_rescaling_of_an_indicator(
    seed: int, scheme: str, factor: float, shift: float, column: str
) -> None:
    frame = survey(seed, 200)
    rescaled = frame.assign(**{column: frame[column] * factor + shift})
    first = acsi.fit(SPEC, frame, scheme=scheme)
    second = acsi.fit(SPEC, rescaled, scheme=scheme)
    np.testing.assert_allclose(_estimates(first), _estimates(second), rtol=0, atol=1e-8)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 200),
    scheme=SCHEMES,
    weights=st.sampled_from(["fornell", "standardized", "equal"]),
)
def test_index_lies_in_0_100_for_every_respondent_with_non_negative_weights(seed: int, n: int, scheme: str, weights: str) -> None:
    frame = survey(seed, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", acsi.NegativeWeightWarning)  # checked below instead
        result = acsi.fit(SPEC, frame, scheme=scheme, scale=(1, 10), index_weights=weights)
    index = result.index
    if len(index.constructs) < len(SPEC.constructs) or (index.weights < 0).any():
        assert any("index weight" in m for m in result.warnings)
        return
    assert ((index.respondents >= 0) & (index.respondents <= 100)).all()
    assert ((index.values >= 0) & (index.values <= 100)).all()
    sums = pd.Series(index.weights).groupby(list(index.indicator_constructs)).sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, **NUMERIC)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scheme=SCHEMES, raw=st.booleans())
def test_fitting_never_mutates_the_data_frame(seed: int, scheme: str, raw: bool) -> None:
    frame = survey(seed, 80)
    before = frame.copy(deep=True)
    acsi.fit(SPEC, frame, scheme=scheme, raw=raw, scale=(1, 10), index_weights="equal")
    pd.testing.assert_frame_equal(frame, before)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), raw=st.booleans())
def test_index_rises_with_the_indicator_means(seed: int, raw: bool) -> None:
    frame = survey(seed, 150)
    lower = frame.clip(upper=9)
    base = acsi.fit(SPEC, lower, raw=raw, scale=(1, 10), index_weights="equal").index.values
    raised = acsi.fit(SPEC, lower + 1, raw=raw, scale=(1, 10), index_weights="equal").index.values
    np.testing.assert_allclose(raised - base, 100 / 9, **NUMERIC)
