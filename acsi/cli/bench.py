"""``acsi bench study STUDY.yaml`` (any designed study) and ``acsi bench estimators`` (the shipped ACSI study file)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from acsi.cli import checks
from acsi.cli.fit import whole_number
from acsi.cli.options import DGPS, DISTRIBUTIONS, ESTIMATORS

#: Mirrors acsi.study.design.BOOTSTRAP_INTERVALS (tests/study/test_run.py checks), so the parser imports no numeric library.
BOOTSTRAP_INTERVALS: tuple[str, ...] = ("percentile", "basic", "bca")

if TYPE_CHECKING:
    import pandas as pd

    from acsi.study.design import StudyDesign

_EPILOG = """examples:
  acsi bench estimators --n 50,250,1000 --replications 100 --out study/
  acsi bench estimators --dgp factor --distribution discrete --estimators pls,plsc,cbsem --misspecified
  acsi bench estimators --replications 200 --scheduler tcp://10.0.0.5:8786 --out study/
"""


def _ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers such as 50,250; got {text!r}") from None
    if any(v < 30 for v in values):
        raise argparse.ArgumentTypeError(f"sample sizes must be at least 30; got {text!r}")
    return values


def _choices(allowed: tuple[str, ...]):  # noqa: ANN202
    def parse(text: str) -> tuple[str, ...]:
        values = tuple(part.strip() for part in text.split(",") if part.strip())
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}; got {text!r}")
        return values

    return parse


def run_estimators(args: argparse.Namespace) -> int:
    """``acsi bench estimators``: the shipped ACSI study file with the flags' levels, run as ``acsi bench study``."""
    from acsi.study import StudySettings

    settings = StudySettings(
        ns=args.n,
        replications=args.replications,
        dgps=args.dgp,
        distributions=args.distribution,
        estimators=args.estimators,
        misspecified=(False, True) if args.misspecified else (False,),
        n_boot=args.n_boot,
        intervals=args.intervals,
        seed=args.seed,
    )
    return _run(settings.design(), args)


def run_designed(args: argparse.Namespace) -> int:
    """``acsi bench study``: validate the study file, run it into ``--out`` (resumable), summarise and plot."""
    from acsi.study.studyfile import load_study

    return _run(load_study(args.study_file), args)


def _run(design: StudyDesign, args: argparse.Namespace) -> int:
    """Run ``design`` into ``--out`` with the progress bar, write the plots, print the path table."""
    import os

    from acsi.study.checkpoint import run_design

    checks.check_output_dir("--out", args.out)
    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        bar = tqdm(
            total=len(design.conditions()) * design.replications, desc="replications", unit="rep", file=sys.stderr, leave=False
        )
    try:
        result = run_design(
            design,
            args.out,
            workers=(os.cpu_count() or 1) if args.workers is None else args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            include_inadmissible=args.include_inadmissible,
            progress=bar.update if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
    summary = result.summary
    written = ["manifest.json", "conditions/", "replications.parquet", "summary.csv", "summary.parquet"]
    if not args.no_plots and not summary.empty:
        from acsi.study.plots import plot_performance

        summary.attrs["level"] = design.level
        written += [str(p.relative_to(args.out)) for p in plot_performance(summary, f"{args.out}/plots")]
    _print_paths(summary)
    if result.published is not None and design.reference is not None:
        from acsi.study.published import agreement_line

        written.append("published.csv")
        if not args.no_plots:
            from acsi.study.plots import plot_published

            shown = plot_published(result.published, f"{args.out}/plots", title=design.reference.citation)
            written += [str(p.relative_to(args.out)) for p in shown]
        print("\n" + agreement_line(result.published, design.reference))
    manifest = result.manifest
    print(
        f"\n{manifest['conditions_finished']} of {manifest['conditions']} conditions in {args.out}; written: "
        + ", ".join(written)
    )
    return 0


def _print_paths(summary: pd.DataFrame) -> None:
    """Mean |bias| and RMSE of the paths per condition and estimator, with the admissible rate."""
    paths = summary[summary.kind == "path"] if "kind" in summary else summary
    if paths.empty:
        return
    factors = ("dgp", "loading", "indicators", "distribution", "n", "misspecification", "missing")
    varying = [f for f in factors if paths[f].nunique(dropna=False) > 1] or ["n"]
    table = (
        paths.assign(abs_bias=paths.bias.abs())
        .groupby(["condition", *varying, "estimator"], dropna=False)
        .agg(
            mean_abs_bias=("abs_bias", "mean"),
            mean_rmse=("rmse", "mean"),
            admissible=("admissible_rate", "first"),
            used=("used", "min"),
        )
    )
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))


def _add_run_options(parser: argparse.ArgumentParser, *, default_workers: int | None, workers_help: str) -> None:
    """The flags both study commands share: workers or a Dask scheduler, resume, inadmissible, plots, progress."""
    parser.add_argument("--workers", type=whole_number(1, "the number of workers"), default=default_workers, help=workers_help)
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="a Dask scheduler (tcp://host:8786) whose workers run the replications instead of --workers; "
        "results do not depend on it",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run in --out (finished conditions are kept)"
    )
    parser.add_argument(
        "--include-inadmissible", action="store_true", help="summaries over non-converged and inadmissible replications too"
    )
    parser.add_argument("--no-plots", action="store_true", help="write the tables only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _register_study(studies: argparse._SubParsersAction) -> None:
    parser = studies.add_parser(
        "study",
        help="run a simulation study described by a study file (any model, any design; resumable)",
        description="Validate STUDY.yaml, then draw every condition's samples, fit every estimator and write one Parquet "
        "file per finished condition, a manifest (study, seed, versions, machine, times), the summary with Monte-Carlo "
        "standard errors (bias, relative bias, RMSE, empirical vs model SE, coverage and power) and PNG/SVG plots. A study "
        "file with a 'reference' block (a published table) also gets published.csv and plots/published.png: the "
        "paper's numbers beside ours, with both Monte-Carlo SEs and whether they agree within 3.",
        epilog="examples:\n  acsi bench study models/studies/ecsi_two_factors.yaml --out ecsi-study/ --workers 2\n"
        "  acsi bench study models/studies/ecsi_two_factors.yaml --out ecsi-study/ --resume\n"
        "  acsi bench study models/studies/kock_2019.yaml --out kock-2019/ --workers 2   # Kock (2019) Table 3 beside ours",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("study_file", metavar="STUDY.yaml", help="the study file (see models/studies/)")
    parser.add_argument("--out", required=True, help="output folder")
    _add_run_options(parser, default_workers=1, workers_help="worker processes (default 1); results do not depend on it")
    parser.set_defaults(run=run_designed)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``bench`` with its ``estimators`` sub-command."""
    bench = commands.add_parser("bench", help="benchmark studies", description="Benchmark studies of acsi.")
    studies = bench.add_subparsers(dest="study", metavar="STUDY")
    studies.required = True
    parser = studies.add_parser(
        "estimators",
        help="Monte-Carlo study of PLS, PLSc, CB-SEM, GSCA, sum scores and the item-mean index on data with known truth",
        description="Run the shipped study file models/studies/acsi.yaml (the ACSI population as common factors or "
        "composites, indicators normal, skewed or discrete on 1-10) at the levels the flags choose, exactly as "
        "'acsi bench study' runs a study file: per-condition Parquet checkpoints, a manifest, the summary with "
        "Monte-Carlo standard errors and admissible counts, and PNG/SVG plots.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=_ints, default=(50, 100, 250, 1000, 5000), help="sample sizes (default 50,100,250,1000,5000)")
    parser.add_argument(
        "--replications",
        type=whole_number(1, "the number of replications"),
        default=200,
        help="samples per condition (default 200)",
    )
    parser.add_argument("--dgp", type=_choices(DGPS), default=DGPS, help="factor,composite (default both)")
    parser.add_argument(
        "--distribution", type=_choices(DISTRIBUTIONS), default=DISTRIBUTIONS, help="normal,skewed,discrete (default all)"
    )
    parser.add_argument(
        "--estimators",
        type=_choices(ESTIMATORS),
        default=ESTIMATORS,
        help="pls,plsc,cbsem,gsca,equal (default all; 'equal' is the item-mean index)",
    )
    parser.add_argument(
        "--misspecified", action="store_true", help="also fit the model without perceived_value -> customer_satisfaction"
    )
    parser.add_argument(
        "--n-boot",
        type=whole_number(0, "the number of resamples"),
        default=0,
        help="bootstrap resamples per fit for PLS/PLSc/GSCA coverage (default 0: none)",
    )
    parser.add_argument(
        "--intervals",
        type=_choices(BOOTSTRAP_INTERVALS),
        default=("percentile", "basic"),
        help="bootstrap intervals scored with --n-boot: percentile,basic,bca (default percentile,basic; "
        "bca needs --n-boot 200 or more and n jackknife fits per replication)",
    )
    parser.add_argument("--seed", type=whole_number(0, "the seed"), default=0, help="seed of the study (default 0)")
    parser.add_argument("--out", default="estimator-study", help="output folder (default estimator-study/)")
    _add_run_options(
        parser, default_workers=None, workers_help="worker processes (default: CPU count); results do not depend on it"
    )
    parser.set_defaults(run=run_estimators)
    _register_study(studies)
