"""The one implied construct covariance (acsi.core.implied) and the one correlation (acsi.core.moments)."""

from __future__ import annotations

import numpy as np

from acsi.core.implied import construct_covariance
from acsi.core.moments import correlation, correlation_and_sd
from tests._tolerances import EXACT


def test_construct_covariance_of_a_chain_adds_the_explained_and_the_residual_variance() -> None:
    beta = 0.6
    Beta = np.array([[0.0, 0.0], [beta, 0.0]])  # Beta[target, source]: eta1 -> eta2
    Psi = np.diag([1.0, 0.64])
    Phi = construct_covariance(Beta, Psi)
    np.testing.assert_allclose(Phi, [[1.0, beta], [beta, beta**2 + 0.64]], **EXACT)


def test_construct_covariance_of_a_stack_equals_each_matrix_alone() -> None:
    rng = np.random.default_rng(0)
    Beta = np.tril(rng.uniform(-0.5, 0.5, (4, 3, 3)), -1)
    Psi = np.broadcast_to(np.eye(3), (4, 3, 3))
    stacked = construct_covariance(Beta, Psi)
    for i in range(4):
        np.testing.assert_array_equal(stacked[i], construct_covariance(Beta[i], Psi[i]))


def test_correlation_of_a_stack_has_unit_diagonals_and_equals_each_matrix_alone() -> None:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5, 50, 3)) * [1.0, 2.0, 3.0]
    C = np.einsum("bni,bnj->bij", X, X) / 50
    R, sd = correlation_and_sd(C)
    np.testing.assert_allclose(sd, np.sqrt(np.einsum("bii->bi", C)), **EXACT)
    for i in range(5):
        np.testing.assert_array_equal(R[i], correlation(C[i]))
        np.testing.assert_array_equal(np.diag(R[i]), np.ones(3))
