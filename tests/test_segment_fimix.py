"""FIMIX-PLS (acsi.segment): criteria formulas, the recommendation rule, EM recovery of known segments, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.errors import ParameterError
from acsi.segment import adjusted_rand_index, fimix
from acsi.segment.criteria import information_criteria, normed_entropy, recommend
from acsi.segment.explain import explain_membership, holm
from acsi.segment.mixture_regression import mixture_regression
from acsi.simulate import PopulationModel
from acsi.spec.model import Construct, ModelSpec, Path

SPEC = ModelSpec(
    constructs=(
        Construct("qual", ("q1", "q2", "q3")),
        Construct("value", ("v1", "v2", "v3")),
        Construct("sat", ("s1", "s2", "s3")),
        Construct("loy", ("l1", "l2", "l3")),
    ),
    paths=(Path("qual", "sat"), Path("value", "sat"), Path("sat", "loy")),
)
#: Two segments whose structural paths differ (segment A: quality drives satisfaction, which drives
#: loyalty; segment B: value drives satisfaction, which lowers loyalty), 600 and 400 respondents.
TRUTH_A = {"qual -> sat": 0.9, "value -> sat": 0.0, "sat -> loy": 0.9}
TRUTH_B = {"qual -> sat": -0.6, "value -> sat": 0.7, "sat -> loy": -0.8}


def two_segments(seed: int, n_a: int = 600, n_b: int = 400) -> tuple[pd.DataFrame, np.ndarray]:
    frames = [
        PopulationModel(SPEC, paths=truth, loadings=0.95, exogenous_correlations=0.2).draw(n, seed=[seed, g])
        for g, (truth, n) in enumerate(((TRUTH_A, n_a), (TRUTH_B, n_b)))
    ]
    return pd.concat(frames, ignore_index=True), np.r_[np.zeros(n_a, int), np.ones(n_b, int)]


def oracle_assignment(result: acsi.segment.FimixResult, truth: np.ndarray) -> np.ndarray:
    """The best achievable assignment: posterior under each true segment's own OLS fit on the same scores."""
    scores = np.asarray(result.fit.score_matrix)
    pos = {c: j for j, c in enumerate(result.fit.constructs)}
    log_f = np.zeros((len(truth), 2))
    for g in range(2):
        log_f[:, g] += math.log(np.mean(truth == g))
        for target in SPEC.endogenous:
            x = scores[:, [pos[p.source] for p in SPEC.paths if p.target == target]]
            y = scores[:, pos[target]]
            beta, *_ = np.linalg.lstsq(x[truth == g], y[truth == g], rcond=None)
            var = np.mean((y[truth == g] - x[truth == g] @ beta) ** 2)
            log_f[:, g] += -0.5 * (np.log(2 * np.pi * var) + (y - x @ beta) ** 2 / var)
    return np.argmax(log_f, axis=1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_known_segments_are_recovered_k_paths_and_membership(seed: int) -> None:
    frame, truth = two_segments(seed)
    result = fimix(SPEC, frame, k=range(1, 5), starts=10, seed=seed)
    assert result.k == 2 and result.basis == "AIC3 and CAIC agree"
    two = result.solutions[2]
    np.testing.assert_allclose(two.sizes, [0.6, 0.4], atol=0.06)
    paths = result.paths(2)
    for segment, truth_paths in (("segment_1", TRUTH_A), ("segment_2", TRUTH_B)):
        for name, value in truth_paths.items():
            assert paths.loc[name, segment] == pytest.approx(value, abs=0.12), (name, segment)
    ari = adjusted_rand_index(two.assignment, truth)
    best_possible = adjusted_rand_index(oracle_assignment(result, truth), truth)
    # regression segments overlap where predictors are near 0: the ceiling is the known-parameter assignment
    assert ari >= 0.9 * best_possible and ari > 0.45


def test_one_population_gives_one_segment() -> None:
    frame = PopulationModel(SPEC, paths=TRUTH_A, loadings=0.95, exogenous_correlations=0.2).draw(800, seed=5)
    result = fimix(SPEC, frame, k="1-3", starts=5, seed=5)
    assert result.k == 1


def test_same_seed_same_solution_and_each_k_independent_of_the_others() -> None:
    frame, _ = two_segments(7, 200, 150)
    a = fimix(SPEC, frame, k=[1, 2, 3], starts=4, seed=11)
    b = fimix(SPEC, frame, k=[2], starts=4, seed=11)
    assert a.solutions[2].log_likelihood == b.solutions[2].log_likelihood  # same code path, same machine
    np.testing.assert_array_equal(a.solutions[2].posterior, b.solutions[2].posterior)


def test_em_log_likelihood_never_decreases_and_k1_is_least_squares() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 2))
    y = x @ [0.5, -0.2] + 0.6 * rng.standard_normal(300)
    one = mixture_regression(y[:, None], (x,), 1, starts=3, rng=rng)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    np.testing.assert_allclose(one.coefficients[0][0], beta, atol=1e-10)
    sigma2 = np.mean((y - x @ beta) ** 2)
    expected = -0.5 * len(y) * (np.log(2 * np.pi * sigma2) + 1)
    assert one.log_likelihood == pytest.approx(expected, rel=1e-10)
    lls = [
        mixture_regression(y[:, None], (x,), 2, starts=1, rng=np.random.default_rng(3), max_iter=m).log_likelihood
        for m in (2, 5, 20, 80)
    ]
    assert all(b >= a - 1e-9 for a, b in zip(lls, lls[1:]))


def test_information_criteria_and_entropy_formulas() -> None:
    ic = information_criteria(-100.0, 5, 200)
    ln = math.log(200)
    assert ic == pytest.approx(
        {
            "aic": 210,
            "aic3": 215,
            "aic4": 220,
            "bic": 200 + 5 * ln,
            "caic": 200 + 5 * (ln + 1),
            "hq": 200 + 10 * math.log(ln),
            "mdl5": 200 + 25 * ln,
        }
    )
    assert normed_entropy(np.eye(3)[[0, 1, 2, 0]]) == pytest.approx(1.0)
    assert normed_entropy(np.full((4, 2), 0.5)) == pytest.approx(0.0)
    assert math.isnan(normed_entropy(np.ones((4, 1))))


def test_recommendation_rule_steps() -> None:
    def table(**choice: int) -> dict[int, dict[str, float]]:
        return {
            k: {name: (0.0 if choice.get(name, 1) == k else 1.0) for name in ("aic", "aic3", "aic4", "bic", "caic", "hq", "mdl5")}
            for k in (1, 2, 3)
        }

    assert (recommend(table(aic3=2, caic=2)).k, recommend(table(aic3=2, caic=2)).agreement) == (2, True)
    second = recommend(table(aic3=3, caic=1, aic4=2, bic=2))
    assert second.k == 2 and second.basis.startswith("AIC3 and CAIC disagree")
    third = recommend(table(aic3=3, caic=2, aic4=3, bic=1))
    assert (third.k, third.agreement) == (2, False)


def test_adjusted_rand_index_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    # Hubert & Arabie's definition by hand: table [[2,1],[0,3]] -> index 1+3, rows 3+3, columns 1+6, C(6,2)=15
    expected = (4 - 6 * 7 / 15) / ((6 + 7) / 2 - 6 * 7 / 15)
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]) == pytest.approx(expected)


def test_explanation_finds_the_variable_that_goes_with_membership() -> None:
    rng = np.random.default_rng(1)
    segment = rng.integers(2, size=400)
    posterior = np.eye(2)[segment] * 0.9 + 0.05
    channel = np.where(rng.random(400) < 0.8, segment, 1 - segment)  # agrees with the segment 80% of the time
    frame = pd.DataFrame(
        {
            "channel": np.array(["app", "branch"])[channel],
            "noise": rng.integers(3, size=400),
            "age": rng.normal(40, 10, 400) + 8 * segment,
        }
    )
    out = explain_membership(posterior, frame)
    assert out.tests.loc["channel", "p_holm"] < 1e-10 and out.tests.loc["noise", "p_holm"] > 0.01
    assert out.tests.loc["age", "kind"] == "numeric" and out.tests.loc["age", "p_value"] < 1e-6
    assert json.loads(json.dumps(out.to_dict(), allow_nan=False))["variables"]["channel"]["effect_name"] == "cramers_v"
    np.testing.assert_allclose(holm(np.array([0.01, 0.04, np.nan, 0.03])), [0.03, 0.06, np.nan, 0.06])


def test_result_views_and_strict_json() -> None:
    frame, _ = two_segments(4, 150, 100)
    frame["branch"] = np.where(np.arange(len(frame)) < 150, "north", "south")
    result = fimix(SPEC, frame, k="1-2", starts=3, seed=1)
    out = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert out["criteria"]["1"]["entropy"] is None and out["k"] == result.k
    assert set(out["solutions"]["2"]["paths"]) == {p.key for p in SPEC.paths}
    assert len(out["membership"]["segment"]) == len(frame)
    assert list(result.to_frame().index) == [1, 2] and "caic" in result.to_frame()
    assert result.membership(2).shape == (len(frame), 3)
    assert repr(result).startswith("FimixResult(k=") and "\n" not in repr(result)
    assert "<pre>" in result._repr_html_() and "recommended K" in result.summary()
    assert result.explain(frame, ["branch"], k=2).tests.loc["branch", "p_value"] < 1e-6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"k": 0}, "k must be"), ({"k": "2-x"}, "range"), ({"starts": 0}, "starts"), ({"seed": -1}, "seed"), ({"tol": 2.0}, "tol")],
)
def test_bad_settings_raise_parameter_error(kwargs: dict, match: str) -> None:
    frame, _ = two_segments(1, 30, 30)
    with pytest.raises(ParameterError, match=match):
        fimix(SPEC, frame, **kwargs)


def test_cli_segment_prints_and_writes_json(tmp_path, capsys) -> None:  # noqa: ANN001
    from acsi.cli import main
    from acsi.resources import bundled

    target = tmp_path / "seg.json"
    members = tmp_path / "members.csv"
    status = main(
        [
            "segment",
            str(bundled("models/bank_branch.yaml")),
            str(bundled("datasets/bank_branches_demo.csv")),
            "--k",
            "1-2",
            "--starts",
            "3",
            "--seed",
            "1",
            "--explain",
            "branch",
            "--json",
            str(target),
            "--membership",
            str(members),
        ]
    )
    assert status == 0
    out = json.loads(target.read_text())
    assert out["method"] == "fimix-pls" and out["settings"]["seed"] == 1 and "branch" in out["explain"]["variables"]
    assert "recommended K" in capsys.readouterr().out
    assert pd.read_csv(members).shape[0] == out["n_obs"]
    assert (
        main(
            [
                "segment",
                str(bundled("models/bank_branch.yaml")),
                str(bundled("datasets/bank_branches_demo.csv")),
                "--explain",
                "nope",
            ]
        )
        == 2
    )
