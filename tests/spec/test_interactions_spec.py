"""Interaction terms in the spec: lavaan 'C ~ A + B + A:B', the YAML 'interactions' key, the built spec."""

from __future__ import annotations

import pytest

import acsi
from acsi.errors import SpecError
from acsi.spec import parse_syntax, spec_to_yaml, to_syntax
from acsi.spec.interactions import expand, is_built, main_effects
from acsi.spec.model import Interaction
from acsi.spec.yaml_io import spec_from_dict, spec_from_text

TEXT = "A =~ a1 + a2\nB =~ b1 + b2\nC =~ c1 + c2\nD =~ d1\nC ~ A + B + A:B\nD ~ C + A:B"


def test_lavaan_interaction_terms_become_one_interaction_with_every_target() -> None:
    spec = parse_syntax(TEXT)
    assert spec.interactions == (Interaction("A", "B", ("C", "D")),)
    assert [p.key for p in spec.paths] == ["A -> C", "B -> C", "C -> D"]


def test_the_builders_declare_the_same_interaction_as_the_text() -> None:
    from acsi.spec import interaction, model, path, paths, reflective

    built = model(
        reflective("A", "a1", "a2"),
        reflective("B", "b1", "b2"),
        reflective("C", "c1", "c2"),
        reflective("D", "d1"),
        paths=[paths("A", "B", to="C"), path("C", "D")],
        interactions=[interaction("A", "B", to=["C", "D"])],
    )
    assert built == parse_syntax(TEXT)


def test_text_and_yaml_round_trips_keep_the_interactions() -> None:
    spec = parse_syntax(TEXT)
    assert parse_syntax(to_syntax(spec)) == spec
    assert spec_from_text(spec_to_yaml(spec)) == spec


def test_yaml_takes_strings_or_terms_and_targets_mappings() -> None:
    constructs = {name: {"indicators": [f"{name.lower()}1", f"{name.lower()}2"]} for name in "ABC"}
    base = {"constructs": constructs, "paths": ["A -> C", "B -> C"]}
    strings = spec_from_dict(base | {"interactions": ["A:B -> C"]})
    mapping = spec_from_dict(base | {"interactions": [{"terms": ["A", "B"], "targets": ["C"]}]})
    assert strings == mapping and strings.interactions == (Interaction("A", "B", ("C",)),)


@pytest.mark.parametrize(
    ("interactions", "culprit"),
    [(["A:X -> C"], "X"), (["A:A -> C"], "A:A"), (["A:B -> A"], "A:B"), ("A:B -> C", "must be a list")],
)
def test_bad_yaml_interactions_name_the_culprit(interactions: object, culprit: str) -> None:
    constructs = {name: {"indicators": [f"{name.lower()}1"]} for name in "ABC"}
    with pytest.raises(SpecError) as err:
        spec_from_dict({"constructs": constructs, "paths": ["A -> C"], "interactions": interactions})
    assert culprit in str(err.value)


def test_a_colon_outside_a_path_statement_is_refused_with_a_caret() -> None:
    with pytest.raises(SpecError, match="interaction term") as err:
        parse_syntax("A =~ a1:a2\nC =~ c1\nC ~ A")
    assert err.value.line == 1


def test_expand_builds_the_interaction_construct_and_its_paths() -> None:
    spec = parse_syntax(TEXT)
    built = expand(spec, "product-indicator")
    assert is_built(built) and not is_built(spec)
    assert built.construct("A:B").indicators == ("a1:b1", "a1:b2", "a2:b1", "a2:b2")
    assert [p.key for p in built.paths][-2:] == ["A:B -> C", "A:B -> D"]
    assert expand(spec, "two-stage").construct("A:B").indicators == ("A*B",)
    assert main_effects(built) == main_effects(spec)


def test_plain_pls_refuses_an_unbuilt_interaction_and_says_how_to_fit_it() -> None:
    with pytest.raises(SpecError, match="interactions="):
        acsi.PLSPM().fit(parse_syntax(TEXT), None)  # type: ignore[arg-type]
