"""Group comparison: per-group estimates, weights, tests, MICOM, IPMA, tidy tables, CLI and charts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import acsi
from acsi.cli import main
from acsi.compare import (
    adjust_pvalues,
    aggregate,
    compare_groups,
    estimate_groups,
    ipma,
    ipma_groups,
    micom,
    omnibus_index_test,
    period_changes,
    permutation_test,
    proportion_se,
    rank_table,
    ranking,
)
from acsi.core import corrections
from acsi.errors import DataError, SpecError
from acsi.simulate import ACSI_LOCATIONS, PopulationModel, acsi_population
from acsi.spec.model import Construct, ModelSpec
from acsi.spec.model import Path as SpecPath

from ._models import SATISFACTION_SYNTAX
from ._tolerances import EXACT, NUMERIC

SAT = "customer_satisfaction"


def _branches(sizes: dict[str, int], shift: dict[str, float] | None = None, seed: int = 0) -> tuple[ModelSpec, pd.DataFrame]:
    """ACSI data per branch; ``shift`` raises the satisfaction items of some branches (a true difference)."""
    population = acsi_population()
    frames = []
    for b, (name, n) in enumerate(sizes.items()):
        location = dict(ACSI_LOCATIONS)
        if shift and name in shift:
            location[SAT] = 7.5 + shift[name]
        frame = population.draw(n, seed=seed * 1000 + b, scale=(1, 10), location=location)
        frames.append(frame.assign(branch=name))
    return population.spec, pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def branches() -> tuple[ModelSpec, pd.DataFrame]:
    return _branches({"a": 150, "b": 150, "c": 120, "d": 12}, shift={"a": 0.8})


@pytest.fixture(scope="module")
def estimates(branches: tuple[ModelSpec, pd.DataFrame]) -> acsi.compare.GroupEstimates:
    spec, frame = branches
    return estimate_groups(spec, frame, "branch", n_boot=200, seed=7)


# ---------------------------------------------------------------------- estimation
def test_each_group_estimate_equals_a_separate_fit_of_that_group(branches, estimates) -> None:
    spec, frame = branches
    for g, label in enumerate(estimates.labels):
        if not estimates.reported[g]:
            continue
        result = acsi.fit(spec, frame[frame.branch == label].drop(columns="branch"))
        assert_allclose(estimates.index[g], result.index.values, **NUMERIC)
        assert_allclose(estimates.paths[g], result.path_coefficients.to_numpy(), **NUMERIC)
        assert_allclose(estimates.total_effects[g], result.total_effect_matrix, **NUMERIC)


def test_overall_estimate_equals_the_pooled_fit(branches, estimates) -> None:
    spec, frame = branches
    result = acsi.fit(spec, frame.drop(columns="branch"))
    assert_allclose(estimates.overall["index"], result.index.values, **NUMERIC)
    assert_allclose(estimates.overall["paths"], result.path_coefficients.to_numpy(), **NUMERIC)


def test_pooled_mode_applies_the_pooled_index_weights_to_each_group(branches) -> None:
    spec, frame = branches
    est = estimate_groups(spec, frame, "branch", mode="pooled")
    pooled = acsi.fit(spec, frame.drop(columns="branch"))
    for g, label in enumerate(est.labels):
        if est.reported[g]:
            means = frame[frame.branch == label][list(spec.indicators)].to_numpy(float).mean(axis=0)
            assert_allclose(est.index[g], pooled.index.mapping.apply(means), **NUMERIC)
            assert_allclose(est.paths[g], pooled.path_coefficients.to_numpy(), **NUMERIC)


def test_integer_case_weights_equal_duplicated_rows(branches) -> None:
    spec, frame = branches
    rng = np.random.default_rng(3)
    weights = rng.integers(1, 4, size=len(frame))
    weighted = estimate_groups(spec, frame.assign(w=weights), "branch", weights="w")
    duplicated = frame.loc[frame.index.repeat(weights)]
    plain = estimate_groups(spec, duplicated, "branch")
    ok = weighted.reported & plain.reported
    assert_allclose(weighted.index[ok], plain.index[ok], **NUMERIC)
    assert_allclose(weighted.paths[ok], plain.paths[ok], **NUMERIC)
    assert not np.allclose(weighted.index[ok], estimate_groups(spec, frame, "branch").index[ok])


def test_groups_below_the_minimum_are_marked_not_estimated(estimates) -> None:
    d = estimates.position("d")
    assert not estimates.reported[d]
    assert "below the minimum 30" in estimates.notes[d]
    assert np.isnan(estimates.index[d]).all()
    ranked = ranking(estimates, SAT)
    row = ranked[ranked.group == "d"].iloc[0]
    assert row.flag == "small" and np.isnan(row["rank"])
    assert estimates.to_dict()["d"]["reported"] is False


def test_bootstrap_is_reproducible_and_independent_of_worker_processes(branches) -> None:
    spec, frame = branches
    one = estimate_groups(spec, frame, "branch", n_boot=30, seed=11)
    again = estimate_groups(spec, frame, "branch", n_boot=30, seed=11, workers=2)
    assert_allclose(one.index_draws, again.index_draws, **EXACT)
    lower, upper = one.index_interval
    ok = one.reported
    assert (lower[ok] <= one.index[ok]).all() and (one.index[ok] <= upper[ok]).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"group": "nowhere"}, DataError, "no group column 'nowhere'"),
        ({"group": "branch", "n_boot": 5}, ValueError, "too few resamples"),
        ({"group": "branch", "weights": "neg"}, DataError, "negative"),
        ({"group": "branch", "mode": "mixed"}, ValueError, "Unknown mode"),
    ],
)
def test_bad_arguments_raise_clear_errors(branches, kwargs, error, words) -> None:
    spec, frame = branches
    frame = frame.assign(neg=-1.0)
    with pytest.raises(error, match=words):
        estimate_groups(spec, frame, **kwargs)


def test_missing_group_labels_are_named(branches) -> None:
    spec, frame = branches
    frame = frame.astype({"branch": object}).copy()
    frame.loc[5, "branch"] = None
    with pytest.raises(DataError, match="row\\(s\\) have no group label.*rows 5"):
        estimate_groups(spec, frame, "branch")


# ---------------------------------------------------------------------- tests of differences
def test_holm_and_benjamini_hochberg_match_hand_computation() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, np.nan])
    assert_allclose(adjust_pvalues(p, "holm")[:4], [0.03, 0.06, 0.06, 0.02], **EXACT)
    assert_allclose(adjust_pvalues(p, "bh")[:4], [0.02, 0.04, 0.04, 0.02], **EXACT)
    assert np.isnan(adjust_pvalues(p, "holm")[4])


def test_henseler_probability_equals_the_pairwise_formula() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.3, 0.1, (80, 2)), rng.normal(0.2, 0.1, (70, 2))
    for c in range(2):
        x, y = a[:, c], b[:, c]
        theta = (2 * x.mean() - x[:, None] - 2 * y.mean() + y[None, :]) > 0
        assert_allclose(corrections.henseler_p(a, b)[c], 1 - theta.mean(), **EXACT)


def test_true_difference_is_significant_and_null_pairs_mostly_not(estimates) -> None:
    table = compare_groups(estimates, parameters=[SAT], adjust="none")
    assert set(map(tuple, table[["group_a", "group_b"]].to_numpy())) == {("a", "b"), ("a", "c"), ("b", "c")}
    by_pair = {(r.group_a, r.group_b): r for r in table.itertuples()}
    assert by_pair[("a", "b")].p_henseler < 0.01 and by_pair[("a", "b")].p_parametric < 0.01
    assert by_pair[("a", "b")].estimate > 0
    assert by_pair[("a", "b")].ci_lower > 0


def test_permutation_test_detects_the_shift_and_is_reproducible(estimates) -> None:
    first = permutation_test(estimates, "a", "b", n_perm=99, seed=1)
    assert first["index"][SAT][1] == pytest.approx(0.01)  # no permutation beats the observed shift
    assert first == permutation_test(estimates, "a", "b", n_perm=99, seed=1)
    assert set(first["paths"]) == set(estimates.path_keys)


def test_omnibus_test_rejects_when_one_branch_differs(estimates) -> None:
    assert omnibus_index_test(estimates, SAT, n_perm=99, seed=2)["p_value"] == pytest.approx(0.01)
    assert omnibus_index_test(estimates, "perceived_quality", n_perm=99, seed=2)["p_value"] > 0.01


def test_rank_intervals_contain_the_rank_and_the_shifted_branch_ranks_first(estimates) -> None:
    ranked = ranking(estimates, SAT)
    assert ranked.iloc[0].group == "a" and ranked.iloc[0].rank_upper == 1
    ok = ranked["rank"].notna()
    assert (ranked.loc[ok, "rank_lower"] <= ranked.loc[ok, "rank"]).all()
    assert (ranked.loc[ok, "rank"] <= ranked.loc[ok, "rank_upper"]).all()
    assert ranked.iloc[0].flag == "above"


def test_monte_carlo_power_and_false_positive_rate() -> None:
    """Small Monte-Carlo: branch x is about 10 index points higher (power near 1), y and z do not differ."""
    reps, rejections = 25, {"x-y": 0, "x-z": 0, "y-z": 0}
    for rep in range(reps):
        spec, frame = _branches({"x": 120, "y": 120, "z": 120}, shift={"x": 1.0}, seed=rep + 100)
        est = estimate_groups(spec, frame, "branch", n_boot=100, seed=rep)
        table = compare_groups(est, parameters=[SAT], adjust="none")
        for row in table.itertuples():
            rejections[f"{row.group_a}-{row.group_b}"] += bool(row.p_value < 0.05)
    assert rejections["x-y"] / reps >= 0.8 and rejections["x-z"] / reps >= 0.8
    # 25 null tests at 5%: expected 1.25; 5 or more has probability < 0.01 under the nominal rate
    assert rejections["y-z"] <= 4


# ---------------------------------------------------------------------- MICOM
def test_micom_flags_a_construct_measured_differently() -> None:
    spec = ModelSpec(
        constructs=(Construct("x", ("x1", "x2", "x3")), Construct("y", ("y1", "y2", "y3"))),
        paths=(SpecPath("x", "y"),),
    )
    same = PopulationModel(spec, paths={"x -> y": 0.5}, loadings=0.8)
    other = PopulationModel(spec, paths={"x -> y": 0.5}, loadings={"x1": 0.95, "x2": 0.9, "x3": 0.2, "y": 0.8})
    frame = pd.concat(
        [
            same.draw(400, seed=1, scale=(1, 10)).assign(g="g1"),
            same.draw(400, seed=2, scale=(1, 10)).assign(g="g2"),
            other.draw(400, seed=3, scale=(1, 10)).assign(g="g3"),
        ],
        ignore_index=True,
    )
    est = estimate_groups(spec, frame, "g")
    table = micom(est, n_perm=199, seed=4).set_index(["group_a", "group_b", "construct"])
    assert table.loc[("g1", "g2", "x"), "compositional"]
    assert not table.loc[("g1", "g3", "x"), "compositional"]
    assert table.loc[("g1", "g3", "x"), "verdict"] == "none"
    assert table["configural"].all()


# ---------------------------------------------------------------------- IPMA
def test_ipma_importance_is_the_total_effect_and_performance_the_index(satisfaction, reference) -> None:
    spec = acsi.parse_syntax(SATISFACTION_SYNTAX)
    result = acsi.fit(spec, satisfaction, scheme="centroid", raw=True, scale=(0, 10))
    maps = ipma(result, "SAT")
    total = result.total_effect_matrix[:, result.constructs.index("SAT")]
    for name, row in maps.constructs.iterrows():
        assert row.importance == total[result.constructs.index(name)]
        assert row.importance == result.effects.loc[f"{name} -> SAT", "total"]
        assert row.performance == result.index.to_dict()[name]
    case = json.loads((reference / "expected" / "satisfaction_plspm_centroid_unscaled.json").read_text())
    index_case = json.loads((reference / "expected" / "satisfaction_plspm_index_centroid_unscaled.json").read_text())
    for name, row in maps.constructs.iterrows():
        assert abs(row.importance - case["expected"]["effects"][f"{name} -> SAT"]["total"]) <= case["tolerance"]
        assert abs(row.performance - index_case["expected"]["index"][name]) <= index_case["tolerance_by_key"]["index"]
    assert set(maps.constructs.index) == {"IMAG", "EXPE", "QUAL", "VAL"}
    assert maps.act_first in maps.constructs.index[maps.constructs.quadrant == "concentrate here"]
    assert maps.mediators == ("EXPE", "QUAL", "VAL")  # IMAG is the only construct nothing drives
    # VAL, a mediator, comes first: the lever is its driver with the largest importance x (100 - performance)
    feeding = [
        n
        for n in maps.constructs.index
        if n != "VAL" and result.total_effect_matrix[result.constructs.index(n), result.constructs.index("VAL")] != 0
    ]
    assert maps.act_first == "VAL" and maps.lever == maps.constructs.loc[feeding, "priority"].idxmax()
    items = maps.indicators.loc["QUAL"]
    assert_allclose(items["importance"].sum(), maps.constructs.loc["QUAL", "importance"], **EXACT)


def test_ipma_rejects_a_target_without_drivers(satisfaction) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_SYNTAX), satisfaction, scale=(0, 10))
    with pytest.raises(SpecError, match="No construct has a path leading to IPMA target 'IMAG'"):
        ipma(result, "IMAG")


def test_group_ipma_uses_each_groups_effects_and_indices(estimates) -> None:
    maps = ipma_groups(estimates, SAT)
    assert set(maps) == {"a", "b", "c"}
    g = estimates.position("b")
    j = estimates.constructs.index(SAT)
    quality = estimates.constructs.index("perceived_quality")
    assert maps["b"].constructs.loc["perceived_quality", "importance"] == estimates.total_effects[g, quality, j]


# ---------------------------------------------------------------------- tidy tables (survey and device indicators)
def test_period_changes_against_previous_period_and_last_year() -> None:
    table = pd.DataFrame(
        {
            "group": ["w1"] * 3,
            "period": ["2023Q1", "2023Q4", "2024Q1"],
            "value": [70.0, 72.0, 75.0],
            "se": [1.0, 2.0, 2.0],
            "n": 100,
        }
    )
    out = period_changes(table).set_index("period")
    assert out.loc["2024Q1", "prev_period"] == "2023Q4" and out.loc["2024Q1", "yoy_period"] == "2023Q1"
    assert out.loc["2024Q1", "prev_change"] == 3.0 and out.loc["2024Q1", "yoy_change"] == 5.0
    se = np.sqrt(2.0**2 + 1.0**2)
    assert_allclose(out.loc["2024Q1", "yoy_ci_upper"] - 5.0, 1.959963984540054 * se, **NUMERIC)
    from scipy.stats import norm

    assert_allclose(out.loc["2024Q1", "yoy_p"], 2 * norm.sf(5.0 / se), **EXACT)
    assert np.isnan(out.loc["2023Q1", "prev_change"])  # 2022Q4 is not in the table


def test_device_rates_rank_with_uncertainty_lower_is_better() -> None:
    devices = pd.DataFrame({"group": ["w1", "w2", "w3"], "value": [0.02, 0.10, 0.11], "n": [900, 900, 900]})
    devices["se"] = proportion_se(devices["value"], devices["n"])
    ranked = rank_table(devices, higher_is_better=False, seed=0)
    assert list(ranked.group) == ["w1", "w2", "w3"]
    assert ranked.iloc[0].rank_upper == 1 and ranked.iloc[1].rank_upper == 3


def test_aggregation_weights_children_and_carries_intervals() -> None:
    firms = pd.DataFrame({"group": ["f1", "f2", "f3"], "value": [80.0, 70.0, 60.0], "se": [1.0, 2.0, 3.0]})
    hierarchy = pd.DataFrame(
        {
            "unit": ["f1", "f2", "f3", "banks", "insurers"],
            "parent": ["banks", "banks", "insurers", "nation", "nation"],
            "weight": [3, 1, 5, 2, 1],
        }
    )
    out = aggregate(firms, hierarchy).set_index("unit")
    assert_allclose(out.loc["banks", "value"], 0.75 * 80 + 0.25 * 70, **EXACT)
    assert_allclose(out.loc["banks", "se"], np.sqrt(0.75**2 + 0.25**2 * 4), **EXACT)
    assert_allclose(out.loc["nation", "value"], (2 * 77.5 + 60) / 3, **EXACT)
    draws = np.array([[79.0, 81.0], [69.0, 71.0], [59.0, 61.0]])
    with_draws = aggregate(firms, hierarchy, draws=draws).set_index("unit")
    assert with_draws.loc["banks", "ci_lower"] >= 76.0 and with_draws.loc["banks", "ci_upper"] <= 79.0
    with pytest.raises(DataError, match="not in the hierarchy: f3"):
        aggregate(firms, hierarchy[hierarchy.unit != "f3"])


# ---------------------------------------------------------------------- CLI and charts
@pytest.fixture(scope="module")
def survey_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frames = []
    for q, quarter in enumerate(["2023Q4", "2024Q1"]):
        spec, frame = _branches({"north": 60, "south": 60, "east": 60}, shift={"north": 0.7}, seed=q + 50)
        frames.append(frame.assign(quarter=quarter))
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)
    return path


def test_compare_command_writes_the_json_contract_and_every_chart(survey_file: Path, tmp_path: Path, capsys) -> None:
    hierarchy = tmp_path / "regions.csv"
    pd.DataFrame({"unit": ["north", "south", "east"], "parent": ["bank"] * 3, "weight": [1, 1, 2]}).to_csv(hierarchy, index=False)
    status = main(
        [
            "compare",
            str(acsi.resources.bundled("models/acsi.yaml")),
            str(survey_file),
            "--group",
            "branch",
            "--period",
            "quarter",
            "--bootstrap",
            "40",
            "--permutations",
            "19",
            "--seed",
            "1",
            "--json",
            str(tmp_path / "out.json"),
            "--plot",
            str(tmp_path / "plots"),
            "--hierarchy",
            str(hierarchy),
            "--scheme",
            "path",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "Ranking by customer_satisfaction" in printed and "north" in printed
    out = json.loads((tmp_path / "out.json").read_text())
    for key in ("groups", "differences", "invariance", "ipma", "periods", "aggregation"):
        assert out[key], key
    group = out["groups"]["north"]
    assert set(group) >= {"n_obs", "index", "ci", "paths"} and group["n_obs"] == 120
    assert {"estimate", "p_value", "p_adjusted"} <= set(out["differences"][0])
    assert set(out["invariance"]["east vs north"]) >= {"verdict", "constructs"}
    assert out["ipma"]["overall"]["act_first"]
    for name in ("ranking.png", "periods.png", "ipma.png"):
        assert (tmp_path / "plots" / name).stat().st_size > 1000, name


def test_ipma_command_per_group(survey_file: Path, tmp_path: Path, capsys) -> None:
    status = main(
        [
            "ipma",
            str(acsi.resources.bundled("models/acsi.yaml")),
            str(survey_file),
            "--target",
            "customer_loyalty",
            "--group",
            "branch",
            "--json",
            str(tmp_path / "ipma.json"),
            "--plot",
            str(tmp_path),
        ]
    )
    assert status == 0
    assert "act first on" in capsys.readouterr().out
    out = json.loads((tmp_path / "ipma.json").read_text())["ipma"]
    assert set(out["groups"]) == {"east", "north", "south"}
    assert (tmp_path / "ipma.png").stat().st_size > 1000


def test_compare_command_names_a_missing_group_column(survey_file: Path, capsys) -> None:
    status = main(["compare", str(acsi.resources.bundled("models/acsi.yaml")), str(survey_file), "--group", "shop"])
    assert status == 2
    assert "no group column 'shop'" in capsys.readouterr().err


def test_compare_command_refuses_pooled_mode_for_other_methods(survey_file: Path, capsys) -> None:
    status = main(
        [
            "compare",
            str(acsi.resources.bundled("models/acsi.yaml")),
            str(survey_file),
            "--group",
            "branch",
            "--method",
            "plsc",
            "--mode",
            "pooled",
        ]
    )
    assert status == 2
    assert "built for --method pls only" in capsys.readouterr().err


def test_every_chart_is_written_and_not_empty(estimates, tmp_path: Path) -> None:
    from acsi.report.plots import plot_ipma, plot_periods, plot_ranking

    ranked = ranking(estimates, SAT)
    periods = pd.DataFrame(
        [
            (g, q, 70.0 + i + j, 68.0 + i + j, 72.0 + i + j)
            for i, g in enumerate("ab")
            for j, q in enumerate(["2024Q1", "2024Q2"])
        ],
        columns=["group", "period", "value", "ci_lower", "ci_upper"],
    )
    maps = ipma_groups(estimates, SAT)["a"]
    for path in (
        plot_ranking(ranked, tmp_path / "r.png", overall=70.0),
        plot_periods(periods, tmp_path / "p.svg"),
        plot_ipma(maps, tmp_path / "i.png"),
    ):
        assert path.stat().st_size > 1000


def test_pairs_cover_every_reported_pair_once(estimates) -> None:
    table = compare_groups(estimates, quantity="paths", test="parametric", adjust="bh")
    reported = [g for g, ok in zip(estimates.labels, estimates.reported) if ok]
    assert len(table) == len(list(itertools.combinations(reported, 2))) * len(estimates.path_keys)
    assert (table["p_adjusted"] >= table["p_value"] - 1e-15).all()


def test_device_indicator_table_in_the_same_frame() -> None:
    """A table shaped like the device indicators (branch_id, ISO-week period, n_rated, satisfied_rate)."""
    device = pd.DataFrame(
        {
            "branch_id": ["b1", "b1", "b1", "b2", "b2"],
            "period": ["2023-W10", "2024-W09", "2024-W10", "2024-W09", "2024-W10"],
            "n_rated": [400, 400, 400, 400, 400],
            "satisfied_rate": [0.80, 0.85, 0.90, 0.70, 0.71],
        }
    )
    device["se"] = proportion_se(device["satisfied_rate"], device["n_rated"])
    changes = period_changes(device, group="branch_id", value="satisfied_rate").set_index(["branch_id", "period"])
    row = changes.loc[("b1", "2024-W10")]
    assert row.prev_period == "2024-W09" and row.yoy_period == "2023-W10"
    assert_allclose(row.yoy_change, 0.10, **NUMERIC)
    assert row.yoy_p < 0.001 and row.prev_p < 0.05
    assert np.isnan(changes.loc[("b2", "2024-W10"), "yoy_change"])
    latest = device[device.period == "2024-W10"]
    ranked = rank_table(latest, value="satisfied_rate", seed=1)
    assert list(ranked.branch_id) == ["b1", "b2"] and ranked.iloc[0].p_best > 0.99


def test_group_comparison_takes_a_survey_and_refuses_pairwise_moments(branches) -> None:
    from acsi.ingest.survey import Survey

    spec, frame = branches
    survey = Survey.from_frame(frame.set_index(frame.index + 2), source="branches.csv")  # source row numbers
    est = estimate_groups(spec, survey, "branch")
    assert_allclose(est.index, estimate_groups(spec, frame, "branch").index, **EXACT)
    with pytest.raises(NotImplementedError, match="pairwise"):
        estimate_groups(spec, frame, "branch", missing="pairwise")


@pytest.mark.parametrize("command", ["compare", "ipma"])
def test_compare_and_ipma_have_help_with_the_fit_options(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--scheme", "--scale", "--mapping", "--method", "--json", "--plot"):
        assert option in out


def test_ipma_command_weights_the_whole_sample_like_repeated_rows(tmp_path: Path, capsys) -> None:
    spec, frame = _branches({"north": 60, "south": 60}, shift={"north": 0.7}, seed=3)
    frame = frame.assign(w=np.arange(len(frame)) % 3 + 1)
    weighted_file, repeated_file = tmp_path / "weighted.csv", tmp_path / "repeated.csv"
    frame.to_csv(weighted_file, index=False)
    frame.loc[frame.index.repeat(frame["w"])].to_csv(repeated_file, index=False)
    outputs = []
    for path, extra in ((weighted_file, ["--weights", "w"]), (repeated_file, [])):
        out = tmp_path / f"{path.stem}.json"
        status = main(
            [
                "ipma",
                str(acsi.resources.bundled("models/acsi.yaml")),
                str(path),
                "--target",
                "customer_loyalty",
                "--json",
                str(out),
                "--quiet",
                *extra,
            ]
        )
        assert status == 0
        outputs.append(json.loads(out.read_text()))
    weighted, repeated = (out["ipma"]["constructs"] for out in outputs)
    assert set(weighted) == set(repeated)
    for name in weighted:
        assert weighted[name]["importance"] == pytest.approx(repeated[name]["importance"], abs=1e-9)
        assert weighted[name]["performance"] == pytest.approx(repeated[name]["performance"], abs=1e-9)
