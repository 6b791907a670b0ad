"""Specific indirect effects with bootstrap intervals and the Zhao, Lynch & Chen (2010) types of mediation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.inference import bootstrap
from acsi.simulate import PopulationModel
from acsi.spec.model import Construct, ModelSpec, Path

from .._tolerances import EXACT, POPULATION

#: A serial-parallel mediation model: X -> M1 -> M2 -> Y with X -> M2, M1 -> Y and X -> Y.
TRUE_PATHS = {"X -> M1": 0.5, "X -> M2": 0.3, "M1 -> M2": 0.4, "X -> Y": 0.2, "M1 -> Y": 0.3, "M2 -> Y": 0.4}


def _single_indicator_spec(paths: dict[str, float]) -> ModelSpec:
    names = ("X", "M1", "M2", "Y")
    used = [n for n in names if any(n in key.split(" -> ") for key in paths)]
    return ModelSpec(
        constructs=tuple(Construct(n, (n.lower(),)) for n in used),
        paths=tuple(Path(*key.split(" -> ")) for key in paths),
    )


def _exact_sample(paths: dict[str, float], n: int) -> tuple[ModelSpec, pd.DataFrame]:
    """Error-free single indicators (loading 1) drawn exactly: PLS paths are the population's."""
    spec = _single_indicator_spec(paths)
    return spec, PopulationModel(spec, paths=paths, loadings=1.0).draw(n, seed=3, exact=True)


@pytest.fixture(scope="module")
def mediation() -> tuple[acsi.FitResult, acsi.BootstrapResult]:
    spec, frame = _exact_sample(TRUE_PATHS, 300)
    fit = acsi.fit(spec, frame)
    return fit, bootstrap(fit, n_boot=200, seed=4)


def test_the_specific_indirect_effects_recover_the_products_of_the_true_paths(mediation) -> None:
    fit, _ = mediation
    got = fit.specific_indirect_effects().set_index("path")["estimate"]
    p = TRUE_PATHS
    expected = {
        "X -> M1 -> M2": p["X -> M1"] * p["M1 -> M2"],
        "X -> M1 -> Y": p["X -> M1"] * p["M1 -> Y"],
        "X -> M2 -> Y": p["X -> M2"] * p["M2 -> Y"],
        "X -> M1 -> M2 -> Y": p["X -> M1"] * p["M1 -> M2"] * p["M2 -> Y"],
        "M1 -> M2 -> Y": p["M1 -> M2"] * p["M2 -> Y"],
    }
    assert sorted(got.index) == sorted(expected)
    np.testing.assert_allclose(got[list(expected)].to_numpy(), list(expected.values()), **POPULATION)


def test_the_specific_indirect_effects_of_a_pair_sum_to_its_total_indirect_effect(mediation) -> None:
    fit, _ = mediation
    specific = fit.specific_indirect_effects()
    summed = specific.groupby([specific.source, specific.target]).estimate.sum()
    effects = fit.effects.set_index(["source", "target"]).indirect
    np.testing.assert_allclose(summed.to_numpy(), effects.loc[summed.index].to_numpy(), **EXACT)
    assert (effects.drop(summed.index) == 0).all()  # pairs without a chain have no indirect effect


def test_each_resample_carries_the_product_of_its_own_paths_as_seminr_defines_it(mediation) -> None:
    _, boot = mediation
    column = {key[0]: j for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)) if kind in ("paths", "specific_indirect")}
    product = (
        boot.replicates[:, column["X -> M1"]] * boot.replicates[:, column["M1 -> M2"]] * boot.replicates[:, column["M2 -> Y"]]
    )
    np.testing.assert_allclose(boot.replicates[:, column["X -> M1 -> M2 -> Y"]], product, **EXACT)
    table = boot.specific_indirect_effects().set_index("path")
    row = table.loc["X -> M1 -> M2 -> Y"]
    assert row.std_error == pytest.approx(np.std(product, ddof=1), abs=1e-12)
    lower, upper = np.quantile(product, [0.025, 0.975])
    assert (row.ci_lower, row.ci_upper) == pytest.approx((lower, upper), abs=1e-12)
    assert (row.source, row.through, row.target) == ("X", "M1, M2", "Y")


def test_the_json_lists_every_specific_indirect_effect_with_its_interval_and_type(mediation) -> None:
    fit, boot = mediation
    out = json.loads(json.dumps(fit.to_dict() | boot.to_dict(), allow_nan=False))
    rows = {row["path"]: row for row in out["specific_indirect_effects"]}
    assert set(rows) == set(fit.specific_indirect_effects().path)
    row = rows["X -> M1 -> Y"]
    assert row["ci_lower"] < row["estimate"] < row["ci_upper"]
    assert row["mediation"] == "complementary"  # indirect 0.15 and direct 0.2, both clearly non-zero at n = 300
    assert out["mediation"]["X -> Y"]["mediation"] == "complementary"
    assert "X -> M1 -> Y" not in out["paths"] and "specific_indirect" not in out["ci"]


def test_bca_intervals_of_specific_indirect_effects_use_the_jackknife_of_the_products() -> None:
    spec, frame = _exact_sample({"X -> M1": 0.5, "M1 -> Y": 0.4}, 80)
    boot = bootstrap(acsi.fit(spec, frame), n_boot=1000, seed=2, ci="bca")
    row = boot.specific_indirect_effects().iloc[0]
    j = boot.kinds.index("specific_indirect")
    assert boot.acceleration is not None and boot.acceleration[j] != 0
    assert row.ci_lower < row.estimate < row.ci_upper


@pytest.mark.parametrize(
    ("x_m", "x_y", "expected"),
    [
        (0.5, 0.3, "complementary"),
        (0.5, -0.4, "competitive"),
        (0.5, 0.0, "indirect-only"),
        (0.0, 0.4, "direct-only"),
        (0.0, 0.0, "no-effect"),
    ],
)
def test_constructed_mediation_cases_get_their_zhao_lynch_chen_type(x_m: float, x_y: float, expected: str) -> None:
    spec, frame = _exact_sample({"X -> M1": x_m, "X -> Y": x_y, "M1 -> Y": 0.5}, 400)
    boot = bootstrap(acsi.fit(spec, frame), n_boot=300, seed=6)
    assert boot.specific_indirect_effects().set_index("path").loc["X -> M1 -> Y", "mediation"] == expected
    assert boot.mediation().loc["X -> Y", "mediation"] == expected


def test_an_indirect_effect_without_a_direct_path_in_the_model_is_indirect_only_or_no_effect() -> None:
    spec, frame = _exact_sample({"X -> M1": 0.5, "M1 -> Y": 0.5}, 300)
    row = bootstrap(acsi.fit(spec, frame), n_boot=200, seed=1).specific_indirect_effects().iloc[0]
    assert (row.direct, row.direct_ci_lower, row.direct_ci_upper, row.mediation) == (0.0, 0.0, 0.0, "indirect-only")
