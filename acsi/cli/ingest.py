"""``acsi ingest survey FILE [--mapping MAP.yaml] --out DATA.parquet|csv``: read, map, validate, write."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from acsi.cli import checks
from acsi.errors import DataError

if TYPE_CHECKING:
    from acsi.ingest.survey import Survey

_EPILOG = """examples:
  acsi ingest survey wave1.sav --out wave1.parquet
  acsi ingest survey wave1.xlsx --sheet answers --mapping wave1.yaml --lenient --out wave1.parquet
  acsi ingest survey wave1.csv --mapping wave1.yaml --missing listwise --out clean.csv

Row numbers in messages are source rows: CSV/TSV file lines and Excel spreadsheet rows
(header = 1, first respondent = 2), SPSS and Parquet case numbers (first = 1).
"""

#: Treatments the ingest command can apply to the written file. "pairwise" and "em" estimate
#: moments rather than data, so they belong to `acsi fit --missing`.
INGEST_MISSING = ("keep", "error", "listwise", "mean")


def add_strictness(parser: argparse.ArgumentParser) -> None:
    """``--strict`` (default) / ``--lenient``: out-of-scale values are errors or become missing."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--strict",
        dest="strict",
        action="store_true",
        default=True,
        help="values outside an item's scale (or recoding table) are errors (default)",
    )
    group.add_argument(
        "--lenient",
        dest="strict",
        action="store_false",
        help="values outside an item's scale (or recoding table) become missing and are counted",
    )


def run_survey(args: argparse.Namespace) -> int:
    from acsi.data import prepare_indicators
    from acsi.ingest.mapping import apply_mapping, load_mapping
    from acsi.ingest.report import validation_report
    from acsi.ingest.survey import read_survey, write_survey

    checks.check_suffix("--out", args.out, (".csv", ".txt", ".parquet", ".pq"))
    checks.check_output_file("--out", args.out)
    original = read_survey(args.file, sheet=parse_sheet(args.sheet))
    mapping = load_mapping(args.mapping) if args.mapping else None
    if mapping is None and args.missing != "keep":
        raise DataError(
            f"--missing {args.missing} needs --mapping: without a mapping acsi does not know which columns are "
            "indicators. Give a mapping, or keep the default (--missing keep) and treat missing values when fitting."
        )
    survey, data = original, None
    if mapping is not None:
        survey = apply_mapping(original, mapping, strict=args.strict)
        validate_as = "mean" if args.missing == "keep" else args.missing  # "mean" validates without dropping
        data = prepare_indicators(
            survey, mapping.indicators, scales=survey.metadata.scales, missing=validate_as, strict=args.strict
        )
        survey = _treated(survey, data, args.missing)
    report = validation_report(original, survey, mapping=mapping, data=data, strict=args.strict, treatment=args.missing)
    write_survey(survey, args.out)
    if not args.quiet:
        print(report.as_text())
        print(f"Written: {args.out} ({len(survey.frame)} rows, {survey.frame.shape[1]} columns).")
    return 0


def parse_sheet(text: str | None) -> str | int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else text


def _treated(survey: Survey, data, treatment: str) -> Survey:  # noqa: ANN001 - IndicatorData
    """The frame to write: listwise drops rows, mean fills cells; keep/error change nothing."""
    from acsi.ingest.survey import Survey

    frame = survey.frame
    indicators = list(data.indicators)
    if treatment == "listwise":
        frame = frame.loc[data.row_labels]
    elif treatment == "mean":
        frame = frame.copy()
        frame[indicators] = data.values
    else:
        return survey
    return Survey(frame=frame, metadata=survey.metadata)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``acsi ingest`` with its ``survey`` sub-command."""
    ingest = commands.add_parser(
        "ingest",
        help="read survey files into validated indicator data",
        description="Read data into acsi: `acsi ingest survey FILE` reads CSV/TSV, Excel, SPSS or Parquet.",
    )
    kinds = ingest.add_subparsers(dest="ingest_kind", metavar="KIND")
    kinds.required = True
    survey = kinds.add_parser(
        "survey",
        help="read a survey file, apply a mapping, validate and write CSV or Parquet",
        description=(
            "Read FILE (.csv, .tsv, .xlsx, .sav, .parquet), apply the mapping (rename, scales, missing codes, "
            "reverse coding, recoding), validate the indicators, print a report and write --out. Without a "
            "mapping, columns pass through by name and type."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    survey.add_argument("file", help="survey file: .csv/.txt, .tsv/.tab, .xlsx/.xlsm, .sav/.zsav, .parquet/.pq")
    survey.add_argument("--mapping", metavar="MAP.yaml", help="mapping from source columns to indicators (YAML)")
    survey.add_argument(
        "--out", required=True, metavar="DATA", help="output file, .parquet (keeps scales, labels, weight and groups) or .csv"
    )
    survey.add_argument("--sheet", help="Excel worksheet name or 0-based position (default: the first)")
    survey.add_argument(
        "--missing",
        default="keep",
        choices=INGEST_MISSING,
        help="missing indicator cells in the output: keep (default), error, listwise, mean",
    )
    add_strictness(survey)
    survey.add_argument("--quiet", action="store_true", help="print nothing but errors and warnings")
    survey.set_defaults(run=run_survey)
