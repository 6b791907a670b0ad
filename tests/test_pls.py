"""Behaviour of the PLS estimator: recovery of known truth, settings, warnings and errors."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core import pls as kernel
from acsi.spec.model import Construct, Mode, ModelSpec, Path

from ._models import SATISFACTION_SYNTAX as SATISFACTION_MODEL
from ._tolerances import EXACT, NUMERIC, POPULATION


def exact_sample(sigma: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Data whose sample covariance (divisor n - 1) equals ``sigma`` exactly (GUIDE §5.2)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, sigma.shape[0]))
    z -= z.mean(axis=0)
    z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T
    return z @ np.linalg.cholesky(sigma).T


def composite_population() -> tuple[ModelSpec, np.ndarray, np.ndarray, dict[str, float]]:
    """A three-composite chain x -> m -> y (plus x -> y) with known weights and paths.

    Within-block correlations 0.5; weights w_b scaled so that w' S_bb w = 1; between blocks
    Sigma_ab = S_aa w_a rho_ab w_b' S_bb (the composite model, Dijkstra 2017).
    """
    spec = ModelSpec(
        constructs=(
            Construct("x", ("x1", "x2", "x3"), Mode.COMPOSITE),
            Construct("m", ("m1", "m2", "m3"), Mode.COMPOSITE),
            Construct("y", ("y1", "y2"), Mode.COMPOSITE),
        ),
        paths=(Path("x", "m"), Path("x", "y"), Path("m", "y")),
    )
    paths = {"x -> m": 0.5, "x -> y": 0.2, "m -> y": 0.4}
    rho_xm = 0.5
    rho_xy = paths["x -> y"] + paths["m -> y"] * rho_xm
    rho_my = paths["x -> y"] * rho_xm + paths["m -> y"]
    rho = np.array([[1, rho_xm, rho_xy], [rho_xm, 1, rho_my], [rho_xy, rho_my, 1]])
    raw_weights = [np.array([0.5, 0.3, 0.4]), np.array([0.6, -0.1, 0.5]), np.array([0.7, 0.4])]
    blocks, weights = [], []
    for w in raw_weights:
        S_bb = np.full((w.size, w.size), 0.5) + 0.5 * np.eye(w.size)
        blocks.append(S_bb)
        weights.append(w / math.sqrt(w @ S_bb @ w))
    sizes = [w.size for w in weights]
    offsets = np.cumsum([0] + sizes)
    sigma = np.zeros((offsets[-1],) * 2)
    for a in range(3):
        for b in range(3):
            rows, cols = slice(offsets[a], offsets[a + 1]), slice(offsets[b], offsets[b + 1])
            if a == b:
                sigma[rows, cols] = blocks[a]
            else:
                sigma[rows, cols] = np.outer(blocks[a] @ weights[a], blocks[b] @ weights[b]) * rho[a, b]
    return spec, sigma, np.concatenate(weights), paths


@pytest.mark.parametrize("scheme", ["centroid", "factorial", "path"])
def test_mode_b_recovers_composite_population_weights_and_paths_exactly(scheme: str) -> None:
    spec, sigma, weights, paths = composite_population()
    frame = pd.DataFrame(exact_sample(sigma, 400, seed=1), columns=spec.indicators)
    result = acsi.fit(spec, frame, scheme=scheme)
    np.testing.assert_allclose(result.outer_weights, weights, **POPULATION)
    np.testing.assert_allclose(result.path_coefficients[list(paths)].to_numpy(), list(paths.values()), **POPULATION)


def test_kernel_on_a_stack_of_matrices_equals_one_fit_per_matrix(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(SATISFACTION_MODEL)
    X = satisfaction[list(spec.indicators)].to_numpy(float)
    rng = np.random.default_rng(3)
    stack = np.stack([np.corrcoef(X[rng.integers(0, len(X), len(X))], rowvar=False) for _ in range(4)])
    from acsi.structure import model_structure

    structure = model_structure(spec)
    batched = kernel.outer_weights(stack, structure, "path")
    for b in range(stack.shape[0]):
        single = kernel.outer_weights(stack[b], structure, "path")
        np.testing.assert_allclose(batched.weights[b], single.weights, **NUMERIC)
        assert batched.n_iter[b] == single.n_iter


def test_generated_acsi_data_keep_the_negative_satisfaction_complaints_path() -> None:
    from acsi.simulate import acsi_population

    population = acsi_population()
    spec = population.spec
    frame = population.draw(20_000, seed=11, scale=(1, 10))
    result = acsi.fit(spec, frame, scheme="path")
    truth = population.truth()["paths"]
    got = result.path_coefficients
    negative = [key for key, value in truth.items() if value < 0]
    assert negative, "the ACSI population has negative paths (complaints)"
    for key in negative:
        assert got[key] < 0, f"{key}: PLS reports {got[key]:.3f}, the population value is {truth[key]}"
    # Mode A PLS is attenuated on common-factor data, but not by more than this here.
    for key, value in truth.items():
        assert abs(got[key] - value) < 0.12, f"{key}: {got[key]:.3f} vs population {value}"


def test_scores_are_standardised_and_reproduce_the_construct_correlations(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction, scheme="centroid")
    scores = result.scores
    np.testing.assert_allclose(scores.mean().to_numpy(), 0.0, **NUMERIC)
    np.testing.assert_allclose(scores.std(ddof=1).to_numpy(), 1.0, **NUMERIC)
    np.testing.assert_allclose(scores.corr().to_numpy(), result.construct_correlation_matrix, **NUMERIC)


def test_loadings_are_correlations_of_indicators_with_scores(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction)
    for (construct, indicator), loading in result.loadings.items():
        assert loading == pytest.approx(np.corrcoef(satisfaction[indicator], result.scores[construct])[0, 1], abs=1e-9)


def test_effects_add_up_and_total_effects_follow_the_routes(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction)
    effects = result.effects
    np.testing.assert_allclose(effects.direct + effects.indirect, effects.total, **EXACT)
    p = result.path_coefficients
    # EXPE -> VAL: direct plus the route through QUAL.
    expected = p["EXPE -> VAL"] + p["EXPE -> QUAL"] * p["QUAL -> VAL"]
    assert effects.loc["EXPE -> VAL", "total"] == pytest.approx(expected, abs=1e-12)
    assert effects.loc["IMAG -> QUAL", "direct"] == 0.0


def test_non_convergence_warns_and_flags_the_result(satisfaction: pd.DataFrame) -> None:
    with pytest.warns(acsi.ConvergenceWarning, match="max_iter=2"):
        result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction, max_iter=2)
    assert result.converged is False
    assert result.to_dict()["converged"] is False
    assert any("did not converge" in message for message in result.warnings)


def test_fit_never_mutates_its_inputs(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(SATISFACTION_MODEL)
    frame = satisfaction.copy()
    before = frame.copy()
    acsi.fit(spec, frame, scale=(0, 10))
    pd.testing.assert_frame_equal(frame, before)
    assert spec == acsi.parse_syntax(SATISFACTION_MODEL)


def test_result_arrays_are_read_only(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction)
    with pytest.raises(ValueError):
        result.path_matrix[0, 1] = 1.0


def test_to_dict_is_the_json_contract(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction, scale=(0, 10))
    payload = json.loads(json.dumps(result.to_dict()))
    for key in ("method", "scheme", "converged", "iterations", "n_obs", "weights", "loadings", "paths", "r_squared", "index"):
        assert key in payload, key
    assert payload["method"] == "pls" and payload["scheme"] == "path" and payload["n_obs"] == 250
    assert set(payload["weights"]) == set(result.constructs)
    assert set(payload["weights"]["IMAG"]) == {f"imag{i}" for i in range(1, 6)}
    assert set(payload["paths"]) == {p.key for p in result.spec.paths}
    assert set(payload["r_squared"]) == {"EXPE", "QUAL", "VAL", "SAT", "LOY"}
    assert all(0 <= value <= 100 for value in payload["index"].values())


def test_params_table_is_keyed_by_lavaan_operators(satisfaction: pd.DataFrame) -> None:
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction)
    params = result.params.set_index(["lhs", "op", "rhs"])["estimate"]
    assert params[("LOY", "~", "SAT")] == result.path_coefficients["SAT -> LOY"]
    assert params[("SAT", "=~", "sat1")] == result.loadings[("SAT", "sat1")]
    assert params[("SAT", "<~", "sat1")] == result.weights[("SAT", "sat1")]
    assert not params.index.duplicated().any()


def test_summary_text_shows_every_section(satisfaction: pd.DataFrame) -> None:
    text = str(acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction, scale=(0, 10)).summary())
    for section in ("Outer model", "Structural model", "Explained variance", "Effects", "Index (0-100"):
        assert section in text
    assert "SAT -> LOY" in text and "Converged: yes" in text


def test_pls_refuses_covariance_statements_with_a_clear_message(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(SATISFACTION_MODEL + "imag1 ~~ imag2\n")
    with pytest.raises(acsi.SpecError, match="imag1 ~~ imag2"):
        acsi.fit(spec, satisfaction)


@pytest.mark.parametrize(
    "settings, culprit",
    [
        ({"scheme": "centroids"}, "centroids"),
        ({"tol": 0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"index_weights": "pca"}, "pca"),
    ],
)
def test_invalid_settings_are_refused_by_name(settings: dict, culprit: str) -> None:
    with pytest.raises(ValueError, match=culprit):
        acsi.PLSPM(**settings)


def test_perfectly_collinear_mode_b_block_raises_estimation_error(satisfaction: pd.DataFrame) -> None:
    frame = satisfaction.assign(imag5=satisfaction.imag1 + satisfaction.imag2)
    spec = acsi.parse_syntax(SATISFACTION_MODEL.replace("IMAG =~", "IMAG <~"))
    with pytest.raises(acsi.EstimationError, match="IMAG"):
        acsi.fit(spec, frame)


def test_listwise_deletion_drops_incomplete_rows_and_reports_them(satisfaction: pd.DataFrame) -> None:
    frame = satisfaction.astype({"sat1": float})
    frame.loc[[3, 7], "sat1"] = np.nan
    result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), frame, missing="listwise")
    reference = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction.drop(index=[3, 7]))
    assert result.n_obs == 248 and result.n_dropped == 2
    np.testing.assert_allclose(result.outer_weights, reference.outer_weights, **EXACT)


def test_no_warning_on_a_clean_fit(satisfaction: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = acsi.fit(acsi.parse_syntax(SATISFACTION_MODEL), satisfaction, scale=(0, 10))
    assert result.warnings == ()


def test_identical_blocks_make_collinear_predictors_an_estimation_error(satisfaction: pd.DataFrame) -> None:
    frame = satisfaction.assign(copy1=satisfaction.qual1, copy2=satisfaction.qual2)
    spec = acsi.parse_syntax("Q =~ qual1 + qual2\nC =~ copy1 + copy2\nS =~ sat1 + sat2\nS ~ Q + C\n")
    with pytest.raises(acsi.EstimationError, match="collinear"):
        acsi.fit(spec, frame)


def test_prepared_data_fit_like_the_frame_and_refuse_a_second_scale(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(SATISFACTION_MODEL)
    data = acsi.prepare(spec, satisfaction, scale=(0, 10))
    from_frame = acsi.fit(spec, satisfaction, scale=(0, 10))
    from_data = acsi.fit(spec, data)
    np.testing.assert_allclose(from_data.index.values, from_frame.index.values, **EXACT)
    with pytest.raises(ValueError, match="acsi.prepare"):
        acsi.fit(spec, data, scale=(1, 10))
    other = acsi.parse_syntax("SAT =~ sat1 + sat2\nLOY =~ loy1 + loy2\nLOY ~ SAT\n")
    with pytest.raises(acsi.DataError, match="another spec"):
        acsi.fit(other, data)
