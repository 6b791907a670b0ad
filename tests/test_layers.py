"""The package's layers: every import (top-level, inside functions, under TYPE_CHECKING) goes down.

Order (issue "One implementation of each thing", item 9): helpers (with summary, result_contract,
thresholds) < core < spec < ingest < data
< structure < results < index < estimators < api < inference < assessment < compare <
simulate/study < report < cli/server. A module may import its own layer and any layer below.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "acsi"

LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "errors",
        "strict_json",
        "notices",
        "blas",
        "resources",
        "validate",
        "summary",
        "result_contract",
        "thresholds",
        "table_format",
    ),
    ("core",),
    ("spec",),
    ("ingest",),
    ("data", "distributed"),
    ("structure",),
    ("results", "admissibility", "diagram"),
    ("index",),
    ("estimators", "baselines"),
    ("api",),
    ("inference", "refit"),
    ("assessment",),
    ("compare", "segment", "outcomes", "predictive", "servqual"),
    ("simulate", "study", "testing"),
    ("report",),
    ("cli", "server", "__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts = parts[:-1]
    return ".".join(parts)


def _rank(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    assert top in RANK, f"{module} is in no layer: add its top-level name to LAYERS"
    return RANK[top]


def _imported(path: Path, me: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = me.split(".")[: len(me.split(".")) - node.level + (path.name == "__init__.py")]
                out.append(".".join([*package, *([node.module] if node.module else [])]))
            elif node.module:
                out.append(node.module)
    return [name for name in out if name.startswith("acsi.")]


def _upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        me = _module_name(path)
        for target in _imported(path, me):
            if _rank(target) > _rank(me):
                found.add((me, target))
    return found


def test_every_import_goes_to_the_same_or_a_lower_layer() -> None:
    upward = _upward_imports()
    assert upward == set(), f"imports that go up a layer: {sorted(upward)}"


def test_the_layer_check_sees_imports_inside_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from acsi.cli import fit\ndef f():\n    import acsi.report.plots\n"
    path = tmp_path / "acsi" / "core" / "x.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert _imported(path, "acsi.core.x") == ["acsi.cli", "acsi.report.plots"]
