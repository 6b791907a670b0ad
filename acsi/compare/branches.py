"""The whole branch comparison of ``acsi compare``: :func:`compare_branches` -> :class:`BranchComparison`.

One call estimates the groups (:func:`~acsi.compare.estimate_groups`), ranks them by a
construct's 0-100 index, tests the differences of the index and (separate model) of the paths
(all pairs up to ``max_pair_groups`` reported groups, else adjacent ranks only), runs the
omnibus test and MICOM when ``permutations`` are given (MICOM for PLS only), the changes over
``period`` (one estimation per (group, period) cell), the aggregation over a ``hierarchy`` and
the IPMA of ``target``. :meth:`BranchComparison.to_dict` is what ``acsi compare --json`` writes.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from acsi.errors import DataError
from acsi.result_contract import ResultContract
from acsi.summary import Summary

if TYPE_CHECKING:
    import pandas as pd

    from acsi.compare.group_estimates import GroupEstimates
    from acsi.compare.ipma import IPMAResult
    from acsi.ingest.survey import Survey

__all__ = ["BranchComparison", "compare_branches", "default_construct"]

_SEP = "\x1f"


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


def _adjacent_pairs(ranked: pd.DataFrame) -> list[tuple[Any, Any]]:
    groups = list(ranked.loc[ranked["rank"].notna(), "group"])
    return list(zip(groups[:-1], groups[1:]))


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def ranking_text(ranked: pd.DataFrame, construct: str, est: GroupEstimates) -> str:
    """The ranking as a text table with intervals, rank intervals and flags."""
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
        lines.append(
            f"{rank:>4}  {str(row.group):<20} {int(row.n):>6} {_fmt(row.value):>6}  {interval:<13}  {ranks:<13}  {row.flag}"
        )
    lines.append(
        "flags: above/below = the interval excludes the overall index; small = fewer than "
        f"{est.min_n} respondents (not reported); not estimated = the model could not be fitted in that group"
    )
    return "\n".join(lines)


@dataclass(frozen=True, repr=False)
class BranchComparison(ResultContract):
    """Everything ``acsi compare`` reports; ``payload`` is the JSON document (see :meth:`to_dict`)."""

    payload: dict[str, Any]
    estimates: GroupEstimates
    ranked: pd.DataFrame
    construct: str
    target: str
    pairs_note: str
    periods: pd.DataFrame | None = None
    ipma: IPMAResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """construct, method, mode, group_column, n_boot, level, min_n, overall, groups, ranking, differences,
        differences_settings, [omnibus], invariance, [periods], [aggregation], ipma, notes (strict JSON)."""
        return copy.deepcopy(self.payload)

    def to_frame(self) -> pd.DataFrame:
        """The ranking table: one row per group."""
        return self.ranked.copy()

    def summary(self) -> Summary:
        """Ranking, significant differences, MICOM verdict counts, IPMA's first lever, notes."""
        import pandas as pd

        out = self.payload
        lines = [ranking_text(self.ranked, self.construct, self.estimates)]
        differences = out["differences"]
        settings = out["differences_settings"]
        if differences:
            shown = [d for d in differences if d["quantity"] == "index" and d["parameter"] == self.construct]
            significant = [d for d in shown if d["significant"]]
            lines.append(
                f"\nDifferences in {self.construct} ({settings['test']} test, {settings['adjust']} adjustment, "
                f"{self.pairs_note}): {len(significant)} of {len(shown)} pairs significant"
            )
            lines += [
                f"  {d['group_a']} - {d['group_b']}: {d['estimate']:+.2f}  adjusted p = {d['p_adjusted']:.4f}"
                for d in significant[:20]
            ]
        invariance = out["invariance"]
        if invariance:
            counts = pd.Series([v["verdict"] for v in invariance.values()]).value_counts().to_dict()
            lines.append(f"\nMICOM verdicts over {len(invariance)} pairs: {counts}")
        if self.ipma is not None:
            via = (
                f" (a mediator: it moves only through its drivers; act on {self.ipma.lever})"
                if self.ipma.act_first in self.ipma.mediators
                else ""
            )
            lines.append(f"\nIPMA for {self.target}: act first on {self.ipma.act_first}{via}\n  rule: {self.ipma.rule}")
        lines += [f"note: {note}" for note in out["notes"]]
        return Summary(tuple("\n".join(lines).split("\n")))

    def __repr__(self) -> str:
        return (
            f"BranchComparison(construct={self.construct!r}, groups={len(self.payload['groups'])}, "
            f"differences={len(self.payload['differences'])}, method={self.payload['method']!r})"
        )


def compare_branches(
    spec: Any,
    survey: Survey,
    group: str,
    *,
    construct: str | None = None,
    target: str | None = None,
    period: str | None = None,
    hierarchy: str | None = None,
    test: str = "henseler",
    adjust: str = "holm",
    permutations: int = 0,
    max_pair_groups: int = 20,
    lower_is_better: tuple[str, ...] = (),
    seed: int | None = None,
    **common: Any,
) -> BranchComparison:
    """Rank the groups of ``group`` by ``construct``'s index and test, check, trace and map them.

    ``common`` goes to :func:`~acsi.compare.estimate_groups` (estimator, mode, weights, n_boot,
    level, min_n, scale, missing, workers, strict, mapping); ``seed`` seeds the bootstrap and
    every permutation test.
    """
    from acsi.compare import (
        aggregate,
        estimate_groups,
        ranking,
        read_hierarchy,
    )
    from acsi.compare.group_estimates import json_number

    common = dict(common, seed=seed)
    est = estimate_groups(spec, survey, group, **common)
    construct = construct or default_construct(est.index_constructs, spec.endogenous)
    est.construct_position(construct)
    ranked = ranking(est, construct)
    out = _ranked_groups(est, ranked, group, construct)

    n_reported = int(est.reported.sum())
    pairs: str | list[tuple[Any, Any]] = "all" if n_reported <= max_pair_groups else _adjacent_pairs(ranked)
    pairs_note = (
        "all pairs" if pairs == "all" else f"adjacent ranks only ({n_reported} groups > --max-pair-groups {max_pair_groups})"
    )
    notes: list[str] = []
    out["differences"] = _differences(est, pairs, test, adjust, permutations, seed, notes)
    out["differences_settings"] = {"test": test, "adjust": adjust, "pairs": pairs_note}
    out.update(_invariance(est, construct, pairs, permutations, seed, notes))

    period_table = None
    if period:
        period_table = _periods(spec, survey, group, period, common, construct)
        out["periods"] = [
            {k: (json_number(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in period_table.to_dict("records")
        ]
    if hierarchy:
        agg = aggregate(est.table(construct), read_hierarchy(hierarchy), draws=est.draws(construct), level=est.level)
        out["aggregation"] = [
            {k: (json_number(v) if isinstance(v, float) else v) for k, v in row.items()} for row in agg.to_dict("records")
        ]

    target = target or construct
    ipma_out, overall_ipma = _ipma(spec, est, target, lower_is_better, notes)
    out["ipma"] = ipma_out
    out["notes"] = notes
    return BranchComparison(
        payload=out,
        estimates=est,
        ranked=ranked,
        construct=construct,
        target=target,
        pairs_note=pairs_note,
        periods=period_table,
        ipma=overall_ipma,
    )


def _ranked_groups(est: Any, ranked: pd.DataFrame, group: str, construct: str) -> dict[str, Any]:
    """The head of the payload: settings, the overall index, every group with its rank, rank interval and flag."""
    from acsi.compare.group_estimates import json_number

    out: dict[str, Any] = {
        "construct": construct,
        "method": est.method,
        "mode": est.mode,
        "group_column": group,
        "n_boot": est.n_boot,
        "level": est.level,
        "min_n": est.min_n,
        "overall": {
            "n_obs": est.overall["n_obs"],
            "index": {c: json_number(v) for c, v in zip(est.index_constructs, est.overall["index"])},
        },
    }
    groups = est.to_dict()
    for row in ranked.itertuples(index=False):
        entry = groups[str(row.group)]
        entry["rank"] = json_number(row.rank)
        entry["rank_ci"] = [json_number(row.rank_lower), json_number(row.rank_upper)]
        entry["flag"] = row.flag
    out["groups"] = groups
    out["ranking"] = [str(g) for g in ranked.loc[ranked["rank"].notna(), "group"]]
    return out


def _differences(
    est: Any, pairs: Any, test: str, adjust: str, permutations: int, seed: int | None, notes: list[str]
) -> list[dict[str, Any]]:
    """The tested differences of the index (and, estimated separately, of the paths) between groups."""
    from acsi.compare import compare_groups
    from acsi.compare.differences import differences_to_dict

    if int(est.reported.sum()) < 2 or not (est.n_boot or test == "permutation"):
        notes.append(
            "No tests of differences: use --bootstrap N (or --test permutation --permutations N) with at least two reported groups."
        )
        return []
    pls = est.method == "pls"
    kwargs = dict(pairs=pairs, test=test, adjust=adjust, alpha=1 - est.level, n_perm=permutations if pls else 0, seed=seed)
    differences = [dict(d, quantity="index") for d in differences_to_dict(compare_groups(est, quantity="index", **kwargs))]
    if est.mode == "separate":
        paths = compare_groups(est, quantity="paths", **kwargs)
        differences += [dict(d, quantity="path") for d in differences_to_dict(paths)]
    return differences


def _invariance(est: Any, construct: str, pairs: Any, permutations: int, seed: int | None, notes: list[str]) -> dict[str, Any]:
    """The omnibus index test and MICOM's verdicts per pair (both need permutations; MICOM needs PLS)."""
    from acsi.compare import micom, omnibus_index_test, pair_verdicts

    out: dict[str, Any] = {}
    invariance: dict[str, Any] = {}
    if permutations and int(est.reported.sum()) >= 2:
        out["omnibus"] = {construct: omnibus_index_test(est, construct, n_perm=permutations, seed=seed)}
        if est.method != "pls":
            notes.append(
                f"No MICOM and no permutation p-values: both re-estimate PLS composites and are built for --method pls "
                f"only (this run used --method {est.method}); differences use the bootstrap tests."
            )
        elif est.mode == "separate":
            mi_pairs = pairs
            if mi_pairs == "all":
                reported = [est.labels[g] for g in range(len(est.labels)) if est.reported[g]]
                mi_pairs = [(a, b) for i, a in enumerate(reported) for b in reported[i + 1 :]]
            invariance = pair_verdicts(micom(est, pairs=mi_pairs, n_perm=permutations, alpha=1 - est.level, seed=seed))
    else:
        notes.append("MICOM (invariance) and the omnibus test need permutations: use --permutations N (e.g. 1000).")
    out["invariance"] = invariance
    return out


def _ipma(spec: Any, est: Any, target: str, lower_is_better: tuple[str, ...], notes: list[str]) -> tuple[dict[str, Any], Any]:
    """The overall and per-group importance-performance maps of ``target`` (absent, with a note, when the spec has none)."""
    from acsi.compare import ipma_groups
    from acsi.compare.ipma import IndicatorPerformance, ipma_from_arrays, lower_is_better_of
    from acsi.errors import SpecError
    from acsi.structure import model_structure

    try:
        overall = ipma_from_arrays(
            target,
            est.constructs,
            est.overall["total_effects"],
            est.index_constructs,
            est.overall["index"],
            IndicatorPerformance(
                spec.indicators,
                model_structure(spec).block,
                est.overall["index_weights"],
                est.overall["means"],
                est.lower,
                est.upper,
            ),
            lower_is_better=lower_is_better_of(spec, lower_is_better),
        )
        group_maps = ipma_groups(est, target, lower_is_better=lower_is_better)
    except SpecError as err:  # IPMA is a by-product here: say why it is absent
        notes.append(f"No IPMA: {err}")
        return {}, None
    return {"overall": overall.to_dict(), "groups": {str(g): r.to_dict() for g, r in group_maps.items()}}, overall


def _periods(spec: Any, survey: Survey, group: str, period: str, common: dict[str, Any], construct: str) -> pd.DataFrame:
    """Index per (group, period) cell and its changes against the previous period and a year earlier."""
    import numpy as np

    from acsi.compare import estimate_groups, period_changes
    from acsi.compare.group_dask import dask_cells
    from acsi.compare.group_inputs import group_column
    from acsi.distributed.frames import dask_rows
    from acsi.ingest.survey import Survey

    rows = dask_rows(survey)
    if rows is not None:  # the rows stay on the Dask cluster
        cells: Any = dask_cells(rows, group, period, _SEP)
    else:
        frame = survey.frame
        groups = group_column(frame, group).astype(str)
        periods = group_column(frame, period, "period").astype(str)
        cells = Survey(frame=frame.assign(_cell=groups + _SEP + periods), metadata=survey.metadata)
    est = estimate_groups(spec, cells, "_cell", **common)
    table = est.table(construct)
    split = table["group"].astype(str).str.split(_SEP, n=1, expand=True)
    table = table.assign(group=split[0], period=split[1])
    table.loc[~table["reported"], ["value", "se", "ci_lower", "ci_upper"]] = np.nan
    return period_changes(table, level=est.level)
