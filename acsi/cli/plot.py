"""``acsi plot SPEC DATA --out model.svg|png``: fit, then draw the path diagram."""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import checks, higher_order
from acsi.cli.fit import (
    add_bootstrap_options,
    add_fit_options,
    check_bootstrap_request,
    estimator_from_args,
    load_data,
    run_bootstrap,
)
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

_EPILOG = """examples:
  acsi plot models/acsi.yaml survey.csv --out model.svg
  acsi plot model.lav survey.csv --scale 1,10 --bootstrap 1000 --seed 1 --out model.png
  acsi plot models/ecsi.yaml survey.csv --method plsc --out plsc.svg
"""


def run_plot(args: argparse.Namespace) -> int:
    from acsi.diagram import path_diagram, save_diagram

    if args.json:
        raise ParameterError(
            "acsi plot writes a diagram, not JSON: drop --json and use 'acsi fit ... --json FILE' for the numbers."
        )
    checks.check_output_file("--out", args.out)
    checks.check_suffix("--out", args.out, (".svg", ".png"))
    spec = load_spec(Path(args.spec))
    data = load_data(args, spec)
    check_bootstrap_request(args, spec, data.n_obs)
    result, refit_spec, _ = higher_order.fit(estimator_from_args(args), spec, data, args)
    boot = run_bootstrap(result, args, refit_spec) if args.bootstrap else None
    save_diagram(path_diagram(result, boot), args.out)
    if not args.quiet:
        print(f"wrote {args.out}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``plot`` command."""
    parser = commands.add_parser(
        "plot",
        help="fit a model and draw its path diagram (SVG or PNG)",
        description="Fit SPEC to DATA and draw the path diagram: constructs as ellipses with R², indicators as "
        "rectangles with loadings (Mode A) or weights (Mode B), paths with their estimates; with --bootstrap "
        "also significance marks and intervals. The layout is computed from the structural order.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file (detected by content)")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet), one row per respondent")
    parser.add_argument("--out", required=True, metavar="FILE", help="diagram file: .svg, or .png (drawn with matplotlib)")
    add_fit_options(parser)
    higher_order.add_option(parser)
    add_bootstrap_options(parser)
    parser.set_defaults(run=run_plot)
