"""Performance measures and their Monte-Carlo SEs (Morris, White & Crowther 2019, table 6)."""

from __future__ import annotations

import numpy as np
import pytest

from acsi.study.performance import _measures

ALGEBRA = {"rel": 1e-12}


def test_measures_follow_table_6_of_morris_white_crowther() -> None:
    estimate = np.array([0.9, 1.1, 1.3, 0.8, 1.4])
    se = np.array([0.2, 0.25, 0.2, 0.3, 0.25])
    lower, upper = estimate - 0.25, estimate + 0.25
    out = _measures(estimate, 1.0, se, {"wald": (lower, upper)})
    n, mean, s = 5, 1.1, float(np.std(estimate, ddof=1))
    assert out["bias"] == pytest.approx(mean - 1.0, **ALGEBRA)
    assert out["bias_mcse"] == pytest.approx(s / np.sqrt(n), **ALGEBRA)
    assert out["relative_bias"] == pytest.approx(0.1, **ALGEBRA)
    assert out["empirical_se_mcse"] == pytest.approx(s / np.sqrt(2 * (n - 1)), **ALGEBRA)
    mse = float(np.mean((estimate - 1) ** 2))
    mse_mcse = np.sqrt(np.sum(((estimate - 1) ** 2 - mse) ** 2) / (n * (n - 1)))
    assert out["mse_mcse"] == pytest.approx(mse_mcse, **ALGEBRA)
    assert out["rmse_mcse"] == pytest.approx(mse_mcse / (2 * np.sqrt(mse)), **ALGEBRA)
    model = np.sqrt(np.mean(se**2))
    assert out["model_se"] == pytest.approx(model, **ALGEBRA)
    assert out["model_se_mcse"] == pytest.approx(np.sqrt(np.var(se**2, ddof=1) / (4 * n * model**2)), **ALGEBRA)
    assert out["relative_se_error"] == pytest.approx(100 * (model / s - 1), **ALGEBRA)
    assert out["coverage_wald"] == pytest.approx(3 / 5, **ALGEBRA)  # 1.3 +- 0.25 and 1.4 +- 0.25 miss 1.0
    assert out["coverage_wald_mcse"] == pytest.approx(np.sqrt(0.6 * 0.4 / 5), **ALGEBRA)
    assert out["power_wald"] == 1.0 and out["power_wald_mcse"] == 0.0


def test_no_relative_bias_for_a_zero_truth() -> None:
    out = _measures(np.array([0.1, -0.1, 0.2]), 0.0, np.full(3, np.nan), {})
    assert np.isnan(out["relative_bias"]) and np.isnan(out["model_se"])


def test_a_parameter_without_admissible_replications_keeps_its_row() -> None:
    import pandas as pd

    from acsi.study.analyse import COLUMNS
    from acsi.study.performance import CONDITION_COLUMNS, summarise_design

    row = dict.fromkeys(CONDITION_COLUMNS + COLUMNS, float("nan"))
    row |= {
        "condition": 0,
        "dgp": "factor",
        "distribution": "normal",
        "n": 50,
        "misspecification": "correct",
        "missing": "complete",
    }
    row |= {"estimator": "plsc", "converged": True, "inadmissible": True, "error": False, "seconds": 0.01}
    row |= {"kind": "path", "parameter": "x -> y", "estimate": 1.2, "truth": 0.4, "indicators": -1}
    frame = pd.DataFrame([row | {"replication": 0}, row | {"replication": 1}])
    (out,) = summarise_design(frame).itertuples()
    assert out.used == 0 and out.admissible_rate == 0 and out.replications == 2 and np.isnan(out.bias)
    (everything,) = summarise_design(frame, include_inadmissible=True).itertuples()
    assert everything.used == 2 and everything.bias == pytest.approx(0.8, rel=1e-12)
