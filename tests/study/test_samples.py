"""The study's data: true indices, seeded rating samples, CB-SEM's marker-metric truth."""

from __future__ import annotations

import math

import pandas as pd

from acsi.study.samples import draw_sample, study_spec, true_cbsem_paths, true_indices


def test_true_index_is_50_for_symmetric_normal_ratings_and_above_for_skewed_ones() -> None:
    assert all(abs(v - 50) < 1e-9 for v in true_indices("normal").values())
    discrete = true_indices("discrete")
    assert discrete["customer_satisfaction"] > 70 and discrete["customer_complaints"] < 25


def test_samples_are_ratings_on_the_scale_and_seeded() -> None:
    a = draw_sample("factor", "discrete", 100, 3)
    b = draw_sample("factor", "discrete", 100, 3)
    pd.testing.assert_frame_equal(a, b)
    assert a.isin(range(1, 11)).all().all()
    skewed = draw_sample("composite", "skewed", 2000, 1)
    assert (skewed.skew() < -0.3).all() and skewed.min().min() >= 1 and skewed.max().max() <= 10


def test_cbsem_marker_metric_truth_scales_paths_by_first_loadings() -> None:
    truth = true_cbsem_paths(study_spec(False))
    assert math.isclose(truth["customer_expectations -> perceived_quality"], 0.55)
    # complaints' single indicator has loading 1, satisfaction's first 0.85
    assert math.isclose(truth["customer_satisfaction -> customer_complaints"], -0.40 * 1.0 / 0.85)
