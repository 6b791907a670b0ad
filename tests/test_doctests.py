"""The examples in the docs and docstrings run (issue 11, item 9): the main verbs on the bundled data.

``docs/examples.md`` shows load_spec, fit, bootstrap, assess, estimate_groups, compare_groups,
ipma and compare_methods; ``acsi.api`` and the simulate package carry their own examples.
Outputs are rounded in the examples; ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` absorb the rest.
"""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
MODULES = (
    "acsi.api",
    "acsi.simulate",
    "acsi.simulate.composite",
    "acsi.simulate.population",
)


def _run(tests: list[doctest.DocTest]) -> tuple[int, int, str]:
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in tests:
        runner.run(test, out=out.write)
    result = runner.summarize(verbose=False)
    return result.failed, result.attempted, out.getvalue()


def test_the_examples_page_runs_on_the_bundled_data() -> None:
    path = ROOT / "docs" / "examples.md"
    text = path.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, "examples.md", str(path), 0)
    failed, attempted, report = _run([test])
    assert attempted >= 30
    assert failed == 0, report
    for verb in ("load_spec", "fit", "bootstrap", "assess", "estimate_groups", "compare_groups", "ipma", "compare_methods"):
        assert f"{verb}(" in text, f"docs/examples.md has no example of {verb}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, name)
    failed, attempted, report = _run(tests)
    assert attempted > 0, f"{name} has no examples"
    assert failed == 0, report
