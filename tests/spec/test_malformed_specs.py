"""The malformed-spec catalogue: one case per kind of mistake, each naming its culprit.

Every error is a SpecError (and so a ValueError); the message names the offending construct,
indicator, operator or key. Syntax errors also carry the 1-based line and column.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml

from acsi.errors import SpecError
from acsi.spec import Construct, Covariance, FixedValue, ModelSpec, Path, parse_syntax, spec_from_dict

# ---------------------------------------------------------------- syntax errors (text)
# (id, text, culprit named in the message, line, column)
SYNTAX_ERRORS = [
    ("unknown-operator-define", "F =~ x1 + x2\nab := a*b", ":=", 2, 4),
    ("unknown-operator-equality", "F =~ x1 + x2\nx1 == x2", "==", 2, 4),
    ("unknown-operator-less", "F =~ x1 + x2\nx1 < 0", "<", 2, 4),
    ("unknown-operator-greater", "F =~ x1 + x2\nx1 > 0", ">", 2, 4),
    ("unknown-operator-threshold", "F =~ x1 + x2\nx1 | t1", "|", 2, 4),
    ("unknown-operator-intercept", "F =~ x1\nG =~ y1\nG ~ 1", "~1", 3, 5),
    ("missing-right-hand-side", "F =~ x1\nG =~   # nothing here\nG ~ F", "=~", 2, 3),
    ("missing-operator", "F =~ x1\nG", "no operator", 2, 2),
    ("stray-plus-inside", "F =~ x1 + + x2", "+", 1, 11),
    ("stray-plus-at-start", "+ F =~ x1", "+", 1, 1),
    ("stray-plus-at-end", "F =~ x1 + x2 +", "+", 1, 14),
    ("name-starting-with-digit", "F =~ x1 + 2x", "2x", 1, 11),
    ("garbage-character", "F =~ x1 + x2\n@@@", "@", 2, 1),
    ("two-terms-without-plus", "F =~ x1 x2", "x2", 1, 9),
    ("two-operators", "F =~ x1 ~ G", "~", 1, 9),
    ("label-premultiplier", "F =~ lam*x1 + x2", "lam", 1, 6),
    ("na-premultiplier", "F =~ NA*x1 + x2", "NA", 1, 6),
    ("modifier-call", "F =~ start(0.7)*x1", "(", 1, 11),
]


@pytest.mark.parametrize(
    ("text", "culprit", "line", "column"), [case[1:] for case in SYNTAX_ERRORS], ids=[case[0] for case in SYNTAX_ERRORS]
)
def test_syntax_error_names_the_culprit_at_its_line_and_column(text: str, culprit: str, line: int, column: int) -> None:
    with pytest.raises(SpecError) as info:
        parse_syntax(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert culprit in str(err)
    assert (err.line, err.column) == (line, column)
    assert err.source_line == text.splitlines()[line - 1]


def test_label_error_says_labels_are_not_supported_yet() -> None:
    with pytest.raises(SpecError, match="Labels are not supported yet"):
        parse_syntax("F =~ a*x1 + x2")


# ---------------------------------------------------------------- model errors
def _yaml(text: str) -> Callable[[], object]:
    return lambda: spec_from_dict(yaml.safe_load(text))


def _text(text: str) -> Callable[[], object]:
    return lambda: parse_syntax(text)


def _spec(**parts: object) -> Callable[[], object]:
    return lambda: ModelSpec(**parts)  # type: ignore[arg-type]


_F = Construct("F", ("x1", "x2"))
_G = Construct("G", ("y1", "y2"))

# (id, build, culprit named in the message, words the message must contain)
MODEL_ERRORS = [
    ("indicator-twice-in-one-block", _text("F =~ x1 + x2 + x1"), "x1", "listed twice"),
    ("indicator-in-two-blocks", _text("F =~ x1 + x2\nG =~ y1 + x2"), "x2", "two blocks"),
    ("construct-without-indicators", _spec(constructs=(Construct("F", ()),)), "F", "no indicators"),
    ("construct-without-indicators-yaml", _yaml("constructs: {F: {indicators: []}}"), "F", "no indicators"),
    ("path-to-undeclared-construct", _text("F =~ x1\nLOY ~ F"), "LOY", "not a declared construct"),
    ("path-from-undeclared-construct", _text("F =~ x1\nF ~ IMAG"), "IMAG", "not a declared construct"),
    ("cycle", _text("A =~ a\nB =~ b\nC =~ c\nB ~ A\nC ~ B\nA ~ C"), "A -> B -> C -> A", "cycle"),
    ("observed-variable-regression", _text("F =~ x1 + x2\nx1 ~ F"), "x1", "observed-variable regressions"),
    ("construct-declared-with-both-operators", _text("F =~ x1\nF <~ x2 + x3"), "F", "both '=~'"),
    ("construct-and-indicator-share-a-name", _text("F =~ x1 + G\nG =~ y1"), "G", "both as a construct"),
    ("mode-b-with-one-indicator", _text("F <~ x1"), "F", "at least two"),
    ("invalid-mode-yaml", _yaml("constructs: {F: {mode: formativ, indicators: [x1]}}"), "constructs.F.mode", "formativ"),
    (
        "scale-min-not-below-max-yaml",
        _yaml("constructs: {F: {indicators: [x1], scale: {min: 10, max: 1}}}"),
        "constructs.F.scale",
        "below its maximum",
    ),
    (
        "scale-not-a-number-yaml",
        _yaml("constructs: {F: {indicators: [x1], scale: {min: one, max: 10}}}"),
        "constructs.F.scale",
        "finite numbers",
    ),
    ("scale-missing-bound-yaml", _yaml("scale: {min: 1}\nconstructs: {F: {indicators: [x1]}}"), "scale", "'max'"),
    ("indicators-not-a-list-yaml", _yaml("constructs: {F: {indicators: x1}}"), "constructs.F.indicators", "must be a list"),
    (
        "unknown-top-level-key-yaml",
        _yaml("constructs: {F: {indicators: [x1]}}\npath: [F -> G]"),
        "path",
        "Allowed keys: name, description, scale, constructs, paths, covariances, fixed",
    ),
    (
        "unknown-construct-key-yaml",
        _yaml("constructs: {F: {indicator: [x1]}}"),
        "indicator",
        "Allowed keys: label, mode, better, indicators, scale",
    ),
    ("missing-constructs-yaml", _yaml("paths: [A -> B]"), "constructs", "no 'constructs'"),
    (
        "covariance-with-unknown-variable",
        _spec(constructs=(_F,), covariances=(Covariance("x1", "z9"),)),
        "z9",
        "neither a construct",
    ),
    ("covariance-declared-twice", _text("F =~ x1 + x2\nx1 ~~ x2\nx2 ~~ x1"), "x2 ~~ x1", "declared twice"),
    (
        "fixed-value-without-statement",
        _spec(constructs=(_F, _G), paths=(Path("F", "G"),), fixed=(FixedValue("G", "~", "x1", 0.0),)),
        "G ~ x1",
        "does not match any statement",
    ),
    (
        "fixed-value-not-a-number",
        _spec(constructs=(_F,), fixed=(FixedValue("F", "=~", "x1", float("nan")),)),
        "F =~ x1",
        "finite number",
    ),
]


@pytest.mark.parametrize(
    ("build", "culprit", "words"), [case[1:] for case in MODEL_ERRORS], ids=[case[0] for case in MODEL_ERRORS]
)
def test_malformed_model_raises_spec_error_naming_the_culprit(build: Callable[[], object], culprit: str, words: str) -> None:
    with pytest.raises(SpecError) as info:
        build()
    err = info.value
    assert isinstance(err, ValueError)
    assert culprit in str(err)
    assert words in str(err)
    # A message starts with a capital, or with the quoted name it is about.
    assert str(err)[0].isupper() or str(err)[0] == "'"


def test_model_error_in_text_carries_the_line_of_the_statement() -> None:
    with pytest.raises(SpecError, match="'LOY'") as info:
        parse_syntax("F =~ x1\nG =~ y1\n\nLOY ~ F + G\n")
    assert (info.value.line, info.value.column, info.value.culprit) == (4, 1, "LOY")


def test_indicator_in_two_blocks_points_at_the_second_block() -> None:
    with pytest.raises(SpecError) as info:
        parse_syntax("F =~ x1 + x2\nG =~ y1 + x2")
    assert (info.value.line, info.value.column) == (2, 11)


# ---------------------------------------------------------------- PLS-only checks
def test_construct_on_no_path_is_refused_by_check_pls() -> None:
    spec = parse_syntax("F =~ x1\nG =~ y1\nH =~ z1\nG ~ F")
    with pytest.raises(SpecError, match="'H' is not connected") as info:
        spec.check_pls()
    assert info.value.culprit == "H"


def test_covariance_statements_are_refused_by_check_pls() -> None:
    spec = parse_syntax("F =~ x1 + x2\nG =~ y1\nG ~ F\nx1 ~~ x2")
    with pytest.raises(SpecError, match=r"covariance statements \('x1 ~~ x2'\).*Remove the '~~' lines"):
        spec.check_pls()


def test_fixed_values_are_refused_by_check_pls() -> None:
    spec = parse_syntax("F =~ 1*x1 + x2\nG =~ y1\nG ~ F")
    with pytest.raises(SpecError, match=r"cannot fix parameters \('F =~ 1\*x1'\)"):
        spec.check_pls()


def test_measurement_only_model_is_a_valid_spec_but_not_for_pls() -> None:
    spec = parse_syntax("F =~ x1 + x2\nG =~ y1 + y2")
    assert spec.paths == ()
    assert spec.endogenous == ()
    with pytest.raises(SpecError, match="at least one structural path"):
        spec.check_pls()


def test_text_starting_with_tilde_of_an_unknown_user_is_a_spec_error_not_a_runtime_error() -> None:
    # Path("~nosuchuser").expanduser() raises RuntimeError; load_spec treated every one-line text that way
    from acsi.spec import load_spec

    with pytest.raises(SpecError, match="line 1"):
        load_spec("~0")
    with pytest.raises(SpecError):
        load_spec("~acsi_no_such_user_x/model.yaml")
