"""Discriminant validity: HTMT and HTMT2 of every pair of constructs, and the Fornell-Larcker matrix."""

from __future__ import annotations

import math

import numpy as np

#: HTMT variants: ``"absolute"`` averages absolute indicator correlations (seminr ``HTMT()``
#: takes ``abs(cor(...))``; cSEM ``calculateHTMT(.absolute = TRUE)`` and semTools ``htmt(absolute
#: = TRUE)`` by default), ``"signed"`` the correlations as they are (Henseler et al. 2015).
HTMT_VARIANTS: tuple[str, ...] = ("absolute", "signed")


def htmt(S: np.ndarray, blocks: list[np.ndarray], geometric: bool, absolute: bool = True) -> np.ndarray:
    """HTMT (Henseler, Ringle & Sarstedt 2015) or HTMT2 (Roemer, Schuberth & Henseler 2021).

    HTMT_ij = mean heterotrait correlation / sqrt(mean monotrait_i x mean monotrait_j), means
    arithmetic (HTMT) or geometric (HTMT2, defined for positive correlations only), of the
    absolute correlations ``|r|`` when ``absolute`` (the default of seminr and cSEM: a
    reverse-coded item then does not cancel its block's correlations) or of the signed ones.
    """
    k = len(blocks)
    if absolute:
        S = np.abs(S)

    def average(values: np.ndarray) -> float:
        if values.size == 0:
            return math.nan
        if geometric:
            return float(np.exp(np.log(values).mean())) if (values > 0).all() else math.nan
        return float(values.mean())

    mono = []
    for idx in blocks:
        within = S[np.ix_(idx, idx)]
        mono.append(average(within[np.triu_indices(idx.size, 1)]))
    out = np.full((k, k), math.nan)
    for a in range(k):
        for b in range(k):
            if a != b:
                hetero = average(S[np.ix_(blocks[a], blocks[b])].ravel())
                out[a, b] = hetero / math.sqrt(mono[a] * mono[b]) if mono[a] > 0 and mono[b] > 0 else math.nan
    return out


def fornell_larcker(R: np.ndarray, ave: list[float]) -> np.ndarray:
    """The construct correlations with sqrt(AVE) on the diagonal (Fornell & Larcker 1981: each diagonal
    value should exceed the correlations in its row)."""
    out = R.copy()
    np.fill_diagonal(out, np.sqrt(ave))
    return out
