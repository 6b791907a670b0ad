"""IPMA with a lower-is-better construct (ACSI complaints) and mediators: reversed, flagged, rule stated."""

from __future__ import annotations

import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.compare import ipma
from acsi.errors import SpecError
from acsi.resources import bundled
from acsi.spec.yaml_io import spec_from_dict, spec_to_dict

TARGET = "customer_loyalty"


@pytest.fixture(scope="module")
def fitted() -> acsi.FitResult:
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    return acsi.fit(spec, pd.read_csv(bundled("datasets/acsi_demo.csv")))


def test_the_acsi_model_declares_complaints_lower_is_better() -> None:
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    assert [c.name for c in spec.constructs if c.lower_is_better] == ["customer_complaints"]


def test_a_lower_is_better_construct_enters_reversed(fitted: acsi.FitResult) -> None:
    maps = ipma(fitted, TARGET)
    total = fitted.effects.loc[f"customer_complaints -> {TARGET}", "total"]
    assert total < 0  # more complaints, less loyalty
    row = maps.constructs.loc["customer_complaints"]
    assert row.importance == pytest.approx(-total, rel=1e-12)
    assert row.performance == pytest.approx(100.0 - fitted.index.to_dict()["customer_complaints"], rel=1e-12)
    assert maps.reversed == ("customer_complaints",) and "lower is better for customer_complaints" in maps.rule


def test_without_the_declaration_complaints_keep_their_negative_importance(fitted: acsi.FitResult) -> None:
    plain = spec_to_dict(fitted.spec)
    plain["constructs"]["customer_complaints"].pop("better")
    refit = acsi.fit(spec_from_dict(plain), pd.read_csv(bundled("datasets/acsi_demo.csv")))
    assert ipma(refit, TARGET).constructs.loc["customer_complaints", "importance"] < 0
    flipped = ipma(refit, TARGET, lower_is_better=["customer_complaints"])
    assert flipped.constructs.loc["customer_complaints", "importance"] > 0


def test_a_mediator_chosen_first_is_flagged_with_its_driver_as_the_lever(fitted: acsi.FitResult) -> None:
    maps = ipma(fitted, TARGET)
    assert "customer_satisfaction" in maps.mediators and "customer_expectations" not in maps.mediators
    out = maps.to_dict()
    assert out["act_first_is_mediator"] == (maps.act_first in maps.mediators)
    if maps.act_first in maps.mediators:
        assert maps.lever != maps.act_first
        assert fitted.effects.loc[f"{maps.lever} -> {maps.act_first}", "total"] != 0
    assert out["rule"] and out["constructs"]["customer_satisfaction"]["mediator"] is True


def test_unknown_lower_is_better_construct_is_refused(fitted: acsi.FitResult) -> None:
    with pytest.raises(SpecError, match="'complaints'"):
        ipma(fitted, TARGET, lower_is_better=["complaints"])


def test_better_key_round_trips_and_is_checked() -> None:
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    assert spec_from_dict(spec_to_dict(spec)) == spec
    bad = spec_to_dict(spec)
    bad["constructs"]["customer_complaints"]["better"] = "down"
    with pytest.raises(SpecError, match="'higher' or 'lower'"):
        spec_from_dict(bad)


def test_ipma_command_prints_the_rule_and_the_mediator(capsys) -> None:  # noqa: ANN001
    assert main(["ipma", str(bundled("models/acsi.yaml")), str(bundled("datasets/acsi_demo.csv")), "--target", TARGET]) == 0
    out = capsys.readouterr().out
    assert "rule: act first on" in out and "(mediator" in out and "reversed" in out
