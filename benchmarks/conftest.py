"""Shared set-up of the benchmark suite: thread pinning, sample sizes, data, the ratio summary.

Environment variables
---------------------
ACSI_BENCH_FULL=1
    Add n = 1,000,000 to the default sizes n = 250 and n = 10,000.
ACSI_BENCH_SLOW=1
    Also run plspm at n = 1,000,000 (10-25 s and about 1 GB per fit), skipped otherwise.
ACSI_BENCH_THREADS=k
    BLAS/OpenMP threads (default 1). On the 14 x 14 matrices of the ACSI model a second BLAS
    thread only adds contention (see ../shared/design/peers.md), so every engine runs on one.

Thread pinning works in two layers, because a BLAS library reads its environment variables
once, when it is loaded: (1) ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``
and friends are set here with ``os.environ.setdefault`` *before* numpy is imported by this
file, which covers every BLAS loaded later in the process (including the peers' scipy);
(2) if numpy was already imported (another conftest, a plugin), ``threadpoolctl`` limits the
libraries already loaded, at import of this file and again after each peer is imported.
The pinned state is printed in the report header.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

THREADS = os.environ.get("ACSI_BENCH_THREADS", "1")
for _var in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ.setdefault(_var, THREADS)

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

try:  # threadpoolctl ships with scikit-learn, a semopy dependency
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover - then only the environment variables pin threads
    threadpool_info = None
    threadpool_limits = None

_LIMITERS: list[Any] = []  # keep the limiters alive for the whole session


def pin_threads() -> None:
    """Limit every BLAS/OpenMP library loaded so far to ``ACSI_BENCH_THREADS`` threads."""
    if threadpool_limits is not None:
        _LIMITERS.append(threadpool_limits(limits=int(THREADS)))


pin_threads()

_ratios_spec = importlib.util.spec_from_file_location("acsi_bench_ratios", Path(__file__).with_name("ratios.py"))
assert _ratios_spec is not None and _ratios_spec.loader is not None  # our own file, not user input
ratios = importlib.util.module_from_spec(_ratios_spec)
_ratios_spec.loader.exec_module(ratios)

SEED = 20240601
SCALE = (1, 10)
SMALL_SIZES = (250, 10_000)
FULL_SIZES = (250, 10_000, 1_000_000)
#: Sizes at or above this are timed with a fixed, small number of rounds (seconds per fit).
LARGE_N = 100_000
LARGE_ROUNDS = 3


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def bench_sizes() -> tuple[int, ...]:
    """Sample sizes to time: small by default (CI), 1,000,000 added by ``ACSI_BENCH_FULL=1``."""
    return FULL_SIZES if _flag("ACSI_BENCH_FULL") else SMALL_SIZES


def slow_enabled() -> bool:
    """Whether ``ACSI_BENCH_SLOW=1`` asks for the slow peer runs (plspm at n = 1,000,000)."""
    return _flag("ACSI_BENCH_SLOW")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every benchmark that takes ``n`` over :func:`bench_sizes`."""
    if "n" in metafunc.fixturenames:
        metafunc.parametrize("n", bench_sizes(), ids=lambda n: f"n={n}")


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [
        f"acsi benchmarks: sizes {', '.join(f'{n:,}' for n in bench_sizes())}"
        f" (ACSI_BENCH_FULL={'1' if _flag('ACSI_BENCH_FULL') else '0'},"
        f" ACSI_BENCH_SLOW={'1' if slow_enabled() else '0'}), {os.cpu_count()} CPUs"
    ]
    if threadpool_info is not None:
        pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info())
        lines.append(f"acsi benchmarks: BLAS/OpenMP threads pinned to {THREADS} ({pools})")
    return lines


# ---------------------------------------------------------------------- data
@dataclass
class BenchData:
    """One generated ACSI sample and what every engine needs from it."""

    n: int
    spec: Any  # acsi.ModelSpec
    frame: pd.DataFrame  # int64 ratings 1-10, columns in spec order
    _zscored: pd.DataFrame | None = field(default=None, repr=False)
    _acsi_paths: dict[str, float] | None = field(default=None, repr=False)

    @property
    def zscored(self) -> pd.DataFrame:
        """Columns standardised (divisor n), computed once: plspm's input (its scaled=True is wrong)."""
        if self._zscored is None:
            values = self.frame.to_numpy(dtype=float)
            values = (values - values.mean(axis=0)) / values.std(axis=0)
            self._zscored = pd.DataFrame(values, columns=self.frame.columns)
        return self._zscored

    @property
    def acsi_paths(self) -> dict[str, float]:
        """acsi's path coefficients on this sample (one untimed fit), the peers' yardstick."""
        if self._acsi_paths is None:
            import acsi

            self._acsi_paths = acsi.fit(self.spec, self.frame, method="pls", scheme="path").to_dict()["paths"]
        return self._acsi_paths


@cache
def _bench_data(n: int) -> BenchData:
    from acsi.simulate import ACSI_LOCATIONS, acsi_population

    population = acsi_population()
    frame = population.draw(n, seed=SEED, scale=SCALE, location=ACSI_LOCATIONS)
    return BenchData(n=n, spec=population.spec, frame=frame)


@pytest.fixture(scope="session")
def bench_data() -> Callable[[int], BenchData]:
    """``bench_data(n)``: the ACSI sample of size n (same data for every engine), cached."""
    return _bench_data


@pytest.fixture(scope="session")
def import_peer() -> Callable[[str, str], Any]:
    """``import_peer(module, reason)``: ``pytest.importorskip`` then re-pin the threads.

    A peer may load another BLAS (seminr and plspm load scipy's), which the limits set at
    start-up do not cover yet.
    """

    def load(module: str, reason: str) -> Any:
        imported = pytest.importorskip(module, reason=reason)
        pin_threads()
        return imported

    return load


@pytest.fixture(scope="session")
def slow() -> bool:
    """Whether ``ACSI_BENCH_SLOW=1`` asks for the slow peer runs."""
    return slow_enabled()


# ---------------------------------------------------------------------- timing
@pytest.fixture
def timed(benchmark: Any) -> Callable[..., Any]:
    """``timed(fn, n=n, engine=name)``: time ``fn()`` in group ``n=...`` and return its result.

    Small n: pytest-benchmark's calibrated rounds. Large n (>= 100,000) or an explicit
    ``rounds``: that many rounds (default ``LARGE_ROUNDS``) of one call each, no warm-up.
    Under ``--benchmark-disable`` the function runs once.
    """

    def run(fn: Callable[[], Any], *, n: int, engine: str, rounds: int | None = None) -> Any:
        benchmark.group = f"n={n:>9,}"  # padded: pytest-benchmark sorts groups as text
        benchmark.extra_info.update({"engine": engine, "n": n, "blas_threads": int(THREADS)})
        if n >= LARGE_N or rounds is not None:
            return benchmark.pedantic(fn, rounds=rounds or LARGE_ROUNDS, iterations=1, warmup_rounds=0)
        return benchmark(fn)

    return run


# ---------------------------------------------------------------------- summary
@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print each engine's median relative to acsi's, per sample size (after pytest-benchmark's table)."""
    session = getattr(config, "_benchmarksession", None)  # pytest-benchmark's session (3.x-5.x)
    if session is None:
        return
    timings = []
    for bench in getattr(session, "benchmarks", []):
        info = getattr(bench, "extra_info", None) or {}
        stats = getattr(bench, "stats", None)
        if "engine" in info and "n" in info and stats is not None and getattr(stats, "rounds", 0):
            timings.append(ratios.Timing(info["engine"], int(info["n"]), float(stats.median)))
    table = ratios.format_table(timings)
    if table:
        terminalreporter.write_sep("-", "median time relative to acsi (x acsi = peer median / acsi median)")
        terminalreporter.write_line(table)
