"""``acsi cvpat SPEC DATA [--against SPEC2]``: cross-validated predictive ability test (Liengaard et al. 2021).

Parses, calls :func:`acsi.predictive.cvpat` and prints its table or writes ``to_dict()`` as strict JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import checks
from acsi.cli.fit import level, whole_number, write_json
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import PREDICTING_METHODS, SCHEMES
from acsi.spec.load import load_spec


def run(args: argparse.Namespace) -> int:
    from acsi.ingest.survey import read_survey
    from acsi.predictive import cvpat

    checks.check_output_file("--json", args.json)
    spec = load_spec(Path(args.spec))
    other = load_spec(Path(args.against)) if args.against else None
    frame = read_survey(args.data, sheet=parse_sheet(args.sheet)).frame
    result = cvpat(
        spec,
        frame,
        other,
        folds=args.folds,
        repeats=args.repeats,
        seed=args.seed,
        level=args.level,
        names=(Path(args.spec).stem, Path(args.against).stem if args.against else "alternative"),
        scheme=args.scheme,
        missing=args.missing,
        method=args.method,
    )
    if not args.quiet and args.json != "-":
        print(result.summary())
    if args.json:
        write_json(result.to_dict(), args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``cvpat`` command."""
    parser = commands.add_parser(
        "cvpat",
        help="cross-validated predictive ability test: a model against the IA/LM benchmarks and another model",
        description="Repeated k-fold PLSpredict of the endogenous indicators; per-respondent squared-error losses "
        "of SPEC against the indicator average (IA), the linear model (LM) and, with --against, a second model, "
        "compared by the paired t-test of Liengaard et al. (2021).",
    )
    parser.add_argument("spec", help="the model tested: YAML file or lavaan-style text file")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet)")
    parser.add_argument("--against", metavar="SPEC2", help="a competing model on the same indicators")
    parser.add_argument(
        "--folds", type=whole_number(2, "the number of folds"), default=10, help="k of the k-fold CV (default 10)"
    )
    parser.add_argument(
        "--repeats", type=whole_number(1, "the repetitions"), default=10, help="repetitions of the CV (default 10)"
    )
    parser.add_argument(
        "--seed", type=whole_number(0, "the seed"), help="seed of the fold assignments (default: drawn and reported)"
    )
    parser.add_argument("--level", type=level, default=0.95, help="confidence level of the loss difference (default 0.95)")
    parser.add_argument(
        "--method",
        default="pls",
        choices=PREDICTING_METHODS,
        help="estimator of both models: pls, or plsc (predictions through the consistent paths and loadings)",
    )
    parser.add_argument("--scheme", default="path", choices=SCHEMES, help="PLS inner weighting scheme (default: path)")
    parser.add_argument("--missing", default="error", choices=["error", "listwise"], help="missing values: refuse or drop rows")
    parser.add_argument("--sheet", help="Excel worksheet of DATA")
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON ('-' for standard output)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    parser.set_defaults(run=run)
