"""Multiple-testing corrections and Henseler's PLS-MGA probability (pure numpy).

* Holm (1979) step-down adjusted p-values (family-wise error rate);
* Benjamini & Hochberg (1995) adjusted p-values (false discovery rate);
* Henseler, Ringle & Sinkovics (2009) bootstrap probability that one group's parameter
  does not exceed another's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _adjusted(p: np.ndarray, step: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    """Apply ``step(ascending p-values, m)`` to the non-NaN entries of ``p``; NaN entries stay NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if ok.size:
        order = ok[np.argsort(p[ok], kind="stable")]
        out[order] = step(p[order], ok.size)
    return out


def holm(p: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (family-wise error); NaN entries are left out.

    ``p_(i)`` sorted ascending over the m tests: ``adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))``.
    """
    return _adjusted(p, lambda ascending, m: np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ascending)))


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (false discovery rate); NaN entries are left out.

    ``adj_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the ascending p-values.
    """

    def step(ascending: np.ndarray, m: int) -> np.ndarray:
        scaled = np.minimum(1.0, m * ascending / np.arange(1, m + 1))
        return np.minimum.accumulate(scaled[::-1])[::-1]

    return _adjusted(p, step)


def henseler_p(draws_a: np.ndarray, draws_b: np.ndarray) -> np.ndarray:
    """Henseler's PLS-MGA probability that theta_a <= theta_b, per column.

    With J bootstrap draws of each group (rows) and their means,
    ``P = 1 - sum_j sum_i Theta(2 mean_a - a_j - 2 mean_b + b_i) / J^2``, Theta the unit step
    (Henseler, Ringle & Sinkovics 2009, "The use of partial least squares path modeling in
    international marketing", *Advances in International Marketing* 20, 277-319). Small
    values support theta_a > theta_b. NaN draws are ignored; columns without draws give NaN.
    Counted in O(J log J) by sorting instead of the J^2 pairs.
    """
    a = np.atleast_2d(np.asarray(draws_a, dtype=float).T).T
    b = np.atleast_2d(np.asarray(draws_b, dtype=float).T).T
    out = np.full(a.shape[1], np.nan)
    for c in range(a.shape[1]):
        x = a[:, c][~np.isnan(a[:, c])]
        y = b[:, c][~np.isnan(b[:, c])]
        if not x.size or not y.size:
            continue
        reflected_a = 2.0 * x.mean() - x  # Theta(.) = 1  <=>  2 mean_a - a_j > 2 mean_b - b_i
        reflected_b = np.sort(2.0 * y.mean() - y)
        below = np.searchsorted(reflected_b, reflected_a, side="left").sum()
        out[c] = 1.0 - below / (x.size * y.size)
    return out
