"""``acsi segment SPEC DATA --k 1-6``: FIMIX-PLS segmentation of the structural model.

Parses, calls :func:`acsi.segment.fimix` and prints its summary (and, with ``--explain``, the
ex-post tests of the named columns) or writes ``to_dict()`` as strict JSON; ``--membership``
writes each respondent's membership probabilities as CSV.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import checks
from acsi.cli.fit import _scale, whole_number, write_json
from acsi.cli.ingest import add_strictness, parse_sheet
from acsi.cli.options import MISSING_POLICIES, SCHEMES
from acsi.spec.load import load_spec

_EPILOG = """examples:
  acsi segment models/acsi.yaml survey.csv --k 1-6 --seed 1
  acsi segment models/bank_branch.yaml survey.csv --k 1-4 --starts 20 --seed 7 --explain branch,quarter --json seg.json
"""


def _k_range(text: str) -> tuple[int, ...]:
    from acsi.errors import ParameterError
    from acsi.segment.fimix import parse_k

    try:
        return parse_k(text)
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _columns(text: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in text.split(",") if v.strip())
    if not values:
        raise argparse.ArgumentTypeError(f"expected comma-separated column names; got {text!r}")
    return values


def run(args: argparse.Namespace) -> int:
    from acsi.data import prepare
    from acsi.ingest.survey import read_survey
    from acsi.segment import fimix

    checks.check_output_file("--json", args.json)
    checks.check_output_file("--membership", args.membership)
    spec = load_spec(Path(args.spec))
    survey = read_survey(args.data, sheet=parse_sheet(args.sheet))
    if args.explain:
        for name in args.explain:
            checks.check_name("--explain", name, [str(c) for c in survey.frame.columns], "a column of DATA")
    data = prepare(spec, survey, scale=args.scale, missing=args.missing, strict=args.strict, mapping=args.mapping)
    if args.pos:
        return _run_pos(args, spec, data, survey)
    result = fimix(spec, data, args.k, starts=args.starts, seed=args.seed, intercepts=args.intercepts, scheme=args.scheme)
    explanation = result.explain(survey.frame, args.explain) if args.explain else None
    if not args.quiet and args.json != "-":
        print(result.summary())
        if explanation is not None:
            print(f"\nWhat goes with membership (K = {result.k}):")
            print(explanation.summary())
    if args.membership:
        result.membership().to_csv(args.membership, index_label="row")
    if args.json:
        out = result.to_dict(membership=not args.no_membership_json)
        if explanation is not None:
            out["explain"] = explanation.to_dict()
        write_json(out, args.json)
    return 0


def _run_pos(args: argparse.Namespace, spec, data, survey) -> int:  # noqa: ANN001
    """``--pos``: PLS-POS for one K, printed or written like FIMIX-PLS."""
    import numpy as np

    from acsi.cli.fit import UsageError
    from acsi.segment import pls_pos
    from acsi.segment.explain import explain_membership

    if len(args.k) != 1 or args.k[0] < 2:
        raise UsageError(f"--pos fits one number of segments: give --k 2 (or 3, ...); got --k {','.join(map(str, args.k))}.")
    if args.intercepts:
        raise UsageError("--intercepts applies to FIMIX-PLS; PLS-POS fits a complete PLS model per segment.")
    result = pls_pos(spec, data, args.k[0], starts=args.starts, seed=args.seed, scheme=args.scheme)
    explanation = None
    if args.explain:
        posterior = np.eye(result.k)[result.assignment]
        explanation = explain_membership(posterior, survey.frame.loc[result.row_labels, list(args.explain)])
    if not args.quiet and args.json != "-":
        print(result.summary())
        if explanation is not None:
            print(f"\nWhat goes with membership (K = {result.k}):")
            print(explanation.summary())
    if args.membership:
        result.to_frame().to_csv(args.membership, index_label="row")
    if args.json:
        out = result.to_dict()
        if explanation is not None:
            out["explain"] = explanation.to_dict()
        write_json(out, args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``segment`` command."""
    parser = commands.add_parser(
        "segment",
        help="FIMIX-PLS: find respondent segments whose structural paths differ (K chosen by AIC3/CAIC)",
        description="Fit the model by PLS, then a finite mixture of its structural regressions for each K "
        "(EM from many seeded random starts); print AIC, AIC3, AIC4, BIC, CAIC, HQ, MDL5 and the normed "
        "entropy per K, the recommended K (Sarstedt et al. 2011: AIC3 and CAIC jointly) and its segments.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet), one row per respondent")
    parser.add_argument(
        "--k", type=_k_range, default=(1, 2, 3, 4, 5, 6), metavar="K", help="numbers of segments: 1-6 (default) or 2,3"
    )
    parser.add_argument(
        "--starts", type=whole_number(1, "the number of starts"), default=10, help="random starts per K (default 10)"
    )
    parser.add_argument(
        "--seed", type=whole_number(0, "the seed"), help="seed of the random starts (default: drawn and reported)"
    )
    parser.add_argument(
        "--pos", action="store_true", help="PLS-POS (prediction-oriented segmentation) instead of FIMIX-PLS, for one --k"
    )
    parser.add_argument("--intercepts", action="store_true", help="segment-specific intercepts in the structural regressions")
    parser.add_argument("--explain", type=_columns, metavar="COL,COL", help="columns of DATA to test against segment membership")
    parser.add_argument("--membership", metavar="FILE.csv", help="write each respondent's membership probabilities")
    parser.add_argument("--scheme", default="path", choices=SCHEMES, help="PLS inner weighting scheme (default: path)")
    parser.add_argument("--scale", type=_scale, metavar="MIN,MAX", help="theoretical bounds for indicators without a scale")
    parser.add_argument("--missing", default="error", choices=list(MISSING_POLICIES), help="missing-value treatment")
    parser.add_argument("--mapping", metavar="MAP.yaml", help="mapping from DATA's columns to the indicators")
    parser.add_argument("--sheet", help="Excel worksheet of DATA")
    add_strictness(parser)
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON ('-' for standard output)")
    parser.add_argument("--no-membership-json", action="store_true", help="leave the per-respondent probabilities out of --json")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    parser.set_defaults(run=run)
