"""``acsi assess SPEC DATA``: fit, then print and write the assessment tables."""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import higher_order
from acsi.cli.fit import (
    add_engine_options,
    add_fit_options,
    check_fit_outputs,
    estimator_from_args,
    load_data,
    whole_number,
    write_json,
)
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

_EPILOG = """examples:
  acsi assess models/acsi.yaml survey.csv
  acsi assess model.lav survey.csv --scheme centroid --json assessment.json
  acsi assess models/acsi.yaml survey.csv --q-squared --predict-folds 10 --json -
  acsi assess models/acsi_servqual.yaml datasets/servqual_demo.csv --higher-order two-stage-embedded
"""


def run_assess(args: argparse.Namespace) -> int:
    from acsi.assessment import assess, valid_omission_distance
    from acsi.assessment.prediction import PREDICTING_METHODS

    check_fit_outputs(args)
    if args.q_squared and args.method != "pls":
        raise ParameterError(
            f"--q-squared refits the model and is implemented for --method pls only; got --method {args.method}."
        )
    if args.predict_folds is not None and args.method not in PREDICTING_METHODS:
        raise ParameterError(
            f"--predict-folds refits the model and is implemented for --method {' or '.join(PREDICTING_METHODS)} only; "
            f"got --method {args.method}."
        )
    spec = load_spec(Path(args.spec))
    data = load_data(args, spec)  # --scale, --missing, --mapping and --strict/--lenient act here
    if args.q_squared:  # blindfolding needs 2 <= D <= n - 1: refused here, before the fit
        if args.omission_distance is not None and args.omission_distance > data.n_obs - 1:
            raise ParameterError(
                f"--omission-distance {args.omission_distance} must be at most n - 1 = {data.n_obs - 1} (n = {data.n_obs} rows)."
            )
        valid_omission_distance(data.n_obs, args.omission_distance)  # a D dividing n is refused before the fit
    if args.predict_folds is not None and args.predict_folds > data.n_obs // 2:
        raise ParameterError(
            f"--predict-folds {args.predict_folds} must be at most n/2 = {data.n_obs // 2} (n = {data.n_obs} rows)."
        )
    result, _, _ = higher_order.fit(estimator_from_args(args), spec, data, args)
    assessment = assess(
        result,
        data=data,
        blindfolding=args.q_squared,
        omission_distance=args.omission_distance,
        predict_folds=args.predict_folds,
        seed=args.seed,
    )
    if not args.quiet and args.json != "-":
        print(assessment.summary())
    if args.json:
        write_json(assessment.to_dict(), args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``assess`` command."""
    parser = commands.add_parser(
        "assess",
        help="fit a model and print reliability, validity, fit and prediction measures with their thresholds",
        description=(
            "Fit SPEC to DATA and assess the measurement and structural model: Cronbach's alpha, rho_A, rho_C, "
            "AVE, HTMT, Fornell-Larcker, cross-loadings, VIF, f², R², GoF, SRMR, d_ULS and d_G (base-10 logs), "
            "optionally Q² (blindfolding) and PLSpredict. Violations of the usual thresholds are flagged."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file (detected by content)")
    parser.add_argument("data", help="CSV file, one row per respondent, indicator columns named as in the spec")
    add_fit_options(parser)
    higher_order.add_option(parser)
    add_engine_options(parser)
    group = parser.add_argument_group("prediction")
    group.add_argument("--q-squared", action="store_true", help="also compute Stone-Geisser Q² by blindfolding")
    group.add_argument(
        "--omission-distance",
        type=whole_number(2, "the omission distance"),
        default=None,
        help="blindfolding omission distance D (default: 7, or the nearest D that does not divide n)",
    )
    group.add_argument(
        "--predict-folds",
        type=whole_number(2, "the number of PLSpredict folds"),
        metavar="K",
        help="also run PLSpredict with K folds (--method pls or plsc)",
    )
    group.add_argument("--seed", type=whole_number(0, "the seed"), default=0, help="seed of the PLSpredict folds (default: 0)")
    parser.set_defaults(run=run_assess)
