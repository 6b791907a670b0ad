"""Ordinal indicators: which indicators are ordinal, and the indicator moments built on their polychoric correlations.

An estimator with an ``ordinal`` setting (PLS, PLSc, CB-SEM) treats some indicators as
ordered categories of an underlying standard normal variable:

- ``"declared"`` (default): the indicators of the spec's ``ordinal`` list;
- ``"auto"``: those plus every indicator whose values are all integers with at most
  :data:`MAX_AUTO_LEVELS` distinct levels (5- and 7-point items; 10-point items stay interval);
- ``"none"``: no indicator is ordinal (Pearson correlations, the spec's list ignored).

The estimator's correlation matrix is then :func:`acsi.core.polychoric.mixed_correlation`
(polychoric between ordinal indicators, polyserial between an ordinal and a continuous one,
Pearson otherwise), handed to the method as the covariance ``D R D`` with ``D`` the raw
standard deviations. PLS and PLSc use only its correlations: this is OrdPLS / OrdPLSc
(Schuberth, Henseler & Dijkstra 2018; cSEM's ``.approach_cor_robust = "none"`` with ordered
indicators). CB-SEM fits the model to the correlation matrix itself (delta parametrisation):
``objective="DWLS"`` with WLSMV's weights (:func:`polychoric_moments`) or ``"ULS"``, lavaan's
``"WLSMV"`` / ``"ULSMV"`` point estimates. The mean and the standard deviations stay those of the raw answers, so construct
scores are the outer weights applied to the standardised raw answers and the 0-100 index
``100 sum_j w_j (mean_j - min_j) / sum_j w_j (max_j - min_j)`` stays on the items' own answer
scale (the weights change, not the means the index averages).

References
----------
Schuberth, F., Henseler, J., & Dijkstra, T. K. (2018). Partial least squares path modeling
using ordinal categorical indicators. *Quality & Quantity* 52(1), 9-35.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from acsi import notices
from acsi.errors import OrdinalCorrelationWarning, ParameterError

if TYPE_CHECKING:
    from acsi.data import IndicatorData
    from acsi.spec.model import ModelSpec

OrdinalMode = Literal["none", "auto", "declared"]
#: The values of the ``ordinal`` setting and of ``--ordinal``.
ORDINAL_MODES: tuple[str, ...] = ("declared", "auto", "none")
#: ``ordinal="auto"`` takes an integer-valued indicator with at most this many levels as ordinal.
MAX_AUTO_LEVELS = 7


def may_use_ordinal(estimator: object, spec: ModelSpec) -> bool:
    """Whether ``estimator`` may treat some indicator of ``spec`` as ordinal (then no batched Pearson kernel applies)."""
    mode = getattr(estimator, "ordinal", "none")
    return mode == "auto" or (mode == "declared" and bool(spec.ordinal))


def ordinal_indicators(spec: ModelSpec, data: IndicatorData, mode: str) -> tuple[str, ...]:
    """The indicators treated as ordinal under ``mode`` (module docstring), in the data's order."""
    if mode == "none":
        return ()
    declared = set(spec.ordinal)
    if mode == "auto":
        for j, name in enumerate(data.indicators):
            column = data.values[:, j]
            if np.all(np.isfinite(column)) and np.all(column == np.round(column)) and np.unique(column).size <= MAX_AUTO_LEVELS:
                declared.add(name)
    return tuple(name for name in data.indicators if name in declared)


def ordinal_covariance(
    spec: ModelSpec, data: IndicatorData, covariance: np.ndarray, mode: str, method: str
) -> tuple[np.ndarray, tuple[str, ...], list[str]]:
    """The covariance ``D R D`` on the mixed correlations ``R``, the ordinal indicators and the warning messages.

    Returns ``covariance`` unchanged (and no indicator) when no indicator is ordinal.

    Raises
    ------
    ParameterError
        Ordinal indicators with pairwise / EM moments, mean imputation or case weights.

    Warns
    -----
    OrdinalCorrelationWarning
        A pair's search did not converge or ended at +-1, a level inside an integer item's
        range was never chosen, or the correlation matrix is not positive definite.
    """
    from acsi.core.polychoric import mixed_correlation

    names = ordinal_indicators(spec, data, mode)
    if not names:
        return covariance, (), []
    _check_data(data, names, method)
    mask = np.array([name in names for name in data.indicators])
    result = mixed_correlation(data.values, mask)
    messages = _empty_levels(data, result.levels) + _pair_problems(data.indicators, result.converged, result.boundary)
    smallest = float(np.linalg.eigvalsh(result.matrix)[0])
    if smallest <= 0:
        messages.append(
            f"The matrix of polychoric / polyserial / Pearson correlations is not positive definite (smallest "
            f"eigenvalue {smallest:.3g}); the estimates rest on an inconsistent set of correlations."
        )
    for message in messages:
        notices.issue(message, OrdinalCorrelationWarning, stacklevel=4)
    sd = np.sqrt(np.diag(covariance))
    return result.matrix * np.outer(sd, sd), names, messages


def polychoric_moments(data: IndicatorData, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WLSMV's weights (p, p) and Gamma (P, P) of all-ordinal ``data`` with polychoric correlations ``R``.

    Gamma (:func:`acsi.core.polychoric.polychoric_gamma`) is over the P = p(p-1)/2 correlations
    above the diagonal, row by row; the weights are ``1 / Gamma_pp`` off the diagonal and 1 on it
    (a correlation's diagonal is fitted exactly by the free residual variances, whatever its weight).
    """
    from acsi.core.polychoric import category_codes, polychoric_gamma

    codes = np.column_stack([category_codes(data.values[:, j])[0] for j in range(data.values.shape[1])])
    rows, cols = np.triu_indices(codes.shape[1], 1)
    gamma = polychoric_gamma(codes, np.column_stack([rows, cols]), R[rows, cols])
    weights = np.ones_like(R)
    weights[rows, cols] = weights[cols, rows] = 1 / np.diag(gamma)
    return weights, gamma


def _check_data(data: IndicatorData, names: tuple[str, ...], method: str) -> None:
    """Refuse what the two-step correlations cannot use: estimated moments, imputed means, case weights.

    (A constant indicator never gets here: :func:`acsi.data.prepare` and the refits refuse it.)
    """
    listed = ", ".join(f"'{n}'" for n in names[:5]) + (" ..." if len(names) > 5 else "")
    if data.moments is not None or data.missing == "mean":
        raise ParameterError(
            f"Ordinal indicators ({listed}) need complete answers: missing={data.missing!r} gives estimated moments or "
            "imputed values that are not categories. Use missing='listwise', or ordinal='none' to treat them as interval."
        )
    if data.case_weights is not None:
        raise ParameterError(
            f"method={method!r} with ordinal indicators ({listed}) cannot take case weights (the polychoric "
            "correlations are unweighted); drop the weights or use ordinal='none'."
        )


def _empty_levels(data: IndicatorData, levels: dict[int, np.ndarray]) -> list[str]:
    """Messages for integer levels inside an ordinal item's observed range that nobody chose."""
    messages = []
    for j, observed in levels.items():
        if np.all(observed == np.round(observed)):
            gaps = sorted(set(range(int(observed[0]), int(observed[-1]) + 1)) - set(observed.astype(int).tolist()))
            if gaps:
                messages.append(
                    f"Ordinal indicator '{data.indicators[j]}': level(s) {', '.join(map(str, gaps))} never chosen; the "
                    "thresholds merge them with their neighbours (only observed levels are categories)."
                )
    return messages


def _pair_problems(indicators: tuple[str, ...], converged: np.ndarray, boundary: np.ndarray) -> list[str]:
    """Messages for the pairs whose correlation did not converge or ended at +-1."""
    messages = []
    for i, j in zip(*np.nonzero(np.triu(boundary, 1))):
        messages.append(
            f"The polychoric/polyserial correlation of '{indicators[i]}' and '{indicators[j]}' ends at the boundary "
            "(+-1): their answers are (almost) perfectly ordered together. Merge sparse categories or drop one item."
        )
    for i, j in zip(*np.nonzero(np.triu(~converged & ~boundary, 1))):
        messages.append(
            f"The polychoric/polyserial correlation of '{indicators[i]}' and '{indicators[j]}' did not converge; "
            "it is unreliable."
        )
    return messages
