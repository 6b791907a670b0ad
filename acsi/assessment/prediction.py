"""PLSpredict: k-fold out-of-sample predictions of the endogenous indicators, against the linear-model benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from acsi.assessment.refit_pls import refit_pls
from acsi.errors import ParameterError
from acsi.results import FitResult


@dataclass(frozen=True)
class Predictions:
    """Out-of-sample predictions of the endogenous indicators by k-fold cross-validation (one fold assignment).

    ``actual``, ``pls``, ``lm`` and ``naive`` (the training mean, the indicator-average
    benchmark) have shape (n, t) over the ``targets`` (positions of the endogenous indicators).
    """

    targets: np.ndarray
    actual: np.ndarray
    pls: np.ndarray
    lm: np.ndarray
    naive: np.ndarray


def pls_predictions(result: FitResult, *, folds: int = 10, seed: int | np.random.SeedSequence | None = 0) -> Predictions:
    """The per-respondent predictions behind :func:`pls_predict` (see there); also used by CVPAT."""
    X = np.asarray(result.indicator_values, dtype=float)
    n = X.shape[0]
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= n // 2:
        raise ParameterError(f"folds must be an integer from 2 to n/2 = {n // 2}; got {folds!r}.")
    names = list(result.constructs)
    endogenous = [names.index(t) for t in result.spec.endogenous]
    exogenous = [j for j in range(len(names)) if j not in endogenous]
    targets = np.flatnonzero(np.isin(result.block, endogenous))
    sources = np.flatnonzero(np.isin(result.block, exogenous))
    fold = np.random.default_rng(seed).permutation(n) % folds
    pls_pred = np.empty((n, targets.size))
    lm_pred = np.empty((n, targets.size))
    naive = np.empty((n, targets.size))
    for f in range(folds):
        train, test = fold != f, fold == f
        fitted = refit_pls(result, X[train], f"PLSpredict training fold {f + 1} of {folds}")
        total = fitted.total_effect_matrix
        train_scores = fitted.score_matrix
        test_scores = X[test] @ fitted.score_weights - fitted.score_offset
        predicted_scores = test_scores[:, exogenous] @ total[exogenous][:, endogenous]
        column = {j: c for c, j in enumerate(endogenous)}
        for t, i in enumerate(targets):
            s = train_scores[:, result.block[i]]
            slope = np.cov(X[train, i], s)[0, 1] / s.var(ddof=1)
            intercept = X[train, i].mean() - slope * s.mean()
            pls_pred[test, t] = intercept + slope * predicted_scores[:, column[result.block[i]]]
        design = np.column_stack([np.ones(train.sum()), X[train][:, sources]])
        beta, *_ = np.linalg.lstsq(design, X[train][:, targets], rcond=None)
        lm_pred[test] = np.column_stack([np.ones(test.sum()), X[test][:, sources]]) @ beta
        naive[test] = X[train][:, targets].mean(axis=0)
    return Predictions(targets=targets, actual=X[:, targets], pls=pls_pred, lm=lm_pred, naive=naive)


def pls_predict(result: FitResult, *, folds: int = 10, seed: int | None = 0) -> pd.DataFrame:
    """PLSpredict: k-fold out-of-sample prediction of the endogenous indicators, with the LM benchmark.

    The rows are split at random into ``folds`` folds. For each fold the model is fitted on
    the other folds; the exogenous construct scores of the held-out rows are computed with the
    training weights (and training means and scales), the endogenous scores predicted through
    the total effects, and each endogenous indicator predicted by its training regression on its
    construct score. The linear-model (LM) benchmark regresses each endogenous indicator on all
    indicators of the exogenous constructs, by OLS on the training folds (Shmueli, Ray, Velasquez
    Estrada & Chatla 2016, J. Business Research 69, 4552-4564; Shmueli et al. 2019).

    Returns
    -------
    pandas.DataFrame
        One row per endogenous indicator: ``rmse``, ``mae``, ``q2_predict`` (1 - SSE /
        squared errors of the training mean) of PLS, and ``lm_rmse``, ``lm_mae``,
        ``lm_q2_predict``. PLS with lower RMSE than LM for most indicators has predictive
        power (Shmueli et al. 2019).

    Raises
    ------
    EstimationError
        A training fold leaves an indicator constant (named with its construct and the fold).
    """
    predicted = pls_predictions(result, folds=folds, seed=seed)
    actual, naive, targets = predicted.actual, predicted.naive, predicted.targets

    def measures(pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        err = actual - pred
        return (
            np.sqrt((err**2).mean(axis=0)),
            np.abs(err).mean(axis=0),
            1.0 - (err**2).sum(axis=0) / ((actual - naive) ** 2).sum(axis=0),
        )

    rmse, mae, q2 = measures(predicted.pls)
    lm_rmse, lm_mae, lm_q2 = measures(predicted.lm)
    return pd.DataFrame(
        {"rmse": rmse, "mae": mae, "q2_predict": q2, "lm_rmse": lm_rmse, "lm_mae": lm_mae, "lm_q2_predict": lm_q2},
        index=pd.Index([result.indicators[i] for i in targets], name="indicator"),
    )
