"""Recovery checks: at n = 10^5 each consistent estimator's bias is within 3 Monte-Carlo SEs of zero.

Consistent for a common-factor population: PLSc and CB-SEM (standardised and marker-metric
paths). For a composite population with Mode B (composite) blocks: PLS; with equal population
weights: GSCA and sum scores. PLS on common-factor
data converges to the attenuated value ``beta q_x q_y`` (Dijkstra & Henseler 2015, "Consistent
partial least squares path modeling", MIS Quarterly 39(2)): with equal loadings ``lambda`` on
``k`` indicators the Mode A weights are equal and the composite correlates
``q = sqrt(k lambda^2 / (k lambda^2 + 1 - lambda^2))`` with its factor; a unit-weighted sum of
standardised indicators correlates ``sum(lambda) / sqrt(sum(lambda)^2 + sum(1 - lambda^2))``. Eight replications per
check (the MCSE is estimated with 7 degrees of freedom, so |t| > 3 has probability about 2%
for an unbiased estimator; the seeds are fixed, so the outcome is reproducible).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from acsi.spec.model import Mode
from acsi.study.analyse import COLUMNS, replicate
from acsi.study.design import EstimatorSetting, Population, StudyDesign
from acsi.study.generate import plan_condition
from acsi.study.performance import summarise_design

from ._designs import CHAIN_PATHS, chain_spec, small_design, two_construct_spec

LARGE_N = 100_000


def _summary(design: StudyDesign) -> pd.DataFrame:
    (condition,) = design.conditions()
    plan = plan_condition(design, condition)
    rows = [row for r in range(design.replications) for row in replicate((plan, r))]
    labels = {k: v for k, v in condition.labels().items() if k != "condition"}
    summary = summarise_design(pd.DataFrame(rows, columns=COLUMNS).assign(**labels))
    return summary[summary.kind != "index"]


def _estimators(*names: str) -> tuple[EstimatorSetting, ...]:
    return tuple(EstimatorSetting(name, name) for name in names)


@pytest.mark.parametrize("estimator", ["plsc", "cbsem"])
def test_consistent_estimators_recover_common_factor_paths(estimator: str) -> None:
    design = small_design(ns=(LARGE_N,), replications=8, estimators=_estimators(estimator))
    summary = _summary(design)
    assert (summary.used == 8).all()
    assert set(summary.kind) == ({"path", "path_marker"} if estimator == "cbsem" else {"path"})
    assert (summary.bias.abs() <= 3 * summary.bias_mcse).all(), summary[["kind", "parameter", "bias", "bias_mcse"]]


def test_pls_mode_b_recovers_composite_paths() -> None:
    spec = chain_spec()
    spec = replace(spec, constructs=tuple(replace(c, mode=Mode.COMPOSITE) for c in spec.constructs))
    population = Population(spec, CHAIN_PATHS, within=0.5, composite_weights={"*": 1.0, "x1": 2.0, "m1": 2.0, "y1": 2.0})
    design = small_design(
        ns=(LARGE_N,), replications=8, dgps=("composite",), population=population, estimators=_estimators("pls")
    )
    summary = _summary(design)
    assert (summary.used == 8).all()
    assert (summary.bias.abs() <= 3 * summary.bias_mcse).all(), summary[["parameter", "bias", "bias_mcse"]]


def test_pls_on_common_factor_data_shows_the_documented_attenuation() -> None:
    beta, loading, k = 0.4, 0.8, 3
    population = Population(two_construct_spec(k=k), {"x -> y": beta}, loadings=loading)
    design = small_design(ns=(LARGE_N,), replications=8, population=population, estimators=_estimators("pls"))
    (row,) = _summary(design).itertuples()
    q2 = k * loading**2 / (k * loading**2 + 1 - loading**2)
    limit = beta * math.sqrt(q2) * math.sqrt(q2)
    assert row.bias < -10 * row.bias_mcse  # clearly attenuated
    assert abs(row.mean_estimate - limit) <= 3 * row.bias_mcse


@pytest.mark.parametrize("estimator", ["gsca", "sumscore"])
def test_component_estimators_recover_equal_weight_composite_paths(estimator: str) -> None:
    spec = chain_spec()
    spec = replace(spec, constructs=tuple(replace(c, mode=Mode.COMPOSITE) for c in spec.constructs))
    population = Population(spec, CHAIN_PATHS, within=0.5, composite_weights=1.0)
    design = small_design(
        ns=(LARGE_N,), replications=8, dgps=("composite",), population=population, estimators=_estimators(estimator)
    )
    summary = _summary(design)
    assert (summary.used == 8).all() and len(summary) == len(CHAIN_PATHS)
    assert (summary.bias.abs() <= 3 * summary.bias_mcse).all(), summary[["parameter", "bias", "bias_mcse"]]


def test_sum_scores_on_common_factor_data_show_the_attenuation_of_unit_weighted_sums() -> None:
    """``beta q_x q_y`` with ``q = sum(lambda) / sqrt(sum(lambda)^2 + sum(1 - lambda^2))`` (unequal loadings)."""
    beta = 0.4
    loadings = {"x1": 0.5, "x2": 0.7, "x3": 0.9, "y1": 0.6, "y2": 0.8, "y3": 0.8}
    population = Population(two_construct_spec(k=3), {"x -> y": beta}, loadings=loadings)
    design = small_design(ns=(LARGE_N,), replications=8, population=population, estimators=_estimators("sumscore"))
    (row,) = _summary(design).itertuples()

    def q(values: list[float]) -> float:
        return sum(values) / math.sqrt(sum(values) ** 2 + sum(1 - v * v for v in values))

    limit = beta * q([0.5, 0.7, 0.9]) * q([0.6, 0.8, 0.8])
    assert row.bias < -10 * row.bias_mcse
    assert abs(row.mean_estimate - limit) <= 3 * row.bias_mcse
