"""``acsi compare --engine dask``: per-group moments on a cluster give the in-memory comparison's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.resources import bundled

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

# Group moments merged in another order, then the same PLS iterations: 1e-10 on every number of the JSON.
TOL = 1e-10
SPEC = str(bundled("models/acsi.yaml"))


def _close(a: object, b: object) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _close(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= TOL * max(1.0, abs(b)), (a, b)
    else:
        assert a == b


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo survey with a branch column (five branches, one of them small), as one CSV and as a Parquet lake."""
    root = tmp_path_factory.mktemp("compare")
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    frame["branch"] = np.array(["BR1", "BR2", "BR3", "BR4"])[np.arange(len(frame)) % 4]
    frame.loc[frame.index[:12], "branch"] = "BR5"
    frame["quarter"] = np.array(["2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4"])[np.arange(len(frame)) // 7 % 5]
    frame["w"] = np.random.default_rng(5).uniform(0.5, 2.0, len(frame))
    frame.loc[frame.index[2:12], "w"] = 0.0  # BR5: 2 rows with a positive weight, not reported when weighted
    holed = frame.copy()
    indicators = list(acsi.load_spec(SPEC).indicators)
    holed[indicators] = holed[indicators].mask(np.random.default_rng(3).random((len(frame), len(indicators))) < 0.02)
    for name, table in (("complete", frame), ("holed", holed)):
        table.to_csv(root / f"{name}.csv", index=False)
        (root / name).mkdir()
        for k, start in enumerate(range(0, len(table), 140)):
            table.iloc[start : start + 140].to_parquet(root / name / f"part-{k}.parquet")
    (root / "hierarchy.csv").write_text("unit,parent,weight\nBR1,North,1\nBR2,North,2\nBR3,South,1\nBR4,South,1\nBR5,South,1\n")
    return root


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("complete", []),
        ("complete", ["--mode", "pooled", "--min-n", "10"]),
        ("holed", ["--missing", "listwise", "--target", "customer_loyalty"]),
        ("complete", ["--hierarchy", "HIERARCHY"]),
        ("complete", ["--weights", "w", "--min-n", "10"]),
        ("holed", ["--weights", "w", "--missing", "listwise", "--mode", "pooled"]),
        ("complete", ["--period", "quarter", "--min-n", "10"]),
        ("holed", ["--period", "quarter", "--weights", "w", "--missing", "listwise", "--min-n", "10"]),
    ],
)
def test_compare_with_the_dask_engine_writes_the_in_memory_json(
    data: Path, tmp_path: Path, name: str, options: list[str]
) -> None:
    options = [str(data / "hierarchy.csv") if option == "HIERARCHY" else option for option in options]
    memory, distributed = tmp_path / "memory.json", tmp_path / "dask.json"
    common = ["--group", "branch", *options, "--quiet"]
    assert main(["compare", SPEC, str(data / f"{name}.csv"), *common, "--json", str(memory)]) == 0
    dask_args = ["compare", SPEC, str(data / name), *common, "--engine", "dask", "--workers", "2", "--json", str(distributed)]
    assert main(dask_args) == 0
    expected = json.loads(memory.read_text())
    _close(json.loads(distributed.read_text()), expected)
    assert set(expected["groups"]) == {"BR1", "BR2", "BR3", "BR4", "BR5"}
    assert ("--period" in options) == bool(expected.get("periods"))


@pytest.mark.parametrize(
    "flags",
    [["--bootstrap", "100"], ["--permutations", "50"], ["--method", "plsc"], ["--jobs", "2"]],
)
def test_compare_with_the_dask_engine_refuses_what_needs_the_rows(
    data: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    assert main(["compare", SPEC, str(data / "complete"), "--group", "branch", *flags, "--engine", "dask"]) != 0
    assert flags[0] in capsys.readouterr().err


def test_rows_without_a_group_label_are_refused(data: Path) -> None:
    from acsi.compare import estimate_groups
    from acsi.distributed.cluster import dask_client

    frame = pd.read_csv(data / "complete.csv")
    frame.loc[frame.index[5:8], "branch"] = None
    with dask_client(workers=1), pytest.raises(acsi.errors.DataError, match="3 row"):
        estimate_groups(acsi.load_spec(SPEC), dd.from_pandas(frame, npartitions=2), "branch")


def test_negative_case_weights_are_refused_naming_the_column(data: Path) -> None:
    from acsi.distributed.cluster import dask_client
    from acsi.distributed.frames import DaskRows

    frame = pd.read_csv(data / "complete.csv")
    frame.loc[frame.index[7], "w"] = -1.0
    with dask_client(workers=1), pytest.raises(acsi.errors.DataError, match="column 'w'"):
        acsi.fit(acsi.load_spec(SPEC), DaskRows(dd.from_pandas(frame, npartitions=2), weight="w"))


def test_rows_without_a_period_label_are_refused(data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    frame = pd.read_csv(data / "complete.csv")
    frame.loc[frame.index[3:5], "quarter"] = None
    frame.to_parquet(tmp_path / "part-0.parquet")
    args = ["compare", SPEC, str(tmp_path), "--group", "branch", "--period", "quarter", "--engine", "dask", "--workers", "1"]
    assert main(args) != 0
    assert "2 row(s) have no label" in capsys.readouterr().err
