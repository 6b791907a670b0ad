"""``acsi compare-methods SPEC DATA``: every estimator on the same model and data, side by side.

Parses, calls :func:`acsi.compare.methods.compare_methods` and prints its summary or writes
its ``to_dict()`` (see that module for the table's keys and CB-SEM's ``std_all`` column).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from acsi.cli.fit import _scale, add_strictness, check_fit_outputs, load_data, write_json
from acsi.cli.options import COMPARED_METHODS, INDEX_WEIGHTS, METHODS, MISSING_POLICIES, SCHEMES
from acsi.errors import AcsiError
from acsi.spec.load import load_spec


def run(args: argparse.Namespace) -> int:
    from acsi.compare.methods import compare_methods

    check_fit_outputs(args)
    spec = load_spec(Path(args.spec))
    data = load_data(args, spec)
    try:
        comparison = compare_methods(spec, data, args.methods, scheme=args.scheme, index_weights=args.index_weights)
    except AcsiError as err:  # only raised when every method was left out
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        write_json(comparison.to_dict(), args.json)
    if args.json != "-":
        print(comparison.summary())
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``compare-methods`` command."""
    parser = commands.add_parser(
        "compare-methods",
        help="fit PLS, PLSc, CB-SEM and GSCA to the same data and print the estimates side by side",
        description="Fit SPEC to DATA with every method and print one table of loadings, paths, R-squared and "
        "0-100 indices, joined on (lhs, op, rhs). CB-SEM columns are completely standardised.",
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet)")

    def methods(text: str) -> tuple[str, ...]:
        values = tuple(v.strip() for v in text.split(",") if v.strip())
        if not values or any(v not in METHODS for v in values):
            raise argparse.ArgumentTypeError(f"choose from {', '.join(METHODS)}; got {text!r}")
        return values

    parser.add_argument(
        "--methods",
        type=methods,
        default=COMPARED_METHODS,
        help=f"comma-separated, of {','.join(METHODS)} (default: {','.join(COMPARED_METHODS)})",
    )
    parser.add_argument("--scheme", default="path", choices=SCHEMES, help="PLS/PLSc inner weighting scheme (default: path)")
    parser.add_argument("--index-weights", default="fornell", choices=INDEX_WEIGHTS)
    parser.add_argument("--scale", type=_scale, metavar="MIN,MAX", help="theoretical bounds for indicators without a scale")
    parser.add_argument("--missing", default="error", choices=list(MISSING_POLICIES), help="missing-value treatment")
    parser.add_argument("--mapping", metavar="MAP.yaml", help="mapping from DATA's columns to the indicators")
    parser.add_argument("--sheet", help="Excel worksheet of DATA")
    add_strictness(parser)
    parser.add_argument("--json", metavar="FILE", help="also write the table as JSON ('-' for standard output)")
    parser.set_defaults(run=run)
