"""Stone-Geisser Q² by blindfolding, and the choice of its omission distance."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from acsi.assessment.refit_pls import refit_pls
from acsi.errors import BlindfoldingWarning, DataError, EstimationError, ParameterError
from acsi.results import FitResult

#: Blindfolding's customary omission distance (SmartPLS; Hair et al. 2017 advise 5 to 10).
DEFAULT_OMISSION_DISTANCE = 7


def valid_omission_distance(n: int, requested: int | None = None) -> int:
    """The blindfolding omission distance D to use with ``n`` observations.

    Rule: ``2 <= D < n`` and ``n / D`` not an integer (Hair, Hult, Ringle & Sarstedt 2017,
    *A Primer on PLS-SEM*, ch. 6). The data points of a block are numbered down the first
    indicator's column, then down the next one (:func:`q_squared`); when D divides n every
    column loses the same respondents in a round, so those respondents' block is wholly replaced
    by means and the round predicts nothing but means.

    ``requested=None`` gives :data:`DEFAULT_OMISSION_DISTANCE` (7), or when n is a multiple of 7
    the nearest valid distance (8, then 6, 9, 5, ...). A requested D that breaks the rule is
    refused, naming the nearest valid distances.

    Raises
    ------
    ParameterError
        ``requested`` is not an integer from 2 to n - 1, or divides n.
    DataError
        no distance from 2 to n - 1 leaves n/D fractional.
    """

    def ok(d: int) -> bool:
        return 2 <= d < n and n % d != 0

    if requested is None:
        for step in range(n):
            for d in (DEFAULT_OMISSION_DISTANCE + step, DEFAULT_OMISSION_DISTANCE - step):
                if ok(d):
                    return d
        raise DataError(
            f"No valid blindfolding omission distance exists for n = {n} observations (need 2 <= D < n, n/D not an integer)."
        )
    if isinstance(requested, bool) or not isinstance(requested, int) or not 2 <= requested < n:
        raise ParameterError(f"omission_distance must be an integer from 2 to n - 1 = {n - 1}; got {requested!r}.")
    if n % requested == 0:
        nearby = sorted((d for d in range(2, n) if ok(d)), key=lambda d: (abs(d - requested), -d))[:2]
        raise ParameterError(
            f"Omission distance {requested} divides the number of observations n = {n} (n/D = {n // requested}), so every "
            "blindfolding round would omit the same respondents in all indicators of a block and predict only means. "
            f"Use {' or '.join(map(str, nearby))} (n/D must not be an integer; Hair et al. 2017)."
        )
    return requested


def q_squared(result: FitResult, *, omission_distance: int | None = None) -> pd.Series:
    """Stone-Geisser Q² of each endogenous construct by blindfolding (cross-validated redundancy).

    The data points of the construct's indicator block are numbered column by column (down the
    first indicator, then down the next), and in round d = 0, ..., D - 1 every D-th one (number
    ``= d mod D``) is omitted and replaced by the mean of the remaining values of its column; the
    model is re-estimated and each omitted value predicted from the construct's predecessors:
    ``x_hat = mean + sd * loading * sum_i beta_i score_i``. ``Q² = 1 - SSE / SSO``, SSO the squared
    deviations of the omitted values from their column means (Stone 1974; Geisser 1974; Tenenhaus
    et al. 2005, section 2.4; the redundancy-based Q² of SmartPLS). Threshold: Q² > 0 shows
    predictive relevance. The distance D follows :func:`valid_omission_distance` (default 7, or
    the nearest distance that does not divide n); :func:`assess` records the D used in
    :attr:`Assessment.omission_distance`. A round that leaves an indicator constant cannot be
    refitted: that construct's Q² is NaN (``null`` in JSON) with
    :class:`~acsi.errors.BlindfoldingWarning` naming the round and the indicator.

    Raises
    ------
    DataError
        ``omission_distance`` not an integer from 2 to n - 1, or a divisor of n (the message
        names the nearest valid distances).
    NotImplementedError
        For fits other than PLS.
    """
    X = np.asarray(result.indicator_values, dtype=float)
    n = X.shape[0]
    distance = valid_omission_distance(n, omission_distance)
    names = list(result.constructs)
    out = {}
    for target in result.spec.endogenous:
        j = names.index(target)
        columns = np.flatnonzero(result.block == j)
        predictors = [names.index(p) for p in result.spec.predecessors(target)]
        cell = (np.arange(columns.size)[None, :] * n + np.arange(n)[:, None]) % distance
        sse = sso = 0.0
        for d in range(distance):
            omit = cell == d
            modified = X.copy()
            block = modified[:, columns]
            kept_mean = np.array([block[~omit[:, c], c].mean() for c in range(columns.size)])
            block[omit] = np.broadcast_to(kept_mean, block.shape)[omit]
            modified[:, columns] = block
            try:
                refit = refit_pls(result, modified, f"Blindfolding round {d + 1} of {distance} for '{target}'")
            except EstimationError as err:
                warnings.warn(f"{err} Q² of '{target}' is not reported.", BlindfoldingWarning, stacklevel=2)
                sse = math.nan
                break
            scores = refit.score_matrix
            predicted_score = scores[:, predictors] @ refit.path_matrix[predictors, j]
            sd = block.std(axis=0, ddof=1)
            loading = refit.loading_vector[columns]
            predicted = kept_mean + sd * loading * (predicted_score[:, None] / scores[:, j].std(ddof=1))
            actual = X[:, columns]
            sse += float(((actual - predicted)[omit] ** 2).sum())
            sso += float(((actual - kept_mean)[omit] ** 2).sum())
        out[target] = 1.0 - sse / sso if math.isfinite(sse) else math.nan
    return pd.Series(out, name="q_squared").rename_axis("construct")
