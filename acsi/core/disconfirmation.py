"""The disconfirmation of expectations: perceived minus expected, or perceived over expected.

The difference is the SERVQUAL gap score ``G = P - E`` (Parasuraman, Zeithaml & Berry 1988,
Journal of Retailing 64(1), 12-40); the ratio ``P / E`` is the relative form (Oliver 1980,
"A cognitive model of the antecedents and consequences of satisfaction decisions", Journal of
Marketing Research 17(4), 460-469, subtractive and ratio disconfirmation). Pure numpy.
"""

from __future__ import annotations

import numpy as np


def disconfirmation(perceived: np.ndarray, expected: np.ndarray, kind: str) -> np.ndarray:
    """``perceived - expected`` (``kind="difference"``) or ``perceived / expected`` (``"ratio"``), elementwise.

    Missing values (NaN) in either input give NaN; a ratio over an expectation of zero gives NaN.
    """
    p = np.asarray(perceived, dtype=float)
    e = np.asarray(expected, dtype=float)
    if kind == "difference":
        difference: np.ndarray = p - e
        return difference
    ratio: np.ndarray = np.where(e == 0, np.nan, p / np.where(e == 0, 1.0, e))
    return ratio
