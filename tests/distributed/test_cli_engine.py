"""``acsi fit --engine dask`` on a Parquet directory and a CSV glob gives the in-memory JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from acsi.cli import main
from acsi.resources import bundled

pytest.importorskip("distributed")

# Moments merged in another order: 1e-10 on every number of the JSON.
TOL = 1e-10


def _close(a: object, b: object) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _close(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
    elif isinstance(a, float):
        assert abs(a - b) <= TOL * max(1.0, abs(b)), (a, b)
    else:
        assert a == b


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    (root / "parquet").mkdir()
    for k, start in enumerate(range(0, len(frame), 170)):
        frame.iloc[start : start + 170].to_parquet(root / "parquet" / f"part-{k}.parquet")
        frame.iloc[start : start + 170].to_csv(root / f"part-{k}.csv", index=False)
    return root


@pytest.mark.parametrize("source", ["parquet", "part-*.csv"])
def test_fit_with_the_dask_engine_writes_the_in_memory_json(lake: Path, tmp_path: Path, source: str) -> None:
    spec = str(bundled("models/acsi.yaml"))
    assert main(["fit", spec, str(bundled("datasets/acsi_demo.csv")), "--json", str(tmp_path / "memory.json"), "--quiet"]) == 0
    args = ["fit", spec, str(lake / source), "--engine", "dask", "--workers", "2", "--json", str(tmp_path / "dask.json")]
    assert main([*args, "--quiet"]) == 0
    _close(json.loads((tmp_path / "dask.json").read_text()), json.loads((tmp_path / "memory.json").read_text()))


def test_options_that_need_the_rows_are_refused_with_the_dask_engine(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(bundled("models/acsi.yaml"))
    assert main(["fit", spec, str(lake / "parquet"), "--engine", "dask", "--lenient"]) != 0
    assert "--lenient" in capsys.readouterr().err


def test_help_does_not_import_dask() -> None:
    code = "import sys\nfrom acsi.cli import main\ntry:\n    main(['fit', '--help'])\nexcept SystemExit:\n    pass\nprint(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


@pytest.mark.parametrize(
    "command",
    [
        ["assess"],
        ["ipma", "--target", "customer_loyalty"],
        ["ipma", "--target", "customer_loyalty", "--weights", "w"],
    ],
)
def test_assess_and_ipma_with_the_dask_engine_write_the_in_memory_json(tmp_path: Path, command: list[str]) -> None:
    spec = str(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    frame["w"] = 0.5 + (frame.index % 4) / 2
    frame.to_csv(tmp_path / "all.csv", index=False)
    (tmp_path / "lake").mkdir()
    for k, start in enumerate(range(0, len(frame), 230)):
        frame.iloc[start : start + 230].to_parquet(tmp_path / "lake" / f"part-{k}.parquet")
    name, *rest = command
    assert main([name, spec, str(tmp_path / "all.csv"), *rest, "--json", str(tmp_path / "memory.json"), "--quiet"]) == 0
    dask_args = [name, spec, str(tmp_path / "lake"), *rest, "--engine", "dask", "--json", str(tmp_path / "dask.json"), "--quiet"]
    assert main(dask_args) == 0
    _close(json.loads((tmp_path / "dask.json").read_text()), json.loads((tmp_path / "memory.json").read_text()))
