"""The layering of the package: pure numeric core, one backend boundary, edges at the edges."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "acsi"
STDLIB_OK = {"__future__", "collections", "dataclasses", "typing", "math", "functools", "enum", "warnings"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_numeric_core_imports_only_numpy_scipy_and_itself(path: Path) -> None:
    for name in _imports(path):
        root = name.split(".")[0]
        allowed = name.startswith("acsi.core") or name in {"acsi.errors", "acsi.notices"}  # leaf helpers
        assert root in {"numpy", "scipy"} | STDLIB_OK or allowed, f"{path.name} imports {name}"


def test_semopy_is_imported_in_the_cbsem_modules_only() -> None:
    importers = [
        p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if any(n.split(".")[0] == "semopy" for n in _imports(p))
    ]
    assert all(fnmatch.fnmatch(name, "estimators/cbsem*.py") for name in importers), importers


@pytest.mark.parametrize("path", sorted((PACKAGE / "spec").glob("*.py")), ids=lambda p: p.name)
def test_spec_knows_nothing_of_data_or_estimators(path: Path) -> None:
    for name in _imports(path):
        assert name.split(".")[0] not in {"pandas", "numpy"}, f"{path.name} imports {name}"
        assert not name.startswith(("acsi.estimators", "acsi.results", "acsi.data", "acsi.core")), f"{path.name} imports {name}"


def test_import_acsi_does_not_import_semopy_or_matplotlib() -> None:
    import subprocess
    import sys

    code = "import sys, acsi; print(','.join(m for m in ('semopy', 'matplotlib') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import acsi loads {loaded}: import it inside the function that uses it"
