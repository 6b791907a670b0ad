"""The bundled ACSI population and the demo data drawn from it."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from acsi.simulate.bundled import ACSI_PATHS, acsi_population
from acsi.simulate.population import PopulationModel
from acsi.spec.model import ModelSpec

from .._tolerances import REPRODUCED, assert_nested_close
from ._specs import EXACT, REPO


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
