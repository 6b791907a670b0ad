"""PLS on stacks of moment matrices (acsi.core.stack): a matrix gets the same numbers alone or in a stack."""

from __future__ import annotations

import numpy as np

from acsi.core import pls as kernel
from acsi.core.moments import correlation
from acsi.core.pls import Structure
from acsi.core.stack import fit_stack

from ._tolerances import EXACT

TWO_BLOCKS = Structure(
    block=np.array([0, 0, 1, 1]), mode_b=np.array([False, False]), adjacency=np.array([[0.0, 1.0], [0.0, 0.0]])
)
S_TWO = np.array([[1, 0.5, 0.3, 0.3], [0.5, 1, 0.3, 0.3], [0.3, 0.3, 1, 0.6], [0.3, 0.3, 0.6, 1.0]])


def _correlations(n_matrices: int, seed: int) -> np.ndarray:
    """Sample correlation matrices of a three-block chain model (different iteration counts each)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_matrices):
        eta = rng.standard_normal((40, 1))
        X = np.hstack(
            [eta + rng.standard_normal((40, 3)), 0.5 * eta + rng.standard_normal((40, 3)), rng.standard_normal((40, 2))]
        )
        out.append(correlation(np.cov(X, rowvar=False)))
    return np.stack(out)


CHAIN = Structure(
    block=np.array([0, 0, 0, 1, 1, 1, 2, 2]),
    mode_b=np.array([False, True, False]),
    adjacency=np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]),
)


def test_a_matrix_gets_the_same_estimates_alone_and_inside_a_stack() -> None:
    S = _correlations(12, seed=3)
    stacked = fit_stack(S, CHAIN, "path", tol=1e-10, max_iter=300)
    for i in range(S.shape[0]):
        alone = fit_stack(S[i], CHAIN, "path", tol=1e-10, max_iter=300)
        # The same code path on the same machine: identical numbers, not merely close ones.
        assert np.array_equal(stacked.W[i], alone.W)
        assert np.array_equal(stacked.B[i], alone.B)
        assert np.array_equal(stacked.R[i], alone.R)


def test_a_stack_fit_forms_the_products_of_the_single_kernel() -> None:
    S = _correlations(3, seed=5)
    fit = fit_stack(S, CHAIN, "centroid")
    W = kernel.orient(kernel.outer_weights(S[1], CHAIN, "centroid").weights, S[1], CHAIN)
    assert np.array_equal(fit.W[1], W)
    assert np.array_equal(fit.R[1], W.T @ (S[1] @ W))
    np.testing.assert_allclose(fit.loadings(CHAIN, S)[1], (S[1] @ W)[np.arange(8), CHAIN.block], **EXACT)


def test_a_singular_matrix_is_marked_and_the_others_keep_their_estimates() -> None:
    S = _correlations(5, seed=7)
    S[2, 3:6, 3:6] = 1.0  # the Mode B block of matrix 2 is perfectly collinear
    fit = fit_stack(S, CHAIN, "path", chunk=3)
    assert fit.singular.tolist() == [False, False, True, False, False]
    assert not fit.valid[2] and np.isnan(fit.B[2]).all()
    for i in (0, 1, 3, 4):
        assert np.array_equal(fit.B[i], fit_stack(S[i], CHAIN, "path").B)


def test_a_non_finite_matrix_is_invalid_without_being_fitted() -> None:
    S = _correlations(3, seed=9)
    S[0, 0, 1] = S[0, 1, 0] = np.nan
    fit = fit_stack(S, CHAIN, "path")
    assert fit.valid.tolist() == [False, True, True]
    assert not fit.singular.any()
    assert np.isnan(fit.total_effects()[0]).all() and np.isfinite(fit.total_effects()[1:]).all()


def test_construct_sign_change_flips_a_construct_whose_loadings_oppose_the_originals() -> None:
    S = S_TWO[None]
    kwargs = dict(tol=1e-12, max_iter=100)
    plain = fit_stack(S, TWO_BLOCKS, "path", **kwargs)
    loadings = plain.loadings(TWO_BLOCKS, S)[0]
    kept = fit_stack(S, TWO_BLOCKS, "path", reference_loadings=loadings, **kwargs)
    reference = loadings * np.array([1, 1, -1, -1])  # the original had construct 1 reversed
    flipped = fit_stack(S, TWO_BLOCKS, "path", reference_loadings=reference, **kwargs)
    np.testing.assert_allclose(kept.weights(TWO_BLOCKS), plain.weights(TWO_BLOCKS), **EXACT)
    np.testing.assert_allclose(flipped.weights(TWO_BLOCKS), plain.weights(TWO_BLOCKS) * [1, 1, -1, -1], **EXACT)
    np.testing.assert_allclose(flipped.B[0, 0, 1], -plain.B[0, 0, 1], **EXACT)
