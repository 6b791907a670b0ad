"""``acsi fit SPEC DATA`` and ``acsi demo``: estimate, print a summary, write the JSON contract."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from acsi import strict_json
from acsi.cli import checks, higher_order
from acsi.cli.ingest import add_strictness, parse_sheet
from acsi.cli.moderation import add_interactions_option, simple_slopes_output, with_interactions
from acsi.cli.options import (
    BCA_MIN_RESAMPLES,
    CI_METHODS,
    ESTIMATOR_OPTIONS,
    INDEX_WEIGHTS,
    METHODS,
    MISSING_POLICIES,
    OBJECTIVES,
    ORDINAL_MODES,
    SCHEMES,
    SIGN_CHANGES,
)
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

if TYPE_CHECKING:  # the numeric stack is imported by the commands that run, not to build the parser
    import pandas as pd

    from acsi.data import IndicatorData
    from acsi.spec.model import ModelSpec


class UsageError(ParameterError):
    """A command-line request that cannot be carried out (printed as ``error: ...``)."""


_EPILOG_FIT = """examples:
  acsi fit models/acsi.yaml survey.csv
  acsi fit model.lav survey.csv --scheme centroid --scale 0,10 --json result.json
  acsi fit model.lav survey.csv --raw --index-weights standardized --json -
  acsi fit models/acsi.yaml wave1.sav --mapping wave1.yaml --lenient --missing em
  acsi fit models/acsi.yaml survey.csv --bootstrap 5000 --seed 1 --ci bca --json result.json
"""


def _scale(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MIN,MAX such as 1,10; got {text!r}") from None
    if not low < high:
        raise argparse.ArgumentTypeError(f"the minimum must be below the maximum; got {text!r}")
    return low, high


def read_table(path: str, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a survey file (CSV/TSV, Excel, SPSS, Parquet; by extension) as a frame.

    The index holds source row numbers (see :mod:`acsi.ingest.survey`).
    """
    from acsi.ingest.survey import read_survey

    return read_survey(path, sheet=sheet).frame


def load_data(args: argparse.Namespace, spec: ModelSpec, weights: str | None = None) -> IndicatorData:
    """DATA of a command with :func:`add_fit_options`: read, map (``--mapping``), validate, treat missing values.

    ``weights`` names a case-weight column of the file (besides a mapping's ``weight``); its values
    follow the rows kept.
    """
    from acsi.data import prepare
    from acsi.ingest.survey import read_survey

    if getattr(args, "engine", "memory") == "dask":
        from acsi.cli.engine import dask_data

        return dask_data(args, spec, weights)
    survey = read_survey(args.data, sheet=parse_sheet(getattr(args, "sheet", None)))
    data = prepare(spec, survey, scale=args.scale, missing=args.missing, strict=args.strict, mapping=args.mapping)
    if weights is None:
        return data
    from acsi.compare.group_inputs import case_weight_column

    kept = survey.frame.loc[data.row_labels]
    return dataclasses.replace(data, case_weights=case_weight_column(kept, weights))


def add_engine_options(parser: argparse.ArgumentParser, *, workers: bool = True) -> None:
    """``--engine``, ``--scheduler`` and (unless the command has it already) ``--workers``: where DATA's moments are computed."""
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine",
        default="memory",
        choices=("memory", "dask"),
        help="memory (default): read DATA into memory; dask: DATA is a Parquet directory or a CSV glob "
        "reduced to its moments on a Dask cluster (pip install 'acsi[dask]')",
    )
    group.add_argument("--scheduler", metavar="ADDRESS", help="--engine dask: address of a running Dask scheduler")
    if workers:
        group.add_argument(
            "--workers",
            type=whole_number(1, "the number of workers"),
            help="--engine dask without --scheduler: workers of the local cluster (default: 2)",
        )


def add_fit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--method",
        default="pls",
        choices=METHODS,
        help="estimator: PLS path modelling, consistent PLS, covariance-based SEM (semopy) "
        "or GSCA (default: pls); every method writes the same JSON keys",
    )
    parser.add_argument(
        "--objective", default="MLW", choices=OBJECTIVES, help="cbsem objective (default: MLW, maximum likelihood)"
    )
    parser.add_argument(
        "--std-lv",
        action="store_true",
        help="cbsem identification by unit factor variances (lavaan std.lv = TRUE) instead of a first loading fixed to 1",
    )
    parser.add_argument(
        "--ordinal",
        default="declared",
        choices=ORDINAL_MODES,
        help="pls, plsc, cbsem: ordinal indicators enter through polychoric correlations: declared (default: the "
        "spec's 'ordinal' list), auto (also integer items with at most 7 levels) or none",
    )
    parser.add_argument("--scheme", default="path", choices=SCHEMES, help="PLS inner weighting scheme (default: path)")
    parser.add_argument(
        "--raw", action="store_true", help="work on centred raw indicators instead of standardised ones (R plspm scaled = FALSE)"
    )
    parser.add_argument(
        "--scale",
        type=_scale,
        metavar="MIN,MAX",
        help="theoretical bounds of every indicator whose scale the spec does not give, e.g. 1,10",
    )
    parser.add_argument(
        "--index-weights",
        default="fornell",
        choices=INDEX_WEIGHTS,
        help="weights of the 0-100 index (default: fornell, raw-scale outer weights)",
    )
    parser.add_argument(
        "--tol", type=positive_number("the tolerance"), default=1e-10, help="convergence tolerance (default: 1e-10)"
    )
    parser.add_argument(
        "--max-iter", type=whole_number(1, "the iteration limit"), default=1000, help="iteration limit (default: 1000)"
    )
    parser.add_argument(
        "--missing",
        default="error",
        choices=list(MISSING_POLICIES),
        help="missing indicator values: refuse (error, default), drop rows (listwise), replace by "
        "the mean (mean), or estimate the moments by pairwise deletion (pairwise) or EM/FIML (em)",
    )
    parser.add_argument(
        "--mapping",
        metavar="MAP.yaml",
        help="mapping from DATA's columns to the indicators: rename, scales, missing codes, reverse, recode",
    )
    parser.add_argument("--sheet", help="Excel worksheet of DATA, name or 0-based position (default: the first)")
    add_strictness(parser)
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE ('-' for standard output)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")


def whole_number(minimum: int, what: str):  # noqa: ANN201
    """An argparse type: an integer of at least ``minimum``, with a message naming ``what``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be at least {minimum}; got {value}")
        return value

    return convert


def positive_number(what: str):  # noqa: ANN201
    """An argparse type: a finite number above 0, with a message naming ``what``."""

    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number; got {text!r}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"{what} must be a positive finite number; got {text!r}")
        return value

    return convert


def level(text: str) -> float:
    """An argparse type: a confidence level strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the confidence level must be a number such as 0.95; got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"the confidence level must be between 0 and 1, such as 0.95; got {text!r}")
    return value


def n_estimates(spec: ModelSpec) -> int:
    """Numbers one fit stores per resample: weights and loadings, paths, total effects, R², indices, specific indirect
    effects (with higher-order constructs: of the repeated-indicators model, the largest of the approaches)."""
    from acsi.core.mediation import indirect_chains

    if spec.higher_order:
        from acsi.estimators.higher_order import repeated_indicators_spec

        spec = repeated_indicators_spec(spec)

    p, k, names = len(spec.indicators), len(spec.constructs), spec.construct_names
    chains = indirect_chains([(names.index(a.source), names.index(a.target)) for a in spec.paths], k)
    return 2 * p + len(spec.paths) + k * k + 2 * k + len(chains)


def check_bootstrap_request(args: argparse.Namespace, spec: ModelSpec, n_obs: int) -> None:
    """Refuse ``--bootstrap N`` beyond the available memory, and warn (stderr) below the percentile minimum."""
    n_boot = getattr(args, "bootstrap", None)
    if not n_boot:
        return
    if args.ci == "bca" and n_boot < BCA_MIN_RESAMPLES:
        raise UsageError(
            f"--ci bca: BCa intervals need at least {BCA_MIN_RESAMPLES} resamples (1,000 or more "
            f"recommended); got --bootstrap {n_boot}. Raise --bootstrap or use --ci percentile."
        )
    checks.check_bootstrap("--bootstrap", n_boot, n_estimates(spec), n_obs)
    minimum = checks.percentile_minimum(args.level)
    if args.ci != "bca" and n_boot < minimum:
        print(
            f"warning: --bootstrap {n_boot}: the {args.level:g} interval ends at the most extreme resamples; "
            f"use at least {minimum} (2/(1 - level)), 1,000 or more for reported intervals",
            file=sys.stderr,
        )


def announce_bootstrap(args: argparse.Namespace, spec: ModelSpec, n_obs: int, seconds_per_fit: float) -> None:
    """A note on stderr with the estimated time and memory of a long bootstrap (over a minute)."""
    import os

    workers = args.workers or os.cpu_count() or 1
    seconds = args.bootstrap * seconds_per_fit / workers
    if seconds > 60 and not args.quiet:
        memory = checks.human_bytes(checks.bootstrap_memory(args.bootstrap, n_estimates(spec), n_obs))
        print(
            f"note: --bootstrap {args.bootstrap}: up to {seconds / 60:.0f} min ({1000 * seconds_per_fit:.0f} ms per "
            f"fit, {workers} workers) and about {memory} of memory; Ctrl-C stops it",
            file=sys.stderr,
        )


def add_bootstrap_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("bootstrap")
    group.add_argument(
        "--bootstrap",
        type=whole_number(2, "the number of resamples"),
        metavar="N",
        help="add bootstrap standard errors and confidence intervals from N resamples (at least 2; "
        "percentile intervals want N >= 2/(1 - level), 40 at 95%%; 1,000-10,000 are usual)",
    )
    group.add_argument(
        "--seed", type=whole_number(0, "the seed"), help="random seed of the resamples (default: fresh, reported in the output)"
    )
    group.add_argument(
        "--ci",
        default="percentile",
        choices=CI_METHODS,
        help="confidence interval method (default: percentile; bca needs N >= 200)",
    )
    group.add_argument("--level", type=level, default=0.95, help="confidence level (default: 0.95)")
    group.add_argument(
        "--sign-change", default="none", choices=SIGN_CHANGES, help="sign-change correction of the resamples (default: none)"
    )
    group.add_argument(
        "--workers",
        type=whole_number(1, "the number of workers"),
        help="threads for the resamples (default: all CPUs); with --engine dask, workers of the local cluster (default: 2)",
    )


def run_bootstrap(result, args: argparse.Namespace, spec: ModelSpec | None = None):  # noqa: ANN001, ANN201
    """Bootstrap a fit (FitResult -> BootstrapResult) as the CLI options ask, with a progress bar on
    stderr for long runs. The fit's own estimator is refitted (``result.estimator``); missing-data
    treatments that fill or model cells are repeated in every resample, from the raw survey."""
    from acsi.inference import TREATED_MISSING, bootstrap
    from acsi.ingest.survey import read_survey

    target, extra = result, {}
    if spec is not None and getattr(args, "missing", "error") in TREATED_MISSING:
        # Filled or modelled missing values are treated again in every resample, from the raw
        # survey, by the estimator that made the fit.
        target = result.estimator
        extra = {
            "spec": spec,
            "data": read_survey(args.data, sheet=parse_sheet(getattr(args, "sheet", None))),
            "scale": args.scale,
            "missing": args.missing,
            "strict": args.strict,
            "mapping": args.mapping,
        }

    bar = None
    if not args.quiet and args.bootstrap >= 2000:
        from tqdm import tqdm

        bar = tqdm(total=args.bootstrap, desc="bootstrap", unit="resample", file=sys.stderr, leave=False)
    try:
        return bootstrap(
            target,
            n_boot=args.bootstrap,
            seed=args.seed,
            ci=args.ci,
            level=args.level,
            sign_change=args.sign_change,
            workers=args.workers,
            progress=bar.update if bar is not None else None,
            **extra,
        )
    except ValueError as err:  # malformed request: one readable message, exit status 2
        raise UsageError(str(err)) from err
    finally:
        if bar is not None:
            bar.close()


def estimator_from_args(args: argparse.Namespace):  # noqa: ANN201
    """The estimator the options of ``acsi fit`` describe (``--method``, ``--scheme``, ``--raw``, ...)."""
    from acsi.api import make_estimator

    try:
        return make_estimator(args.method, **{name: getattr(args, name) for name in ESTIMATOR_OPTIONS})
    except ValueError as err:  # e.g. --raw with another method: one readable message, exit status 2
        raise UsageError(str(err)) from err


def write_json(result_dict: dict, target: str) -> None:
    text = strict_json.dumps(result_dict)
    if target == "-":
        print(text)
    else:
        Path(target).write_text(text + "\n")


def check_fit_outputs(args: argparse.Namespace) -> None:
    """The output paths of a command with :func:`add_fit_options`, before any work."""
    checks.check_output_file("--json", getattr(args, "json", None))


def run_fit(args: argparse.Namespace) -> int:
    check_fit_outputs(args)
    spec = load_spec(Path(args.spec))
    estimator = with_interactions(estimator_from_args(args), spec, args.interactions)
    if args.bootstrap and args.engine == "dask":  # one cluster for the fit and the Poisson resamples
        from acsi.cli.engine import fit_and_bootstrap_on_dask

        result, boot = fit_and_bootstrap_on_dask(args, estimator, spec)
    else:
        result, boot = _fit_and_bootstrap(args, estimator, spec)
    if not args.quiet and args.json != "-":
        print(result.summary())
        if boot is not None:
            print()
            print(boot.summary())
    slopes = simple_slopes_output(result, boot, args)
    if args.json:
        out = result.to_dict()
        if boot is not None:
            if "std_errors" in out:  # CB-SEM's model-based standard errors stay beside the bootstrap's
                out["model_std_errors"] = out.pop("std_errors")
            out.update(boot.to_dict())
        write_json(out | slopes, args.json)
    return 0


def _fit_and_bootstrap(args: argparse.Namespace, estimator, spec: ModelSpec):  # noqa: ANN001, ANN202
    """The fit of DATA and, with ``--bootstrap``, its bootstrap (or None)."""
    data = load_data(args, spec)  # --scale, --missing, --mapping and --strict/--lenient act here
    check_bootstrap_request(args, spec, data.n_obs)
    result, refit_spec, seconds = higher_order.fit(estimator, spec, data, args)
    if args.bootstrap:
        announce_bootstrap(args, spec, data.n_obs, seconds)
    return result, run_bootstrap(result, args, refit_spec) if args.bootstrap else None


def run_demo(args: argparse.Namespace) -> int:
    import pandas as pd

    from acsi.api import fit
    from acsi.resources import bundled

    checks.check_output_file("--json", args.json)
    spec_path = bundled("models/acsi.yaml")
    data_path = bundled("datasets/acsi_demo.csv")
    spec = load_spec(spec_path)
    result = fit(spec, pd.read_csv(data_path), method="pls", scheme=args.scheme)
    if args.json != "-":
        print(f"Model: {spec_path}\nData:  {data_path}\n")
        print(result.summary())
    if args.json:
        write_json(result.to_dict(), args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``fit`` and ``demo`` commands."""
    fit_parser = commands.add_parser(
        "fit",
        help="fit a model to survey data and print the estimates and indices",
        description="Fit SPEC (a YAML spec or lavaan-style text file) to DATA (CSV/TSV, Excel, SPSS or Parquet) and print a summary.",
        epilog=_EPILOG_FIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit_parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file (detected by content)")
    fit_parser.add_argument(
        "data",
        help="survey file (.csv, .tsv, .xlsx, .sav, .parquet), one row per respondent, "
        "indicator columns named as in the spec or mapped by --mapping",
    )
    add_fit_options(fit_parser)
    higher_order.add_option(fit_parser)
    add_interactions_option(fit_parser)
    add_bootstrap_options(fit_parser)
    add_engine_options(fit_parser, workers=False)  # the bootstrap's --workers sizes the local cluster
    fit_parser.set_defaults(run=run_fit)
    demo = commands.add_parser(
        "demo",
        help="fit the ACSI model to the bundled demo data",
        description="Fit models/acsi.yaml to the bundled datasets/acsi_demo.csv (generated data with known truth).",
    )
    demo.add_argument("--scheme", default="path", choices=SCHEMES, help="PLS inner weighting scheme (default: path)")
    demo.add_argument("--json", metavar="FILE", help="also write the result as JSON to FILE ('-' for standard output)")
    demo.set_defaults(run=run_demo)
