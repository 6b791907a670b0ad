"""Implied moments of common-factor populations: cSEM reference, recursive solution, hand values."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose

from acsi.simulate.population import PopulationModel
from acsi.spec.model import Construct, ModelSpec, Path

from .._tolerances import REPRODUCED, assert_nested_close
from ._specs import EXACT, REFERENCE, _small_spec


def _threecommonfactors_case() -> dict:
    path = REFERENCE / "expected" / "threecommonfactors_population.json"
    if not path.is_file():
        pytest.skip(f"reference case not found at {path}; set ACSI_REFERENCE_DIR")
    return json.loads(path.read_text())


def test_threecommonfactors_population_matches_csem() -> None:
    case = _threecommonfactors_case()
    model, expected = case["model"], case["expected"]
    tol = {"rtol": 0.0, "atol": case["tolerance"]}
    tol_indicators = {"rtol": 0.0, "atol": case["tolerance_by_key"]["indicator_correlations"]}
    spec = ModelSpec(
        constructs=tuple(Construct(name, tuple(block["indicators"])) for name, block in model["constructs"].items()),
        paths=tuple(Path(source, target) for source, target in model["paths"]),
    )
    loadings = {i: v for block in expected["loadings"].values() for i, v in block.items()}
    pop = PopulationModel(spec, paths=expected["paths"], loadings=loadings)

    names = pop.construct_names
    phi = pop.construct_correlations()
    want_phi = np.eye(len(names))
    for key, value in expected["construct_correlations"].items():
        a, b = (s.strip() for s in key.split("~~"))
        want_phi[names.index(a), names.index(b)] = want_phi[names.index(b), names.index(a)] = value
    assert_allclose(phi, want_phi, **tol)
    assert_allclose(np.diag(phi), [expected["construct_variances"][n] for n in names], **tol)

    r2 = pop.r_squared()
    assert list(r2) == list(expected["r_squared"])
    assert_allclose([r2[k] for k in expected["r_squared"]], list(expected["r_squared"].values()), **tol)

    indicators = pop.indicator_names
    want_sigma = np.array([[expected["indicator_correlations"][a][b] for b in indicators] for a in indicators])
    sigma = pop.indicator_covariance()
    assert_allclose(sigma, want_sigma, **tol_indicators)
    assert_allclose(np.diag(sigma), [expected["indicator_variances"][i] for i in indicators], **tol)
    truth = pop.truth()
    assert_nested_close(truth["paths"], expected["paths"], **REPRODUCED)
    assert_nested_close(truth["loadings"], expected["loadings"], **REPRODUCED)


def test_phi_formula_equals_recursive_solution(acsi_pop: PopulationModel) -> None:
    # Phi = (I - B)^-1 Psi (I - B)^-T against the structural equations: the residual of j is
    # uncorrelated with every non-descendant m of j, so cov(eta_j, eta_m) = b_j' cov(eta, eta_m).
    phi = acsi_pop.construct_correlations()
    B = acsi_pop.path_matrix()
    names = acsi_pop.construct_names
    graph = acsi_pop.spec.graph()
    assert_allclose(np.diag(phi), np.ones(len(phi)), **EXACT)
    for j, name in enumerate(names):
        if name in acsi_pop.spec.endogenous:
            below = nx.descendants(graph, name) | {name}
            others = [m for m, other in enumerate(names) if other not in below]
            assert_allclose(phi[j, others], B[j] @ phi[:, others], **EXACT)
            assert_allclose(acsi_pop.r_squared()[name], B[j] @ phi @ B[j], **EXACT)


def test_acsi_population_values(acsi_pop: PopulationModel) -> None:
    r2 = acsi_pop.r_squared()
    assert list(r2) == list(acsi_pop.spec.endogenous)
    # hand-derived: R2(quality) = 0.55^2; R2(complaints) = 0.40^2;
    # corr(expectations, value) = 0.15 + 0.55 * 0.55 = 0.4525
    assert_allclose(r2["perceived_quality"], 0.55**2, **EXACT)
    assert_allclose(r2["customer_complaints"], 0.40**2, **EXACT)
    names = acsi_pop.construct_names
    phi = acsi_pop.construct_correlations()
    assert_allclose(phi[names.index("customer_expectations"), names.index("perceived_value")], 0.4525, **EXACT)
    assert_allclose(
        [r2["perceived_value"], r2["customer_satisfaction"], r2["customer_loyalty"]],
        [0.41575, 0.549925, 0.5245],  # by hand: b^T Phi_PP b
        rtol=0.0,
        atol=5e-6,
    )
    assert acsi_pop.loadings["cc1"] == 1.0
    assert {v for k, v in acsi_pop.loadings.items() if k != "cc1"} == {0.85}
    sigma = acsi_pop.indicator_covariance()
    i, j = acsi_pop.indicator_names.index("cs1"), acsi_pop.indicator_names.index("cc1")
    assert_allclose(sigma[i, j], 0.85 * -0.40 * 1.0, **EXACT)
    assert_allclose(np.diag(sigma), np.ones(len(sigma)), **EXACT)


def test_exogenous_correlations() -> None:
    spec = _small_spec()
    pop = PopulationModel(spec, paths={"a -> c": 0.4, "b->c": 0.3}, loadings=0.8, exogenous_correlations={"b ~~ a": 0.5})
    assert dict(pop.exogenous_correlations) == {"a ~~ b": 0.5}
    assert_allclose(pop.construct_correlations()[0, 1], 0.5, **EXACT)
    assert_allclose(pop.r_squared()["c"], 0.4**2 + 0.3**2 + 2 * 0.4 * 0.3 * 0.5, **EXACT)
    default = PopulationModel(spec, paths={"a -> c": 0.4, "b -> c": 0.3})
    assert dict(default.exogenous_correlations) == {"a ~~ b": 0.0}
    assert dict(default.loadings) == {i: 0.85 for i in spec.indicators}
    uniform = PopulationModel(spec, paths={"a -> c": 0.4, "b -> c": 0.3}, exogenous_correlations=-0.2)
    assert_allclose(uniform.construct_correlations()[0, 1], -0.2, **EXACT)
