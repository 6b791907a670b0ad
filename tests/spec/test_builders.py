"""The Python builders produce the same specs as text and YAML."""

from __future__ import annotations

import pytest

from acsi.errors import SpecError
from acsi.spec import Mode, Scale, composite, load_spec, model, parse_syntax, path, paths, reflective
from tests._models import SATISFACTION_SYNTAX as SATISFACTION_A
from tests.spec._models import MODELS


def _satisfaction(block=reflective):
    def items(prefix: str, n: int) -> list[str]:
        return [f"{prefix}{i}" for i in range(1, n + 1)]

    return model(
        block("IMAG", *items("imag", 5)),
        block("EXPE", *items("expe", 5)),
        block("QUAL", *items("qual", 5)),
        block("VAL", *items("val", 4)),
        block("SAT", *items("sat", 4)),
        block("LOY", *items("loy", 4)),
        paths=[
            path("IMAG", "EXPE"),
            path("EXPE", "QUAL"),
            paths("EXPE", "QUAL", to="VAL"),
            paths("IMAG", "EXPE", "QUAL", "VAL", to="SAT"),
            paths("IMAG", "SAT", to="LOY"),
        ],
    )


def test_builders_build_the_satisfaction_model_as_the_text_does() -> None:
    assert _satisfaction() == parse_syntax(SATISFACTION_A)


def test_composite_builder_builds_the_mode_b_model_as_the_text_does() -> None:
    assert _satisfaction(composite) == parse_syntax(SATISFACTION_A.replace("=~", "<~"))


def test_builders_build_the_shipped_acsi_model() -> None:
    built = model(
        reflective("customer_expectations", "exp_overall", "exp_customization", "exp_reliability",
                   label="Customer expectations"),
        reflective("perceived_quality", "qual_overall", "qual_customization", "qual_reliability",
                   label="Perceived quality"),
        reflective("perceived_value", "value_price_given_quality", "value_quality_given_price",
                   label="Perceived value"),
        reflective("customer_satisfaction", "sat_overall", "sat_confirmation", "sat_ideal",
                   label="Customer satisfaction (ACSI)"),
        reflective("customer_complaints", "complaint", label="Customer complaints", lower_is_better=True),
        reflective("customer_loyalty", "loy_repurchase", "loy_price_tolerance", label="Customer loyalty"),
        paths=[
            paths("customer_expectations", to="perceived_quality"),
            paths("customer_expectations", "perceived_quality", to="perceived_value"),
            paths("customer_expectations", "perceived_quality", "perceived_value", to="customer_satisfaction"),
            paths("customer_satisfaction", to="customer_complaints"),
            paths("customer_satisfaction", "customer_complaints", to="customer_loyalty"),
        ],
        scale=(1, 10),
        name="ACSI",
        description=load_spec(MODELS / "acsi.yaml").description,
    )  # fmt: skip
    assert built == load_spec(MODELS / "acsi.yaml")


def test_model_scale_applies_to_every_indicator_and_scales_override_it() -> None:
    spec = model(
        reflective("F", "f1", "f2"),
        reflective("G", "g1"),
        paths=[path("F", "G")],
        scale=(1, 10),
        scales={"g1": (0, 5), "f2": Scale(1, 7)},
    )
    assert dict(spec.scales) == {"f1": Scale(1, 10), "f2": Scale(1, 7), "g1": Scale(0, 5)}


def test_model_without_scale_has_no_scales() -> None:
    assert dict(model(reflective("F", "f1")).scales) == {}


def test_composite_mode_a_builds_a_composite_a_construct() -> None:
    assert composite("VAL", "v1", "v2", mode="A").mode is Mode.COMPOSITE_A


def test_composite_with_an_unknown_mode_is_refused_naming_the_construct() -> None:
    with pytest.raises(SpecError, match="Composite 'VAL': mode must be 'A' or 'B'; got 'C'"):
        composite("VAL", "v1", "v2", mode="C")  # type: ignore[arg-type]


def test_model_refuses_a_scale_that_is_not_a_pair() -> None:
    with pytest.raises(SpecError, match=r"The scale of 'f1' must be a \(min, max\) pair"):
        model(reflective("F", "f1"), scales={"f1": 10})  # type: ignore[dict-item]
