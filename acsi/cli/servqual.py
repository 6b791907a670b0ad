"""``acsi servqual SPEC DATA``: the SERVQUAL gap table with intervals and the dimensions ranked by their effect."""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import checks
from acsi.cli.fit import UsageError, level, whole_number, write_json
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import RANKING_METHODS
from acsi.spec.load import load_spec

_EPILOG = """examples:
  acsi servqual models/servqual.yaml datasets/servqual_demo.csv
  acsi servqual models/servqual.yaml datasets/servqual_demo.csv --servperf --interval bootstrap --seed 1
  acsi servqual models/servqual.yaml survey.csv --importance tangibles=imp_tangibles,reliability=imp_reliability,\\
responsiveness=imp_responsiveness,assurance=imp_assurance,empathy=imp_empathy --json gaps.json
"""


def parse_importance(text: str | None) -> dict[str, str] | None:
    """``DIM=COLUMN,DIM=COLUMN`` -> {dimension: column}."""
    if not text:
        return None
    out: dict[str, str] = {}
    for part in text.split(","):
        dimension, sep, column = part.partition("=")
        if not sep or not dimension.strip() or not column.strip():
            raise UsageError(f"--importance: expected DIMENSION=COLUMN pairs separated by commas; got {part!r}.")
        out[dimension.strip()] = column.strip()
    return out


def run_servqual(args: argparse.Namespace) -> int:
    from acsi.ingest.survey import read_survey
    from acsi.servqual import servqual

    checks.check_output_file("--json", args.json)
    spec = load_spec(Path(args.spec))
    frame = read_survey(args.data, sheet=parse_sheet(args.sheet)).frame
    result = servqual(
        spec,
        frame,
        servperf=args.servperf,
        importance=parse_importance(args.importance),
        interval=args.interval,
        level=args.level,
        n_boot=args.bootstrap,
        seed=args.seed,
        target=args.target,
        method=args.method,
    )
    if args.json != "-":
        print(result.summary())
    if args.json:
        write_json(result.to_dict(), args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``servqual`` command."""
    parser = commands.add_parser(
        "servqual",
        help="SERVQUAL gap scores with intervals, and the dimensions ranked by their effect on satisfaction",
        description=(
            "Score the perception-minus-expectation gaps of SPEC's 'derived' item pairs (or the perceptions alone, "
            "SERVPERF) per item, dimension and overall with confidence intervals, and rank the dimensions by their "
            "total effect on --target in the fitted model."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec pairing perception and expectation items (see models/servqual.yaml)")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet) with both items of every pair")
    parser.add_argument("--servperf", action="store_true", help="score perceptions only (SERVPERF) instead of gaps")
    parser.add_argument("--importance", metavar="DIM=COL,...", help="importance-point columns (100 points over the dimensions)")
    parser.add_argument(
        "--interval", default="t", choices=("t", "bootstrap"), help="Student t (default) or bootstrap percentile intervals"
    )
    parser.add_argument("--level", type=level, default=0.95, help="confidence level (default: 0.95)")
    parser.add_argument(
        "--bootstrap",
        type=whole_number(2, "the number of resamples"),
        default=2000,
        metavar="N",
        help="resamples of --interval bootstrap (default: 2000)",
    )
    parser.add_argument("--seed", type=whole_number(0, "the seed"), help="random seed of the bootstrap resamples")
    parser.add_argument("--target", help="construct the dimensions are ranked by (default: customer_satisfaction)")
    parser.add_argument(
        "--method",
        default="pls",
        choices=RANKING_METHODS,
        help="estimator of the ranking model (methods with standardised paths)",
    )
    parser.add_argument("--sheet", help="Excel worksheet of DATA, name or 0-based position (default: the first)")
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE ('-' for standard output)")
    parser.set_defaults(run=run_servqual)
