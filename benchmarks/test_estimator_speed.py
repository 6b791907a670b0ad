"""Time per fit of the other estimators: PLSc and GSCA against acsi PLS, acsi CB-SEM against raw semopy.

Every engine fits the ACSI model to the same discretised sample of ``conftest.bench_data``
(n = 250 and 10,000; 1,000,000 with ``ACSI_BENCH_FULL=1``), timed with ``timed`` in the group
``n=<size>``, so the session's ratio summary shows each engine relative to acsi's PLS
(``engine="acsi"`` in ``test_pls_speed.py``).

- ``acsi-plsc``: ``acsi.fit(..., method="plsc")`` (PLS plus the rho_A correction).
- ``acsi-gsca``: ``acsi.fit(..., method="gsca")`` (ALS on the correlation matrix).
- ``acsi-cbsem``: ``CBSEM().fit(spec, frame)``: validation, covariance, semopy's fit at
  ftol 1e-14, expected-information standard errors, lavaan fit indices, factor-score weights
  and the 0-100 index.
- ``semopy``: what a user would run for the same numbers in raw semopy: ``Model(text)``,
  ``fit(frame, obj="MLW", options={"ftol": 1e-14})`` and ``inspect()`` (estimates and
  standard errors). Its estimates must agree with acsi's.

``test_cbsem_wrapper_overhead`` times the two CB-SEM routes interleaved in one loop (the
machine is shared and noisy; alternating cancels drifts) and reports the median overhead in
its ``extra_info`` and on stdout (goal: under 10% of semopy's time).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

BenchData = Any


def test_acsi_plsc_fit(timed: Callable[..., Any], bench_data: Callable[[int], BenchData], n: int) -> None:
    import acsi

    data = bench_data(n)
    result = timed(lambda: acsi.fit(data.spec, data.frame, method="plsc"), n=n, engine="acsi-plsc")
    assert result.method == "plsc" and np.isfinite(result.path_matrix).all()


def test_acsi_gsca_fit(timed: Callable[..., Any], bench_data: Callable[[int], BenchData], n: int) -> None:
    import acsi

    data = bench_data(n)
    result = timed(lambda: acsi.fit(data.spec, data.frame, method="gsca"), n=n, engine="acsi-gsca")
    assert result.converged and 0 < result.fit_indices["fit"] < 1


def _semopy_route(data: BenchData):  # noqa: ANN202
    import semopy

    from acsi.estimators.semopy_syntax import to_semopy_syntax

    text = to_semopy_syntax(data.spec)
    frame = data.frame.astype(float)

    def run() -> Any:
        model = semopy.Model(text)
        model.fit(frame, obj="MLW", options={"ftol": 1e-14})
        return model.inspect()

    return run


def test_acsi_cbsem_fit(timed: Callable[..., Any], bench_data: Callable[[int], BenchData], n: int) -> None:
    from acsi.estimators.cbsem import CBSEM

    data = bench_data(n)
    result = timed(lambda: CBSEM().fit(data.spec, data.frame), n=n, engine="acsi-cbsem")
    assert result.converged and np.isfinite(result.fit_indices["chisq"])


def test_raw_semopy_fit(timed: Callable[..., Any], bench_data: Callable[[int], BenchData], n: int) -> None:
    from acsi.estimators.cbsem import CBSEM

    data = bench_data(n)
    table = timed(_semopy_route(data), n=n, engine="semopy")
    ours = CBSEM().fit(data.spec, data.frame).params.set_index(["lhs", "op", "rhs"])
    for row in table[table.op == "~"].itertuples():
        # semopy writes loadings as 'indicator ~ factor' and regressions as 'target ~ source'
        key = (row.rval, "=~", row.lval) if (row.rval, "=~", row.lval) in ours.index else (row.lval, "~", row.rval)
        # semopy's sample covariance has divisor n - 1, ours n (lavaan): estimates agree to O(1/n)
        assert abs(ours.loc[key, "estimate"] - float(row.Estimate)) < 5e-3


def test_cbsem_wrapper_overhead(bench_data: Callable[[int], BenchData], n: int, request: pytest.FixtureRequest) -> None:
    from acsi.estimators.cbsem import CBSEM

    data = bench_data(n)
    rounds = 30 if os.environ.get("ACSI_BENCH_FULL") else 3
    raw = _semopy_route(data)
    estimator = CBSEM()
    ours_t, raw_t = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        estimator.fit(data.spec, data.frame)
        ours_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw()
        raw_t.append(time.perf_counter() - start)
    overhead = statistics.median(ours_t) / statistics.median(raw_t) - 1
    print(
        f"\nCB-SEM n={n}: acsi {statistics.median(ours_t) * 1e3:.1f} ms, semopy {statistics.median(raw_t) * 1e3:.1f} ms,"
        f" overhead {overhead:+.1%} (median of {rounds} interleaved rounds)"
    )
    assert np.isfinite(overhead)
