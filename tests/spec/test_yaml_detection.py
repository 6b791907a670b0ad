"""YAML or lavaan: a YAML spec with a missing or misspelt top-level key is reported as YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from acsi.errors import SpecError
from acsi.spec.load import load_spec

from ..conftest import MODELS


def test_misspelt_constructs_key_is_reported_as_yaml_with_the_nearest_key(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text((MODELS / "acsi.yaml").read_text().replace("\nconstructs:", "\nconstruct:"))
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    text = str(info.value)
    assert "Unknown key 'construct'" in text and "Did you mean 'constructs'?" in text
    assert "operators are" not in text  # not the lavaan parser's message


def test_yaml_without_constructs_says_the_key_is_missing(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text("name: shop\nscale: {min: 1, max: 10}\n")
    with pytest.raises(SpecError, match="no 'constructs' key"):
        load_spec(spec)


def test_broken_yaml_with_top_level_keys_gets_the_yaml_error(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text("name: shop\nconstruct:\n  a: [b\n")
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    assert "operators are" not in str(info.value)


def test_lavaan_text_is_still_lavaan() -> None:
    assert load_spec("Q =~ q1 + q2\nS =~ s1 + s2\nS ~ Q").construct_names == ("Q", "S")
