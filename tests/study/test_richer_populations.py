"""Study files with a higher-order or an interaction population: validation, truth from the simulate modules, tiny runs."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml

from acsi.errors import ParameterError
from acsi.resources import bundled
from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.simulate.interaction import InteractionPopulation
from acsi.study import run_design
from acsi.study.generate import plan_condition
from acsi.study.studyfile import design_from_dict, load_study

SECOND_ORDER = Path(bundled("models/studies/second_order_5point.yaml"))
MODERATION = Path(bundled("models/studies/moderation.yaml"))


def _content(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _tiny(path: Path, n: int) -> dict:
    content = _content(path)
    content["replications"] = 2
    content["design"]["n"] = [n]
    return content


def test_shipped_richer_study_files_validate_with_their_estimators() -> None:
    second = load_study(SECOND_ORDER)
    assert second.ns == (200, 1000) and second.distributions[0].kind == "ordinal" and second.distributions[0].categories == 5
    assert [e.name for e in second.estimators] == ["pls", "plsc", "ordplsc", "cbsem_ml"]
    assert second.estimators[2].options == {"higher_order": "two-stage-disjoint", "ordinal": "auto"}
    assert second.population.spec.higher_order[0].components == ("reliability", "responsiveness", "empathy")
    moderation = load_study(MODERATION)
    assert moderation.ns == (250, 1000)
    assert [e.options["interactions"] for e in moderation.estimators] == [
        "two-stage",
        "product-indicator",
        "orthogonal",
        "two-stage",
    ]


def test_second_order_truth_is_the_generators() -> None:
    design = load_study(SECOND_ORDER)
    plan = plan_condition(design, design.conditions()[0])
    given = design.population
    population = SecondOrderPopulation(given.spec, dict(given.paths), dict(given.second_order_loadings), loadings=given.loadings)
    truth = population.truth()
    assert plan.path_truth == pytest.approx({p.key: truth["paths"][p.key] for p in given.spec.paths}, abs=1e-12)
    assert plan.second_order_truth == pytest.approx(truth["second_order_loadings"], abs=1e-12)
    assert set(plan.second_order_truth) == {
        "perceived_quality -> reliability",
        "perceived_quality -> responsiveness",
        "perceived_quality -> empathy",
    }
    # the same generator draws the rows: identical standardised draws from the same seed
    drawn = plan.population.draw_array(50, seed=np.random.default_rng(7))
    expected = population.draw(50, seed=np.random.default_rng(7)).to_numpy()
    np.testing.assert_allclose(drawn, expected, atol=1e-12)
    # every item on 1..5 with one mean: every construct has the same index, the HOC included
    assert len(set(np.round(list(plan.index_truth.values()), 9))) == 1 and "perceived_quality" in plan.index_truth


def test_interaction_truth_is_the_generators() -> None:
    design = load_study(MODERATION)
    plan = plan_condition(design, design.conditions()[0])
    given = design.population
    key = "perceived_quality:customer_expectations -> customer_satisfaction"
    main = {k: v for k, v in given.paths.items() if k != key}
    population = InteractionPopulation(given.spec, main, {key: given.paths[key]}, given.loadings, given.exogenous_correlations)
    assert plan.path_truth == pytest.approx(population.true_paths(), abs=1e-12)
    assert plan.path_truth[key] == pytest.approx(0.25, abs=1e-12)
    drawn = plan.population.draw_array(40, seed=np.random.default_rng(3))
    seed = int(np.random.default_rng(3).integers(2**63))
    np.testing.assert_allclose(drawn, population.draw(40, seed=seed).to_numpy(), atol=1e-12)


def test_tiny_second_order_run_fits_every_estimator(tmp_path: Path) -> None:
    design = design_from_dict(_tiny(SECOND_ORDER, 150), source=str(SECOND_ORDER), folder=SECOND_ORDER.parent)
    rows = run_design(design, tmp_path, workers=1).replications
    assert not rows["error"].any()
    second = rows[rows["kind"] == "second_order"]
    assert set(second["estimator"]) == {"pls", "plsc", "ordplsc", "cbsem_ml"} and second["estimate"].notna().all()
    assert len(second) == 4 * 2 * 3  # estimators x replications x components
    paths = rows[(rows["kind"] == "path") & (rows["parameter"] == "perceived_quality -> customer_satisfaction")]
    assert len(paths) == 8 and paths["estimate"].between(0.0, 1.0).all()
    assert rows[rows["kind"] == "index"]["estimate"].notna().all()  # components' indices from the first stage
    # ordinal="auto" reaches acsi.fit: OrdPLSc (polychoric) differs from PLSc on the codes
    by = paths.set_index(["estimator", "replication"])["estimate"]
    assert (abs(by["ordplsc"] - by["plsc"]) > 1e-4).all()


def test_tiny_moderation_run_reports_the_interaction_path(tmp_path: Path) -> None:
    design = design_from_dict(_tiny(MODERATION, 100), source=str(MODERATION), folder=MODERATION.parent)
    rows = run_design(design, tmp_path, workers=1).replications
    assert not rows["error"].any()
    term = rows[rows["parameter"] == "perceived_quality:customer_expectations -> customer_satisfaction"]
    assert len(term) == 4 * 2 and term["estimate"].notna().all() and (term["truth"] == 0.25).all()
    estimates = term.pivot(index="replication", columns="estimator", values="estimate")
    # product-indicator and orthogonal build different terms from the same rows: different estimates
    assert (abs(estimates["pls_product_indicator"] - estimates["pls_orthogonal"]) > 1e-6).all()


def _with_option(content: dict, j: int, **options: str) -> dict:
    content = copy.deepcopy(content)
    content["estimators"][j]["options"] = options
    return content


@pytest.mark.parametrize(
    ("study", "edit", "key", "found"),
    [
        (MODERATION, lambda d: _with_option(d, 3, interactions="orthogonal"), "'estimators[3].options'", "orthogonal"),
        (
            MODERATION,
            lambda d: _with_option(d, 0, higher_order="two-stage-embedded"),
            "estimators[0].options.higher_order",
            "two-stage-embedded",
        ),
        (
            SECOND_ORDER,
            lambda d: _with_option(d, 3, higher_order="two-stage-disjoint"),
            "estimators[3].options.higher_order",
            "two-stage-disjoint",
        ),
        (
            SECOND_ORDER,
            lambda d: _with_option(d, 0, higher_order="three-stage"),
            "estimators[0].options.higher_order",
            "three-stage",
        ),
        (SECOND_ORDER, lambda d: _with_option(d, 0, interactions="two-stage"), "'estimators[0].options'", "two-stage"),
        (SECOND_ORDER, lambda d: {**d, "design": {**d["design"], "dgp": ["composite"]}}, "design.dgp", "composite"),
    ],
)
def test_structure_options_the_population_cannot_take_fail_before_any_work(study, edit, key, found) -> None:
    with pytest.raises(ParameterError) as caught:
        design_from_dict(edit(_content(study)), source="my.yaml", folder=study.parent)
    message = str(caught.value)
    assert message.startswith("my.yaml") and key in message and found in message


def test_second_order_loadings_need_a_higher_order_spec() -> None:
    content = _content(MODERATION)
    content["population"]["second_order_loadings"] = {"perceived_quality -> customer_expectations": 0.5}
    with pytest.raises(ParameterError, match="second_order_loadings.*no"):
        design_from_dict(content, source="my.yaml", folder=MODERATION.parent)
