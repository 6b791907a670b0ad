"""Performance measures of a simulation study with their Monte-Carlo standard errors.

Morris, White & Crowther (2019), "Using simulation studies to evaluate statistical methods",
*Statistics in Medicine* 38, 2074-2102, table 6. With ``theta`` the truth, ``theta_i`` the
estimate of replication ``i`` of the ``n_sim`` used, ``mean`` their mean, ``s^2 = sum (theta_i -
mean)^2 / (n_sim - 1)``:

* bias ``mean - theta``, MCSE ``s / sqrt(n_sim)``; relative bias ``bias / theta``, MCSE
  ``MCSE(bias) / |theta|``;
* empirical SE ``s``, MCSE ``s / sqrt(2 (n_sim - 1))``;
* MSE ``sum (theta_i - theta)^2 / n_sim``, MCSE ``sqrt(sum ((theta_i - theta)^2 - MSE)^2 /
  (n_sim (n_sim - 1)))``; RMSE ``sqrt(MSE)`` with the delta-method MCSE ``MCSE(MSE) / (2 RMSE)``;
* model SE ``sqrt(mean SE_i^2)``, MCSE ``sqrt(var(SE_i^2) / (4 n_sim modSE^2))``; relative
  error in model SE ``100 (modSE / empSE - 1)``, MCSE ``100 (modSE / empSE) sqrt(var(SE_i^2) /
  (4 n_sim modSE^4) + 1 / (2 (n_sim - 1)))``;
* coverage ``p`` (share of intervals containing ``theta``) and power (share excluding 0), MCSE
  ``sqrt(p (1 - p) / n_sim)``, over the replications with that interval.

By default only *admissible* replications count: the fit neither failed nor warned of
non-convergence or an inadmissible solution. ``include_inadmissible=True`` adds the
non-converged and inadmissible ones (failed fits have no estimate). Every row carries
``replications`` (all), ``used`` (those counted) and ``admissible_rate`` (admissible fits /
all fits of that estimator in that condition).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acsi.study.design import INTERVAL_METHODS

#: The condition columns every table carries (see :meth:`acsi.study.design.Condition.labels`).
CONDITION_COLUMNS: list[str] = ["condition", "dgp", "loading", "indicators", "distribution", "n", "misspecification", "missing"]


_MEASURES: tuple[str, ...] = (
    "mean_estimate",
    *(
        f"{m}{suffix}"
        for m in ("bias", "relative_bias", "empirical_se", "mse", "rmse", "model_se", "relative_se_error")
        for suffix in ("", "_mcse")
    ),
    *(f"{q}_{m}{suffix}" for m in INTERVAL_METHODS for q in ("coverage", "power") for suffix in ("", "_mcse")),
)


def _measures(
    estimate: np.ndarray, truth: float, se: np.ndarray, ends: dict[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, float]:
    """The table-6 measures of one condition x estimator x parameter (module notes)."""
    n = estimate.size
    nan = float("nan")
    out: dict[str, float] = {"truth": truth, "used": float(n)}
    if n == 0:
        return out | dict.fromkeys(_MEASURES, nan) | {f"intervals_{m}": 0.0 for m in ends}
    mean = float(estimate.mean())
    s = float(estimate.std(ddof=1)) if n > 1 else nan
    dev2 = (estimate - truth) ** 2
    mse = float(dev2.mean())
    mse_mcse = float(np.sqrt(((dev2 - mse) ** 2).sum() / (n * (n - 1)))) if n > 1 else nan
    rmse = float(np.sqrt(mse))
    out |= {
        "mean_estimate": mean,
        "bias": mean - truth,
        "bias_mcse": s / np.sqrt(n),
        "relative_bias": (mean - truth) / truth if truth != 0 else nan,
        "relative_bias_mcse": s / np.sqrt(n) / abs(truth) if truth != 0 else nan,
        "empirical_se": s,
        "empirical_se_mcse": s / np.sqrt(2 * (n - 1)) if n > 1 else nan,
        "mse": mse,
        "mse_mcse": mse_mcse,
        "rmse": rmse,
        "rmse_mcse": mse_mcse / (2 * rmse) if rmse > 0 else nan,
    }
    se2 = se[np.isfinite(se)] ** 2
    m = se2.size
    out["model_se"] = out["model_se_mcse"] = out["relative_se_error"] = out["relative_se_error_mcse"] = nan
    if m > 1 and n > 1:
        model = float(np.sqrt(se2.mean()))
        var_se2 = float(se2.var(ddof=1))
        out["model_se"] = model
        out["model_se_mcse"] = float(np.sqrt(var_se2 / (4 * m * model**2))) if model > 0 else nan
        if s > 0 and model > 0:
            ratio = model / s
            out["relative_se_error"] = 100 * (ratio - 1)
            out["relative_se_error_mcse"] = 100 * ratio * float(np.sqrt(var_se2 / (4 * m * model**4) + 1 / (2 * (n - 1))))
    for method, (lower, upper) in ends.items():
        ok = np.isfinite(lower) & np.isfinite(upper)
        k = int(ok.sum())
        for measure, hit in (("coverage", (lower <= truth) & (truth <= upper)), ("power", (lower > 0) | (upper < 0))):
            p = float(hit[ok].mean()) if k else nan
            out[f"{measure}_{method}"] = p
            out[f"{measure}_{method}_mcse"] = float(np.sqrt(p * (1 - p) / k)) if k else nan
        out[f"intervals_{method}"] = float(k)
    return out


def admissible(replications: pd.DataFrame) -> pd.Series:
    """True for a row whose fit neither failed nor warned of non-convergence or inadmissibility."""
    return ~replications.error & replications.converged & ~replications.inadmissible


def summarise_design(replications: pd.DataFrame, *, include_inadmissible: bool = False) -> pd.DataFrame:
    """One row per condition x estimator x kind x parameter: the measures of the module notes.

    Parameters
    ----------
    replications : pandas.DataFrame
        Rows of :data:`acsi.study.analyse.COLUMNS` plus the :data:`CONDITION_COLUMNS`.
    include_inadmissible : bool, default False
        Count non-converged and inadmissible replications too.
    """
    keys = CONDITION_COLUMNS + ["estimator"]
    fits = replications.drop_duplicates(keys + ["replication"])
    rates = (
        fits.assign(_admissible=admissible(fits))
        .groupby(keys, sort=True, dropna=False)
        .agg(
            replications=("replication", "nunique"),
            admissible_rate=("_admissible", "mean"),
            nonconvergence_rate=("converged", lambda s: float(1 - s.mean())),
            inadmissible_rate=("inadmissible", "mean"),
            error_rate=("error", "mean"),
            seconds_per_fit=("seconds", "mean"),
        )
        .reset_index()
    )
    keep = ~replications.error if include_inadmissible else admissible(replications)
    counted = replications.assign(_counted=keep & np.isfinite(replications.estimate))
    records = []
    for group, every in counted.groupby(keys + ["kind", "parameter"], sort=True, dropna=False):
        part = every[every._counted]  # a parameter with no counted replication keeps its row: used 0
        ends = {m: (part[f"lower_{m}"].to_numpy(), part[f"upper_{m}"].to_numpy()) for m in INTERVAL_METHODS}
        measures = _measures(part.estimate.to_numpy(), float(every.truth.iloc[0]), part.se.to_numpy(), ends)
        records.append(dict(zip(keys + ["kind", "parameter"], group)) | measures)
    table = pd.DataFrame.from_records(records)
    if table.empty:
        return rates
    table = table.merge(rates, on=keys, how="left")
    table["included"] = "all but failed" if include_inadmissible else "admissible"
    return table
