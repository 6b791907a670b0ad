"""Every JSON acsi writes is strict: NaN and infinities become null, never bare tokens."""

from __future__ import annotations

import json

import numpy as np
import pytest

from acsi import strict_json
from acsi.cli.fit import write_json


def test_non_finite_numbers_are_written_as_null() -> None:
    record = {"a": float("nan"), "b": [np.float64("inf"), -np.inf, 1.5], "c": {"d": np.float32("nan"), "e": np.int64(3)}}
    text = strict_json.dumps(record)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text, parse_constant=lambda token: pytest.fail(f"bare {token} token")) == {
        "a": None,
        "b": [None, None, 1.5],
        "c": {"d": None, "e": 3},
    }


def test_input_record_is_not_mutated() -> None:
    record = {"a": [float("nan")]}
    strict_json.dumps(record)
    assert np.isnan(record["a"][0])


def test_fit_json_writer_writes_strict_json(tmp_path) -> None:
    target = tmp_path / "out.json"
    write_json({"paths": {"A -> B": float("nan")}}, str(target))
    assert json.loads(target.read_text(), parse_constant=lambda token: pytest.fail(token)) == {"paths": {"A -> B": None}}
