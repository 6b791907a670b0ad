"""``acsi compare SPEC DATA --group COLUMN``: rank groups with intervals, test differences, MICOM, periods, IPMA."""

from __future__ import annotations

import argparse
import contextlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acsi.cli import checks
from acsi.cli.fit import (
    add_engine_options,
    add_fit_options,
    check_fit_outputs,
    estimator_from_args,
    level,
    n_estimates,
    whole_number,
    write_json,
)
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import ADJUSTMENTS, DEFAULT_MIN_N, MIN_GROUP_BOOT, TESTS
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

if TYPE_CHECKING:  # the numeric stack is imported when the command runs
    from acsi.ingest.survey import Survey

_EPILOG = """examples:
  acsi compare models/bank_branch.yaml survey.csv --group branch --bootstrap 1000
  acsi compare models/bank_branch.yaml survey.csv --group branch --period quarter --bootstrap 500 --plot figures/
  acsi compare model.yaml firms.csv --group firm --bootstrap 1000 --hierarchy industries.csv --json out.json
  acsi compare model.yaml survey.csv --group region --permutations 1000 --test permutation --adjust bh
"""


def check_method(method: str, mode: str = "separate") -> None:
    """Refuse what a non-PLS method cannot do in a group comparison (pooled mode)."""
    if method != "pls" and mode == "pooled":
        raise NotImplementedError(
            f"--mode pooled applies pooled PLS index weights to each group and is built for --method pls only; "
            f"got --method {method}. Use --mode separate (the default) to fit {method} in each group."
        )


def estimator_from(args: argparse.Namespace) -> Any:
    """The estimator of ``--method`` with the options of ``acsi fit`` (after the group-comparison checks)."""
    check_method(args.method, getattr(args, "mode", "separate"))
    return estimator_from_args(args)


def check_compare_request(args: argparse.Namespace, spec: Any, survey: Survey) -> None:
    """Every flag of ``acsi compare`` that names something or sizes the work, before the estimation."""
    if args.test == "permutation" and args.method != "pls":
        raise NotImplementedError(
            f"--test permutation re-estimates PLS on permuted groups and is built for --method pls only; got --method "
            f"{args.method}. Use --test henseler or --test parametric with --bootstrap N."
        )
    if args.test == "permutation" and not args.permutations:
        raise ParameterError("--test permutation needs permutations: add --permutations N (e.g. 1000).")
    if 0 < args.bootstrap < MIN_GROUP_BOOT:
        raise ParameterError(
            f"--bootstrap {args.bootstrap} is too few resamples for an interval; use 0 (none) or at least {MIN_GROUP_BOOT}."
        )
    if 0 < args.permutations < 19:
        raise ParameterError(f"--permutations {args.permutations} is too few for a 5% test; use 0 (none) or at least 19.")
    if args.hierarchy is not None:
        if not Path(args.hierarchy).is_file():
            raise ParameterError(f"--hierarchy '{args.hierarchy}': file not found.")
        import pandas as pd

        from acsi.compare import read_hierarchy

        try:
            read_hierarchy(args.hierarchy)  # its columns, before the estimation
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            raise ParameterError(f"--hierarchy '{args.hierarchy}' is not a readable CSV file: {err}") from err
    from acsi.compare.group_inputs import group_column

    group_column(survey.frame, args.group)  # the library's checks, before the estimation
    checks.check_name("--construct", args.construct, spec.construct_names, "a construct of the spec")
    checks.check_name("--target", args.target, spec.construct_names, "a construct of the spec")
    for name in args.lower_is_better:
        checks.check_name("--lower-is-better", name, spec.construct_names, "a construct of the spec")
    if args.period:
        from acsi.compare.periods import parse_periods

        parse_periods(group_column(survey.frame, args.period, "period").astype(str), column=args.period)
    if args.bootstrap:
        groups = int(survey.frame[args.group].nunique())
        if args.period:
            groups += int(survey.frame[[args.group, args.period]].drop_duplicates().shape[0])
        checks.check_bootstrap("--bootstrap", args.bootstrap, n_estimates(spec), groups=max(groups, 1))


def check_index_construct(flag: str, name: str | None, spec: Any, survey: Survey, args: argparse.Namespace) -> None:
    """Refuse a construct of ``flag`` that has no 0-100 index (an indicator without a scale), before the estimation."""
    if name is None:
        return
    from acsi.data import prepare

    with warnings.catch_warnings():  # the estimation that follows issues the data's warnings once
        warnings.simplefilter("ignore")
        data = prepare(spec, survey, scale=args.scale, missing=args.missing, strict=args.strict, mapping=args.mapping)
    construct = next(c for c in spec.constructs if c.name == name)
    unscaled = [i for i in construct.indicators if i not in data.scales]
    if unscaled:
        raise ParameterError(
            f"{flag} {name!r} has no 0-100 index: indicator(s) {', '.join(unscaled)} have no scale. Give the scales in "
            "the spec, the mapping or with --scale MIN,MAX."
        )


def _compare(args: argparse.Namespace, spec: Any, frame: Any) -> Any:
    """:func:`acsi.compare.branches.compare_branches` of ``frame`` (a Survey, or a Dask DataFrame) with the command's options."""
    from acsi.compare.branches import compare_branches

    return compare_branches(
        spec,
        frame,
        args.group,
        construct=args.construct,
        target=args.target,
        period=args.period,
        hierarchy=args.hierarchy,
        test=args.test,
        adjust=args.adjust,
        permutations=args.permutations,
        max_pair_groups=args.max_pair_groups,
        lower_is_better=args.lower_is_better,
        seed=args.seed,
        estimator=estimator_from(args),
        mode=args.mode,
        weights=args.weights,
        n_boot=args.bootstrap,
        level=args.level,
        min_n=args.min_n,
        scale=args.scale,
        missing=args.missing,
        workers=args.jobs,
        strict=args.strict,
        mapping=args.mapping,
    )


def run_compare(args: argparse.Namespace) -> int:
    from acsi.ingest.survey import read_survey

    check_fit_outputs(args)
    checks.check_output_dir("--plot", args.plot)
    spec = load_spec(Path(args.spec))
    if spec.higher_order:
        raise NotImplementedError(
            f"acsi compare does not take higher-order constructs ('{spec.higher_order[0].name}') yet: the group "
            "comparisons (MICOM, permutation, multigroup bootstrap) would have to refit both stages per group. Fit, "
            "assess or map each group's rows with acsi fit / assess / ipma --higher-order."
        )
    if args.engine == "dask":  # the rows stay on the cluster: per-group moments
        from acsi.cli.engine import compare_data_on_dask

        frame, cluster = compare_data_on_dask(args, spec)
    else:
        frame, cluster = read_survey(args.data, sheet=parse_sheet(args.sheet)), contextlib.nullcontext()
        check_compare_request(args, spec, frame)
        check_index_construct("--construct", args.construct, spec, frame, args)
    with cluster:
        comparison = _compare(args, spec, frame)
    if not args.quiet and args.json != "-":
        print(comparison.summary())
    if args.plot:
        from acsi.report.plots import plot_ipma, plot_periods, plot_ranking

        folder = Path(args.plot)
        ranked = comparison.ranked
        plot_ranking(
            ranked, folder / "ranking.png", title=f"{comparison.construct} by {args.group}", overall=ranked.attrs["overall"]
        )
        if comparison.periods is not None:
            plot_periods(comparison.periods, folder / "periods.png", title=f"{comparison.construct} by {args.period}")
        if comparison.ipma is not None:
            plot_ipma(comparison.ipma, folder / "ipma.png")
    if args.json:
        write_json(comparison.to_dict(), args.json)
    return 0


def lower_is_better(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated construct names."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_ipma_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lower-is-better",
        type=lower_is_better,
        default=(),
        metavar="C1,C2",
        help="constructs where a higher index is worse (complaints): IPMA enters them reversed; "
        "adds to the spec's 'better: lower' declarations",
    )


def add_compare_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weights", metavar="COLUMN", help="case (sampling) weights column: weighted PLS")
    parser.add_argument(
        "--mode",
        default="separate",
        choices=["separate", "pooled"],
        help="estimate the model per group (default) or once, with group-specific indices",
    )
    parser.add_argument(
        "--bootstrap",
        type=whole_number(0, "the number of resamples"),
        default=0,
        metavar="N",
        help=f"bootstrap resamples per group (default 0: no intervals; else at least {MIN_GROUP_BOOT})",
    )
    parser.add_argument(
        "--seed", type=whole_number(0, "the seed"), default=None, help="random seed of resampling and permutations"
    )
    parser.add_argument("--level", type=level, default=0.95, help="confidence level of intervals (default 0.95)")
    parser.add_argument(
        "--min-n",
        type=whole_number(3, "the smallest group size"),
        default=DEFAULT_MIN_N,
        help=f"smallest group reported (default {DEFAULT_MIN_N})",
    )
    parser.add_argument(
        "--jobs", type=whole_number(1, "the number of worker processes"), default=1, help="worker processes (default 1)"
    )
    parser.add_argument("--plot", metavar="DIR", help="write PNG charts to DIR")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``compare`` command."""
    parser = commands.add_parser(
        "compare",
        help="compare groups (branches, firms, periods): ranked indices with intervals, tests, invariance, IPMA",
        description="Fit SPEC to DATA per group of --group and rank the groups by a 0-100 index with bootstrap "
        "intervals; test which differences are real; check invariance (MICOM); changes over --period; IPMA.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", help="CSV file, one row per respondent, with the grouping column")
    parser.add_argument("--group", required=True, metavar="COLUMN", help="column with each respondent's group")
    parser.add_argument("--period", metavar="COLUMN", help="column with the period (2024Q1, 2024-03, ...): changes over time")
    parser.add_argument("--construct", help="construct to rank (default: the satisfaction construct)")
    parser.add_argument("--target", help="IPMA target construct (default: the ranked construct)")
    parser.add_argument("--test", default="henseler", choices=TESTS, help="test behind the p-values (default henseler)")
    parser.add_argument("--adjust", default="holm", choices=ADJUSTMENTS, help="multiple-comparison adjustment (default holm)")
    parser.add_argument(
        "--permutations",
        type=whole_number(0, "the number of permutations"),
        default=0,
        metavar="N",
        help="permutations for the permutation test, the omnibus test and MICOM (default 0: skipped)",
    )
    parser.add_argument(
        "--max-pair-groups",
        type=whole_number(2, "--max-pair-groups"),
        default=20,
        metavar="G",
        help="test all pairs up to G groups, else adjacent ranks only (default 20)",
    )
    parser.add_argument("--hierarchy", metavar="FILE", help="CSV unit,parent,weight: aggregate group indices upwards")
    add_compare_options(parser)
    add_ipma_options(parser)
    add_fit_options(parser)
    add_engine_options(parser)
    parser.set_defaults(run=run_compare)
