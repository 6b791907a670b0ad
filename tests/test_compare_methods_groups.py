"""Group comparison with PLSc, GSCA and CB-SEM: per-group refits, refit bootstrap, refusals, CLI."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import acsi
from acsi.api import make_estimator
from acsi.cli import main
from acsi.compare import compare_groups, estimate_groups, micom, permutation_test, ranking
from acsi.compare.refit import Extract, GroupTask, run_group
from acsi.errors import BootstrapWarning, InadmissibleSolutionWarning
from acsi.refit import subset
from acsi.simulate import PopulationModel

from ._tolerances import EXACT, NUMERIC

SMALL = """
X =~ x1 + x2 + x3
Y =~ y1 + y2 + y3
Y ~ X
"""


def _groups(sizes: dict[str, int], seed: int = 0) -> tuple[acsi.ModelSpec, pd.DataFrame]:
    spec = acsi.parse_syntax(SMALL)
    population = PopulationModel(spec, paths={"X -> Y": 0.5}, loadings=0.8)
    frames = [
        population.draw(n, seed=seed * 100 + b, scale=(1, 10)).assign(branch=name) for b, (name, n) in enumerate(sizes.items())
    ]
    return population.spec, pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def small() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    return _groups({"a": 150, "b": 120, "c": 100, "d": 10})


def _estimate(spec, frame, method: str, **kwargs):
    """estimate_groups with warnings from failed resamples allowed (they are checked separately)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)
        warnings.simplefilter("ignore", InadmissibleSolutionWarning)
        return estimate_groups(spec, frame, "branch", estimator=make_estimator(method), scale=(1, 10), **kwargs)


@pytest.mark.parametrize("method", ["plsc", "gsca", "cbsem"])
def test_each_group_estimate_equals_fitting_that_group_alone(small, method: str) -> None:
    spec, frame = small
    est = _estimate(spec, frame, method)
    assert est.method == method
    for g, label in enumerate(est.labels):
        if not est.reported[g]:
            assert label == "d" and np.isnan(est.index[g]).all()
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InadmissibleSolutionWarning)
            result = acsi.fit(spec, frame[frame.branch == label].drop(columns="branch"), method=method, scale=(1, 10))
        assert_allclose(est.index[g], result.index.values, **NUMERIC)
        assert_allclose(est.paths[g], result.path_coefficients.to_numpy(), **NUMERIC)
        assert_allclose(est.total_effects[g], result.total_effect_matrix, **NUMERIC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InadmissibleSolutionWarning)
        pooled = acsi.fit(spec, frame.drop(columns="branch"), method=method, scale=(1, 10))
    assert_allclose(est.overall["index"], pooled.index.values, **NUMERIC)


@pytest.mark.parametrize("method", ["plsc", "gsca"])
def test_refit_bootstrap_is_reproducible_and_independent_of_worker_processes(small, method: str) -> None:
    spec, frame = small
    one = _estimate(spec, frame, method, n_boot=20, seed=5)
    again = _estimate(spec, frame, method, n_boot=20, seed=5)
    two = _estimate(spec, frame, method, n_boot=20, seed=5, workers=2)
    other = _estimate(spec, frame, method, n_boot=20, seed=6)
    assert_array_equal(one.index_draws, again.index_draws)
    assert_allclose(one.index_draws, two.index_draws, **EXACT)
    assert_allclose(one.path_draws, two.path_draws, **EXACT)
    assert not np.allclose(one.index_draws[0], other.index_draws[0], equal_nan=True)


def test_resample_draws_are_refits_on_the_pls_paths_resampled_rows(small) -> None:
    """Group g's resample b refits rows draw_indices(default_rng(SeedSequence(seed).spawn(G)[g])), as the PLS path draws."""
    spec, frame = small
    est = _estimate(spec, frame, "gsca", n_boot=20, seed=11)
    g = est.position("b")
    group = frame[frame.branch == "b"].drop(columns="branch").reset_index(drop=True)
    rows = np.random.default_rng(np.random.SeedSequence(11).spawn(len(est.labels))[g]).integers(
        0, len(group), size=(20, len(group))
    )
    for b in (0, 7, 19):
        result = acsi.fit(spec, group.iloc[rows[b]].reset_index(drop=True), method="gsca", scale=(1, 10))
        assert_allclose(est.index_draws[g, b], result.index.values, **NUMERIC)
        assert_allclose(est.path_draws[g, b], result.path_coefficients.to_numpy(), **NUMERIC)


def test_bootstrap_tests_and_ranking_work_unchanged_on_refit_estimates(small) -> None:
    spec, frame = small
    est = _estimate(spec, frame, "gsca", n_boot=40, seed=3)
    table = compare_groups(est, quantity="index")
    assert len(table) == 3 * len(est.index_constructs) and table["p_value"].between(0, 1).all()
    assert len(compare_groups(est, quantity="paths")) == 3
    ranked = ranking(est, "Y")
    assert ranked.loc[ranked.group == "d", "rank"].isna().all()
    entry = est.to_dict()["a"]
    assert {"n_obs", "index", "ci", "paths", "failed_resamples"} <= set(entry)
    lo, hi = entry["ci"]["Y"]
    assert lo < entry["index"]["Y"] < hi


def test_failed_resamples_are_counted_reported_and_summarised_once() -> None:
    """A group where x1 is constant in some resamples: those refits fail, are counted and left out."""
    spec, frame = _groups({"a": 80, "b": 80}, seed=3)
    rows_b = np.flatnonzero(frame.branch == "b")
    frame.loc[rows_b, "x1"] = 5.0
    frame.loc[rows_b[:2], "x1"] = 6.0  # two distinct rows: many resamples miss both, making x1 constant
    with pytest.warns(BootstrapWarning, match=r"failed over 2 group\(s\) \(constant indicator: \d+") as record:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InadmissibleSolutionWarning)
            est = estimate_groups(spec, frame, "branch", estimator=make_estimator("gsca"), n_boot=40, seed=1, scale=(1, 10))
    assert sum(issubclass(w.category, BootstrapWarning) for w in record) == 1
    g = est.position("b")
    failed = est.failures[g]["constant_indicator"]
    assert 0 < failed < 40
    assert np.isnan(est.index_draws[g]).all(axis=1).sum() == failed
    assert f"{failed} of 40 resamples failed" in est.notes[g]
    assert est.to_dict()["b"]["failed_resamples"]["constant_indicator"] == failed


def test_inadmissible_resamples_are_dropped_and_counted() -> None:
    """PLSc on small groups gives some inadmissible resamples (reliability or correlation above 1): dropped, counted."""
    spec, frame = _groups({"a": 40, "b": 40}, seed=1)
    task_data = acsi.prepare(spec, frame[frame.branch == "a"].drop(columns="branch"), scale=(1, 10))
    extract = Extract(spec.construct_names, ("X", "Y"), spec.indicators, np.array([0]), np.array([1]))
    out = run_group(
        GroupTask.of(make_estimator("plsc"), spec, subset(task_data, np.arange(40)), np.random.SeedSequence(0), 60, extract)
    )
    dropped = np.isnan(out["path_draws"][:, 0])
    assert out["failures"]["inadmissible"] > 0
    assert dropped.sum() == sum(out["failures"].values())
    assert out["resample_warnings"]["InadmissibleSolutionWarning"] == out["failures"]["inadmissible"]


def test_inadmissible_resamples_raise_one_summary_warning_naming_the_reason() -> None:
    spec, frame = _groups({"a": 40, "b": 40}, seed=1)
    with pytest.warns(BootstrapWarning, match=r"inadmissible: \d+.*InadmissibleSolutionWarning: \d+") as record:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InadmissibleSolutionWarning)
            est = estimate_groups(spec, frame, "branch", estimator=make_estimator("plsc"), n_boot=20, seed=0, scale=(1, 10))
    assert sum(issubclass(w.category, BootstrapWarning) for w in record) == 1
    counted = sum(f.get("inadmissible", 0) for f in est.failures)
    assert counted == int(np.isnan(est.path_draws).all(axis=2).sum()) > 0


@pytest.mark.parametrize("method", ["plsc", "cbsem", "gsca"])
def test_pooled_mode_micom_and_permutation_tests_refuse_other_methods(small, method: str) -> None:
    spec, frame = small
    with pytest.raises(NotImplementedError, match="mode='pooled'.*PLS only"):
        estimate_groups(spec, frame, "branch", estimator=make_estimator(method), mode="pooled", scale=(1, 10))
    if method == "cbsem":
        return
    est = _estimate(spec, frame, method, n_boot=20, seed=1)
    with pytest.raises(NotImplementedError, match="MICOM.*method 'pls' only"):
        micom(est, n_perm=19)
    with pytest.raises(NotImplementedError, match="permutation test.*method 'pls' only"):
        permutation_test(est, "a", "b", n_perm=19)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    spec, frame = _groups({"north": 80, "south": 70, "east": 60}, seed=4)
    folder = tmp_path_factory.mktemp("methods")
    (folder / "model.lav").write_text(SMALL)
    frame.to_csv(folder / "survey.csv", index=False)
    return folder / "model.lav", folder / "survey.csv"


def _run(args: list[str], path: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)
        warnings.simplefilter("ignore", InadmissibleSolutionWarning)
        assert main(args + ["--json", str(path), "--quiet"]) == 0
    return json.loads(path.read_text())


def test_compare_command_with_plsc_writes_groups_and_differences_reproducibly(small_file, tmp_path: Path) -> None:
    model, data = small_file
    args = [
        "compare",
        str(model),
        str(data),
        "--group",
        "branch",
        "--scale",
        "1,10",
        "--method",
        "plsc",
        "--bootstrap",
        "20",
        "--seed",
        "9",
        "--permutations",
        "19",
    ]
    out = _run(args, tmp_path / "one.json")
    again = _run(args, tmp_path / "two.json")
    assert out == again
    assert out["method"] == "plsc" and set(out["groups"]) == {"north", "south", "east"}
    assert out["differences"] and {"estimate", "p_value", "p_adjusted"} <= set(out["differences"][0])
    assert out["invariance"] == {} and any("MICOM" in note for note in out["notes"])
    assert all(d["p_permutation"] is None for d in out["differences"])


def test_compare_command_with_cbsem_per_group(small_file, tmp_path: Path) -> None:
    model, data = small_file
    out = _run(
        [
            "compare",
            str(model),
            str(data),
            "--group",
            "branch",
            "--scale",
            "1,10",
            "--method",
            "cbsem",
            "--bootstrap",
            "20",
            "--seed",
            "2",
        ],
        tmp_path / "cb.json",
    )
    assert out["method"] == "cbsem" and out["differences"]
    assert all(g["ci"]["Y"][0] is not None for g in out["groups"].values())


def test_compare_command_refuses_pooled_and_permutation_test_for_other_methods(small_file, capsys) -> None:
    model, data = small_file
    base = ["compare", str(model), str(data), "--group", "branch", "--scale", "1,10", "--method", "gsca"]
    assert main(base + ["--mode", "pooled"]) == 2
    assert "--mode pooled" in capsys.readouterr().err
    assert main(base + ["--test", "permutation", "--permutations", "19"]) == 2
    assert "--test permutation" in capsys.readouterr().err
