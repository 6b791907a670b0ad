"""CB-SEM latent interactions (product indicators, double-mean-centred): agreement with lavaan on the
stored reference, recovery of a known population, the bootstrap's rebuilt products and the refusals."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.core.interaction_terms import double_mean_centred_products
from acsi.errors import ParameterError
from acsi.estimators.cbsem_interaction import InteractionCBSEM, product_indicator_model
from acsi.inference import bootstrap, resample_indices
from acsi.inference.simple_slopes import simple_slopes
from acsi.simulate.interaction import InteractionPopulation
from acsi.spec import parse_syntax

from ._tolerances import RESAMPLE

REFERENCE = Path(__file__).parent / "reference_interaction"
#: Half a unit of lavaan's printed third decimal.
LAVAAN = 5e-4
SPEC = parse_syntax("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nC ~ A + B + A:B")
PATHS = {"A -> C": 0.4, "B -> C": 0.3}


@pytest.fixture(scope="module")
def reference_fit() -> acsi.FitResult:
    return acsi.fit(SPEC, pd.read_csv(REFERENCE / "interaction_data.csv"), method="cbsem")


def test_double_mean_centred_products_are_centred_products_of_centred_indicators() -> None:
    rng = np.random.default_rng(1)
    left, right = rng.normal(3.0, 1.0, (50, 2)), rng.normal(-1.0, 2.0, (50, 3))
    products = double_mean_centred_products(left, right)
    a, b = left - left.mean(axis=0), right - right.mean(axis=0)
    expected = np.column_stack([a[:, i] * b[:, j] for i in range(2) for j in range(3)])
    np.testing.assert_allclose(products, expected - expected.mean(axis=0), rtol=0, atol=1e-12)


def test_products_sharing_an_indicator_get_a_residual_covariance_within_and_across_terms() -> None:
    built = product_indicator_model(SPEC)
    assert built.construct("A:B").indicators[:2] == ("a1:b1", "a1:b2")
    pairs = {frozenset((c.left, c.right)) for c in built.covariances}
    assert len(pairs) == 18  # 3 x 3 products: each pair of a row or a column of the 3 x 3 grid
    assert frozenset(("a1:b1", "a1:b2")) in pairs and frozenset(("a1:b1", "a2:b2")) not in pairs
    two = parse_syntax("A =~ a1 + a2\nB =~ b1 + b2\nD =~ d1 + d2\nC =~ c1 + c2\nC ~ A + B + D + A:B + A:D")
    across = {frozenset((c.left, c.right)) for c in product_indicator_model(two).covariances}
    assert frozenset(("a1:b1", "a1:d2")) in across and frozenset(("a1:b1", "a2:d1")) not in across
    assert product_indicator_model(built) == built  # a fit's spec rebuilds to itself


def test_estimates_standard_errors_and_fit_agree_with_lavaan_within_its_printed_precision(reference_fit: acsi.FitResult) -> None:
    """lavaan 0.6-14 ``sem()`` (ML, marker) on the same products (``tests/reference_interaction/README.md``)."""
    expected = pd.read_csv(REFERENCE / "lavaan_estimates.csv").rename(columns={"est.std": "est_std"})
    table = reference_fit.parameter_table
    assert table is not None
    ours = {(r.lhs, r.op, r.rhs): r for r in table.itertuples()}
    ours |= {(r.rhs, r.op, r.lhs): r for r in table.itertuples() if r.op == "~~"}
    for row in expected.itertuples():
        mine = ours[(row.lhs, row.op, row.rhs)]
        assert mine.estimate == pytest.approx(row.est, abs=LAVAAN), (row.lhs, row.op, row.rhs)
        assert mine.std_all == pytest.approx(row.est_std, abs=LAVAAN), (row.lhs, row.op, row.rhs)
        if row.se > 0:
            assert mine.std_error == pytest.approx(row.se, abs=LAVAAN), (row.lhs, row.op, row.rhs)
    assert len(expected) == len(table)
    measures = pd.read_csv(REFERENCE / "lavaan_fit_measures.csv").set_index("measure")["value"]
    indices = reference_fit.fit_indices or {}
    for name, value in measures.items():
        assert indices[str(name)] == pytest.approx(value, abs=LAVAAN), name


def test_the_interaction_path_is_keyed_a_colon_b_unstandardised_with_its_standardised_value_beside(
    reference_fit: acsi.FitResult,
) -> None:
    out = reference_fit.to_dict()
    table = reference_fit.parameter_table
    assert table is not None
    row = table[(table.lhs == "C") & (table.op == "~") & (table.rhs == "A:B")].iloc[0]
    assert out["paths"]["A:B -> C"] == pytest.approx(row.estimate, abs=1e-12)
    assert out["standardized"]["paths"]["A:B -> C"] == pytest.approx(row.std_all, abs=1e-12)
    assert reference_fit.settings["interactions"] == "product-indicator"
    assert isinstance(reference_fit.estimator, InteractionCBSEM)


@pytest.mark.parametrize("r", [0.0, 0.3])
def test_the_standardised_paths_recover_the_population_at_large_n(r: float) -> None:
    """The standardised ``A:B -> C`` estimates the effect of the unit-variance latent product (the
    generator's coefficient); at n = 20,000 the sampling error is about 0.01."""
    population = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=r)
    result = acsi.fit(SPEC, population.draw(20_000, seed=3), method="cbsem")
    standardized = (result.standardized or {})["paths"]
    for key, value in population.true_paths().items():
        assert standardized[key] == pytest.approx(value, abs=0.03), key
    assert result.to_dict()["r_squared"]["C"] == pytest.approx(population.r_squared()["C"], abs=0.03)


def test_each_bootstrap_resample_rebuilds_the_products_from_its_own_rows() -> None:
    frame = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=0.3).draw(300, seed=5)
    result = acsi.fit(SPEC, frame, method="cbsem")
    boot = bootstrap(result, n_boot=2, seed=9)
    column = boot.keys.index(("A:B -> C",))
    for r, rows in enumerate(resample_indices(2, len(frame), 9)):
        refit = acsi.fit(SPEC, frame.iloc[rows].reset_index(drop=True), method="cbsem")
        assert boot.replicates[r, column] == pytest.approx(refit.to_dict()["paths"]["A:B -> C"], abs=RESAMPLE["atol"])


def test_refusals_name_the_approach_the_ordinal_items_and_the_endogenous_term() -> None:
    frame = pd.read_csv(REFERENCE / "interaction_data.csv")
    for approach in ("two-stage", "orthogonal"):
        with pytest.raises(NotImplementedError, match="method='cbsem' with interactions"):
            acsi.fit(SPEC, frame, method="cbsem", interactions=approach)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError, match="ordinal"):
        acsi.fit(SPEC, frame.round(), method="cbsem", ordinal="auto")
    declared = dataclasses.replace(SPEC, ordinal=("a1",))
    with pytest.raises(NotImplementedError, match="declared: \\['a1'\\]"):
        acsi.fit(declared, frame.round(), method="cbsem")
    assert acsi.fit(declared, frame, method="cbsem", ordinal="none").converged  # the items taken as interval
    mediated = parse_syntax("A =~ a1 + a2\nB =~ b1 + b2\nC =~ c1 + c2\nB ~ A\nC ~ A + B + A:B")
    with pytest.raises(NotImplementedError, match="'B' is endogenous"):
        acsi.fit(mediated, frame, method="cbsem")
    with pytest.raises(ParameterError, match="complete rows"):
        acsi.fit(SPEC, frame, method="cbsem", missing="mean")


def test_simple_slopes_of_a_cbsem_fit_are_refused_with_the_formula(reference_fit: acsi.FitResult) -> None:
    with pytest.raises(NotImplementedError, match="sd"):
        simple_slopes(reference_fit, "A:B", "C")


def test_cli_fit_with_method_cbsem_writes_the_latent_interaction_path_and_no_slope_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "model.lav").write_text("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nC ~ A + B + A:B\n")
    out = tmp_path / "out.json"
    args = ["fit", str(tmp_path / "model.lav"), str(REFERENCE / "interaction_data.csv"), "--method", "cbsem"]
    assert main([*args, "--interactions", "product-indicator", "--json", str(out)]) == 0
    assert "not built for --method cbsem" in capsys.readouterr().out
    payload = json.loads(out.read_text())
    expected = pd.read_csv(REFERENCE / "lavaan_estimates.csv").set_index(["lhs", "op", "rhs"])
    assert payload["paths"]["A:B -> C"] == pytest.approx(expected.loc[("C", "~", "A:B"), "est"], abs=LAVAAN)
    assert "simple_slopes" not in payload


def test_warnings_name_the_products_as_the_spec_does() -> None:
    """An inadmissible fit (n = 25: a Heywood case of the product ``a1:b1``) warns with the spec's
    names, never the stand-ins semopy reads."""
    frame = InteractionPopulation(SPEC, PATHS, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=0.3).draw(25, seed=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = acsi.fit(SPEC, frame, method="cbsem")
    messages = [str(w.message) for w in caught] + list(result.warnings)
    assert any("'a1:b1'" in m for m in messages)
    assert not any("acsi_x" in m for m in messages)
