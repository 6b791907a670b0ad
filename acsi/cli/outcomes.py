"""``acsi outcomes SPEC DATA --outcome retained``: what satisfaction is worth in retention and revenue.

Parses, reads DATA (and a customer file joined on ``--key``), calls
:func:`acsi.outcomes.outcomes` and prints its summary or writes ``to_dict()`` as strict JSON;
``--plot FILE`` saves the chart (the format follows the extension). With ``--events FILE`` (a device
event export) instead of SPEC and DATA it calls :func:`acsi.outcomes.event_outcomes`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from acsi.cli import checks
from acsi.cli.fit import _scale, level, whole_number, write_json
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import INDEX_WEIGHTS, METHODS, MISSING_POLICIES
from acsi.spec.load import load_spec

if TYPE_CHECKING:
    from acsi.outcomes import OutcomeResult

_EPILOG = """examples:
  acsi outcomes models/bank_branch.yaml survey.csv --outcome retained --group branch --revenue revenue
  acsi outcomes models/bank_branch.yaml datasets/bank_customer_survey_demo.csv \\
      --customers datasets/bank_customers_demo.csv --key customer_id --outcome retained \\
      --group branch --revenue revenue --rating device_rating --seed 1 --plot retention.png --json out.json
  acsi outcomes --events events.parquet --customers customers.csv --key service_ref --outcome retained --group branch_id
"""


def _bands(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated index values such as 50,60,70,80,90; got {text!r}") from None
    if not values or any(not 0 < v < 100 for v in values):
        raise argparse.ArgumentTypeError(f"band edges must lie between 0 and 100; got {text!r}")
    return values


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the threshold must be an index value such as 70; got {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"the threshold must lie between 0 and 100; got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from acsi.cli.fit import UsageError
    from acsi.ingest.survey import read_survey
    from acsi.outcomes import outcomes

    checks.check_output_file("--json", args.json)
    if args.plot:
        checks.check_output_file("--plot", args.plot)
        checks.check_suffix("--plot", args.plot, (".png", ".svg", ".pdf"))
    if (args.customers is None) != (args.key is None):
        raise UsageError("--customers FILE and --key COLUMN go together: the customer file is joined on the key.")
    if args.events:
        return _run_events(args)
    if args.spec is None or args.data is None:
        raise UsageError("give SPEC and DATA (a survey), or --events FILE (a device event export) with --customers and --key.")
    spec = load_spec(Path(args.spec))
    frame = read_survey(args.data, sheet=parse_sheet(args.sheet)).frame
    customers = read_survey(args.customers).frame if args.customers else None
    if args.construct:
        checks.check_name("--construct", args.construct, spec.construct_names, "a construct of the spec")
    result = outcomes(
        spec,
        frame,
        args.outcome,
        construct=args.construct,
        group=args.group,
        revenue=args.revenue,
        rating=args.rating,
        customers=customers,
        key=args.key,
        threshold=args.threshold,
        bands=args.bands,
        level=args.level,
        n_boot=args.bootstrap,
        seed=args.seed,
        method=args.method,
        index_weights=args.index_weights,
        missing=args.missing,
        scale=args.scale,
        mapping=args.mapping,
    )
    _report(result, args)
    return 0


def _run_events(args: argparse.Namespace) -> int:
    """``--events FILE --customers FILE --key COLUMN``: the outcome analysis on each customer's mean device score."""
    from acsi.cli.fit import UsageError
    from acsi.ingest.device import read_event_export
    from acsi.ingest.survey import read_survey
    from acsi.outcomes import event_outcomes

    if args.spec is not None or args.data is not None:
        raise UsageError("--events replaces SPEC and DATA: the index is the device score, no model is fitted.")
    if args.customers is None:
        raise UsageError("--events needs --customers FILE and --key COLUMN: device events carry no outcome.")
    for flag, value in (("--mapping", args.mapping), ("--construct", args.construct), ("--rating", args.rating)):
        if value is not None:
            raise UsageError(f"{flag} applies to a survey, not to --events (the rating table is the device level).")
    result = event_outcomes(
        read_event_export(args.events),
        read_survey(args.customers).frame,
        args.outcome,
        key=args.key,
        group=args.group,
        revenue=args.revenue,
        threshold=args.threshold,
        bands=args.bands,
        level=args.level,
        n_boot=args.bootstrap,
        seed=args.seed,
    )
    _report(result, args)
    return 0


def _report(result: OutcomeResult, args: argparse.Namespace) -> None:
    """Print the summary (unless quiet or JSON to standard output), save the chart, write the JSON."""
    if not args.quiet and args.json != "-":
        print(result.summary())
    if args.plot:
        result.plot().savefig(args.plot)
    if args.json:
        write_json(result.to_dict(), args.json)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``outcomes`` command."""
    parser = commands.add_parser(
        "outcomes",
        help="outcome rate (retention, repurchase) by satisfaction index: bands, curves, effect of one point, revenue at risk",
        description="Relate each respondent's 0-100 index (satisfaction by default) to a binary customer outcome: "
        "rates per index band and rating level with Wilson intervals, isotonic and logistic curves, the change "
        "of the rate per index point, and per group the revenue at risk below --threshold.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", nargs="?", help="model spec: YAML file or lavaan-style text file")
    parser.add_argument("data", nargs="?", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet), one row per respondent")
    parser.add_argument(
        "--events",
        metavar="FILE",
        help="a device event export (acsi device export) instead of SPEC and DATA: each customer's index is the mean "
        "score of its rated events, joined to --customers on --key (e.g. service_ref)",
    )
    parser.add_argument("--outcome", required=True, metavar="COLUMN", help="binary outcome column (0/1 or true/false)")
    parser.add_argument("--construct", help="whose index (default: the satisfaction construct)")
    parser.add_argument("--group", metavar="COLUMN", help="per-group rates and revenue at risk (branch, firm)")
    parser.add_argument("--revenue", metavar="COLUMN", help="revenue per customer (for the revenue at risk)")
    parser.add_argument("--rating", metavar="COLUMN", help="a rating column tabulated per level (e.g. a 5-level device rating)")
    parser.add_argument(
        "--customers", metavar="FILE", help="customer file with the outcome (and revenue) columns, joined on --key"
    )
    parser.add_argument("--key", metavar="COLUMN", help="customer id column in DATA and in --customers")
    parser.add_argument("--threshold", type=_threshold, default=70.0, help="index below which a customer is at risk (default 70)")
    parser.add_argument(
        "--bands", type=_bands, default=(50.0, 60.0, 70.0, 80.0, 90.0), metavar="50,60,...", help="inner band edges"
    )
    parser.add_argument("--level", type=level, default=0.95, help="confidence level of every interval (default 0.95)")
    parser.add_argument(
        "--bootstrap",
        type=whole_number(0, "the number of resamples"),
        default=200,
        metavar="N",
        help="resamples of the isotonic band (default 200)",
    )
    parser.add_argument("--seed", type=whole_number(0, "the seed"), help="seed of that bootstrap")
    parser.add_argument("--method", default="pls", choices=METHODS, help="estimator of the model (default: pls)")
    parser.add_argument("--index-weights", default="fornell", choices=INDEX_WEIGHTS, help="weights of the 0-100 index")
    parser.add_argument("--scale", type=_scale, metavar="MIN,MAX", help="theoretical bounds for indicators without a scale")
    parser.add_argument("--missing", default="error", choices=list(MISSING_POLICIES), help="missing-value treatment")
    parser.add_argument(
        "--mapping",
        metavar="FILE",
        help="mapping from DATA's columns to the indicators (rename, scales, missing codes, reverse, recode); "
        "the outcome, group, revenue and key columns are read as they are",
    )
    parser.add_argument("--sheet", help="Excel worksheet of DATA")
    parser.add_argument("--plot", metavar="FILE", help="save the chart (.png, .svg or .pdf)")
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON ('-' for standard output)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    parser.set_defaults(run=run)
