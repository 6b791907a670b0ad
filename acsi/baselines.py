"""Index baselines from customer-satisfaction practice, to set beside the model-based index.

Each baseline turns a spec and survey data into 0-100 construct indices on the same
theoretical scales as :mod:`acsi.index`, without estimating a structural model:

* :func:`equal_weight_index` – the item mean of each block (every indicator counts the same);
* :func:`principal_component_index` – weights from the first principal component of each
  block's indicator correlation matrix (converted to raw-scale weights as Fornell's index);
* :func:`fuzzy_index` – fuzzy comprehensive evaluation: the membership of each rating level
  per indicator, combined within a block and, with block weights from an analytic
  hierarchy process (AHP) pairwise-comparison matrix, across blocks (:func:`ahp_weights`).

What a structural model adds is then visible as the difference between these and the PLS
(or PLSc, GSCA, CB-SEM) index of the same data.

References: Fornell et al. (1996) for the 0-100 mapping; Saaty, T. L. (1980), *The Analytic
Hierarchy Process*, McGraw-Hill (eigenvector weights, consistency index and ratio); Zadeh,
L. A. (1965), Fuzzy sets, *Information and Control* 8, 338-353, and the fuzzy comprehensive
evaluation of satisfaction surveys (weighted-average operator M(., +) and Zadeh's M(min, max)).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from acsi.core.index import index_values
from acsi.core.moments import correlation, mean_and_covariance
from acsi.data import IndicatorData, MissingPolicy, prepare
from acsi.errors import DataError, InconsistentJudgementWarning, ParameterError, SpecError
from acsi.index import normalised_index_weights
from acsi.spec.model import ModelSpec, Scale

#: Saaty's random consistency index by matrix order (1-10).
RANDOM_INDEX: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
#: Saaty's threshold: a consistency ratio above 0.1 calls for revising the judgements.
CONSISTENCY_LIMIT = 0.1


@dataclass(frozen=True)
class BaselineIndex:
    """0-100 construct indices of a baseline method.

    Attributes
    ----------
    method : str
        ``"equal"``, ``"pca"`` or ``"fuzzy"``.
    index : mapping construct -> float
    weights : pandas.Series
        Normalised indicator weights indexed by (construct, indicator).
    overall : float or None
        Fuzzy evaluation: the overall 0-100 index across constructs (AHP block weights).
    block_weights : mapping construct -> float or None
        Fuzzy evaluation: the AHP weights of the constructs.
    consistency_ratio : float or None
        Fuzzy evaluation with an AHP matrix: Saaty's consistency ratio.
    memberships : pandas.DataFrame or None
        Fuzzy evaluation: membership of every rating level (columns) per construct (rows).
    """

    method: str
    index: Mapping[str, float]
    weights: pd.Series
    overall: float | None = None
    block_weights: Mapping[str, float] | None = None
    consistency_ratio: float | None = None
    memberships: pd.DataFrame | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """JSON-ready: ``method``, ``index``, and for the fuzzy evaluation ``overall``,
        ``block_weights``, ``consistency_ratio``."""
        out: dict = {"method": self.method, "index": {k: float(v) for k, v in self.index.items()}}
        if self.overall is not None:
            out["overall"] = float(self.overall)
        if self.block_weights is not None:
            out["block_weights"] = {k: float(v) for k, v in self.block_weights.items()}
        if self.consistency_ratio is not None:
            out["consistency_ratio"] = float(self.consistency_ratio)
        return out


def _prepared(spec: ModelSpec, data, scale, missing) -> IndicatorData:
    if not isinstance(data, IndicatorData):
        data = prepare(spec, data, scale=scale, missing=missing)
    unscaled = [i for i in data.indicators if i not in data.scales]
    if unscaled:
        raise DataError(
            f"A 0-100 index needs the theoretical scale of every indicator; '{unscaled[0]}' has none. "
            "Give scales in the spec or pass scale=(min, max)."
        )
    return data


def _block(spec: ModelSpec, data: IndicatorData) -> np.ndarray:
    names = spec.construct_names
    owner = {i: names.index(c.name) for c in spec.constructs for i in c.indicators}
    return np.array([owner[i] for i in data.indicators])


def _result(method: str, spec: ModelSpec, data: IndicatorData, weights: np.ndarray, **extra) -> BaselineIndex:
    block = _block(spec, data)
    lower = np.array([data.scales[i].min for i in data.indicators])
    upper = np.array([data.scales[i].max for i in data.indicators])
    values = index_values(weights, data.values.mean(axis=0), lower, upper, block, len(spec.construct_names))
    names = spec.construct_names
    series = pd.Series(
        weights,
        index=pd.MultiIndex.from_arrays([[names[b] for b in block], list(data.indicators)], names=["construct", "indicator"]),
        name="weight",
    )
    return BaselineIndex(method=method, index={n: float(v) for n, v in zip(names, values)}, weights=series, **extra)


def equal_weight_index(
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> BaselineIndex:
    """Item-mean index: ``100 * mean_i (mean(x_i) - min_i) / (max_i - min_i)`` per block.

    Examples
    --------
    >>> import pandas as pd
    >>> from acsi.spec.model import Construct, ModelSpec
    >>> spec = ModelSpec(constructs=(Construct("SAT", ("s1", "s2")),))
    >>> equal_weight_index(spec, pd.DataFrame({"s1": [1, 10], "s2": [10, 10]}), scale=(1, 10)).index
    {'SAT': 75.0}
    """
    data = _prepared(spec, data, scale, missing)
    block = _block(spec, data)
    counts = np.bincount(block)
    return _result("equal", spec, data, 1.0 / counts[block])


def principal_component_index(
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> BaselineIndex:
    """Index with the first principal component of each block as weights.

    The leading eigenvector ``v`` of the block's indicator correlation matrix (oriented to a
    positive sum) gives standardised weights; as for Fornell's index they are divided by
    the indicator standard deviations and normalised to sum to one.

    Warns
    -----
    NegativeWeightWarning
        An indicator loads negatively on its block's first component.
    """
    data = _prepared(spec, data, scale, missing)
    block = _block(spec, data)
    _, covariance = mean_and_covariance(data.values)
    S = correlation(covariance)
    standardized = np.zeros(len(block))
    for b in range(len(spec.construct_names)):
        idx = np.flatnonzero(block == b)
        _, vectors = np.linalg.eigh(S[np.ix_(idx, idx)])
        v = vectors[:, -1]
        standardized[idx] = v if v.sum() >= 0 else -v
    sd = np.sqrt(np.diag(covariance))
    weights = normalised_index_weights(
        standardized, sd, block, "fornell", construct_names=spec.construct_names, indicator_names=data.indicators
    )
    return _result("pca", spec, data, weights)


def ahp_weights(matrix: Sequence[Sequence[float]] | np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and consistency ratio of an AHP pairwise-comparison matrix (Saaty 1980).

    Parameters
    ----------
    matrix : (m, m) array
        Positive and reciprocal: ``a_ij`` says how much more important i is than j
        (1-9 scale), ``a_ji = 1 / a_ij``, ``a_ii = 1``.

    Returns
    -------
    weights : ndarray, shape (m,)
        The principal right eigenvector, normalised to sum to one.
    consistency_ratio : float
        ``CR = CI / RI`` with ``CI = (lambda_max - m) / (m - 1)`` and RI Saaty's random
        index; 0 for m <= 2 (always consistent).

    Raises
    ------
    SpecError
        The matrix is not square, positive and reciprocal.

    Warns
    -----
    InconsistentJudgementWarning
        CR > 0.1.

    Examples
    --------
    >>> w, cr = ahp_weights([[1, 3], [1 / 3, 1]])
    >>> [round(float(x), 4) for x in w], cr
    ([0.75, 0.25], 0.0)
    """
    A = np.asarray(matrix, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or not (A > 0).all() or not np.allclose(A * A.T, 1.0, rtol=1e-9, atol=0):
        raise SpecError(
            "An AHP pairwise-comparison matrix must be square with positive entries and reciprocal "
            f"(a_ji = 1 / a_ij, unit diagonal); got {A.tolist()!r}.",
            culprit="ahp",
        )
    m = A.shape[0]
    values, vectors = np.linalg.eig(A)
    lead = int(np.argmax(values.real))
    weights = np.abs(vectors[:, lead].real)
    weights = weights / weights.sum()
    if m <= 2:
        return weights, 0.0
    ci = (values[lead].real - m) / (m - 1)
    ri = RANDOM_INDEX[min(m, len(RANDOM_INDEX)) - 1]
    cr = float(max(ci, 0.0) / ri)
    if cr > CONSISTENCY_LIMIT:
        warnings.warn(
            f"The AHP pairwise-comparison matrix has consistency ratio {cr:.3f} > {CONSISTENCY_LIMIT}: its "
            "judgements contradict each other. Revise the comparisons.",
            InconsistentJudgementWarning,
            stacklevel=2,
        )
    return weights, cr


def fuzzy_index(
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    *,
    pairwise: Sequence[Sequence[float]] | np.ndarray | None = None,
    operator: Literal["weighted_average", "max_min"] = "weighted_average",
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> BaselineIndex:
    """Fuzzy comprehensive evaluation of each construct and of all constructs together.

    For indicator i the *membership* ``r_il`` of rating level l is the share of
    respondents answering l; a block's evaluation vector is ``b = a o R`` with equal indicator
    weights ``a`` and the operator ``o``: ``weighted_average`` (M(., +), ``b_l = sum_i a_i r_il``)
    or Zadeh's ``max_min`` (M(min, max), ``b_l = max_i min(a_i, r_il)``, then normalised to sum
    to one). Levels score ``100 (l - min) / (max - min)``; a construct's index is the
    membership-weighted level score. The overall evaluation combines the blocks' membership
    vectors with the AHP weights of ``pairwise`` (equal weights when None) by the same
    operator. With ``weighted_average`` each construct's index equals the item-mean index.

    Parameters
    ----------
    pairwise : (k, k) array, optional
        AHP pairwise comparisons of the constructs, in spec order.
    operator : {"weighted_average", "max_min"}

    Raises
    ------
    DataError
        Ratings that are not integers on the scale (membership needs discrete levels), or
        indicators of one block on different scales.
    SpecError
        A malformed pairwise matrix or one of the wrong order.
    """
    if operator not in ("weighted_average", "max_min"):
        raise ParameterError(f"Unknown operator {operator!r}; expected 'weighted_average' or 'max_min'.")
    data = _prepared(spec, data, scale, missing)
    X = data.values
    if not np.allclose(X, np.round(X)):
        raise DataError("Fuzzy evaluation needs discrete ratings (integer levels); the data hold non-integer values.")
    block = _block(spec, data)
    names = spec.construct_names
    k = len(names)
    bounds = {(data.scales[i].min, data.scales[i].max) for i in data.indicators}
    if len(bounds) != 1:
        raise DataError(f"Fuzzy evaluation needs one rating scale for all indicators; found {sorted(bounds)}.")
    low, high = bounds.pop()
    levels = np.arange(int(low), int(high) + 1)
    level_scores = 100.0 * (levels - low) / (high - low)
    R = np.stack([(X == level).mean(axis=0) for level in levels], axis=1)  # (p, L) memberships

    def combine(a: np.ndarray, M: np.ndarray) -> np.ndarray:
        if operator == "weighted_average":
            return a @ M
        b = np.max(np.minimum(a[:, None], M), axis=0)
        return b / b.sum()

    memberships = np.zeros((k, levels.size))
    weights = np.zeros(len(block))
    for b in range(k):
        idx = np.flatnonzero(block == b)
        a = np.full(idx.size, 1.0 / idx.size)
        weights[idx] = a
        memberships[b] = combine(a, R[idx])
    index = memberships @ level_scores
    if pairwise is None:
        block_w, cr = np.full(k, 1.0 / k), None
    else:
        matrix = np.asarray(pairwise, dtype=float)
        if matrix.shape != (k, k):
            raise SpecError(
                f"The AHP matrix must be {k} x {k} (one row per construct: {', '.join(names)}); got shape {matrix.shape}.",
                culprit="ahp",
            )
        block_w, cr = ahp_weights(matrix)
    overall = float(combine(block_w, memberships) @ level_scores)
    series = pd.Series(
        weights,
        index=pd.MultiIndex.from_arrays([[names[b] for b in block], list(data.indicators)], names=["construct", "indicator"]),
        name="weight",
    )
    return BaselineIndex(
        method="fuzzy",
        index={n: float(v) for n, v in zip(names, index)},
        weights=series,
        overall=overall,
        block_weights={n: float(w) for n, w in zip(names, block_w)},
        consistency_ratio=cr,
        memberships=pd.DataFrame(memberships, index=list(names), columns=[int(v) for v in levels]),
    )
