"""Which statistics a bootstrap collects, in what order: weights, loadings, paths, R², indirect and total effects, indices,
specific indirect effects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from acsi.core.mediation import chain_products, indirect_chains
from acsi.results import FitResult

#: Statistics whose sign follows the orientation of the constructs (flipped by ``sign_change="individual"``).
SIGNED_KINDS = frozenset({"weights", "loadings", "paths", "indirect", "total", "specific_indirect"})


@dataclass(frozen=True)
class StatisticLayout:
    """Which statistics a bootstrap collects, in what order."""

    kinds: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]
    n_constructs: int
    path_pairs: tuple[tuple[int, int], ...]
    endogenous: tuple[int, ...]
    effect_pairs: tuple[tuple[int, int], ...]
    index_constructs: tuple[str, ...]
    chains: tuple[tuple[int, ...], ...] = ()

    @classmethod
    def of(cls, result: FitResult) -> StatisticLayout:
        kinds: list[str] = []
        keys: list[tuple[str, ...]] = []
        for kind in ("weights", "loadings"):
            for j, indicator in enumerate(result.indicators):
                kinds.append(kind)
                keys.append((result.constructs[result.block[j]], indicator))
        position = {name: j for j, name in enumerate(result.constructs)}
        path_pairs = tuple((position[p.source], position[p.target]) for p in result.spec.paths)
        for path in result.spec.paths:
            kinds.append("paths")
            keys.append((path.key,))
        endogenous = tuple(position[name] for name in result.spec.endogenous)
        for j in endogenous:
            kinds.append("r_squared")
            keys.append((result.constructs[j],))
        effects = result.effects
        effect_pairs = tuple((position[s], position[t]) for s, t in zip(effects.source, effects.target))
        for kind in ("indirect", "total"):
            for key in effects.index:
                kinds.append(kind)
                keys.append((key,))
        index_constructs = result.index.constructs if result.index is not None else ()
        for name in index_constructs:
            kinds.append("index")
            keys.append((name,))
        chains = indirect_chains(path_pairs, len(result.constructs))
        for chain in chains:
            kinds.append("specific_indirect")
            keys.append((" -> ".join(result.constructs[c] for c in chain),))
        return cls(
            tuple(kinds),
            tuple(keys),
            len(result.constructs),
            path_pairs,
            endogenous,
            effect_pairs,
            tuple(index_constructs),
            chains,
        )

    @property
    def size(self) -> int:
        return len(self.kinds)

    @cached_property
    def structural_zero(self) -> np.ndarray:
        """Indirect effects of pairs with no route of two or more paths: exactly 0 by construction."""
        k = self.n_constructs
        adjacency = np.zeros((k, k))
        for i, j in self.path_pairs:
            adjacency[i, j] = 1.0
        longer = np.zeros((k, k))
        power = adjacency.copy()
        for _ in range(k):
            power = power @ adjacency
            longer += power
        zero = [longer[i, j] == 0 for i, j in self.effect_pairs]
        mask = np.zeros(self.size, dtype=bool)
        start = self.kinds.index("indirect") if "indirect" in self.kinds else 0
        mask[start : start + len(zero)] = zero
        return mask

    @cached_property
    def signed(self) -> np.ndarray:
        return np.array([kind in SIGNED_KINDS for kind in self.kinds])

    def assemble(
        self,
        weights: np.ndarray,
        loadings: np.ndarray,
        paths: np.ndarray,
        r_squared: np.ndarray,
        total: np.ndarray,
        index: np.ndarray,
    ) -> np.ndarray:
        """Stack estimates with leading shape (B,) into rows of length :attr:`size`.

        The specific indirect effects are the products of ``paths`` along :attr:`chains`
        (:func:`acsi.core.mediation.chain_products`), so every resample carries its own.
        """
        pi, pj = (np.array(a, dtype=int) for a in zip(*self.path_pairs)) if self.path_pairs else (np.zeros(0, int),) * 2
        ei, ej = (np.array(a, dtype=int) for a in zip(*self.effect_pairs)) if self.effect_pairs else (np.zeros(0, int),) * 2
        direct = paths[..., ei, ej]
        tot = total[..., ei, ej]
        out = np.concatenate(
            [
                weights,
                loadings,
                paths[..., pi, pj],
                r_squared[..., list(self.endogenous)],
                tot - direct,
                tot,
                index,
                chain_products(paths, self.chains),
            ],
            axis=-1,
        )
        out[..., self.structural_zero] = 0.0
        return out

    def from_result(self, result: FitResult) -> np.ndarray:
        """The statistics of one fit (any estimator's FitResult), shape (size,)."""
        if result.index is not None:
            values = dict(zip(result.index.constructs, result.index.values))
            index = np.array([values.get(name, np.nan) for name in self.index_constructs], dtype=float)
        else:
            index = np.full(len(self.index_constructs), np.nan)
        return self.assemble(
            np.asarray(result.outer_weights, dtype=float),
            np.asarray(result.loading_vector, dtype=float),
            np.asarray(result.path_matrix, dtype=float),
            np.asarray(result.r_squared_vector, dtype=float),
            np.asarray(result.total_effect_matrix, dtype=float),
            index,
        )
