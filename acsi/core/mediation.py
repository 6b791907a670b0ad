"""Specific indirect effects along each chain of paths, and the Zhao-Lynch-Chen type of mediation (pure numpy).

In a recursive structural model with path matrix ``B`` (``B[i, j]`` the direct effect of
construct i on j) the total effect ``T = (I - B)^-1 - I = B + B^2 + B^3 + ...`` sums, for every
pair (i, j), the products of the path coefficients along every directed route from i to j.
A *specific* indirect effect is one term of that sum: the product along one route of two or
more paths, ``B[i, m1] B[m1, m2] ... B[mr, j]``. The specific indirect effects of a pair sum to
its total indirect effect ``T[i, j] - B[i, j]`` (Bollen 1987; Preacher & Hayes 2008).

seminr's ``specific_effect_significance`` defines the bootstrap of a specific indirect effect
the same way: the product of the bootstrapped path coefficients of each resample.

References: Bollen, K. A. (1987). Total, direct, and indirect effects in structural equation
models. *Sociological Methodology* 17, 37-69. Zhao, X., Lynch, J. G., & Chen, Q. (2010).
Reconsidering Baron and Kenny: myths and truths about mediation analysis. *Journal of Consumer
Research* 37(2), 197-206.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The five types of Zhao, Lynch & Chen (2010, figure 2), in their order.
MEDIATION_TYPES = ("complementary", "competitive", "indirect-only", "direct-only", "no-effect")


def indirect_chains(path_pairs: Sequence[tuple[int, int]], n_constructs: int) -> tuple[tuple[int, ...], ...]:
    """Every directed route of two or more paths, as the constructs it visits, source first.

    ``path_pairs`` are the (source, target) positions of the structural paths of an acyclic
    model. Routes are ordered by source, target, length, then the visited positions, so the order
    depends only on the model. A depth-first walk from each construct; the model is acyclic
    (checked when the spec is built), so every walk ends.
    """
    successors: list[list[int]] = [[] for _ in range(n_constructs)]
    for i, j in path_pairs:
        successors[i].append(j)
    for nexts in successors:
        nexts.sort()
    routes: list[tuple[int, ...]] = []

    def walk(route: tuple[int, ...]) -> None:
        for nxt in successors[route[-1]]:
            longer = (*route, nxt)
            if len(longer) >= 3:
                routes.append(longer)
            walk(longer)

    for start in range(n_constructs):
        walk((start,))
    return tuple(sorted(routes, key=lambda r: (r[0], r[-1], len(r), r)))


def chain_products(B: np.ndarray, chains: Sequence[tuple[int, ...]]) -> np.ndarray:
    """Products of the path coefficients along each chain, ``prod_s B[c_s, c_(s+1)]``.

    ``B`` has shape ``(..., k, k)``; the result has shape ``(..., len(chains))``.
    """
    out = np.ones((*B.shape[:-2], len(chains)))
    for m, chain in enumerate(chains):
        for a, b in zip(chain[:-1], chain[1:]):
            out[..., m] *= B[..., a, b]
    return out


def specific_indirect_rows(
    B: np.ndarray, path_pairs: Sequence[tuple[int, int]], names: Sequence[str]
) -> list[dict[str, str | float]]:
    """One record per chain of :func:`indirect_chains`: ``path`` ("A -> M1 -> M2 -> B"), ``source``,
    ``through`` ("M1, M2"), ``target`` and ``estimate`` (the product of ``B`` along the chain)."""
    chains = indirect_chains(path_pairs, len(names))
    rows: list[dict[str, str | float]] = []
    for chain, value in zip(chains, chain_products(B, chains).tolist()):
        route = [names[c] for c in chain]
        rows.append(
            {
                "path": " -> ".join(route),
                "source": route[0],
                "through": ", ".join(route[1:-1]),
                "target": route[-1],
                "estimate": value,
            }
        )
    return rows


def excludes_zero(lower: np.ndarray | float, upper: np.ndarray | float) -> np.ndarray:
    """True where the interval ``[lower, upper]`` lies wholly above or below 0 (False where undefined)."""
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.asarray((lo > 0) | (hi < 0))


def mediation_type(indirect: bool, direct: bool, same_sign: bool) -> str:
    """The type of mediation of Zhao, Lynch & Chen (2010, figure 2) for one indirect effect.

    ``indirect`` and ``direct``: whether the indirect effect (a x b) and the direct effect (c)
    are significant, i.e. their bootstrap intervals exclude 0 (a path the model does not have
    is a direct effect of exactly 0, not significant); ``same_sign``: whether a x b x c > 0.

    - both significant: ``complementary`` when a x b x c > 0, else ``competitive`` (mediation);
    - only the indirect effect: ``indirect-only`` (mediation);
    - only the direct effect: ``direct-only`` (non-mediation);
    - neither: ``no-effect`` (non-mediation).
    """
    if indirect and direct:
        return "complementary" if same_sign else "competitive"
    if indirect:
        return "indirect-only"
    return "direct-only" if direct else "no-effect"
