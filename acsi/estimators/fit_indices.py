"""Fit measures of a covariance-based solution with lavaan's definitions (pure numpy/scipy).

semopy's own AIC/BIC differ from lavaan's, so :class:`acsi.estimators.cbsem.CBSEM` computes
the chi-square test, CFI, TLI, RMSEA with its interval, SRMR, AIC, BIC and SABIC here from the
sample covariance matrix ``S`` and the implied one ``Sigma`` (lavaan 0.6 ``fitMeasures``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from acsi.core.fit_measures import discrepancies
from acsi.core.least_squares import scaled_shifted

#: Objectives whose minimum times n is a chi-square test statistic under normality.
CHI_SQUARE_OBJECTIVES = ("MLW", "GLS")
FIT_INDEX_KEYS: tuple[str, ...] = (
    "chisq",
    "df",
    "pvalue",
    "cfi",
    "tli",
    "rmsea",
    "rmsea_ci_lower",
    "rmsea_ci_upper",
    "srmr",
    "aic",
    "bic",
)


def rmsea_interval(chisq: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """lavaan's RMSEA interval: the noncentrality lambda with ``P(X2 <= chisq; df, lambda)`` equal to
    0.95 (lower end) and 0.05 (upper end), 0 where even lambda = 0 gives less; then
    ``sqrt(lambda / (n df))``."""
    if df <= 0:
        return float("nan"), float("nan")

    def solve(target: float) -> float:
        if special.chdtr(df, chisq) <= target:
            return 0.0
        return float(special.chndtrinc(chisq, df, target))

    lam_lower = solve((1 + level) / 2)
    lam_upper = solve((1 - level) / 2)
    return math.sqrt(lam_lower / (n * df)), math.sqrt(lam_upper / (n * df))


def model_fit(S: np.ndarray, Sigma: np.ndarray) -> dict[str, dict[str, float]]:
    """SRMR, d_ULS, d_G of the estimated model (:func:`acsi.core.fit_measures.discrepancies`).

    Both matrices are scaled by the sample standard deviations, so ``srmr`` is Bentler's
    SRMR of lavaan (residual correlations, lower triangle with the diagonal); d_G is
    scale-free. The same numbers :func:`acsi.assess` reports for a CB-SEM fit.
    """
    sd = np.sqrt(np.diag(S))
    scale = np.outer(sd, sd)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = discrepancies(S / scale, Sigma / scale)
    return {"estimated_model": {key: float(v) for key, v in values.items()}}


def fit_indices(
    objective: str, S: np.ndarray, Sigma: np.ndarray, n: int, p: int, npar: int
) -> tuple[dict[str, float], dict[str, float]]:
    """lavaan's fit measures of a solution with implied covariance ``Sigma`` for the sample ``S`` (divisor n).

    ``chisq = n F`` with the ML discrepancy ``F = log|Sigma| - log|S| + tr(S Sigma^-1) - p`` or the
    GLS one ``0.5 tr((S^-1 (S - Sigma))^2)``; the baseline model has a diagonal Sigma. CFI
    ``1 - max(chisq - df, 0) / max(chisq - df, chisq_b - df_b, 0)``, TLI, RMSEA
    ``sqrt(max(chisq/df - 1, 0) / n)`` with lavaan's interval (:func:`rmsea_interval`), SRMR
    (:func:`model_fit`), AIC/BIC from the ML log-likelihood (ML only). Without a chi-square
    (ULS, DWLS, a non-positive-definite Sigma) only ``df`` and ``srmr`` are numbers. Returns the
    :data:`FIT_INDEX_KEYS` and extra quantities (``npar``, ``n``, baseline, log-likelihoods, SABIC).
    """
    df = p * (p + 1) // 2 - npar
    sign, logdet_sigma = np.linalg.slogdet(Sigma)
    _, logdet_s = np.linalg.slogdet(S)
    nan = float("nan")
    srmr = model_fit(S, Sigma)["estimated_model"]["srmr"]
    out = dict.fromkeys(FIT_INDEX_KEYS, nan) | {"df": float(df), "srmr": srmr}
    extra = {"npar": float(npar), "n": float(n)}
    if objective not in CHI_SQUARE_OBJECTIVES or sign <= 0:
        return out, extra
    inv_sigma = np.linalg.inv(Sigma)
    if objective == "MLW":
        f = logdet_sigma - logdet_s + np.trace(S @ inv_sigma) - p
    else:  # GLS: 0.5 tr((S^-1 (S - Sigma))^2)
        r = np.linalg.solve(S, S - Sigma)
        f = 0.5 * np.trace(r @ r)
    chisq = max(float(n * f), 0.0)
    baseline_chisq = float(n * (np.log(np.diag(S)).sum() - logdet_s))
    baseline_df = p * (p + 1) // 2 - p
    pvalue = float(stats.chi2.sf(chisq, df)) if df > 0 else nan
    num = max(chisq - df, 0.0)
    den = max(chisq - df, baseline_chisq - baseline_df, 0.0)
    cfi = 1.0 if den == 0 else 1.0 - num / den
    tli = (baseline_chisq / baseline_df - chisq / df) / (baseline_chisq / baseline_df - 1.0) if df > 0 else nan
    rmsea = math.sqrt(max(chisq / df - 1.0, 0.0) / n) if df > 0 else nan
    lower_ci, upper_ci = rmsea_interval(chisq, df, n)
    logl = -0.5 * n * (p * math.log(2 * math.pi) + logdet_sigma + np.trace(S @ inv_sigma))
    unrestricted = -0.5 * n * (p * math.log(2 * math.pi) + logdet_s + p)
    out |= {
        "chisq": chisq,
        "pvalue": pvalue,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_lower": lower_ci,
        "rmsea_ci_upper": upper_ci,
        "aic": -2 * logl + 2 * npar,
        "bic": -2 * logl + npar * math.log(n),
    }
    extra |= {
        "baseline_chisq": baseline_chisq,
        "baseline_df": float(baseline_df),
        "logl": float(logl),
        "unrestricted_logl": float(unrestricted),
        "sabic": float(-2 * logl + npar * math.log((n + 2) / 24)),
    }
    if objective != "MLW":  # the likelihood-based indices belong to ML
        out |= {"aic": nan, "bic": nan}
        extra |= {"logl": nan, "sabic": nan}
    return out, extra


def least_squares_fit_indices(
    objective: str, S: np.ndarray, Sigma: np.ndarray, n: int, npar: int, system: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[dict[str, float], dict[str, float]]:
    """lavaan's fit measures of WLSMV (``objective="DWLS"``) or ULSMV (``"ULS"``) on polychoric correlations ``S``.

    ``system`` is ``(Delta, W, Gamma)`` over the correlations on and above the diagonal (the
    diagonal's weight and Gamma play no part). ``chisq = (n - 1) sum_{i<j} w_ij (s_ij - sigma_ij)^2``,
    the baseline model has zero correlations (df the number of correlations), and each gets its
    scaled-shifted version (:func:`acsi.core.least_squares.scaled_shifted`). From both pairs:
    CFI, TLI and RMSEA ``sqrt(max(chisq/df - 1, 0) / (n - 1))`` with its interval
    (:func:`rmsea_interval` with n - 1), as lavaan 0.6; ``cfi``, ``tli``, ``rmsea`` and ``pvalue``
    are the unscaled ones (lavaan gives no p value for the unscaled ULS statistic: NaN), the
    ``*_scaled`` keys the adjusted ones. ``srmr`` and ``df`` as :func:`fit_indices`.
    """
    jacobian, weights, gamma = system
    p = S.shape[0]
    out, extra = fit_indices(objective, S, Sigma, n, p, npar)
    df = int(out["df"])
    rows, cols = np.triu_indices(p)
    above = (rows != cols).astype(float)
    chisq = (n - 1) * float((above * weights * (S - Sigma)[rows, cols] ** 2).sum())
    baseline = (n - 1) * float((above * weights * S[rows, cols] ** 2).sum())
    baseline_df = int(above.sum())
    scaled = scaled_shifted(chisq, df, jacobian, weights, gamma)
    baseline_scaled = scaled_shifted(baseline, baseline_df, jacobian[:, :0], weights, gamma)
    unscaled_indices = _relative_indices(chisq, df, baseline, baseline_df, n - 1)
    scaled_indices = _relative_indices(scaled, df, baseline_scaled, baseline_df, n - 1)
    out |= {"chisq": chisq, "pvalue": float(stats.chi2.sf(chisq, df)) if objective == "DWLS" else float("nan")}
    out |= unscaled_indices
    extra |= {"chisq_scaled": scaled, "pvalue_scaled": float(stats.chi2.sf(scaled, df)), "baseline_chisq": baseline}
    extra |= {"baseline_df": float(baseline_df), "baseline_chisq_scaled": baseline_scaled}
    extra |= {f"{key}_scaled": value for key, value in scaled_indices.items()}
    return out, extra


def _relative_indices(chisq: float, df: int, baseline: float, baseline_df: int, n: int) -> dict[str, float]:
    """CFI, TLI, RMSEA and its 90% interval (lavaan's formulas, ``n`` the sample size they divide by)."""
    num = max(chisq - df, 0.0)
    den = max(chisq - df, baseline - baseline_df, 0.0)
    lower, upper = rmsea_interval(chisq, df, n)
    return {
        "cfi": 1.0 if den == 0 else 1.0 - num / den,
        "tli": (baseline / baseline_df - chisq / df) / (baseline / baseline_df - 1.0),
        "rmsea": math.sqrt(max(chisq / df - 1.0, 0.0) / n),
        "rmsea_ci_lower": lower,
        "rmsea_ci_upper": upper,
    }
