"""Our error types: bad arguments raise ParameterError (also a ValueError), values in messages are shortened."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
