"""Tests of acsi.simulate: implied moments, exact and seeded draws, discretisation, validation."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path as FilePath

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from acsi.errors import SpecError
from acsi.simulate import (
    ACSI_LOADINGS,
    ACSI_PATHS,
    PopulationModel,
    acsi_population,
)
from acsi.spec.model import Construct, ModelSpec, Path, Scale

from ._tolerances import REPRODUCED, assert_nested_close

# Named tolerances (GUIDE.md section 5.6), passed by keyword.
EXACT = {"rtol": 0.0, "atol": 1e-12}  # algebra
EXACT_DRAW = {"rtol": 0.0, "atol": 1e-10}  # sample covariance of an exact draw

REPO = FilePath(__file__).resolve().parents[1]
REFERENCE = FilePath(os.environ.get("ACSI_REFERENCE_DIR", REPO.parent / "shared" / "reference"))

ACSI_BLOCKS = {
    "customer_expectations": ("ce1", "ce2", "ce3"),
    "perceived_quality": ("pq1", "pq2", "pq3"),
    "perceived_value": ("pv1", "pv2"),
    "customer_satisfaction": ("cs1", "cs2", "cs3"),
    "customer_complaints": ("cc1",),
    "customer_loyalty": ("cl1", "cl2"),
}


def _acsi_spec() -> ModelSpec:
    """The ACSI structure built in code, independent of models/acsi.yaml."""
    paths = tuple(Path(*(s.strip() for s in key.split("->"))) for key in ACSI_PATHS)
    return ModelSpec(constructs=tuple(Construct(k, v) for k, v in ACSI_BLOCKS.items()), paths=paths)


def _small_spec() -> ModelSpec:
    return ModelSpec(
        constructs=(
            Construct("a", ("a1", "a2")),
            Construct("b", ("b1", "b2")),
            Construct("c", ("c1", "c2", "c3")),
        ),
        paths=(Path("a", "c"), Path("b", "c")),
    )


@pytest.fixture(scope="module")
def acsi_pop() -> PopulationModel:
    return PopulationModel(_acsi_spec(), paths=ACSI_PATHS, loadings=ACSI_LOADINGS)


# ---------------------------------------------------------------------- implied moments
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


def test_loading_keys_by_construct_and_default() -> None:
    spec = _small_spec()
    pop = PopulationModel(spec, paths={"a -> c": 0.4, "b -> c": 0.3}, loadings={"*": 0.7, "c": 0.9, "c2": -0.6})
    assert dict(pop.loadings) == {"a1": 0.7, "a2": 0.7, "b1": 0.7, "b2": 0.7, "c1": 0.9, "c2": -0.6, "c3": 0.9}
    assert_allclose(pop.loading_matrix().sum(axis=1), list(pop.loadings.values()), **EXACT)


def test_population_is_frozen(acsi_pop: PopulationModel) -> None:
    with pytest.raises(AttributeError):
        acsi_pop.paths = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        acsi_pop.paths["customer_expectations -> perceived_quality"] = 0.1  # type: ignore[index]
    sigma = acsi_pop.indicator_covariance()
    sigma[0, 0] = 5.0  # a copy: the population is unchanged
    assert acsi_pop.indicator_covariance()[0, 0] == 1.0


# ---------------------------------------------------------------------- draws
def test_exact_draw_has_population_covariance(acsi_pop: PopulationModel) -> None:
    for n in (15, 250, 5000):
        frame = acsi_pop.draw(n, seed=n, exact=True)
        assert list(frame.columns) == list(acsi_pop.spec.indicators)
        assert frame.shape == (n, 14)
        assert_allclose(np.cov(frame.to_numpy(), rowvar=False), acsi_pop.indicator_covariance(), **EXACT_DRAW)
        assert_allclose(frame.mean().to_numpy(), np.zeros(14), **EXACT_DRAW)


def test_random_draw_is_near_population(acsi_pop: PopulationModel) -> None:
    x = acsi_pop.draw_array(200_000, seed=11)
    # sampling error of a correlation at n = 200,000 is below 0.0023; 0.01 is > 4 standard errors
    assert_allclose(np.corrcoef(x, rowvar=False), acsi_pop.indicator_covariance(), rtol=0.0, atol=0.01)


def test_same_seed_same_data_different_seed_different_data(acsi_pop: PopulationModel) -> None:
    for kwargs in ({}, {"exact": True}, {"scale": (1, 10)}):
        first = acsi_pop.draw(300, seed=42, **kwargs)
        again = acsi_pop.draw(300, seed=42, **kwargs)
        other = acsi_pop.draw(300, seed=43, **kwargs)
        pd.testing.assert_frame_equal(first, again)
        assert (first.to_numpy() != other.to_numpy()).mean() > 0.5
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    assert_array_equal(acsi_pop.draw_array(50, seed=rng_a), acsi_pop.draw_array(50, seed=rng_b))


def test_discretised_draw_is_integral_and_inside_the_scale(acsi_pop: PopulationModel) -> None:
    frame = acsi_pop.draw(20_000, seed=5, scale=(1, 10))
    values = frame.to_numpy()
    assert values.dtype == np.int64
    assert values.min() >= 1 and values.max() <= 10
    assert set(np.unique(values)) <= set(range(1, 11))
    # defaults: location 7.5, spread 1.7 -> left-skewed ratings with mean about 7.45
    assert_allclose(values.mean(), 7.45, rtol=0.0, atol=0.05)
    assert (values == 10).mean() > (values == 1).mean()
    # a Scale object, custom location and spread, a 1-5 scale
    small = acsi_pop.draw_array(5000, seed=5, scale=Scale(1, 5), location=3.0, spread={"ce1": 0.1})
    assert small.min() >= 1 and small.max() <= 5
    assert set(np.unique(small[:, 0])) <= {2, 3, 4}
    # location keyed by construct, overridden by an indicator key
    keyed = acsi_pop.draw_array(2000, seed=5, scale=(1, 10), location={"customer_complaints": 2.0, "cs1": 3.0})
    columns = list(acsi_pop.indicator_names)
    assert_allclose(keyed[:, columns.index("cc1")].mean(), 2.2, rtol=0.0, atol=0.2)
    assert_allclose(keyed[:, columns.index("cs1")].mean(), 3.1, rtol=0.0, atol=0.2)
    assert_allclose(keyed[:, columns.index("cs2")].mean(), 7.45, rtol=0.0, atol=0.2)
    # discretisation is the rounding of the same continuous draw
    z = acsi_pop.draw_array(100, seed=9)
    assert_array_equal(acsi_pop.draw_array(100, seed=9, scale=(1, 10)), np.clip(np.rint(7.5 + 1.7 * z), 1, 10))


# ---------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "culprit", "fragment"),
    [
        ({"paths": {"a -> c": 0.4, "b -> c": 0.3, "c -> a": 0.1}}, "c -> a", "not a path of the model"),
        ({"paths": {"a -> c": 0.4, "b => c": 0.3}}, "b => c", "not a path of the model"),
        ({"paths": {"a -> c": 0.4}}, "b -> c", "No population value for path 'b -> c'"),
        ({"paths": {"a -> c": 0.4, "b -> c": float("nan")}}, "b -> c", "finite number"),
        ({"paths": {"a -> c": 0.8, "b -> c": 0.7}}, "c", "R-squared"),
        ({"loadings": 1.2}, "a1", "0 < |loading| <= 1"),
        ({"loadings": {"*": 0.8, "b2": -1.5}}, "b2", "0 < |loading| <= 1"),
        ({"loadings": {"*": 0.8, "c9": 0.5}}, "c9", "neither an indicator nor a construct"),
        ({"loadings": {"a": 0.8, "b": 0.8}}, "c1", "No population loading"),
        ({"loadings": {"*": 0.8, "a": 1.0}}, "a1", "not positive definite"),
        ({"loadings": 0.0}, "a1", "0 < |loading| <= 1"),
        ({"exogenous_correlations": {"a ~~ c": 0.3}}, "a ~~ c", "exogenous constructs"),
        ({"exogenous_correlations": 1.0}, "a ~~ b", "(-1, 1)"),
    ],
)
def test_invalid_population_raises_naming_the_culprit(kwargs: dict, culprit: str, fragment: str) -> None:
    arguments = {"paths": {"a -> c": 0.4, "b -> c": 0.3}, "loadings": 0.8} | kwargs
    with pytest.raises(SpecError) as info:
        PopulationModel(_small_spec(), **arguments)
    assert info.value.culprit == culprit
    assert fragment in str(info.value)
    assert culprit in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n": 1}, "at least 2"),
        ({"n": 10.0}, "integer"),
        ({"n": 7, "exact": True}, "n > 7"),
        ({"scale": (1, 10.5)}, "integers"),
        ({"scale": (10, 1)}, "below its maximum"),
        ({"scale": "1-10"}, "pair"),
        ({"location": 7.0}, "pass scale"),
        ({"scale": (1, 10), "spread": -1.0}, "positive"),
        ({"scale": (1, 10), "location": {"zz": 1.0}}, "'zz'"),
        ({"scale": (1, 10), "spread": {"a": "wide"}}, "finite numbers"),
    ],
)
def test_invalid_draw_arguments_raise(kwargs: dict, fragment: str) -> None:
    pop = PopulationModel(_small_spec(), paths={"a -> c": 0.4, "b -> c": 0.3})
    arguments = {"n": 100} | kwargs
    n = arguments.pop("n")
    with pytest.raises(ValueError, match=None) as info:
        pop.draw(n, seed=0, **arguments)
    assert fragment in str(info.value)


def test_spec_must_be_a_modelspec() -> None:
    with pytest.raises(SpecError, match="needs a ModelSpec"):
        PopulationModel("a =~ a1", paths={})  # type: ignore[arg-type]


# ---------------------------------------------------------------------- bundled population and demo data
def _bundled_spec() -> ModelSpec:
    import acsi
    from acsi.resources import bundled

    return acsi.load_spec(bundled("models/acsi.yaml"))


def test_acsi_population_from_bundled_spec(acsi_pop: PopulationModel) -> None:
    spec = _bundled_spec()
    pop = acsi_population()
    assert pop.spec.construct_names == spec.construct_names
    assert dict(pop.paths) == {p.key: ACSI_PATHS[p.key] for p in spec.paths}
    # the bundled spec has the same structure as the one built in code: same R-squared
    r2 = pop.r_squared()
    assert_allclose([r2[k] for k in acsi_pop.r_squared()], list(acsi_pop.r_squared().values()), **EXACT)
    assert pop.draw(30, seed=1, exact=True).shape == (30, len(spec.indicators))


def test_demo_data_is_reproducible() -> None:
    _bundled_spec()
    script = REPO / "datasets" / "make_acsi_demo.py"
    module_spec = importlib.util.spec_from_file_location("make_acsi_demo", script)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    frame, truth = module.build()
    stored = pd.read_csv(REPO / "datasets" / "acsi_demo.csv")
    pd.testing.assert_frame_equal(stored, frame)
    stored_truth = json.loads((REPO / "datasets" / "acsi_demo.truth.json").read_text())
    fresh_truth = json.loads(json.dumps(truth))
    for record in (stored_truth, fresh_truth):  # provenance only, not part of the truth
        record["generator"].pop("numpy_version")
    assert_nested_close(fresh_truth, stored_truth, **REPRODUCED)
    assert stored.shape == (truth["n"], len(truth["columns"]))
    assert stored.to_numpy().min() >= 1 and stored.to_numpy().max() <= 10


def test_bank_branch_demo_data_is_reproducible_and_has_the_stated_shifts() -> None:
    script = REPO / "datasets" / "make_bank_branches_demo.py"
    module_spec = importlib.util.spec_from_file_location("make_bank_branches_demo", script)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    frame, truth = module.build()
    stored = pd.read_csv(REPO / "datasets" / "bank_branches_demo.csv")
    pd.testing.assert_frame_equal(stored, frame)
    stored_truth = json.loads((REPO / "datasets" / "bank_branches_demo.truth.json").read_text())
    assert_nested_close(json.loads(json.dumps(truth)), stored_truth, **REPRODUCED)
    means = stored.groupby("branch")["sat_overall"].mean()
    assert means["B02"] > means.drop(["B02"]).max() and means["B05"] < means.drop(["B05"]).min()


def test_truth_records_compare_within_a_stated_tolerance_not_to_the_last_bit() -> None:
    stored = {"paths": {"QUAL -> SAT": 0.4525}, "n": 250, "columns": ["a"]}
    assert_nested_close({"paths": {"QUAL -> SAT": 0.45250000000000007}, "n": 250, "columns": ["a"]}, stored, **REPRODUCED)
    with pytest.raises(AssertionError, match="QUAL -> SAT"):
        assert_nested_close({"paths": {"QUAL -> SAT": 0.4526}, "n": 250, "columns": ["a"]}, stored, **REPRODUCED)
    with pytest.raises(AssertionError, match="n"):
        assert_nested_close({"paths": {"QUAL -> SAT": 0.4525}, "n": 251, "columns": ["a"]}, stored, **REPRODUCED)
