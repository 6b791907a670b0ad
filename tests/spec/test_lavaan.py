"""Reading and writing lavaan-style model text."""

from __future__ import annotations

import pytest
from hypothesis import given

from acsi.errors import SpecError
from acsi.spec import (
    Construct,
    Covariance,
    FixedValue,
    Mode,
    ModelSpec,
    Path,
    load_spec,
    parse_syntax,
    to_syntax,
)
from acsi.testing.strategies import model_specs
from tests.spec._models import MODELS, SHIPPED, reference_model, text_view


def test_reflective_block_becomes_a_reflective_construct_in_order() -> None:
    spec = parse_syntax("QUAL =~ q1 + q2 + q3")
    assert spec.constructs == (Construct("QUAL", ("q1", "q2", "q3"), Mode.REFLECTIVE),)
    assert spec.construct("QUAL").mode.weighting == "A"


def test_composite_block_becomes_a_mode_b_construct() -> None:
    spec = parse_syntax("IMAG <~ i1 + i2")
    assert spec.constructs == (Construct("IMAG", ("i1", "i2"), Mode.COMPOSITE),)
    assert spec.construct("IMAG").mode.weighting == "B"


def test_regression_adds_one_path_from_each_predictor_to_the_target() -> None:
    spec = parse_syntax("X =~ x1\nZ =~ z1\nY =~ y1\nY ~ X + Z")
    assert spec.paths == (Path("X", "Y"), Path("Z", "Y"))
    assert spec.predecessors("Y") == ("X", "Z")


def test_regression_with_several_targets_expands_to_every_pair() -> None:
    spec = parse_syntax("X =~ x1; Y1 =~ a; Y2 =~ b; Y1 + Y2 ~ X")
    assert [p.key for p in spec.paths] == ["X -> Y1", "X -> Y2"]


def test_covariance_statements_are_kept_in_order() -> None:
    spec = parse_syntax("F =~ y1 + y2 + y3\ny1 ~~ y3\ny2 ~~ y2")
    assert spec.covariances == (Covariance("y1", "y3"), Covariance("y2", "y2"))


def test_fixed_values_are_kept_and_their_terms_still_count() -> None:
    spec = parse_syntax(
        """
        F =~ 1*x1 + x2 + 0.5*x3
        G =~ y1 + y2
        G ~ -2.5e-1*F
        x1 ~~ 0*y1
        """
    )
    assert spec.construct("F").indicators == ("x1", "x2", "x3")
    assert spec.paths == (Path("F", "G"),)
    assert spec.covariances == (Covariance("x1", "y1"),)
    assert spec.fixed == (
        FixedValue("F", "=~", "x1", 1.0),
        FixedValue("F", "=~", "x3", 0.5),
        FixedValue("G", "~", "F", -0.25),
        FixedValue("x1", "~~", "y1", 0.0),
    )


def test_comments_and_blank_lines_are_ignored() -> None:
    text = """
    # The measurement model
    F =~ x1 + x2   # trailing comment with =~ and ~ inside

    G =~ y1        ! lavaan's other comment sign
    G ~ F
    """
    assert parse_syntax(text) == parse_syntax("F =~ x1 + x2\nG =~ y1\nG ~ F")


@pytest.mark.parametrize(
    "text",
    [
        "F =~ x1 +\n      x2 +\n\n      x3",
        "F =~ x1\n   + x2\n   + x3",
        "F =~ x1 + # comment before the break\n x2\n + x3",
    ],
    ids=["line-ends-with-plus", "next-line-starts-with-plus", "comment-after-plus"],
)
def test_statement_continues_over_lines_joined_by_plus(text: str) -> None:
    assert parse_syntax(text).constructs == (Construct("F", ("x1", "x2", "x3")),)


def test_semicolons_separate_statements_on_one_line() -> None:
    assert parse_syntax("F =~ x1 + x2; G =~ y1 ; G ~ F;") == parse_syntax("F =~ x1 + x2\nG =~ y1\nG ~ F")


def test_repeated_block_appends_indicators() -> None:
    spec = parse_syntax("F =~ x1 + x2\nG =~ y1\nF =~ x3")
    assert spec.construct_names == ("F", "G")
    assert spec.construct("F").indicators == ("x1", "x2", "x3")


def test_to_syntax_writes_blocks_then_one_line_per_endogenous_construct_then_covariances() -> None:
    spec = ModelSpec(
        constructs=(
            Construct("X", ("x1", "x2"), Mode.COMPOSITE),
            Construct("M", ("m1",)),
            Construct("Y", ("y1", "y2")),
        ),
        paths=(Path("X", "M"), Path("X", "Y"), Path("M", "Y")),
        covariances=(Covariance("y1", "y2"),),
        fixed=(FixedValue("Y", "=~", "y1", 1), FixedValue("Y", "~", "M", 0.25)),
    )
    assert to_syntax(spec) == ("X <~ x1 + x2\nM =~ m1\nY =~ 1*y1 + y2\nM ~ X\nY ~ X + 0.25*M\ny1 ~~ y2\n")


def test_to_syntax_keeps_the_path_order_when_targets_interleave() -> None:
    text = "A =~ a\nB =~ b\nC =~ c\nC ~ A\nB ~ A\nC ~ B\n"
    spec = parse_syntax(text)
    assert to_syntax(spec) == text
    assert parse_syntax(to_syntax(spec)) == spec


def test_to_syntax_refuses_composite_a_naming_the_construct() -> None:
    spec = ModelSpec(constructs=(Construct("VAL", ("v1", "v2"), Mode.COMPOSITE_A),))
    with pytest.raises(SpecError, match="'VAL'.*composite_a") as info:
        to_syntax(spec)
    assert info.value.culprit == "VAL"


@pytest.mark.parametrize("model", SHIPPED)
def test_shipped_model_round_trips_through_text(model: str) -> None:
    spec = text_view(load_spec(MODELS / f"{model}.yaml"))
    assert parse_syntax(to_syntax(spec)) == spec


@pytest.mark.parametrize("case", ["political_democracy", "satisfaction_mode_a", "satisfaction_mode_b", "three_common_factors"])
def test_reference_model_text_parses_to_its_documented_structure_and_round_trips(case: str) -> None:
    model = reference_model(case)
    if model is None:
        pytest.skip("../shared/reference not found beside the checkout")
    spec = parse_syntax(model["syntax"])
    modes = {"A": Mode.REFLECTIVE, "B": Mode.COMPOSITE}
    assert spec.constructs == tuple(
        Construct(name, tuple(block["indicators"]), modes[block["mode"]]) for name, block in model["constructs"].items()
    )
    assert {(p.source, p.target) for p in spec.paths} == {tuple(pair) for pair in model["paths"]}
    assert [[c.left, c.right] for c in spec.covariances] == model.get("residual_covariances", [])
    assert parse_syntax(to_syntax(spec)) == spec
    assert to_syntax(spec) == model["syntax"] + "\n"


@given(model_specs(syntax_only=True))
def test_text_round_trip_is_identity_for_generated_specs(spec: ModelSpec) -> None:
    assert parse_syntax(to_syntax(spec)) == spec


def test_syntax_error_message_shows_the_line_and_a_caret_under_the_column() -> None:
    with pytest.raises(SpecError) as info:
        parse_syntax("F =~ x1 + x2\nG := F")
    err = info.value
    assert (err.line, err.column, err.source_line) == (2, 3, "G := F")
    assert str(err).endswith("(at line 2, column 3)\n    G := F\n      ^")


def test_syntax_error_from_a_file_names_the_file(tmp_path) -> None:
    file = tmp_path / "broken.model"
    file.write_text("F =~ x1\nG =~\n")
    with pytest.raises(SpecError, match="broken.model") as info:
        load_spec(file)
    assert (info.value.line, info.value.column) == (2, 3)


def test_model_error_found_after_parsing_points_at_the_offending_statement() -> None:
    text = "A =~ a\nB =~ b\nB ~ A\n\nA ~ B\n"
    with pytest.raises(SpecError, match="cycle: A -> B -> A|cycle: B -> A -> B") as info:
        parse_syntax(text)
    assert info.value.line == 5
    assert info.value.source_line == "A ~ B"
    assert info.value.__cause__ is not None
