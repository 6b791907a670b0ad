"""The bootstrap of a Dask DataFrame equals the in-memory Poisson bootstrap with the same seed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.cli import main
from acsi.estimators.pls import PLSPM
from acsi.resources import bundled

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

# The same resample moments summed in another order, then the same PLS iterations: 1e-10 on every number.
TOL = 1e-10
N_BOOT = 24


@pytest.fixture(scope="module")
def client():
    from acsi.distributed.cluster import dask_client

    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def demo() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    rng = np.random.default_rng(8)
    frame["w"] = rng.uniform(0.5, 2.0, len(frame))
    return spec, frame


def _assert_close(a: object, b: object) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_close(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_close(x, y)
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= TOL * max(1.0, abs(b)), (a, b)
    else:
        assert a == b


def _in_memory(spec: acsi.ModelSpec, frame: pd.DataFrame, case: str, seed: int) -> acsi.inference.BootstrapResult:
    """The in-memory Poisson bootstrap of the case: plain, weighted (column w) or listwise."""
    missing = "listwise" if case == "listwise" else "error"
    data = acsi.prepare(spec, frame, missing=missing)
    if case == "weighted":
        data = dataclasses.replace(data, case_weights=frame["w"].to_numpy())
    return acsi.bootstrap(PLSPM(), spec, data, n_boot=N_BOOT, seed=seed, resampling="poisson")


def _case_frame(frame: pd.DataFrame, spec: acsi.ModelSpec, case: str) -> pd.DataFrame:
    if case != "listwise":
        return frame
    holed = frame.copy()
    columns = list(spec.indicators)
    holed[columns] = holed[columns].mask(np.random.default_rng(4).random((len(holed), len(columns))) < 0.02)
    return holed


@pytest.mark.parametrize("partitions", [1, 2, 7])
@pytest.mark.parametrize("case", ["plain", "weighted", "listwise"])
def test_the_dask_bootstrap_equals_the_in_memory_poisson_bootstrap(client, demo, partitions: int, case: str) -> None:
    from acsi.distributed.frames import DaskRows

    spec, frame = demo
    frame = _case_frame(frame, spec, case)
    expected = _in_memory(spec, frame, case, seed=21)
    rows = DaskRows(dd.from_pandas(frame, npartitions=partitions), weight="w" if case == "weighted" else None)
    missing = "listwise" if case == "listwise" else "error"
    got = acsi.bootstrap(PLSPM(), spec, rows, n_boot=N_BOOT, seed=21, resampling="poisson", missing=missing)
    assert got.replicates.shape == expected.replicates.shape == (N_BOOT, expected.estimates.size)
    np.testing.assert_allclose(got.replicates, expected.replicates, rtol=0, atol=TOL)
    _assert_close(got.to_dict(), expected.to_dict())
    _assert_close(got.fit.to_dict(), expected.fit.to_dict())
    assert got.to_dict()["bootstrap"]["resampling"] == "poisson"


def test_the_dask_bootstrap_does_not_depend_on_the_number_of_workers(demo) -> None:
    from acsi.distributed.cluster import dask_client

    spec, frame = demo
    ddf = dd.from_pandas(frame, npartitions=5)
    runs = []
    for workers in (1, 2):
        with dask_client(workers=workers):
            runs.append(acsi.bootstrap(PLSPM(), spec, ddf, n_boot=10, seed=2, resampling="poisson", sign_change="construct"))
    np.testing.assert_allclose(runs[0].replicates, runs[1].replicates, rtol=0, atol=TOL)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"resampling": "multinomial"}, "resampling='multinomial'"),
        ({"ci": "bca", "n_boot": 200}, "ci='bca'"),
        ({"missing": "pairwise"}, "missing='pairwise'"),
        ({"engine": "refit"}, "engine='refit'"),
    ],
)
def test_what_needs_the_rows_is_refused_naming_the_option(demo, options: dict, named: str) -> None:
    spec, frame = demo
    arguments = {"n_boot": 10, "seed": 1, "resampling": "poisson"} | options
    with pytest.raises(acsi.errors.ParameterError, match=named.replace("(", r"\(")):
        acsi.bootstrap(PLSPM(), spec, dd.from_pandas(frame, npartitions=2), **arguments)


def test_a_fit_of_a_dask_frame_is_not_bootstrapped_from_its_missing_rows(client, demo) -> None:
    spec, frame = demo
    result = acsi.fit(spec, dd.from_pandas(frame, npartitions=2))
    with pytest.raises(acsi.errors.ParameterError, match="kept no rows"):
        acsi.bootstrap(result, n_boot=10, seed=1, resampling="poisson")


def test_fit_with_the_dask_engine_and_bootstrap_writes_the_in_memory_poisson_json(demo, tmp_path: Path) -> None:
    spec, frame = demo
    (tmp_path / "lake").mkdir()
    for k, start in enumerate(range(0, len(frame), 130)):
        frame.iloc[start : start + 130].to_parquet(tmp_path / "lake" / f"part-{k}.parquet")
    out = tmp_path / "dask.json"
    args = ["fit", str(bundled("models/acsi.yaml")), str(tmp_path / "lake"), "--engine", "dask", "--workers", "2"]
    assert main([*args, "--bootstrap", str(N_BOOT), "--seed", "6", "--ci", "basic", "--json", str(out), "--quiet"]) == 0
    boot = acsi.bootstrap(PLSPM(), spec, frame, n_boot=N_BOOT, seed=6, ci="basic", resampling="poisson")
    _assert_close(json.loads(out.read_text()), json.loads(json.dumps(boot.fit.to_dict() | boot.to_dict())))


@pytest.mark.parametrize(
    ("flags", "named"),
    [(["--ci", "bca"], "--ci bca"), (["--method", "plsc"], "--method plsc"), (["--missing", "pairwise"], "--missing pairwise")],
)
def test_fit_with_the_dask_engine_refuses_bootstrap_flags_that_need_the_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], named: str
) -> None:
    args = ["fit", str(bundled("models/acsi.yaml")), str(tmp_path / "lake"), "--engine", "dask", "--bootstrap", "300"]
    assert main([*args, *flags]) != 0
    assert named in capsys.readouterr().err
