"""Median time of each peer relative to acsi, per sample size.

Used two ways:

- by ``benchmarks/conftest.py`` at the end of a benchmark run (``pytest_terminal_summary``),
  on the results pytest-benchmark holds in memory;
- as a script on pytest-benchmark's JSON output::

      python -m pytest benchmarks --benchmark-only --benchmark-json=out/bench.json
      python benchmarks/ratios.py out/bench.json

Every benchmark of ``test_pls_speed.py`` records ``extra_info = {"engine": ..., "n": ...}``;
the ratio of an engine at a size is ``median(engine) / median(acsi)`` at that size, so a ratio
of 50 means the peer is 50 times slower than acsi.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

REFERENCE_ENGINE = "acsi"


class Timing(NamedTuple):
    """One benchmark's median time."""

    engine: str
    n: int
    median: float  # seconds


def _format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def ratio_rows(timings: Iterable[Timing]) -> list[tuple[int, str, float, float | None]]:
    """``(n, engine, median, median / acsi median)`` rows, by size then engine (acsi first).

    The ratio is None when acsi was not measured at that size.
    """
    by_size: dict[int, dict[str, float]] = {}
    for timing in timings:
        by_size.setdefault(timing.n, {})[timing.engine] = timing.median
    rows = []
    for n in sorted(by_size):
        medians = by_size[n]
        reference = medians.get(REFERENCE_ENGINE)
        for engine in sorted(medians, key=lambda e: (e != REFERENCE_ENGINE, e)):
            ratio = medians[engine] / reference if reference else None
            rows.append((n, engine, medians[engine], ratio))
    return rows


def format_table(timings: Iterable[Timing]) -> str:
    """A plain-text table of medians and ratios to acsi (empty string when nothing was timed)."""
    rows = ratio_rows(timings)
    if not rows:
        return ""
    lines = [f"{'n':>11}  {'engine':<8}  {'median':>10}  {'x acsi':>8}"]
    for n, engine, median, ratio in rows:
        shown = "-" if ratio is None else f"{ratio:.1f}"
        lines.append(f"{n:>11,}  {engine:<8}  {_format_seconds(median):>10}  {shown:>8}")
    return "\n".join(lines)


def timings_from_json(document: dict) -> list[Timing]:
    """Timings from a pytest-benchmark ``--benchmark-json`` document."""
    out = []
    for bench in document.get("benchmarks", []):
        info = bench.get("extra_info") or {}
        if "engine" in info and "n" in info:
            out.append(Timing(str(info["engine"]), int(info["n"]), float(bench["stats"]["median"])))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the ratio table of one or more pytest-benchmark JSON files."""
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python benchmarks/ratios.py BENCH.json [...]", file=sys.stderr)
        return 2
    for path in paths:
        document = json.loads(Path(path).read_text())
        table = format_table(timings_from_json(document))
        cpu = document.get("machine_info", {}).get("cpu", {}).get("brand_raw", "")
        print(f"{path}: {document.get('datetime', '')} {cpu}")
        print(table or "(no acsi benchmark timings in this file)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
