"""Our error types: bad arguments raise ParameterError (also a ValueError), values in messages are shortened."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import acsi
from acsi.errors import AcsiError, ParameterError, shorten

PACKAGE = Path(__file__).resolve().parent.parent / "acsi"


def _bare_raises(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
            if node.exc.func.id in {"ValueError", "KeyError"}:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} raises {node.exc.func.id}")
    return found


def test_library_code_raises_no_bare_value_or_key_error() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _bare_raises(path)]
    assert found == []


def test_parameter_error_is_ours_and_a_value_error() -> None:
    assert issubclass(ParameterError, AcsiError) and issubclass(ParameterError, ValueError)


def test_unknown_method_raises_parameter_error_naming_it() -> None:
    from acsi.api import make_estimator

    with pytest.raises(ParameterError, match="'bogus'"):
        make_estimator("bogus")  # type: ignore[arg-type]


def test_shorten_cuts_a_huge_value_and_states_its_length() -> None:
    cell = "x" * 10_000_000
    text = shorten(cell)
    assert len(text) < 100
    assert "10000000 characters" in text


def test_shorten_leaves_a_short_value_as_its_repr() -> None:
    assert shorten("abc") == "'abc'"
    assert shorten(12.5) == "12.5"


def test_fit_refuses_an_option_the_method_does_not_use_and_names_its_users() -> None:
    import pandas as pd

    from acsi.resources import bundled

    spec, frame = acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))
    with pytest.raises(ParameterError, match=r"method='gsca' does not use scheme='centroid'.*'pls' or 'plsc'"):
        acsi.fit(spec, frame, method="gsca", scheme="centroid")
    with pytest.raises(ParameterError, match=r"does not use objective='GLS'.*'cbsem'"):
        acsi.fit(spec, frame, method="pls", objective="GLS")
    with pytest.raises(ParameterError, match=r"does not use raw=False.*'pls'"):
        acsi.fit(spec, frame, method="plsc", raw=False)


def test_fit_passes_an_option_to_the_method_that_uses_it() -> None:
    import pandas as pd

    from acsi.resources import bundled

    spec, frame = acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))
    assert acsi.fit(spec, frame, method="plsc", scheme="centroid").settings["scheme"] == "centroid"
    assert acsi.fit(spec, frame, method="cbsem", objective="ULS").settings["objective"] == "ULS"


@pytest.mark.parametrize(
    ("check", "args", "pattern"),
    [
        ("check_choice", ("ci", "wide", ("percentile", "bca")), r"Unknown ci 'wide'; expected one of percentile, bca"),
        ("check_int", ("n_boot", 0, 1), r"n_boot must be a positive integer; got 0"),
        ("check_int", ("workers", True), r"workers must be an integer; got True"),
        ("check_int", ("n_boot", 2.5, 1), r"got 2.5"),
        ("check_int", ("folds", 1, 2), r"folds must be an integer of at least 2; got 1"),
        ("check_level", ("level", 1.0), r"level must be a number between 0 and 1; got 1.0"),
        ("check_level", ("level", float("nan")), r"got nan"),
        ("check_bool", ("std_lv", "yes"), r"std_lv must be True or False; got 'yes'"),
    ],
)
def test_validator_raises_parameter_error_naming_the_argument(check: str, args: tuple, pattern: str) -> None:
    from acsi import validate

    with pytest.raises(ParameterError, match=pattern):
        getattr(validate, check)(*args)


def test_validator_accepts_valid_values() -> None:
    import numpy as np

    from acsi import validate
    from acsi.estimators.registry import check_options_used_by

    validate.check_choice("ci", "bca", ("percentile", "bca"))
    validate.check_int("n_boot", np.int64(5), 1)
    validate.check_level("level", 0.95)
    validate.check_bool("std_lv", False)
    check_options_used_by("pls", {"scheme": "path", "objective": None})
