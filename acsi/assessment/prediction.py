"""PLSpredict for PLS and consistent PLS fits: k-fold out-of-sample predictions of the endogenous indicators, against the linear-model benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from acsi.assessment.refit_pls import refit_pls
from acsi.errors import ParameterError
from acsi.results import FitResult

#: The methods whose fits PLSpredict refits: both build construct scores as PLS composites.
PREDICTING_METHODS = ("pls", "plsc")


@dataclass(frozen=True)
class Predictions:
    """Out-of-sample predictions of the endogenous indicators by k-fold cross-validation (one fold assignment).

    ``actual``, ``pls``, ``lm`` and ``naive`` (the training mean, the indicator-average
    benchmark) have shape (n, t) over the ``targets`` (positions of the endogenous indicators).
    ``pls`` holds the model's predictions, PLS or PLSc as the fit (:func:`indicator_predictions`).
    """

    targets: np.ndarray
    actual: np.ndarray
    pls: np.ndarray
    lm: np.ndarray
    naive: np.ndarray


def indicator_predictions(fitted: FitResult, values: np.ndarray) -> np.ndarray:
    """Predicted endogenous indicators of the rows ``values`` (n, p) from a fit ``fitted`` to other rows.

    With the fit's composite weights ``W`` and offsets, its total effects ``T`` (from
    ``path_matrix``) and its loadings ``lambda``, and the training means ``m_i`` and standard
    deviations ``s_i`` (divisor n - 1) of the indicators of the fit,

        xi_hat = values W - offset                     (exogenous construct scores),
        eta_hat = xi_hat T[exogenous, endogenous]      (structural prediction),
        x_hat_i = m_i + s_i lambda_i eta_hat_c(i)      (communality prediction),

    returned for the endogenous indicators in column order, shape (n, t). For a PLS fit
    ``s_i lambda_i`` is the slope of the indicator on its (unit-variance) construct score, the
    prediction of Shmueli et al. (2016). For a consistent PLS fit the scores stay the PLS
    composites while ``T`` and ``lambda`` are the disattenuated (consistent) estimates, as
    cSEM's ``predict()`` does for a model estimated with ``.disattenuate = TRUE`` (cSEM
    ``R/postestimate_predict.R``: exogenous scores from the training weights, endogenous scores
    through ``Gamma`` and ``(I - B)^-1``, indicators through the loading estimates, rescaled
    with the training means and standard deviations; Rademaker & Schuberth, R package cSEM). On
    common-factor data these predictions are more dispersed than the population's best linear
    predictor: the composite stands in for the factor with reliability rho < 1, so a consistent
    path applied to it overshoots by 1/sqrt(rho) (exactly so for one exogenous construct with
    equal loadings), where PLS's attenuated estimates undershoot or match it
    (``tests/test_plsc_predict.py``).
    """
    names = list(fitted.constructs)
    endogenous = [names.index(t) for t in fitted.spec.endogenous]
    exogenous = [j for j in range(len(names)) if j not in endogenous]
    targets = np.flatnonzero(np.isin(fitted.block, endogenous))
    scores = values @ fitted.score_weights - fitted.score_offset
    predicted = scores[:, exogenous] @ fitted.total_effect_matrix[np.ix_(exogenous, endogenous)]
    column = [endogenous.index(int(b)) for b in fitted.block[targets]]
    train = np.asarray(fitted.indicator_values, dtype=float)[:, targets]
    slope = train.std(axis=0, ddof=1) * fitted.loading_vector[targets]
    return train.mean(axis=0) + slope * predicted[:, column]


def pls_predictions(result: FitResult, *, folds: int = 10, seed: int | np.random.SeedSequence | None = 0) -> Predictions:
    """The per-respondent predictions behind :func:`pls_predict` (see there); also used by CVPAT.

    The fold of row r is ``permutation(n)[r] mod folds`` with the permutation drawn from
    ``numpy.random.default_rng(seed)``: it depends on ``n``, ``folds`` and ``seed`` only, so a PLS
    and a PLSc fit of the same data are evaluated on the same folds.
    """
    X = np.asarray(result.indicator_values, dtype=float)
    n = X.shape[0]
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= n // 2:
        raise ParameterError(f"folds must be an integer from 2 to n/2 = {n // 2}; got {folds!r}.")
    names = list(result.constructs)
    endogenous = [names.index(t) for t in result.spec.endogenous]
    targets = np.flatnonzero(np.isin(result.block, endogenous))
    sources = np.flatnonzero(~np.isin(result.block, endogenous))
    fold = np.random.default_rng(seed).permutation(n) % folds
    model = np.empty((n, targets.size))
    lm_pred = np.empty((n, targets.size))
    naive = np.empty((n, targets.size))
    for f in range(folds):
        train, test = fold != f, fold == f
        fitted = refit_pls(result, X[train], f"PLSpredict training fold {f + 1} of {folds}", PREDICTING_METHODS)
        model[test] = indicator_predictions(fitted, X[test])
        design = np.column_stack([np.ones(train.sum()), X[train][:, sources]])
        beta, *_ = np.linalg.lstsq(design, X[train][:, targets], rcond=None)
        lm_pred[test] = np.column_stack([np.ones(test.sum()), X[test][:, sources]]) @ beta
        naive[test] = X[train][:, targets].mean(axis=0)
    return Predictions(targets=targets, actual=X[:, targets], pls=model, lm=lm_pred, naive=naive)


def pls_predict(result: FitResult, *, folds: int = 10, seed: int | None = 0) -> pd.DataFrame:
    """PLSpredict: k-fold out-of-sample prediction of the endogenous indicators, with the LM benchmark.

    The rows are split at random into ``folds`` folds. For each fold the model is fitted on
    the other folds with the fit's own estimator (PLS or consistent PLS); the exogenous
    construct scores of the held-out rows are computed with the training weights (and training
    means and scales), the endogenous scores predicted through the total effects, and each
    endogenous indicator through its loading (:func:`indicator_predictions`; for PLSc the
    consistent paths and loadings, as cSEM's ``predict()``). The linear-model (LM) benchmark
    regresses each endogenous indicator on all indicators of the exogenous constructs, by OLS
    on the training folds (Shmueli, Ray, Velasquez Estrada & Chatla 2016, J. Business Research
    69, 4552-4564; Shmueli et al. 2019).

    Returns
    -------
    pandas.DataFrame
        One row per endogenous indicator: ``rmse``, ``mae``, ``q2_predict`` (1 - SSE /
        squared errors of the training mean) of the model, and ``lm_rmse``, ``lm_mae``,
        ``lm_q2_predict``. A model with lower RMSE than LM for most indicators has predictive
        power (Shmueli et al. 2019).

    Raises
    ------
    EstimationError
        A training fold leaves an indicator constant (named with its construct and the fold).
    NotImplementedError
        A fit of another method than PLS or PLSc.
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
