"""One replication of a designed study: draw its sample, fit every estimator, one row per estimate.

Rows (:data:`COLUMNS`): the estimate, its truth, the estimated standard error and the ends of
every interval method of :data:`~acsi.study.design.INTERVAL_METHODS` (NaN where the method does
not apply), with the fit's ``converged``, ``inadmissible`` (an
:class:`~acsi.errors.InadmissibleSolutionWarning`), ``error`` and ``seconds``. Kinds:
``path`` (standardised paths; CB-SEM's completely standardised ones), ``path_marker`` (CB-SEM's
unstandardised paths in the marker metric, with their Wald SE and interval, where that truth is
known), ``index`` (0-100 indices, where the truth is known) and ``second_order`` (the
standardised second-order loadings ``"HOC -> component"`` of a higher-order population; see
:func:`second_order_estimate`). Every fit goes through :func:`acsi.fit` with the estimator's
options as its keywords.

Intervals: Wald ``estimate +- z_{(1+level)/2} SE`` (CB-SEM's expected-information SE; the
bootstrap SE for the others), and, with ``n_boot > 0``, the bootstrap intervals the design names
(percentile, basic, BCa with jackknife acceleration) from the same resamples (Efron & Tibshirani
1993, ch. 13-14).
"""

from __future__ import annotations

import time
import warnings
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import AcsiError, ConvergenceWarning, InadmissibleSolutionWarning
from acsi.study.design import INTERVAL_METHODS, EstimatorSetting, StudyDesign
from acsi.study.generate import ConditionPlan

COLUMNS: list[str] = [
    "condition",
    "replication",
    "estimator",
    "converged",
    "inadmissible",
    "error",
    "seconds",
    "kind",
    "parameter",
    "estimate",
    "truth",
    "se",
    *[f"{end}_{method}" for method in INTERVAL_METHODS for end in ("lower", "upper")],
]
_NAN_INTERVALS = (float("nan"),) * (2 * len(INTERVAL_METHODS))


def _fitted(setting: EstimatorSetting, plan: ConditionPlan, frame: pd.DataFrame, missing: str) -> Any:
    """:func:`acsi.fit` of the condition's fitted spec with the estimator's options (``higher_order``,
    ``interactions``, ``ordinal``, ``objective``, ... passed through as its keywords)."""
    from acsi.api import fit

    return fit(plan.fitted_spec, frame, setting.method, scale=plan.outcome_scale, missing=missing, **dict(setting.options))


def _indices(payload: dict[str, Any]) -> dict[str, float]:
    """The fit's 0-100 indices; a two-stage higher-order fit adds its components' from its first stage."""
    first_stage = (payload.get("higher_order") or {}).get("first_stage") or {}
    return dict(first_stage.get("index") or {}) | dict(payload.get("index") or {})


def second_order_estimate(payload: dict[str, Any], key: str) -> float:
    """The fit's estimate of the second-order loading ``"HOC -> component"``.

    CB-SEM: the completely standardised path; repeated indicators: the path; the two-stage
    approaches: the stage-2 loading of the HOC on the component's score (the component's
    composite, so a loading on a score that carries measurement error).
    """
    approach = payload["higher_order"]["approach"]
    if payload["method"] == "cbsem":
        return _number(payload["standardized"]["paths"].get(key))
    if approach == "repeated-indicators":
        return _number(payload["paths"].get(key))
    hoc, component = key.split(" -> ")
    return _number(payload["loadings"].get(hoc, {}).get(f"{component}.score"))


def _number(value: object) -> float:
    """A reported estimate as a float; None (not estimated) as NaN."""
    return float("nan") if value is None else float(value)  # type: ignore[arg-type]


def _intervals(estimate: float, se: float, z: float, boot: dict[str, tuple[float, float]]) -> tuple[float, ...]:
    ends: list[float] = []
    for method in INTERVAL_METHODS:
        if method == "wald":
            ends += [estimate - z * se, estimate + z * se] if np.isfinite(se) else [float("nan")] * 2
        else:
            ends += list(boot.get(method, (float("nan"), float("nan"))))
    return tuple(ends)


def _fit(
    setting: EstimatorSetting, plan: ConditionPlan, frame: pd.DataFrame, boot_seed: int
) -> tuple[dict[str, Any], list[tuple]]:
    """Fit ``setting`` to ``frame``: its diagnostics and ``(kind, parameter, estimate, truth, se, *interval ends)`` rows."""
    design = plan.design
    z = NormalDist().inv_cdf((1 + design.level) / 2)
    status: dict[str, Any] = {"converged": True, "inadmissible": False, "error": False, "seconds": float("nan")}
    rows: list[tuple] = []
    missing = setting.missing if frame.isna().to_numpy().any() else "error"
    path_truth = {} if setting.method == "equal" else plan.path_truth  # the item-mean index has no paths
    second_order_truth = {} if setting.method == "equal" else plan.second_order_truth
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            start = time.perf_counter()
            if setting.method == "equal":
                from acsi.baselines import equal_weight_index

                baseline = equal_weight_index(plan.fitted_spec, frame, scale=plan.outcome_scale, missing=missing)
                index = dict(baseline.index) if plan.outcome_scale else {}
                status["seconds"] = time.perf_counter() - start
                paths: dict[str, float] = {}
                boot: dict[str, dict[str, tuple[float, float]]] = {}
                ses: dict[str, float] = {}
            else:
                result = _fitted(setting, plan, frame, missing)
                status["seconds"] = time.perf_counter() - start
                status["converged"] = bool(result.converged)
                payload = result.to_dict()
                index = _indices(payload) if plan.outcome_scale else {}
                ses, boot = {}, {}
                if setting.method == "cbsem":
                    paths = payload["standardized"]["paths"]
                    for key, truth in plan.marker_truth.items():
                        estimate, se = _number(payload["paths"].get(key)), _number(payload["std_errors"]["paths"].get(key))
                        rows.append(("path_marker", key, estimate, truth, se, *_intervals(estimate, se, z, {})))
                else:
                    paths = payload["paths"]
                    if design.n_boot > 0:
                        ses, boot = _bootstrap(result, design, boot_seed, setting, missing)
                for key, truth in second_order_truth.items():
                    estimate = second_order_estimate(payload, key)
                    rows.append(("second_order", key, estimate, truth, float("nan"), *_NAN_INTERVALS))
            for key, truth in path_truth.items():
                estimate = _number(paths.get(key))
                se = ses.get(key, float("nan"))
                rows.append(("path", key, estimate, truth, se, *_intervals(estimate, se, z, boot.get(key, {}))))
            for construct, truth in plan.index_truth.items():
                rows.append(("index", construct, _number(index.get(construct)), truth, float("nan"), *_NAN_INTERVALS))
        except (AcsiError, np.linalg.LinAlgError, ValueError, RuntimeError):
            status["error"] = True
            rows = []
    for item in caught:
        if issubclass(item.category, InadmissibleSolutionWarning):
            status["inadmissible"] = True
        if issubclass(item.category, ConvergenceWarning):
            status["converged"] = False
    if status["error"]:
        rows = [("path", key, float("nan"), truth, float("nan"), *_NAN_INTERVALS) for key, truth in path_truth.items()]
        rows += [("index", c, float("nan"), truth, float("nan"), *_NAN_INTERVALS) for c, truth in plan.index_truth.items()]
        rows += [("second_order", k, float("nan"), t, float("nan"), *_NAN_INTERVALS) for k, t in second_order_truth.items()]
    return status, rows


def _bootstrap(
    result: Any, design: StudyDesign, seed: int, setting: EstimatorSetting, missing: str
) -> tuple[dict[str, float], dict[str, dict[str, tuple[float, float]]]]:
    """Bootstrap SE and the design's bootstrap intervals of the paths, from one set of resamples.

    Percentile and basic ends come from :mod:`acsi.core.intervals`; BCa from
    :func:`acsi.inference.bootstrap` itself (``ci="bca"``: its jackknife acceleration).
    """
    from acsi.core.intervals import basic_interval, percentile_bounds
    from acsi.inference import bootstrap

    engine = "auto" if setting.method == "pls" and missing == "error" else "refit"  # auto: batched for plain PLS
    ci = "bca" if "bca" in design.intervals else "percentile"
    boot = bootstrap(
        result, n_boot=design.n_boot, seed=seed, workers=1, engine=engine, level=design.level, missing=missing, ci=ci
    )
    replicates = np.asarray(boot.replicates)
    ends = {
        "percentile": percentile_bounds(replicates, design.level),
        "basic": basic_interval(replicates, np.asarray(boot.estimates), design.level),
        "bca": np.asarray(boot.intervals),
    }
    ses: dict[str, float] = {}
    intervals: dict[str, dict[str, tuple[float, float]]] = {}
    for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)):
        if kind == "paths":
            ses[key[0]] = float(boot.std_errors[j])
            intervals[key[0]] = {m: (float(ends[m][j, 0]), float(ends[m][j, 1])) for m in design.intervals}
    return ses, intervals


def replicate(task: tuple[ConditionPlan, int]) -> list[tuple]:
    """Replication ``r`` of a condition: every estimator of the design, rows as :data:`COLUMNS`."""
    plan, r = task
    frame, boot_seed = plan.draw(r)
    out: list[tuple] = []
    for setting in plan.design.estimators:
        status, rows = _fit(setting, plan, frame, boot_seed)
        common = (
            plan.condition.index,
            r,
            setting.name,
            status["converged"],
            status["inadmissible"],
            status["error"],
            status["seconds"],
        )
        out.extend(common + row for row in rows)
    return out
