"""Chains of paths, their products and the Zhao-Lynch-Chen types of mediation (acsi.core.mediation)."""

from __future__ import annotations

import numpy as np
import pytest

from acsi.core.mediation import MEDIATION_TYPES, chain_products, excludes_zero, indirect_chains, mediation_type
from acsi.core.pls import total_effects

from ._tolerances import EXACT

# X=0 -> M1=1 -> M2=2 -> Y=3, with X -> M2, X -> Y, M1 -> Y: every route of a serial-parallel model
PAIRS = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))


def test_every_route_of_two_or_more_paths_is_listed_once_source_then_target_order() -> None:
    chains = indirect_chains(PAIRS, 4)
    assert chains == ((0, 1, 2), (0, 1, 3), (0, 2, 3), (0, 1, 2, 3), (1, 2, 3))


def test_a_model_of_direct_paths_only_has_no_chain() -> None:
    assert indirect_chains(((0, 2), (1, 2)), 3) == ()


def test_the_specific_effects_of_each_pair_sum_to_its_total_indirect_effect() -> None:
    rng = np.random.default_rng(0)
    B = np.zeros((5, 4, 4))  # a stack, as the bootstrap passes it
    for i, j in PAIRS:
        B[:, i, j] = rng.uniform(-0.8, 0.8, size=5)
    chains = indirect_chains(PAIRS, 4)
    products = chain_products(B, chains)
    indirect = total_effects(B) - B
    for i in range(4):
        for j in range(4):
            mine = [m for m, chain in enumerate(chains) if chain[0] == i and chain[-1] == j]
            np.testing.assert_allclose(products[:, mine].sum(axis=1), indirect[:, i, j], **EXACT)


def test_a_chain_product_multiplies_the_paths_along_it() -> None:
    B = np.zeros((3, 3))
    B[0, 1], B[1, 2] = 0.5, -0.4
    np.testing.assert_allclose(chain_products(B, ((0, 1, 2),)), [-0.2], **EXACT)


@pytest.mark.parametrize(
    ("indirect", "direct", "same_sign", "expected"),
    [
        (True, True, True, "complementary"),
        (True, True, False, "competitive"),
        (True, False, True, "indirect-only"),
        (True, False, False, "indirect-only"),
        (False, True, True, "direct-only"),
        (False, False, False, "no-effect"),
    ],
)
def test_zhao_lynch_chen_types_follow_their_decision_tree(indirect: bool, direct: bool, same_sign: bool, expected: str) -> None:
    assert mediation_type(indirect, direct, same_sign) == expected
    assert expected in MEDIATION_TYPES


def test_an_interval_counts_as_an_effect_only_when_it_excludes_zero() -> None:
    lower = np.array([0.1, -0.3, -0.2, np.nan, 0.0])
    upper = np.array([0.4, -0.1, 0.2, 0.5, 0.3])
    assert excludes_zero(lower, upper).tolist() == [True, True, False, False, False]
