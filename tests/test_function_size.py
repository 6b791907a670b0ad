"""Size limits (issue 11, item 7) on the packages that were split: modules, functions, parameters.

A module holds at most :data:`MAX_MODULE_LINES` lines; a function at most
:data:`MAX_FUNCTION_LINES` lines of code (its docstring not counted) and
:data:`MAX_PARAMETERS` parameters (``self``/``cls`` not counted). Public verbs whose keyword
options are a contract keep their signatures (:data:`PUBLIC_SIGNATURES`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "acsi"
CHECKED = (
    "assessment",
    "inference",
    "results",
    "api.py",
    "report",
    "diagram",
    "segment",
    "outcomes",
    "ingest",
    "cli",
    "spec",
    "estimators",
    "core",
    "study",
    "simulate",
    "server",
    "servqual",
    "distributed",
    "compare",
)
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
MAX_PARAMETERS = 10
#: Public verbs with more keyword options than MAX_PARAMETERS: their signatures are public contracts.
PUBLIC_SIGNATURES = {
    "api.py:fit",
    "inference/driver.py:bootstrap",
    "report/html_report.py:build_report",
    "segment/fimix.py:fimix",
    "outcomes/analysis.py:outcomes",
    "outcomes/events.py:event_outcomes",
    "compare/groups.py:estimate_groups",
    "compare/branches.py:compare_branches",
}


def _modules() -> list[Path]:
    out: list[Path] = []
    for name in CHECKED:
        path = PACKAGE / name
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1  # type: ignore[operator]
    return lines


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return len([name for name in names if name not in ("self", "cls")])


def _too_large(path: Path) -> list[str]:
    where = path.relative_to(PACKAGE).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _code_lines(node) > MAX_FUNCTION_LINES:
                found.append(f"{where}:{node.name} has {_code_lines(node)} lines of code")
            if _parameters(node) > MAX_PARAMETERS and f"{where}:{node.name}" not in PUBLIC_SIGNATURES:
                found.append(f"{where}:{node.name} has {_parameters(node)} parameters")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_split_modules_stay_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines"
    assert _too_large(path) == []


def test_the_size_check_counts_code_without_the_docstring_and_parameters_without_self() -> None:
    params = ", ".join(f"a{i}" for i in range(11))
    body = "\n".join(f"        x{i} = {i}" for i in range(80))
    source = f'class C:\n    def m(self, {params}):\n        """Doc.\n\n        More."""\n{body}\n        return x0\n'
    node = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef))
    assert _code_lines(node) == 82 and _parameters(node) == 11
