"""PLS-POS (acsi.segment.pos): recovery of two known segments, a rising objective, seeding, output, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from acsi.errors import ParameterError
from acsi.segment import adjusted_rand_index, pls_pos
from tests.test_segment_fimix import SPEC, TRUTH_A, TRUTH_B, two_segments


@pytest.mark.parametrize("seed", [1, 2])
def test_two_known_segments_give_their_paths(seed: int) -> None:
    frame, truth = two_segments(seed)
    result = pls_pos(SPEC, frame, 2, starts=3, seed=seed)
    paths = result.paths()
    # PLS-POS maximises R², so its partition is not the generating one (ARI lower than FIMIX's), but each
    # segment's model is the population's: paths within 0.15 of the truth
    for segment, truth_paths in (("segment_1", TRUTH_A), ("segment_2", TRUTH_B)):
        for name, value in truth_paths.items():
            assert paths.loc[name, segment] == pytest.approx(value, abs=0.15), (name, segment)
    assert adjusted_rand_index(result.assignment, truth) > 0.35


def test_objective_trace_rises_and_beats_the_pooled_model() -> None:
    from acsi.api import fit

    frame, _ = two_segments(3, 300, 200)
    result = pls_pos(SPEC, frame, 2, starts=2, seed=4)
    assert all(b > a for a, b in zip(result.trace, result.trace[1:]))
    assert result.objective == pytest.approx(result.trace[-1]) and result.objective == max(result.start_objectives)
    pooled = float(fit(SPEC, frame).r_squared.sum())
    assert result.objective > pooled
    sizes = np.bincount(result.assignment)
    assert sizes.min() >= result.settings["min_size"] and sizes[0] >= sizes[1]


def test_same_seed_same_partition_and_strict_json() -> None:
    frame, _ = two_segments(5, 150, 100)
    a = pls_pos(SPEC, frame, 2, starts=2, seed=8)
    b = pls_pos(SPEC, frame, 2, starts=2, seed=8)
    np.testing.assert_array_equal(a.assignment, b.assignment)
    out = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert out["method"] == "pls-pos" and len(out["segment"]) == len(frame) and out["trace"][-1] == out["objective"]
    assert repr(a).startswith("POSResult(k=2") and "<pre>" in a._repr_html_() and a.to_frame().shape == (len(frame), 1)


def test_too_many_segments_for_the_data_is_a_parameter_error() -> None:
    frame, _ = two_segments(1, 40, 30)
    with pytest.raises(ParameterError, match="min_size"):
        pls_pos(SPEC, frame, 3, min_size=30)
    with pytest.raises(ParameterError, match="k must be"):
        pls_pos(SPEC, frame, 1)


def test_cli_segment_pos(tmp_path) -> None:  # noqa: ANN001
    from acsi.cli import main
    from acsi.resources import bundled

    target = tmp_path / "pos.json"
    argv = ["segment", str(bundled("models/bank_branch.yaml")), str(bundled("datasets/bank_branches_demo.csv")), "--pos"]
    assert main([*argv, "--k", "2", "--starts", "1", "--seed", "1", "--explain", "branch", "--json", str(target)]) == 0
    out = json.loads(target.read_text())
    assert out["method"] == "pls-pos" and "branch" in out["explain"]["variables"]
    assert main([*argv, "--k", "1-3"]) == 2
