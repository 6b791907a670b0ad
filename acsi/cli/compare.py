"""``acsi compare SPEC DATA --group COLUMN``: rank groups with intervals, test differences, MICOM, periods, IPMA."""

from __future__ import annotations

import argparse
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acsi.cli import checks
from acsi.cli.fit import add_fit_options, check_fit_outputs, estimator_from_args, level, n_estimates, whole_number, write_json
from acsi.cli.ingest import parse_sheet
from acsi.cli.options import ADJUSTMENTS, DEFAULT_MIN_N, MIN_GROUP_BOOT, TESTS
from acsi.errors import DataError, ParameterError
from acsi.spec.load import load_spec

if TYPE_CHECKING:  # the numeric stack is imported when the command runs
    import pandas as pd

    from acsi.compare.groups import GroupEstimates
    from acsi.ingest.survey import Survey

_EPILOG = """examples:
  acsi compare models/bank_branch.yaml survey.csv --group branch --bootstrap 1000
  acsi compare models/bank_branch.yaml survey.csv --group branch --period quarter --bootstrap 500 --plot figures/
  acsi compare model.yaml firms.csv --group firm --bootstrap 1000 --hierarchy industries.csv --json out.json
  acsi compare model.yaml survey.csv --group region --permutations 1000 --test permutation --adjust bh
"""
_SEP = "\x1f"


def check_method(method: str, mode: str = "separate") -> None:
    """Refuse what a non-PLS method cannot do in a group comparison (pooled mode)."""
    if method != "pls" and mode == "pooled":
        raise NotImplementedError(
            f"--mode pooled applies pooled PLS index weights to each group and is built for --method pls only; "
            f"got --method {method}. Use --mode separate (the default) to fit {method} in each group."
        )


def default_construct(est_constructs: tuple[str, ...], endogenous: tuple[str, ...]) -> str:
    """The construct to rank when none is named: one called satisfaction, else the last endogenous one with an index."""
    for name in est_constructs:
        if "satisf" in name.lower() or name.upper() == "SAT":
            return name
    indexed_endogenous = [c for c in endogenous if c in est_constructs]
    if indexed_endogenous:
        return indexed_endogenous[-1]
    if not est_constructs:
        raise DataError("No construct has a 0-100 index: give the indicator scales in the spec or with --scale MIN,MAX.")
    return est_constructs[-1]


def estimator_from(args: argparse.Namespace) -> Any:
    """The estimator of ``--method`` with the options of ``acsi fit`` (after the group-comparison checks)."""
    check_method(args.method, getattr(args, "mode", "separate"))
    return estimator_from_args(args)


def _adjacent_pairs(ranked: "pd.DataFrame") -> list[tuple[Any, Any]]:
    groups = list(ranked.loc[ranked["rank"].notna(), "group"])
    return list(zip(groups[:-1], groups[1:]))


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def ranking_text(ranked: "pd.DataFrame", construct: str, est: "GroupEstimates") -> str:
    level = int(round(est.level * 100))
    lines = [
        f"Ranking by {construct} index ({est.method}, {est.mode} model, {est.n_boot} bootstrap resamples per group, {level}% intervals); "
        f"overall {ranked.attrs['overall']:.1f}",
        f"{'rank':>4}  {'group':<20} {'n':>6} {'index':>6}  {'interval':<13}  {'rank interval':<13}  flag",
    ]
    for row in ranked.itertuples(index=False):
        rank = "-" if math.isnan(row.rank) else f"{int(row.rank)}"
        interval = f"[{_fmt(row.ci_lower)}, {_fmt(row.ci_upper)}]" if not math.isnan(row.ci_lower) else "-"
        ranks = f"[{int(row.rank_lower)}, {int(row.rank_upper)}]" if not math.isnan(row.rank_lower) and est.n_boot else "-"
        lines.append(f"{rank:>4}  {str(row.group):<20} {int(row.n):>6} {_fmt(row.value):>6}  {interval:<13}  {ranks:<13}  {row.flag}")
    lines.append("flags: above/below = the interval excludes the overall index; small = fewer than "
                 f"{est.min_n} respondents (not reported); not estimated = the model could not be fitted in that group")
    return "\n".join(lines)


def check_compare_request(args: argparse.Namespace, spec: Any, survey: "Survey") -> None:
    """Every flag of ``acsi compare`` that names something or sizes the work, before the estimation."""
    if args.test == "permutation" and args.method != "pls":
        raise NotImplementedError(
            f"--test permutation re-estimates PLS on permuted groups and is built for --method pls only; got --method "
            f"{args.method}. Use --test henseler or --test parametric with --bootstrap N."
        )
    if args.test == "permutation" and not args.permutations:
        raise ParameterError("--test permutation needs permutations: add --permutations N (e.g. 1000).")
    if 0 < args.bootstrap < MIN_GROUP_BOOT:
        raise ParameterError(f"--bootstrap {args.bootstrap} is too few resamples for an interval; use 0 (none) or at "
                             f"least {MIN_GROUP_BOOT}.")
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
    from acsi.compare.groups import group_column

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


def check_index_construct(flag: str, name: str | None, spec: Any, survey: "Survey", args: argparse.Namespace) -> None:
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


def run_compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from acsi.compare import (
        aggregate,
        compare_groups,
        estimate_groups,
        ipma_groups,
        micom,
        omnibus_index_test,
        pair_verdicts,
        ranking,
        read_hierarchy,
    )
    from acsi.compare.differences import differences_to_dict
    from acsi.compare.groups import _num
    from acsi.compare.ipma import ipma_from_arrays, lower_is_better_of
    from acsi.errors import SpecError
    from acsi.structure import model_structure
    from acsi.ingest.survey import read_survey

    check_fit_outputs(args)
    checks.check_output_dir("--plot", args.plot)
    spec = load_spec(Path(args.spec))
    frame = read_survey(args.data, sheet=parse_sheet(args.sheet))
    check_compare_request(args, spec, frame)
    check_index_construct("--construct", args.construct, spec, frame, args)
    estimator = estimator_from(args)
    common = dict(
        estimator=estimator, mode=args.mode, weights=args.weights, n_boot=args.bootstrap, seed=args.seed,
        level=args.level, min_n=args.min_n, scale=args.scale, missing=args.missing, workers=args.jobs,
        strict=args.strict, mapping=args.mapping,
    )
    est = estimate_groups(spec, frame, args.group, **common)
    construct = args.construct or default_construct(est.index_constructs, spec.endogenous)
    est.construct_position(construct)
    ranked = ranking(est, construct)
    out: dict[str, Any] = {
        "construct": construct,
        "method": est.method,
        "mode": est.mode,
        "group_column": args.group,
        "n_boot": est.n_boot,
        "level": est.level,
        "min_n": est.min_n,
        "overall": {
            "n_obs": est.overall["n_obs"],
            "index": {c: _num(v) for c, v in zip(est.index_constructs, est.overall["index"])},
        },
    }
    groups = est.to_dict()
    for row in ranked.itertuples(index=False):
        entry = groups[str(row.group)]
        entry["rank"] = _num(row.rank)
        entry["rank_ci"] = [_num(row.rank_lower), _num(row.rank_upper)]
        entry["flag"] = row.flag
    out["groups"] = groups
    out["ranking"] = [str(g) for g in ranked.loc[ranked["rank"].notna(), "group"]]

    n_reported = int(est.reported.sum())
    pairs: str | list[tuple[Any, Any]] = "all" if n_reported <= args.max_pair_groups else _adjacent_pairs(ranked)
    pairs_note = "all pairs" if pairs == "all" else f"adjacent ranks only ({n_reported} groups > --max-pair-groups {args.max_pair_groups})"
    notes: list[str] = []
    differences: list[dict[str, Any]] = []
    test = args.test
    pls = est.method == "pls"
    if n_reported >= 2 and (est.n_boot or test == "permutation"):
        kwargs = dict(pairs=pairs, test=test, adjust=args.adjust, alpha=1 - est.level, n_perm=args.permutations if pls else 0, seed=args.seed)
        table = compare_groups(est, quantity="index", **kwargs)
        differences = [dict(d, quantity="index") for d in differences_to_dict(table)]
        if est.mode == "separate":
            paths = compare_groups(est, quantity="paths", **kwargs)
            differences += [dict(d, quantity="path") for d in differences_to_dict(paths)]
    else:
        notes.append("No tests of differences: use --bootstrap N (or --test permutation --permutations N) with at least two reported groups.")
    out["differences"] = differences
    out["differences_settings"] = {"test": args.test, "adjust": args.adjust, "pairs": pairs_note}

    invariance: dict[str, Any] = {}
    if args.permutations and n_reported >= 2:
        out["omnibus"] = {construct: omnibus_index_test(est, construct, n_perm=args.permutations, seed=args.seed)}
        if not pls:
            notes.append(
                f"No MICOM and no permutation p-values: both re-estimate PLS composites and are built for --method pls "
                f"only (this run used --method {est.method}); differences use the bootstrap tests."
            )
        elif est.mode == "separate":
            mi_pairs = pairs if pairs != "all" else "all"
            if mi_pairs == "all":
                reported = [est.labels[g] for g in range(len(est.labels)) if est.reported[g]]
                mi_pairs = [(a, b) for i, a in enumerate(reported) for b in reported[i + 1:]]
            invariance = pair_verdicts(micom(est, pairs=mi_pairs, n_perm=args.permutations, alpha=1 - est.level, seed=args.seed))
    else:
        notes.append("MICOM (invariance) and the omnibus test need permutations: use --permutations N (e.g. 1000).")
    out["invariance"] = invariance

    period_table = None
    if args.period:
        period_table = _periods(spec, frame, args, common, construct)
        out["periods"] = [{k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()} for row in period_table.to_dict("records")]
    if args.hierarchy:
        agg = aggregate(est.table(construct), read_hierarchy(args.hierarchy), draws=est.draws(construct), level=est.level)
        out["aggregation"] = [{k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()} for row in agg.to_dict("records")]

    target = args.target or construct
    ipma_out: dict[str, Any] = {}
    overall_ipma = None
    try:
        block = model_structure(spec).block
        overall_ipma = ipma_from_arrays(
            target, est.constructs, est.overall["total_effects"], est.index_constructs, est.overall["index"],
            spec.indicators, block, est.overall["index_weights"], est.overall["means"], est.lower, est.upper,
            lower_is_better=lower_is_better_of(spec, args.lower_is_better),
        )
        group_maps = ipma_groups(est, target, lower_is_better=args.lower_is_better)
        ipma_out = {"overall": overall_ipma.to_dict(), "groups": {str(g): r.to_dict() for g, r in group_maps.items()}}
    except SpecError as err:  # IPMA is a by-product here: say why it is absent
        notes.append(f"No IPMA: {err}")
    out["ipma"] = ipma_out
    out["notes"] = notes

    if not args.quiet and args.json != "-":
        print(ranking_text(ranked, construct, est))
        if differences:
            shown = [d for d in differences if d["quantity"] == "index" and d["parameter"] == construct]
            significant = [d for d in shown if d["significant"]]
            print(f"\nDifferences in {construct} ({args.test} test, {args.adjust} adjustment, {pairs_note}): "
                  f"{len(significant)} of {len(shown)} pairs significant")
            for d in significant[:20]:
                print(f"  {d['group_a']} - {d['group_b']}: {d['estimate']:+.2f}  adjusted p = {d['p_adjusted']:.4f}")
        if invariance:
            counts = pd.Series([v["verdict"] for v in invariance.values()]).value_counts().to_dict()
            print(f"\nMICOM verdicts over {len(invariance)} pairs: {counts}")
        if overall_ipma is not None:
            via = (f" (a mediator: it moves only through its drivers; act on {overall_ipma.lever})"
                   if overall_ipma.act_first in overall_ipma.mediators else "")
            print(f"\nIPMA for {target}: act first on {overall_ipma.act_first}{via}\n  rule: {overall_ipma.rule}")
        for note in notes:
            print(f"note: {note}")
    if args.plot:
        from acsi.report.plots import plot_ipma, plot_periods, plot_ranking

        folder = Path(args.plot)
        plot_ranking(ranked, folder / "ranking.png", title=f"{construct} by {args.group}", overall=ranked.attrs["overall"])
        if period_table is not None:
            plot_periods(period_table, folder / "periods.png", title=f"{construct} by {args.period}")
        if overall_ipma is not None:
            plot_ipma(overall_ipma, folder / "ipma.png")
    if args.json:
        write_json(out, args.json)
    return 0


def _periods(spec: Any, survey: "Survey", args: argparse.Namespace, common: dict[str, Any], construct: str) -> "pd.DataFrame":
    """Index per (group, period) cell and its changes against the previous period and a year earlier."""
    import numpy as np

    from acsi.compare import estimate_groups, period_changes
    from acsi.compare.groups import group_column
    from acsi.ingest.survey import Survey

    frame = survey.frame
    groups = group_column(frame, args.group).astype(str)
    periods = group_column(frame, args.period, "period").astype(str)
    cells = Survey(frame=frame.assign(_cell=groups + _SEP + periods), metadata=survey.metadata)
    est = estimate_groups(spec, cells, "_cell", **common)
    table = est.table(construct)
    split = table["group"].astype(str).str.split(_SEP, n=1, expand=True)
    table = table.assign(group=split[0], period=split[1])
    table.loc[~table["reported"], ["value", "se", "ci_lower", "ci_upper"]] = np.nan
    return period_changes(table, level=est.level)


def lower_is_better(text: str) -> tuple[str, ...]:
    """An argparse type: comma-separated construct names."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_ipma_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lower-is-better", type=lower_is_better, default=(), metavar="C1,C2",
                        help="constructs where a higher index is worse (complaints): IPMA enters them reversed; "
                        "adds to the spec's 'better: lower' declarations")


def add_compare_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weights", metavar="COLUMN", help="case (sampling) weights column: weighted PLS")
    parser.add_argument("--mode", default="separate", choices=["separate", "pooled"],
                        help="estimate the model per group (default) or once, with group-specific indices")
    parser.add_argument("--bootstrap", type=whole_number(0, "the number of resamples"), default=0, metavar="N",
                        help=f"bootstrap resamples per group (default 0: no intervals; else at least {MIN_GROUP_BOOT})")
    parser.add_argument("--seed", type=whole_number(0, "the seed"), default=None, help="random seed of resampling and permutations")
    parser.add_argument("--level", type=level, default=0.95, help="confidence level of intervals (default 0.95)")
    parser.add_argument("--min-n", type=whole_number(3, "the smallest group size"), default=DEFAULT_MIN_N,
                        help=f"smallest group reported (default {DEFAULT_MIN_N})")
    parser.add_argument("--jobs", type=whole_number(1, "the number of worker processes"), default=1, help="worker processes (default 1)")
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
    parser.add_argument("--permutations", type=whole_number(0, "the number of permutations"), default=0, metavar="N",
                        help="permutations for the permutation test, the omnibus test and MICOM (default 0: skipped)")
    parser.add_argument("--max-pair-groups", type=whole_number(2, "--max-pair-groups"), default=20, metavar="G",
                        help="test all pairs up to G groups, else adjacent ranks only (default 20)")
    parser.add_argument("--hierarchy", metavar="FILE", help="CSV unit,parent,weight: aggregate group indices upwards")
    add_compare_options(parser)
    add_ipma_options(parser)
    add_fit_options(parser)
    parser.set_defaults(run=run_compare)
