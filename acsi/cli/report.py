"""``acsi report SPEC DATA --out report.html``: one self-contained HTML (or PDF) report of a fit."""

from __future__ import annotations

import argparse
from pathlib import Path

from acsi.cli import checks, higher_order
from acsi.cli.fit import add_bootstrap_options, add_fit_options, check_bootstrap_request, load_data
from acsi.errors import ParameterError
from acsi.spec.load import load_spec

_EPILOG = """examples:
  acsi report models/acsi.yaml survey.csv --out report.html
  acsi report docs/ecsi_mobi.lav mobi.csv --scale 1,10 --bootstrap 1000 --seed 1 --out ecsi.html
  acsi report models/bank_branch.yaml datasets/bank_branches_demo.csv --group branch --period quarter --out bank.html
  acsi report models/acsi.yaml survey.csv --bootstrap 1000 --seed 1 --out report.pdf --format pdf
  acsi report models/acsi.yaml survey.csv --bootstrap 1000 --seed 1 --out report.html --tables tables/
  acsi report models/acsi_servqual.yaml datasets/servqual_demo.csv --higher-order two-stage-embedded --out servqual.html
"""


def run_report(args: argparse.Namespace) -> int:
    from acsi.report.html_report import build_report, find_chromium

    if args.json:
        raise ParameterError(
            "acsi report writes a page, not JSON: drop --json and use 'acsi fit ... --json FILE' for the numbers."
        )
    checks.check_output_file("--out", args.out)
    checks.check_output_dir("--tables", args.tables)
    if args.format == "pdf" and find_chromium() is None:  # before any work
        raise ParameterError(
            "--format pdf prints the page with headless Chromium, which was not found (looked for chromium, "
            "chromium-browser, google-chrome); install it (Debian: apt-get install chromium) or use --format html."
        )
    spec = load_spec(Path(args.spec))
    data = load_data(args, spec)  # the data's checks (columns, scales, missing values) before the estimation
    check_bootstrap_request(args, spec, data.n_obs)
    if args.period and not args.group:
        raise ParameterError("--period needs --group COLUMN (the trend is drawn per group).")
    if args.group:
        from acsi.compare.group_inputs import group_column
        from acsi.ingest.survey import read_survey

        frame = read_survey(args.data).frame
        group_column(frame, args.group)
        if args.period:
            group_column(frame, args.period, "period")
    report = build_report(
        args.spec,
        args.data,
        method=args.method,
        n_boot=args.bootstrap or 0,
        seed=args.seed,
        ci=args.ci,
        level=args.level,
        sign_change=args.sign_change,
        group=args.group,
        period=args.period,
        target=args.target,
        mapping=args.mapping,
        scale=args.scale,
        missing=args.missing,
        strict=args.strict,
        sheet=args.sheet,
        group_boot=args.group_bootstrap,
        workers=args.workers,
        scheme=args.scheme,
        raw=args.raw,
        index_weights=args.index_weights,
        tol=args.tol,
        max_iter=args.max_iter,
        objective=args.objective,
        std_lv=args.std_lv,
        ordinal=args.ordinal,
        higher_order=args.higher_order,
    )
    report.write(args.out, format=args.format)
    written = [args.out]
    if args.tables:
        from acsi.report.report_tables import write_tables

        written += [str(p) for p in write_tables(report, args.tables)]
    if not args.quiet:
        print(f"wrote {', '.join(written)}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``report`` command."""
    parser = commands.add_parser(
        "report",
        help="fit a model and write one self-contained HTML (or PDF) report to publish from",
        description="Fit SPEC to DATA and write one self-contained page (inline CSS and SVG, no external URL): the "
        "settings needed to reproduce it, data summary, path diagram, outer and structural model with intervals, "
        "effects, 0-100 indices, assessment with thresholds, IPMA and, with --group, the ranking, the significant "
        "differences and the trend over --period.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", help="model spec: YAML file or lavaan-style text file (detected by content)")
    parser.add_argument("data", help="survey file (.csv, .tsv, .xlsx, .sav, .parquet), one row per respondent")
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="the report file (report.html, or report.pdf with --format pdf)"
    )
    parser.add_argument("--format", default="html", choices=("html", "pdf"), help="html (default) or pdf (headless Chromium)")
    parser.add_argument(
        "--tables",
        metavar="DIR",
        help="also write the report's tables to DIR as tables.md, tables.tex (booktabs) and tables.xlsx (one sheet each)",
    )
    parser.add_argument("--group", metavar="COLUMN", help="adds the ranking of the groups of COLUMN and their differences")
    parser.add_argument("--period", metavar="COLUMN", help="with --group: adds the trend over the periods of COLUMN")
    parser.add_argument("--target", help="IPMA target construct (default: the satisfaction construct)")
    parser.add_argument(
        "--group-bootstrap",
        type=int,
        metavar="N",
        help="resamples per group of the comparison (default: --bootstrap, at most 200)",
    )
    add_fit_options(parser)
    higher_order.add_option(parser)
    add_bootstrap_options(parser)
    parser.set_defaults(run=run_report)
