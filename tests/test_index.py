"""The 0-100 index: formula, weight choices, bounds and warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.index import construct_index, normalised_index_weights

from ._tolerances import EXACT, NUMERIC, RESAMPLE

MODEL = """
QUAL =~ qual1 + qual2 + qual3
SAT =~ sat1 + sat2 + sat3
SAT ~ QUAL
"""


def _survey(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n)
    satisfaction = 0.6 * quality + 0.8 * rng.normal(size=n)
    columns = {}
    for name, factor in (("qual", quality), ("sat", satisfaction)):
        for i, loading in enumerate((0.9, 0.8, 0.7), start=1):
            latent = loading * factor + np.sqrt(1 - loading**2) * rng.normal(size=n)
            columns[f"{name}{i}"] = np.clip(np.round(7 + (1.5 + i / 2) * latent), 1, 10)
    return pd.DataFrame(columns)


def test_fornell_index_uses_raw_scale_weights_on_the_theoretical_scale() -> None:
    frame = _survey()
    result = acsi.fit(acsi.parse_syntax(MODEL), frame, scale=(1, 10))
    sat = ["sat1", "sat2", "sat3"]
    raw = result.weights["SAT"].to_numpy() / frame[sat].std(ddof=0).to_numpy()
    normed = raw / raw.sum()
    expected = 100 * (normed @ ((frame[sat].mean().to_numpy() - 1) / 9))
    assert result.index.to_dict()["SAT"] == pytest.approx(expected, abs=1e-10)


def test_standardized_and_equal_weights_follow_their_definitions() -> None:
    frame = _survey()
    spec = acsi.parse_syntax(MODEL)
    sat = ["sat1", "sat2", "sat3"]
    standardized = acsi.fit(spec, frame, scale=(1, 10), index_weights="standardized")
    w = standardized.weights["SAT"].to_numpy()
    assert standardized.index.to_dict()["SAT"] == pytest.approx(100 * (w / w.sum()) @ ((frame[sat].mean() - 1) / 9), abs=1e-10)
    equal = acsi.fit(spec, frame, scale=(1, 10), index_weights="equal")
    assert equal.index.to_dict()["SAT"] == pytest.approx(100 * ((frame[sat].mean() - 1) / 9).mean(), abs=1e-10)


def test_index_of_a_raw_fit_equals_index_of_a_standardised_fit_with_fornell_weights() -> None:
    frame = _survey()
    spec = acsi.parse_syntax(MODEL)
    raw = acsi.fit(spec, frame, scale=(1, 10), raw=True).index
    standardized = acsi.fit(spec, frame, scale=(1, 10)).index
    # Different estimators (raw-scale Mode A is not scale invariant), so only close, not equal.
    assert raw.method == standardized.method == "fornell"
    np.testing.assert_allclose(raw.values, standardized.values, rtol=0, atol=1.0)


def test_respondent_indices_average_to_the_aggregate_index() -> None:
    result = acsi.fit(acsi.parse_syntax(MODEL), _survey(), scale=(1, 10))
    np.testing.assert_allclose(result.index.respondent_scores.mean().to_numpy(), result.index.values, **NUMERIC)


def test_respondents_at_the_scale_bounds_score_exactly_0_and_100() -> None:
    frame = _survey()
    frame.loc[0, :] = 1
    frame.loc[1, :] = 10
    scores = acsi.fit(acsi.parse_syntax(MODEL), frame, scale=(1, 10)).index.respondent_scores
    np.testing.assert_allclose(scores.loc[0].to_numpy(), 0.0, **EXACT)
    np.testing.assert_allclose(scores.loc[1].to_numpy(), 100.0, **EXACT)


def test_index_is_present_only_for_constructs_with_known_scales() -> None:
    spec = acsi.parse_syntax(MODEL)
    assert acsi.fit(spec, _survey()).index is None
    assert "index" not in acsi.fit(spec, _survey()).to_dict()
    partial = spec.with_scales({name: acsi.spec.Scale(1, 10) for name in ("sat1", "sat2", "sat3")})
    assert acsi.fit(partial, _survey()).index.constructs == ("SAT",)


def test_negative_index_weight_warns_and_names_the_indicator() -> None:
    weights = np.array([0.7, 0.5, -0.1])
    with pytest.warns(acsi.NegativeWeightWarning, match="c3"):
        normed = normalised_index_weights(
            weights,
            np.ones(3),
            np.zeros(3, dtype=int),
            "standardized",
            construct_names=("C",),
            indicator_names=("c1", "c2", "c3"),
        )
    np.testing.assert_allclose(normed.sum(), 1.0, **EXACT)


def test_weights_summing_to_zero_give_no_weights_and_a_warning() -> None:
    with pytest.warns(acsi.NegativeWeightWarning, match="'C'.*no index"):
        normed = normalised_index_weights(
            np.array([0.5, -0.5, 0.2, 0.3]), np.ones(4), np.array([0, 0, 1, 1]), "standardized", construct_names=("C", "D")
        )
    assert np.isnan(normed[:2]).all()
    np.testing.assert_allclose(normed[2:], [0.4, 0.6], **EXACT)


def test_construct_whose_weights_cannot_be_normalised_gets_no_index() -> None:
    from .test_properties import SPEC, survey

    frame = survey(237799467, 20)  # a small sample where LOY's raw-scale weights sum negative
    with pytest.warns(acsi.NegativeWeightWarning, match="'LOY'.*no index"):
        result = acsi.fit(SPEC, frame, scheme="centroid", scale=(1, 10), index_weights="fornell")
    raw_weights = result.weights["LOY"] / frame[["loy1", "loy2", "loy3"]].std().to_numpy()
    assert raw_weights.sum() < 0 < result.loadings["LOY"].sum()
    assert result.index.constructs == ("EXPE", "QUAL", "SAT")
    assert "LOY" not in result.to_dict()["index"]
    assert any("no index" in message for message in result.warnings)


def test_construct_index_maps_bounds_to_0_and_100() -> None:
    block = np.array([0, 0, 1])
    weights = np.array([0.25, 0.75, 1.0])
    lower, upper = np.array([1.0, 0.0, 1.0]), np.array([10.0, 10.0, 5.0])
    np.testing.assert_allclose(construct_index(lower, weights, block, 2, lower, upper), [0, 0], **EXACT)
    np.testing.assert_allclose(construct_index(upper, weights, block, 2, lower, upper), [100, 100], **EXACT)


def test_index_map_clips_rounding_only_and_keeps_values_beyond_the_scale() -> None:
    """Clip nothing silently (issue 10, item 5): a filled-in value above the scale maximum stays visible."""
    from acsi.index import ROUNDING, index_map

    weights = np.array([0.5, 0.5])
    mapping = index_map(weights, np.array([0, 0]), 1, np.array([1.0, 1.0]), np.array([10.0, 10.0]))
    values = np.array([[10.0, 10.0], [1.0, 1.0], [10.6, 10.0], [10.0 + 1e-12, 10.0]])
    index = mapping.apply(values)[:, 0]
    assert index[0] == 100.0 and index[1] == 0.0
    assert index[2] > 100.0 + 1.0  # 10.6 is outside 1-10: reported, not clipped to 100
    assert index[3] == 100.0  # 1e-12 above the maximum: rounding, clipped
    assert ROUNDING < 1e-6


def test_group_fit_and_bootstrap_report_the_same_index_for_one_group(demo) -> None:  # noqa: ANN001
    """One implementation of the index: ``estimate_groups`` over one group holding every row, ``acsi.fit``
    and the estimate the bootstrap reports give identical numbers (same code path, same machine)."""
    spec, frame = demo
    fitted = acsi.fit(spec, frame)
    groups = acsi.estimate_groups(spec, frame.assign(everyone="all"), "everyone", n_boot=25, seed=1)
    boot = acsi.bootstrap(fitted, n_boot=25, seed=1)
    assert groups.index_constructs == fitted.index.constructs
    assert np.array_equal(groups.index[0], fitted.index.values)
    assert np.array_equal(boot.estimates[np.asarray(boot.kinds) == "index"], fitted.index.values)


def test_the_batched_bootstrap_replicate_of_the_full_sample_is_the_fit(demo) -> None:  # noqa: ANN001
    """Row of unit counts through the batched engine: the fit's estimates (moments by another route, hence 1e-10)."""
    from acsi.inference.batched_pls import BatchedPLS
    from acsi.inference.layout import StatisticLayout

    spec, frame = demo
    fitted = acsi.fit(spec, frame)
    layout = StatisticLayout.of(fitted)
    engine = BatchedPLS.build(acsi.PLSPM(), fitted, layout, "none")
    theta, code = engine.run(np.ones((1, fitted.n_obs)))
    assert code.tolist() == [-1]  # no failure
    np.testing.assert_allclose(theta[0], layout.from_result(fitted), **RESAMPLE)
