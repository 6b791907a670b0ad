"""Higher-order constructs in the spec: lavaan text, YAML, the builder, and the checks."""

from __future__ import annotations

import pytest

from acsi.errors import SpecError
from acsi.spec import HigherOrder, Mode, parse_syntax, spec_from_dict, spec_to_dict, to_syntax
from acsi.spec.builders import higher_order, model, path, reflective

TEXT = """
T =~ t1 + t2
R =~ r1 + r2
Y =~ y1 + y2
Q =~ T + R
Y ~ Q
"""


def test_a_block_of_constructs_in_lavaan_text_is_a_reflective_higher_order_construct() -> None:
    spec = parse_syntax(TEXT)
    assert spec.higher_order == (HigherOrder("Q", ("T", "R"), Mode.REFLECTIVE),)
    assert spec.construct_names == ("T", "R", "Y")
    assert [p.key for p in spec.paths] == ["Q -> Y"]


def test_a_composite_block_of_constructs_is_reflective_formative_and_round_trips() -> None:
    spec = parse_syntax(TEXT.replace("Q =~ T + R", "Q <~ T + R"))
    assert spec.higher_order[0].mode is Mode.COMPOSITE
    assert "Q <~ T + R" in to_syntax(spec)
    assert parse_syntax(to_syntax(spec)) == spec and spec_from_dict(spec_to_dict(spec)) == spec


def test_lavaan_yaml_and_builder_give_the_same_spec_and_round_trip() -> None:
    text_spec = parse_syntax(TEXT)
    built = model(
        reflective("T", "t1", "t2"),
        reflective("R", "r1", "r2"),
        reflective("Y", "y1", "y2"),
        higher_order("Q", "T", "R"),
        paths=[path("Q", "Y")],
    )
    assert built == text_spec
    assert parse_syntax(to_syntax(text_spec)) == text_spec
    assert spec_from_dict(spec_to_dict(text_spec)) == text_spec
    assert spec_to_dict(text_spec)["higher_order"] == {"Q": {"mode": "reflective", "components": ["T", "R"]}}


def test_a_block_mixing_constructs_and_indicators_is_refused_at_its_line() -> None:
    with pytest.raises(SpecError, match="both as a construct and as an indicator of 'Q'") as err:
        parse_syntax(TEXT.replace("Q =~ T + R", "Q =~ T + r9"))
    assert err.value.line == 5


def test_a_component_that_is_not_a_declared_construct_is_named() -> None:
    document = {
        "constructs": {"T": {"indicators": ["t1", "t2"]}, "Y": {"indicators": ["y1", "y2"]}},
        "paths": ["Q -> Y"],
        "higher_order": {"Q": {"components": ["T", "MISSING"]}},
    }
    with pytest.raises(SpecError, match="'MISSING', which is not a declared first-order construct"):
        spec_from_dict(document)


def test_an_unknown_key_under_higher_order_lists_the_allowed_ones() -> None:
    document = {
        "constructs": {"T": {"indicators": ["t1"]}, "R": {"indicators": ["r1"]}},
        "higher_order": {"Q": {"components": ["T", "R"], "kind": "x"}},
    }
    with pytest.raises(SpecError, match="Allowed keys: label, mode, components"):
        spec_from_dict(document)


def test_a_path_at_a_component_is_refused_naming_the_higher_order_construct() -> None:
    with pytest.raises(SpecError, match="component of the higher-order construct 'Q'"):
        parse_syntax(TEXT + "Y ~ T\n")


def test_a_single_component_is_refused() -> None:
    with pytest.raises(SpecError, match="at least two"):
        model(reflective("T", "t1"), reflective("Y", "y1"), higher_order("Q", "T"), paths=[path("Q", "Y")])


def test_pls_rules_refuse_a_spec_with_higher_order_constructs_without_an_approach() -> None:
    with pytest.raises(SpecError, match="'acsi fit', 'assess', 'report' and 'ipma' \\(--higher-order\\)"):
        parse_syntax(TEXT).check_pls()


@pytest.mark.parametrize("module", ["acsi.spec.builders", "acsi.simulate.higher_order"])
def test_the_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0
