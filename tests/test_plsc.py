"""Consistent PLS: ADANCO reference, population-exact recovery, batched kernel, admissibility."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core import plsc as kernel
from acsi.core.pls import orient, outer_weights
from acsi.estimators.plsc import PLSc
from acsi.simulate import PopulationModel
from acsi.structure import model_structure

from ._reference import flatten
from ._tolerances import EXACT, POPULATION
from .conftest import REFERENCE, reference_cases

PLSC_CASES = reference_cases("plsc")
THREE_FACTORS = """
eta1 =~ y11 + y12 + y13
eta2 =~ y21 + y22 + y23
eta3 =~ y31 + y32 + y33
eta2 ~ eta1
eta3 ~ eta1 + eta2
"""


@pytest.mark.parametrize("path", PLSC_CASES, ids=[p.stem for p in PLSC_CASES])
def test_plsc_matches_adanco_on_every_reference_key(reference: Path, path: Path) -> None:
    case = json.loads(path.read_text())
    spec = acsi.parse_syntax(case["model"]["syntax"])
    data = pd.read_csv(REFERENCE / case["dataset"])
    result = acsi.fit(spec, data, method="plsc", scheme=case["settings"]["scheme"]).to_dict()
    assert set(case["expected"]) <= set(result), set(case["expected"]) - set(result)
    for key, value in case["expected"].items():
        tolerance = case.get("tolerance_by_key", {}).get(key, case["tolerance"])
        expected, got = flatten(value), flatten(result[key])
        for name, want in expected.items():
            assert abs(got[name] - want) <= tolerance, f"{key} {name}: got {got[name]:.10g}, expected {want:.10g}"


def _population_case(reference: Path) -> dict:
    return json.loads((reference / "expected" / "threecommonfactors_population.json").read_text())


def _three_factor_population(case: dict) -> PopulationModel:
    spec = acsi.parse_syntax(THREE_FACTORS)
    loadings = {i: v for block in case["expected"]["loadings"].values() for i, v in block.items()}
    return PopulationModel(spec, paths=case["expected"]["paths"], loadings=loadings)


def test_population_generator_reproduces_the_threecommonfactors_truth(reference: Path) -> None:
    case = _population_case(reference)
    population = _three_factor_population(case)
    truth = case["expected"]
    names = population.construct_names
    R = population.construct_correlations()
    for key, want in truth["construct_correlations"].items():
        a, b = (s.strip() for s in key.split("~~"))
        np.testing.assert_allclose(R[names.index(a), names.index(b)], want, rtol=0, atol=case["tolerance"])
    got = population.r_squared()
    for name, want in truth["r_squared"].items():
        np.testing.assert_allclose(got[name], want, rtol=0, atol=case["tolerance"])


def test_plsc_recovers_population_loadings_and_paths_from_exact_data(reference: Path) -> None:
    case = _population_case(reference)
    population = _three_factor_population(case)
    frame = population.draw(500, seed=11, exact=True)
    result = acsi.fit(acsi.parse_syntax(THREE_FACTORS), frame, method="plsc", scheme="path").to_dict()
    for key in ("loadings", "paths", "r_squared"):
        expected, got = flatten(case["expected"][key]), flatten(result[key])
        for name, want in expected.items():
            np.testing.assert_allclose(got[name], want, **POPULATION, err_msg=f"{key} {name}")


def test_plsc_is_unlike_pls_on_common_factor_data(reference: Path) -> None:
    case = _population_case(reference)
    frame = _three_factor_population(case).draw(500, seed=3, exact=True)
    spec = acsi.parse_syntax(THREE_FACTORS)
    pls = acsi.fit(spec, frame, method="pls").to_dict()["paths"]["eta1 -> eta2"]
    plsc = acsi.fit(spec, frame, method="plsc").to_dict()["paths"]["eta1 -> eta2"]
    assert pls < 0.55 < plsc  # attenuated by PLS, population 0.6 recovered by PLSc


def test_batched_correction_equals_one_matrix_at_a_time(satisfaction: pd.DataFrame) -> None:
    spec = acsi.parse_syntax(
        "\n".join(
            f"{n} =~ " + " + ".join(f"{n.lower()}{i}" for i in range(1, m + 1))
            for n, m in (("IMAG", 5), ("EXPE", 5), ("QUAL", 5), ("VAL", 4), ("SAT", 4), ("LOY", 4))
        )
        + "\nEXPE ~ IMAG\nQUAL ~ EXPE\nVAL ~ EXPE + QUAL\nSAT ~ IMAG + EXPE + QUAL + VAL\nLOY ~ IMAG + SAT\n"
    )
    structure = model_structure(spec)
    X = satisfaction[list(spec.indicators)].to_numpy(float)
    rng = np.random.default_rng(0)
    stack = np.stack([np.corrcoef(X[rng.integers(0, len(X), len(X))], rowvar=False) for _ in range(4)])
    reflective = np.ones(structure.n_constructs, dtype=bool)
    W = orient(outer_weights(stack, structure, "path").weights, stack, structure)
    batched = kernel.correct(stack, W, structure, reflective)
    for b in range(len(stack)):
        single = kernel.correct(stack[b], W[b], structure, reflective)
        np.testing.assert_allclose(batched.paths[b], single.paths, **EXACT)
        np.testing.assert_allclose(batched.loadings[b], single.loadings, **EXACT)
        np.testing.assert_allclose(batched.rho_a[b], single.rho_a, **EXACT)


def test_composites_are_left_uncorrected(satisfaction: pd.DataFrame) -> None:
    text = (REFERENCE / "expected" / "satisfaction_adanco_plsc_centroid.json").read_text()
    syntax = json.loads(text)["model"]["syntax"].replace("IMAG =~", "IMAG <~")
    spec = acsi.parse_syntax(syntax)
    pls = acsi.fit(spec, satisfaction, method="pls", scheme="centroid")
    plsc = acsi.fit(spec, satisfaction, method="plsc", scheme="centroid")
    np.testing.assert_allclose(plsc.loadings["IMAG"].to_numpy(), pls.loadings["IMAG"].to_numpy(), **EXACT)
    assert "IMAG" not in plsc.to_dict()["rho_a"]
    assert not np.allclose(plsc.loadings["SAT"].to_numpy(), pls.loadings["SAT"].to_numpy())


def test_single_indicator_blocks_count_as_error_free() -> None:
    spec = acsi.parse_syntax("x =~ x1 + x2 + x3\ny =~ y1\ny ~ x\n")
    population = PopulationModel(spec, paths={"x -> y": 0.5}, loadings={"x": 0.8, "y": 1.0})
    result = acsi.fit(spec, population.draw(300, seed=2, exact=True), method="plsc").to_dict()
    assert result["rho_a"]["y"] == 1.0
    np.testing.assert_allclose(result["paths"]["x -> y"], 0.5, **POPULATION)


def test_inadmissible_solution_is_reported_not_clamped() -> None:
    # Two weak blocks (within-block correlation 0.3, rho_A = 0.46) whose scores correlate
    # 0.77: the disattenuated correlation is 0.77 / 0.46 = 1.67.
    spec = acsi.parse_syntax("x =~ x1 + x2\ny =~ y1 + y2\ny ~ x\n")
    sigma = np.array([[1.0, 0.3, 0.5, 0.5], [0.3, 1.0, 0.5, 0.5], [0.5, 0.5, 1.0, 0.3], [0.5, 0.5, 0.3, 1.0]])
    rng = np.random.default_rng(0)
    z = rng.standard_normal((400, 4))
    z -= z.mean(axis=0)
    z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T @ np.linalg.cholesky(sigma).T
    frame = pd.DataFrame(z, columns=["x1", "x2", "y1", "y2"])
    with pytest.warns(acsi.InadmissibleSolutionWarning, match="correlation of 'x' and 'y'"):
        result = acsi.fit(spec, frame, method="plsc")
    assert result.to_dict()["paths"]["x -> y"] > 1  # reported as computed
    assert any("inadmissible" in w for w in result.warnings)


def test_fit_measures_are_zero_when_the_model_reproduces_the_data(reference: Path) -> None:
    case = _population_case(reference)
    frame = _three_factor_population(case).draw(500, seed=5, exact=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = acsi.fit(acsi.parse_syntax(THREE_FACTORS), frame, method="plsc").to_dict()["fit"]
    for part in ("saturated_model", "estimated_model"):
        for value in fit[part].values():
            assert abs(value) < 1e-10


def test_plsc_settings_are_checked_when_built() -> None:
    with pytest.raises(ValueError, match="centroids"):
        PLSc(scheme="centroids")
