"""Refitting a PLS result on other indicator values (blindfolding rounds, PLSpredict folds) with the estimator it keeps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from acsi.errors import EstimationError, ParameterError
from acsi.results import FitResult


def refit_pls(result: FitResult, values: np.ndarray, what: str, methods: tuple[str, ...] = ("pls",)) -> FitResult:
    """Refit ``result``'s model on other indicator values with the estimator it keeps (``result.estimator``).

    ``methods`` are the estimators the caller's predictions are built for (blindfolding: PLS;
    PLSpredict: PLS and PLSc, both scoring constructs as PLS composites).

    The values come without scales, so the refit computes no index.

    Raises
    ------
    EstimationError
        An indicator is constant in ``values`` (``what`` says which blindfolding round or
        PLSpredict fold made it so): it cannot be standardised.
    NotImplementedError
        A fit of a method not in ``methods`` (the predictions use PLS composite scores).
    ParameterError
        A result that does not carry its estimator.
    """
    from acsi.data import IndicatorData

    constant = np.flatnonzero(values.min(axis=0) == values.max(axis=0))
    if constant.size:
        listed = ", ".join(f"'{result.indicators[i]}' ({result.constructs[result.block[i]]})" for i in constant)
        raise EstimationError(
            f"{what} leaves indicator(s) {listed} constant, so the model cannot be refitted: the indicator has "
            "(almost) no variation in the data."
        )

    if result.method not in methods:
        raise NotImplementedError(
            f"The refit for {what} is implemented for method {' or '.join(map(repr, methods))} only (the predictions "
            f"use PLS composite scores); got method={result.method!r}."
        )
    if result.estimator is None:
        raise ParameterError(
            "Blindfolding and PLSpredict refit the model with the estimator that produced the result, and this "
            "result does not carry one (result.estimator is None); fit it with acsi.fit or an estimator's fit."
        )
    values = np.ascontiguousarray(values, dtype=float)
    values.setflags(write=False)
    data = IndicatorData(values=values, indicators=result.indicators, row_labels=pd.RangeIndex(values.shape[0]))
    return result.estimator.fit(result.spec, data)
