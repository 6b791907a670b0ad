"""Index baselines: item mean, principal components, fuzzy comprehensive evaluation with AHP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.baselines import ahp_weights, equal_weight_index, fuzzy_index, principal_component_index
from acsi.errors import InconsistentJudgementWarning

from ._tolerances import EXACT


def test_equal_weight_index_is_the_rescaled_item_mean(demo) -> None:
    spec, frame = demo
    result = equal_weight_index(spec, frame)
    for construct in spec.constructs:
        mean = frame[list(construct.indicators)].to_numpy(float).mean()
        np.testing.assert_allclose(result.index[construct.name], 100 * (mean - 1) / 9, **EXACT)


def test_equal_weight_index_matches_the_pls_index_with_equal_weights(demo) -> None:
    spec, frame = demo
    pls = acsi.fit(spec, frame, index_weights="equal").to_dict()["index"]
    base = equal_weight_index(spec, frame).index
    for name in spec.construct_names:
        np.testing.assert_allclose(base[name], pls[name], **EXACT)


def test_every_baseline_lies_in_0_100_and_weights_sum_to_one_per_block(demo) -> None:
    spec, frame = demo
    for result in (equal_weight_index(spec, frame), principal_component_index(spec, frame), fuzzy_index(spec, frame)):
        assert all(0 <= v <= 100 for v in result.index.values())
        sums = result.weights.groupby(level="construct").sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0, **EXACT)


def test_principal_component_weights_are_equal_for_an_equicorrelated_block() -> None:
    spec = acsi.parse_syntax("S =~ a + b + c\n")
    base = np.array([[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 1, 1], [3, 3, 3]], dtype=float)
    frame = pd.DataFrame(np.vstack([base, base[:, [1, 2, 0]], base[:, [2, 0, 1]]]) + 4, columns=["a", "b", "c"])
    result = principal_component_index(spec, frame, scale=(1, 10))
    np.testing.assert_allclose(result.weights.to_numpy(), 1 / 3, **EXACT)


def test_ahp_weights_of_a_consistent_matrix_are_its_ratios() -> None:
    w = np.array([0.5, 0.3, 0.2])
    weights, cr = ahp_weights(np.outer(w, 1 / w))
    np.testing.assert_allclose(weights, w, **EXACT)
    assert abs(cr) < 1e-12


def test_inconsistent_ahp_judgements_warn_with_their_ratio() -> None:
    # a > b, b > c, but c > a: a cycle of preferences
    matrix = [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]]
    with pytest.warns(InconsistentJudgementWarning, match="consistency ratio"):
        _, cr = ahp_weights(matrix)
    assert cr > 0.1


def test_ahp_rejects_a_non_reciprocal_matrix() -> None:
    with pytest.raises(acsi.SpecError, match="reciprocal"):
        ahp_weights([[1, 2], [2, 1]])


def test_fuzzy_weighted_average_equals_item_mean_and_overall_uses_ahp_weights(demo) -> None:
    spec, frame = demo
    k = len(spec.construct_names)
    w = np.arange(1, k + 1, dtype=float)
    fuzzy = fuzzy_index(spec, frame, pairwise=np.outer(w, 1 / w))
    equal = equal_weight_index(spec, frame)
    for name in spec.construct_names:
        np.testing.assert_allclose(fuzzy.index[name], equal.index[name], **EXACT)
    expected_overall = sum(fuzzy.block_weights[n] * fuzzy.index[n] for n in spec.construct_names)
    np.testing.assert_allclose(fuzzy.overall, expected_overall, **EXACT)
    np.testing.assert_allclose(fuzzy.memberships.sum(axis=1).to_numpy(), 1.0, **EXACT)


def test_fuzzy_max_min_operator_gives_a_normalised_membership(demo) -> None:
    spec, frame = demo
    result = fuzzy_index(spec, frame, operator="max_min")
    np.testing.assert_allclose(result.memberships.sum(axis=1).to_numpy(), 1.0, **EXACT)
    assert all(0 <= v <= 100 for v in result.index.values())


def test_fuzzy_evaluation_refuses_continuous_ratings() -> None:
    spec = acsi.parse_syntax("S =~ a + b\n")
    frame = pd.DataFrame({"a": [1.5, 2.0, 3.0], "b": [2.0, 3.0, 4.0]})
    with pytest.raises(acsi.DataError, match="discrete ratings"):
        fuzzy_index(spec, frame, scale=(1, 10))
