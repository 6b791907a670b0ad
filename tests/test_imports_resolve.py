"""Every ``import acsi...`` and ``from acsi... import name`` written in the package, the tests and
the benchmarks resolves, lazy imports inside functions included: a module moved by a refactor
breaks here, not at the first user who reaches the function that imports it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _acsi_imports() -> list[tuple[str, int, str, str | None]]:
    found = []
    for folder in ("acsi", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                where = str(path.relative_to(ROOT))
                if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "acsi":
                    found += [(where, node.lineno, node.module, alias.name) for alias in node.names if alias.name != "*"]
                elif isinstance(node, ast.Import):
                    found += [(where, node.lineno, a.name, None) for a in node.names if a.name.split(".")[0] == "acsi"]
    return found


def _resolves(module: str, name: str | None) -> bool:
    imported = importlib.import_module(module)
    if name is None or hasattr(imported, name):
        return True
    try:
        importlib.import_module(f"{module}.{name}")
    except ModuleNotFoundError:
        return False
    return True


def test_every_acsi_import_in_the_package_tests_and_benchmarks_resolves() -> None:
    imports = _acsi_imports()
    assert len(imports) > 500  # the scan sees the imports
    broken = [
        f"{where}:{line}: from {module} import {name}" for where, line, module, name in imports if not _resolves(module, name)
    ]
    assert broken == []


def test_the_import_check_sees_a_name_that_moved() -> None:
    assert not _resolves("acsi.errors", "NoSuchError")
    with pytest.raises(ModuleNotFoundError):
        _resolves("acsi.no_such_module", None)
