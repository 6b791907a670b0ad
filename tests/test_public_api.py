"""The public API a user can guess: the verbs reachable after ``import acsi``, the README's entry points resolve."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pandas as pd
import pytest

import acsi
from acsi import errors
from acsi.resources import bundled

ROOT = Path(__file__).resolve().parent.parent
VERBS = ("fit", "bootstrap", "assess", "estimate_groups", "compare_groups", "compare_methods", "ipma", "fimix", "load_spec")


@pytest.mark.parametrize("name", VERBS)
def test_each_verb_is_callable_after_import_acsi(name: str) -> None:
    assert callable(getattr(acsi, name)) and name in acsi.__all__


def test_acsi_assess_is_the_function_of_the_assessment_package() -> None:
    from acsi.assessment import Assessment, assess

    spec, frame = acsi.load_spec(bundled("models/acsi.yaml")), pd.read_csv(bundled("datasets/acsi_demo.csv"))
    assert acsi.assess is assess and acsi.Assessment is Assessment
    assert isinstance(acsi.assess(acsi.fit(spec, frame)), Assessment)


def _readme_entry_points() -> set[str]:
    text = (ROOT / "README.md").read_text()
    return set(re.findall(r"\bacsi((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", text))


def test_every_acsi_name_in_the_readme_resolves() -> None:
    names = _readme_entry_points()
    assert names, "README names no acsi entry point"
    missing = []
    for dotted in sorted(names):
        obj: object = acsi
        for part in dotted.strip(".").split("."):
            if part in {"yaml", "csv", "json", "py", "toml"}:  # file names such as models/acsi.yaml
                break
            try:
                obj = getattr(obj, part)
            except AttributeError:
                try:  # a submodule not imported yet (acsi.ingest.device): importable is resolvable
                    obj = importlib.import_module(f"{obj.__name__}.{part}")
                except (AttributeError, ImportError):
                    missing.append(f"acsi{dotted}")
                    break
    assert missing == []


def test_every_error_and_warning_class_is_in_errors_and_exported() -> None:
    ours = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, (errors.AcsiError, errors.AcsiWarning))
    ]
    assert {cls.__name__ for cls in ours} <= set(acsi.__all__)
    assert all(getattr(acsi, cls.__name__) is cls for cls in ours)


# The CLI's own usage error (acsi/cli/fit.py) belongs to the CLI step of issue 11.
_ALLOWED_ELSEWHERE = {"acsi/cli/fit.py:UsageError"}


def test_no_exception_or_warning_class_is_defined_outside_errors() -> None:
    found = []
    for path in sorted((ROOT / "acsi").rglob("*.py")):
        if path.name == "errors.py" and path.parent.name == "acsi":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(b).split(".")[-1] for b in node.bases}
                if any(b.endswith(("Error", "Warning", "Exception")) for b in bases):
                    found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert set(found) <= _ALLOWED_ELSEWHERE, found


def test_parallelism_is_called_workers_on_every_public_verb() -> None:
    import inspect

    from acsi.study import run_study

    for verb in (acsi.bootstrap, acsi.estimate_groups, run_study):
        parameters = inspect.signature(verb).parameters
        assert "workers" in parameters and "n_jobs" not in parameters, verb.__name__


#: Public CLI flags for parallelism that predate the one name: flags are contracts, so they stay.
_OTHER_PARALLELISM_FLAGS = {("compare", "--jobs")}


def test_parallelism_is_called_workers_on_every_command_but_the_older_compare_jobs_flag() -> None:
    import argparse

    from acsi.cli import build_parser

    found = set()
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    for command, sub in commands.choices.items():
        subcommands = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
        parsers = [(command, sub)] + [(f"{command} {n}", p) for s in subcommands for n, p in s.choices.items()]
        for name, each in parsers:
            for flag in (f for action in each._actions for f in action.option_strings):  # noqa: SLF001
                if any(word in flag for word in ("jobs", "threads", "processes", "workers")):
                    found.add((name, flag))
    assert {pair for pair in found if pair[1] != "--workers"} == _OTHER_PARALLELISM_FLAGS


def test_no_public_verb_names_parallelism_otherwise_than_workers() -> None:
    import inspect

    for name in acsi.__all__:
        value = getattr(acsi, name)
        if callable(value) and not isinstance(value, type):
            assert not {"n_jobs", "jobs", "threads", "n_threads", "processes"} & set(inspect.signature(value).parameters), name
