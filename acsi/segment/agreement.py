"""Agreement of two partitions: the adjusted Rand index (Hubert & Arabie 1985).

With n_ij the contingency counts of the two labelings, a_i and b_j their row and column sums,

    index    = sum_ij C(n_ij, 2)
    expected = sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2)
    maximum  = (sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2
    ARI      = (index - expected) / (maximum - expected),

1 for identical partitions (whatever the labels), about 0 for independent ones. When both
partitions put everyone in one group (or each in their own), the denominator is 0 and the
ARI is defined as 1.

Reference: Hubert, L. & Arabie, P. (1985), Comparing partitions, *Journal of Classification*
2, 193-218.
"""

from __future__ import annotations

import numpy as np

from acsi.errors import ParameterError


def _pairs(counts: np.ndarray) -> float:
    return float(np.sum(counts * (counts - 1)) / 2.0)


def adjusted_rand_index(labels_a: np.ndarray, labels_b: np.ndarray) -> float:
    """The adjusted Rand index of two labelings of the same n objects (any hashable labels)."""
    a = np.asarray(labels_a)
    b = np.asarray(labels_b)
    if a.shape != b.shape or a.ndim != 1:
        raise ParameterError(f"Two labelings of the same objects expected; got shapes {a.shape} and {b.shape}.")
    _, row = np.unique(a, return_inverse=True)
    _, col = np.unique(b, return_inverse=True)
    table = np.zeros((row.max() + 1, col.max() + 1))
    np.add.at(table, (row, col), 1.0)
    index = _pairs(table)
    rows, cols = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    expected = rows * cols / _pairs(np.array([float(a.size)]))
    maximum = (rows + cols) / 2.0
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))
