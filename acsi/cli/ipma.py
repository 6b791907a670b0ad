"""``acsi ipma SPEC DATA --target CONSTRUCT``: importance-performance map, overall or per group."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acsi.cli import checks, higher_order
from acsi.cli.compare import add_ipma_options, check_method, estimator_from
from acsi.cli.fit import (
    add_engine_options,
    add_fit_options,
    check_fit_outputs,
    estimator_from_args,
    load_data,
    whole_number,
    write_json,
)
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import DEFAULT_MIN_N
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

if TYPE_CHECKING:
    from acsi.compare.ipma import IPMAResult

_EPILOG = """examples:
  acsi ipma models/acsi.yaml survey.csv --target customer_satisfaction
  acsi ipma models/bank_branch.yaml survey.csv --target customer_loyalty --group branch --json ipma.json --plot figures/
  acsi ipma models/acsi_servqual.yaml datasets/servqual_demo.csv --target customer_satisfaction --higher-order two-stage-disjoint
"""


def ipma_text(result: IPMAResult, title: str) -> str:
    lines = [title, f"{'construct':<28} {'importance':>10} {'performance':>11}  quadrant"]
    for name, row in result.constructs.sort_values("importance", ascending=False).iterrows():
        marks = [m for m, on in (("mediator", row.mediator), ("reversed", name in result.reversed)) if on]
        shown = f"{name} ({', '.join(marks)})" if marks else name
        lines.append(f"{shown:<28} {row.importance:>10.3f} {row.performance:>11.1f}  {row.quadrant}")
    lines.append(f"act first on: {result.act_first}" + _via(result))
    lines.append(f"rule: {result.rule}")
    return "\n".join(lines)


def _via(result: IPMAResult) -> str:
    if result.act_first in result.mediators:
        return f" (a mediator: it moves only through its drivers; act on {result.lever})"
    return ""


def run_ipma(args: argparse.Namespace) -> int:
    from acsi.compare import estimate_groups, ipma, ipma_groups
    from acsi.ingest.survey import read_survey

    check_fit_outputs(args)
    checks.check_output_dir("--plot", args.plot)
    spec = load_spec(Path(args.spec))
    names = spec.construct_names + tuple(h.name for h in spec.higher_order)
    checks.check_name("--target", args.target, names, "a construct of the spec")
    for name in args.lower_is_better:
        checks.check_name("--lower-is-better", name, names, "a construct of the spec")
    check_method(args.method)
    if args.group and spec.higher_order:
        raise ParameterError(
            f"--group maps each group with the group comparison, which does not take higher-order constructs "
            f"('{spec.higher_order[0].name}'); run acsi ipma without --group, or per group on each group's rows."
        )
    out: dict[str, Any]
    if args.group:
        est = estimate_groups(
            spec,
            read_survey(args.data, sheet=parse_sheet(args.sheet)),
            args.group,
            estimator=estimator_from(args),
            mode=args.mode,
            weights=args.weights,
            n_boot=0,
            min_n=args.min_n,
            scale=args.scale,
            missing=args.missing,
            strict=args.strict,
            mapping=args.mapping,
        )
        maps = ipma_groups(est, args.target, lower_is_better=args.lower_is_better)
        out = {"target": args.target, "groups": {str(g): r.to_dict() for g, r in maps.items()}}
        if not args.quiet and args.json != "-":
            print("\n\n".join(ipma_text(r, f"IPMA for {args.target}, group {g}") for g, r in maps.items()))
        first = next(iter(maps.values()), None)
    else:
        data = load_data(args, spec, weights=args.weights)
        result, _, _ = higher_order.fit(estimator_from_args(args), spec, data, args)
        first = ipma(result, args.target, lower_is_better=args.lower_is_better)
        out = first.to_dict()
        if not args.quiet and args.json != "-":
            print(ipma_text(first, f"IPMA for {args.target}"))
    if args.plot and first is not None:
        from acsi.report.plots import plot_ipma

        plot_ipma(first, Path(args.plot) / "ipma.png")
    if args.json:
        write_json({"ipma": out}, args.json)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``ipma`` command."""
    parser = commands.add_parser(
        "ipma",
        help="importance-performance map for a target construct (total effects vs 0-100 indices)",
        description="Importance (total effect on --target) against performance (0-100 index) of each driver "
        "construct and indicator, with the quadrant to act on first; per group with --group.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", help="CSV file, one row per respondent")
    parser.add_argument("--target", required=True, help="target construct (satisfaction, loyalty)")
    parser.add_argument("--group", metavar="COLUMN", help="one map per group of COLUMN")
    parser.add_argument("--weights", metavar="COLUMN", help="case (sampling) weights column (with --group): weighted PLS")
    parser.add_argument(
        "--mode",
        default="separate",
        choices=["separate", "pooled"],
        help="with --group: a model per group (default) or one pooled model",
    )
    parser.add_argument(
        "--min-n",
        type=whole_number(3, "the smallest group size"),
        default=DEFAULT_MIN_N,
        help=f"smallest group mapped (default {DEFAULT_MIN_N})",
    )
    parser.add_argument("--plot", metavar="DIR", help="write the map as DIR/ipma.png")
    add_ipma_options(parser)
    add_fit_options(parser)
    higher_order.add_option(parser)
    add_engine_options(parser)
    parser.set_defaults(run=run_ipma)
