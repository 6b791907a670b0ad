"""Time to read and validate a survey file: acsi's ingest against pandas' own read.

The file holds the ACSI model's 14 indicators (1-10 answers drawn from
``acsi.simulate.acsi_population()``) plus a branch and a period column, written once per
size to a temporary folder as CSV and as Parquet. Per format and size, three timings in
the group ``ingest <format> rows=<n>``:

- ``pandas``: ``pd.read_csv(path)`` (resp. ``pd.read_parquet``), the baseline;
- ``acsi read+validate``: ``acsi.prepare(spec, read_survey(path))``: read, source row
  numbers, column/type/scale/constant/missing checks, the read-only indicator array;
- ``acsi read+map+validate``: the same through a mapping that renames every indicator,
  reverses one, and declares missing codes 98/99 on all of them.

The goal (issue 5) is acsi within 2x of pandas' own read at 1,000,000 rows. Sizes: 10,000 rows
by default (CI runs this once with ``--benchmark-disable``); ``ACSI_BENCH_FULL=1`` adds
1,000,000. These benchmarks do not use the ``n``/``timed`` fixtures of ``conftest.py`` so that
they stay out of the estimator ratio table; compare the medians in pytest-benchmark's table.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.data import prepare_indicators
from acsi.ingest import apply_mapping, mapping_from_dict, read_survey
from acsi.simulate import acsi_population

ROWS = (10_000, 1_000_000) if os.environ.get("ACSI_BENCH_FULL", "") not in ("", "0") else (10_000,)
LARGE = 100_000
FORMATS = ("csv", "parquet")


@pytest.fixture(scope="module")
def survey_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, str], Path]:
    folder = tmp_path_factory.mktemp("ingest_bench")
    cache: dict[tuple[int, str], Path] = {}

    def get(rows: int, fmt: str) -> Path:
        if (rows, fmt) not in cache:
            population = acsi_population()
            frame = population.draw(rows, seed=1, scale=(1, 10), location={"customer_complaints": 2.5})
            frame["branch"] = np.arange(rows) % 40
            frame["period"] = "2024Q" + pd.Series(np.arange(rows) % 4 + 1).astype(str)
            path = folder / f"survey_{rows}.{fmt}"
            frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path, index=False)
            cache[(rows, fmt)] = path
        return cache[(rows, fmt)]

    return get


def _run(benchmark: Any, fn: Callable[[], Any], rows: int, fmt: str, what: str) -> Any:
    benchmark.group = f"ingest {fmt} rows={rows:>9,}"
    benchmark.extra_info.update({"ingest": what, "rows": rows, "format": fmt})
    if rows >= LARGE:
        return benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=0)
    return benchmark(fn)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows", ROWS)
def test_pandas_read(benchmark: Any, survey_files: Callable[[int, str], Path], rows: int, fmt: str) -> None:
    path = survey_files(rows, fmt)
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    frame = _run(benchmark, lambda: read(path), rows, fmt, "pandas")
    assert frame.shape == (rows, 16)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows", ROWS)
def test_acsi_read_and_validate(benchmark: Any, survey_files: Callable[[int, str], Path], rows: int, fmt: str) -> None:
    path = survey_files(rows, fmt)
    spec = acsi_population().spec
    data = _run(benchmark, lambda: acsi.prepare(spec, read_survey(path)), rows, fmt, "acsi read+validate")
    assert data.values.shape == (rows, 14) and data.row_labels[0] == (2 if fmt == "csv" else 1)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows", ROWS)
def test_acsi_read_map_and_validate(benchmark: Any, survey_files: Callable[[int, str], Path], rows: int, fmt: str) -> None:
    path = survey_files(rows, fmt)
    spec = acsi_population().spec
    names = list(spec.indicators)
    rules: dict[str, Any] = {f"i_{n}": {"column": n, "scale": [1, 10], "missing": [98, 99]} for n in names}
    rules[f"i_{names[0]}"]["reverse"] = True
    mapping = mapping_from_dict({"indicators": rules, "groups": ["branch", "period"]})
    indicators = list(mapping.indicators)

    def run() -> Any:
        survey = apply_mapping(read_survey(path), mapping)
        return prepare_indicators(survey, indicators, scales=survey.metadata.scales)

    data = _run(benchmark, run, rows, fmt, "acsi read+map+validate")
    assert data.values.shape == (rows, 14) and data.groups.shape == (rows, 2)
