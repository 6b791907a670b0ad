"""The structural model: each endogenous construct's regression (estimates, standard errors, t, p), inner VIF and f².

Everything comes from the construct correlation matrix ``R`` of the fit (standardised scores),
as R plspm's ``inner_model`` computes it.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from acsi.assessment.collinearity import inner_vif
from acsi.errors import InadmissibleSolutionWarning
from acsi.spec.model import ModelSpec

#: 1 - R² at or below this is a perfect fit up to rounding: no residual variance to test against.
PERFECT_FIT = 1e-12


def inner_regression(R: np.ndarray, predictors: np.ndarray, target: int, n: int, name: str = "") -> pd.DataFrame:
    """OLS with intercept of a standardised score on standardised predictors, from correlations.

    ``se_i = sqrt(n (1 - R²) / (n - m - 1) * [R_PP^-1]_ii / n)``, t = beta / se on n - m - 1
    degrees of freedom. Where R² >= 1 - 1e-12 (a perfect fit up to rounding, or above 1 after the
    PLSc correction: inadmissible) or no residual degree of freedom is left, the standard errors,
    t and p do not exist: they are NaN (``null`` in JSON) and
    :class:`~acsi.errors.InadmissibleSolutionWarning` names the construct.
    """
    R_pp = R[np.ix_(predictors, predictors)]
    r_pj = R[predictors, target]
    beta = np.linalg.solve(R_pp, r_pj)
    r2 = float(beta @ r_pj)
    df = n - predictors.size - 1
    if df < 1 or not 1.0 - r2 > PERFECT_FIT:
        reason = f"no residual degree of freedom (n = {n})" if df < 1 else f"R² = {r2:.15g}, 1 up to rounding or above"
        warnings.warn(
            f"The structural regression of '{name}' has {reason}; its standard errors, t and p values are not reported.",
            InadmissibleSolutionWarning,
            stacklevel=4,
        )
        missing = np.full(beta.shape, np.nan)
        return pd.DataFrame({"estimate": beta, "std_error": missing, "t": missing, "p": missing})
    sigma2 = n * (1.0 - r2) / df  # residual sum of squares / df, scores with divisor-n unit variance
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(R_pp)) / n)
    t = beta / se
    return pd.DataFrame({"estimate": beta, "std_error": se, "t": t, "p": 2.0 * stats.t.sf(np.abs(t), df)})


def effect_size(R: np.ndarray, predictors: np.ndarray, source: int, target: int, r2: float) -> float:
    """Cohen's f² of ``source`` in the equation of ``target``: ``(R²_incl - R²_excl) / (1 - R²_incl)``.

    NaN where R² = 1 (up to rounding): no residual variance to compare with (Cohen 1988; Hair et al. 2017, ch. 6).
    """
    rest = predictors[predictors != source]
    r2_without = float(np.linalg.solve(R[np.ix_(rest, rest)], R[rest, target]) @ R[rest, target]) if rest.size else 0.0
    return (r2 - r2_without) / (1.0 - r2) if 1.0 - r2 > PERFECT_FIT else math.nan


def structural_tables(
    spec: ModelSpec, names: list[str], R: np.ndarray, r2: np.ndarray, n: int
) -> tuple[dict[str, pd.Series], dict[str, pd.DataFrame], pd.Series]:
    """Inner VIF and regression table of every endogenous construct, and f² of every path in spec order."""
    inner_vifs: dict[str, pd.Series] = {}
    regressions: dict[str, pd.DataFrame] = {}
    f2_keys, f2_values = [], []
    for j in (names.index(t) for t in spec.endogenous):
        predictors = np.array([names.index(p) for p in spec.predecessors(names[j])])
        labels = [names[i] for i in predictors]
        inner_vifs[names[j]] = pd.Series(inner_vif(R[np.ix_(predictors, predictors)]), index=labels, name="vif")
        table = inner_regression(R, predictors, j, n, names[j])
        table.index = labels
        regressions[names[j]] = table
        for i in predictors:
            f2_keys.append(f"{names[i]} -> {names[j]}")
            f2_values.append(effect_size(R, predictors, i, j, r2[j]))
    order = {p.key: i for i, p in enumerate(spec.paths)}
    f2 = pd.Series(f2_values, index=pd.Index(f2_keys, name="path"), name="f_squared")
    return inner_vifs, regressions, f2.iloc[np.argsort([order[key] for key in f2.index])]
