"""YAML specs, the shipped models, and load_spec's detection of what it is given."""

from __future__ import annotations

from pathlib import Path as FilePath

import pytest
from hypothesis import given

from acsi.errors import SpecError
from acsi.spec import (
    Construct,
    Mode,
    ModelSpec,
    Path,
    Scale,
    load_spec,
    parse_syntax,
    read_yaml,
    spec_from_dict,
    spec_to_dict,
    spec_to_yaml,
    to_syntax,
    write_yaml,
)
from acsi.testing.strategies import model_specs
from tests.spec._models import MODELS, SHIPPED

ACSI_INDICATORS = (
    "exp_overall", "exp_customization", "exp_reliability",
    "qual_overall", "qual_customization", "qual_reliability",
    "value_price_given_quality", "value_quality_given_price",
    "sat_overall", "sat_confirmation", "sat_ideal",
    "complaint",
    "loy_repurchase", "loy_price_tolerance",
)  # fmt: skip
ACSI_PATHS = {
    ("customer_expectations", "perceived_quality"),
    ("customer_expectations", "perceived_value"),
    ("customer_expectations", "customer_satisfaction"),
    ("perceived_quality", "perceived_value"),
    ("perceived_quality", "customer_satisfaction"),
    ("perceived_value", "customer_satisfaction"),
    ("customer_satisfaction", "customer_complaints"),
    ("customer_satisfaction", "customer_loyalty"),
    ("customer_complaints", "customer_loyalty"),
}
IMAGE_PATHS = {("image", "customer_expectations"), ("image", "customer_satisfaction"), ("image", "customer_loyalty")}


# ---------------------------------------------------------------- shipped models
def test_acsi_model_has_the_six_constructs_nine_paths_and_fourteen_indicators_of_fornell_1996(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(MODELS.parent)
    spec = load_spec("models/acsi.yaml")
    assert spec.construct_names == (
        "customer_expectations",
        "perceived_quality",
        "perceived_value",
        "customer_satisfaction",
        "customer_complaints",
        "customer_loyalty",
    )
    assert {(p.source, p.target) for p in spec.paths} == ACSI_PATHS
    assert len(spec.paths) == 9
    assert spec.indicators == ACSI_INDICATORS
    assert spec.construct("customer_complaints").indicators == ("complaint",)
    assert all(c.mode is Mode.REFLECTIVE for c in spec.constructs)
    assert dict(spec.scales) == {i: Scale(1, 10) for i in ACSI_INDICATORS}


def test_ecsi_model_adds_image_to_acsi_with_twelve_paths() -> None:
    spec = load_spec(MODELS / "ecsi.yaml")
    assert spec.construct_names[0] == "image"
    assert len(spec.constructs) == 7
    assert {(p.source, p.target) for p in spec.paths} == ACSI_PATHS | IMAGE_PATHS
    assert len(spec.construct("image").indicators) == 5
    assert spec.construct("customer_complaints").indicators == ("complaint_handling",)
    assert set(spec.scales.values()) == {Scale(1, 10)}
    assert set(spec.scales) == set(spec.indicators)


def test_bank_branch_model_keeps_the_acsi_structure() -> None:
    spec = load_spec(MODELS / "bank_branch.yaml")
    assert {(p.source, p.target) for p in spec.paths} == ACSI_PATHS
    assert {"qual_waiting_time", "qual_competence", "qual_courtesy", "qual_accuracy"} <= set(spec.indicators)
    assert set(spec.scales.values()) == {Scale(1, 10)}
    assert set(spec.scales) == set(spec.indicators)


@pytest.mark.parametrize("model", SHIPPED)
def test_shipped_model_is_ready_for_pls_and_labels_every_construct(model: str) -> None:
    spec = load_spec(MODELS / f"{model}.yaml")
    spec.check_pls()
    assert spec.name and spec.description
    assert all(c.label for c in spec.constructs)


@pytest.mark.parametrize("model", SHIPPED)
def test_shipped_model_round_trips_through_yaml_files(model: str, tmp_path: FilePath) -> None:
    spec = read_yaml(MODELS / f"{model}.yaml")
    write_yaml(spec, tmp_path / "copy.yaml")
    assert read_yaml(tmp_path / "copy.yaml") == spec
    assert spec_from_dict(spec_to_dict(spec)) == spec


@given(model_specs())
def test_dict_and_yaml_round_trips_are_identity_for_generated_specs(spec: ModelSpec) -> None:
    assert spec_from_dict(spec_to_dict(spec)) == spec
    assert load_spec(spec_to_yaml(spec)) == spec


# ---------------------------------------------------------------- schema
def test_scale_is_taken_from_indicator_then_construct_then_top_level() -> None:
    spec = spec_from_dict(
        {
            "scale": {"min": 1, "max": 10},
            "constructs": {
                "F": {"indicators": ["f1", "f2"]},
                "G": {"scale": [0, 100], "indicators": {"g1": None, "g2": {"scale": {"min": 1, "max": 5}}}},
            },
        }
    )
    assert dict(spec.scales) == {"f1": Scale(1, 10), "f2": Scale(1, 10), "g1": Scale(0, 100), "g2": Scale(1, 5)}


def test_indicators_without_any_scale_have_none() -> None:
    spec = spec_from_dict({"constructs": {"F": {"indicators": {"f1": {"scale": [1, 7]}, "f2": None}}}})
    assert dict(spec.scales) == {"f1": Scale(1, 7)}


def test_spec_to_dict_writes_scales_at_the_highest_level_that_holds_them() -> None:
    blocks = (Construct("F", ("f1", "f2")), Construct("G", ("g1", "g2")))
    common = spec_to_dict(ModelSpec(constructs=blocks, scales={i: Scale(1, 10) for i in ("f1", "f2", "g1", "g2")}))
    assert common["scale"] == {"min": 1, "max": 10}
    assert "scale" not in common["constructs"]["F"]
    mixed = spec_to_dict(ModelSpec(constructs=blocks, scales={"f1": Scale(1, 10), "f2": Scale(1, 10), "g1": Scale(1, 5)}))
    assert "scale" not in mixed
    assert mixed["constructs"]["F"]["scale"] == {"min": 1, "max": 10}
    assert mixed["constructs"]["G"]["indicators"] == {"g1": {"scale": {"min": 1, "max": 5}}, "g2": None}


def test_indicator_wording_is_accepted_but_must_be_text() -> None:
    doc = {"constructs": {"F": {"indicators": {"f1": {"wording": "How satisfied are you?"}}}}}
    assert spec_from_dict(doc).construct("F").indicators == ("f1",)
    doc["constructs"]["F"]["indicators"]["f1"]["wording"] = 3
    with pytest.raises(SpecError, match=r"constructs\.F\.indicators\.f1\.wording"):
        spec_from_dict(doc)


@pytest.mark.parametrize(
    "paths",
    [
        ["A -> C", "B -> C"],
        [["A", "C"], ["B", "C"]],
        {"C": ["A", "B"]},
    ],
    ids=["arrow-strings", "pairs", "target-to-sources"],
)
def test_paths_may_be_arrows_pairs_or_a_target_mapping(paths: object) -> None:
    doc = {"constructs": {name: {"indicators": [name.lower()]} for name in "ABC"}, "paths": paths}
    assert spec_from_dict(doc).paths == (Path("A", "C"), Path("B", "C"))


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("reflective", Mode.REFLECTIVE), ("A", Mode.REFLECTIVE), ("composite", Mode.COMPOSITE),
     ("B", Mode.COMPOSITE), ("composite_a", Mode.COMPOSITE_A)],
)  # fmt: skip
def test_mode_names_and_aliases_are_accepted(mode: str, expected: Mode) -> None:
    spec = spec_from_dict({"constructs": {"F": {"mode": mode, "indicators": ["f1", "f2"]}}})
    assert spec.construct("F").mode is expected


def test_yaml_text_matches_the_lavaan_text_of_the_same_model() -> None:
    yaml_spec = load_spec(
        "constructs:\n  F: {mode: B, indicators: [x1, x2]}\n  G: {indicators: [y1]}\npaths: {G: [F]}\n"
        "covariances: [[x1, y1]]\nfixed:\n  - {lhs: G, op: '~', rhs: F, value: 0.5}\n"
    )
    assert yaml_spec == parse_syntax("F <~ x1 + x2\nG =~ y1\nG ~ 0.5*F\nx1 ~~ y1")
    assert to_syntax(yaml_spec) == "F <~ x1 + x2\nG =~ y1\nG ~ 0.5*F\nx1 ~~ y1\n"


# ---------------------------------------------------------------- load_spec
def test_load_spec_returns_a_spec_unchanged() -> None:
    spec = parse_syntax("F =~ x1")
    assert load_spec(spec) is spec


def test_load_spec_reads_yaml_whatever_the_extension(tmp_path: FilePath) -> None:
    file = tmp_path / "model.txt"
    file.write_text((MODELS / "acsi.yaml").read_text())
    assert load_spec(file) == load_spec(MODELS / "acsi.yaml")
    assert load_spec(str(file)) == load_spec(MODELS / "acsi.yaml")


def test_load_spec_reads_lavaan_text_whatever_the_extension(tmp_path: FilePath) -> None:
    text = "# a model\nF =~ x1 + x2\nG =~ y1\nG ~ F\n"
    file = tmp_path / "model.model"
    file.write_text(text)
    assert load_spec(file) == parse_syntax(text)
    assert load_spec(str(file)) == parse_syntax(text)
    assert load_spec(text) == parse_syntax(text)


def test_load_spec_reads_single_line_lavaan_text() -> None:
    assert load_spec("F =~ x1; G =~ y1; G ~ F").paths == (Path("F", "G"),)


def test_load_spec_expands_the_home_directory_in_a_file_name(tmp_path: FilePath, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "model.txt").write_text("F =~ x1\n")
    assert load_spec("~/model.txt") == parse_syntax("F =~ x1")


def test_load_spec_reports_a_missing_file_by_name(tmp_path: FilePath) -> None:
    missing = tmp_path / "nope.yaml"
    for source in (missing, str(missing)):
        with pytest.raises(SpecError, match="file not found") as info:
            load_spec(source)
        assert str(missing) in str(info.value)


def test_error_from_a_yaml_file_names_the_file(tmp_path: FilePath) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("constructs:\n  F:\n    indicators: [x1]\n    colour: red\n")
    with pytest.raises(SpecError, match=r"bad\.yaml.*Unknown key 'colour' in 'constructs\.F'"):
        load_spec(file)


def test_model_error_from_a_yaml_file_names_the_file(tmp_path: FilePath) -> None:
    file = tmp_path / "cyclic.yaml"
    file.write_text("constructs: {A: {indicators: [a]}, B: {indicators: [b]}}\npaths: [A -> B, B -> A]\n")
    with pytest.raises(SpecError, match=r"cyclic\.yaml.*cycle") as info:
        read_yaml(file)
    assert info.value.__cause__ is not None


def test_yaml_syntax_error_names_the_file_line_and_column(tmp_path: FilePath) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("constructs:\n  F:\n    indicators: [x1, x2\n  G: {indicators: [y1]}\n")
    with pytest.raises(SpecError, match=r"Invalid YAML in file '.*broken\.yaml'") as info:
        load_spec(file)
    assert info.value.line == 4
    assert info.value.column is not None


def test_key_given_twice_in_yaml_is_an_error_not_silently_dropped() -> None:
    with pytest.raises(SpecError, match="found the key 'F' twice") as info:
        load_spec("constructs:\n  F: {indicators: [x1]}\n  F: {indicators: [x2]}\n")
    assert info.value.line == 3
