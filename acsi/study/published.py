"""A published simulation table beside the study's own numbers, compared within Monte-Carlo error.

A study file may carry the table of a paper whose population it reproduces (``reference:``;
``models/studies/kock_2019.yaml``)::

    reference:
      citation: Kock, N. (2019). From composites to factors ... Table 3.
      source: https://doi.org/10.1111/isj.12228
      replications: 1000                 # the paper's, for the MCSE of its numbers
      where: {distribution: normal}       # the condition the table belongs to (optional)
      columns: {PLSF: null, FIML: cbsem, OLS: sumscore, PLS: pls}   # the paper's column -> our estimator
      table:
        - {statistic: bias, parameter: CO -> EU, n: 100, PLSF: 0.0107, FIML: -0.0047, OLS: -0.0214, PLS: -0.0145}
        - {statistic: empirical_se, parameter: CO -> EU, n: 100, PLSF: 0.0782, ...}

Statistics (:data:`STATISTICS`): ``mean_estimate``, ``bias``, ``empirical_se``, ``rmse``,
``power`` and ``coverage`` (fractions; the Wald test / interval of the study). A column mapped
to ``null`` is a method the study does not have: its numbers are kept, not compared.

The comparison (:func:`compare_published`), one row per published number: ours (the standardised
path's; CB-SEM's Wald power and coverage from the marker-metric path, ``kind`` says which) and its
Monte-Carlo SE from the summary (Morris, White & Crowther 2019), the published number's MCSE
from the paper's replications ``R`` (bias and mean: the published empirical SE over sqrt(R);
empirical SE: SE / sqrt(2(R - 1)); power and coverage: sqrt(p(1 - p) / R); NaN where the paper
gives no SE), ``z = (ours - published) / sqrt(mcse_ours^2 + mcse_published^2)`` and ``agrees``
(``|z| <= 3``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: Published statistic -> (summary column, its MCSE column).
STATISTICS: dict[str, tuple[str, str]] = {
    "mean_estimate": ("mean_estimate", "bias_mcse"),
    "bias": ("bias", "bias_mcse"),
    "empirical_se": ("empirical_se", "empirical_se_mcse"),
    "rmse": ("rmse", "rmse_mcse"),
    "power": ("power_wald", "power_wald_mcse"),
    "coverage": ("coverage_wald", "coverage_wald_mcse"),
}

#: Within this many combined Monte-Carlo SEs a published number counts as reproduced.
AGREEMENT_Z = 3.0

#: Where a published number is looked up: the standardised path first; for a statistic the study
#: computes only in the marker metric (CB-SEM's Wald power and coverage), the same path there
#: (a zero path is zero in both metrics, so the test of "no effect" is the same hypothesis).
_KINDS = ("path", "path_marker")

_FACTORS = ("dgp", "loading", "indicators", "distribution", "misspecification", "missing")


@dataclass(frozen=True)
class PublishedValue:
    """One number of the published table."""

    statistic: str
    parameter: str
    n: int
    column: str
    value: float


@dataclass(frozen=True)
class PublishedTable:
    """The paper's table: where it comes from, its columns mapped to our estimators, its numbers."""

    citation: str
    source: str
    replications: int
    columns: tuple[tuple[str, str | None], ...]
    values: tuple[PublishedValue, ...]
    where: tuple[tuple[str, Any], ...] = ()

    def estimator_of(self, column: str) -> str | None:
        """Our estimator for the paper's column (None: a method the study does not have)."""
        return dict(self.columns)[column]


def read_published(reader: Any, raw: object, *, paths: set[str], ns: tuple[int, ...], estimators: set[str]) -> PublishedTable:
    """The ``reference`` block of a study file, validated (``reader``: the study file's typed reader)."""
    block = reader.mapping(raw, "reference", ("citation", "source", "replications", "where", "columns", "table", "note"))
    for required in ("citation", "replications", "columns", "table"):
        if required not in block:
            raise reader.fail(
                f"reference.{required}", "this key (a published table needs citation, replications, columns, table)", None
            )
    columns = reader.mapping(block["columns"], "reference.columns")
    for label, ours in columns.items():
        if ours is not None and ours not in estimators:
            raise reader.fail(
                f"reference.columns.{label}", f"null or an estimator of the study ({', '.join(sorted(estimators))})", ours
            )
    where = reader.mapping(block.get("where", {}), "reference.where", _FACTORS)
    values: list[PublishedValue] = []
    for j, row in enumerate(reader.listing(block["table"], "reference.table")):
        key = f"reference.table[{j}]"
        row = reader.mapping(row, key, ("statistic", "parameter", "n", *columns))
        statistic = reader.choice(row.get("statistic"), f"{key}.statistic", tuple(STATISTICS))
        parameter = reader.choice(row.get("parameter"), f"{key}.parameter", tuple(sorted(paths)))
        n = row.get("n")
        if n not in ns:
            raise reader.fail(f"{key}.n", f"a sample size of the design ({', '.join(map(str, ns))})", n)
        for label in columns:
            if row.get(label) is not None:
                values.append(
                    PublishedValue(statistic, parameter, int(n), str(label), reader.number(row[label], f"{key}.{label}"))
                )
    return PublishedTable(
        citation=reader.name(block["citation"], "reference.citation"),
        source=str(block.get("source", "")),
        replications=reader.integer(block["replications"], "reference.replications", 2),
        columns=tuple((str(k), None if v is None else str(v)) for k, v in columns.items()),
        values=tuple(values),
        where=tuple(where.items()),
    )


def check_where(reader: Any, table: PublishedTable, levels: Mapping[str, set[str]]) -> None:
    """The table's ``where`` names a level of every design factor that varies, and only existing levels.

    ``levels``: each factor's levels as text (from the design's conditions).
    """
    where = dict(table.where)
    for factor in _FACTORS:
        known = levels.get(factor, set())
        if factor in where and str(where[factor]) not in known:
            raise reader.fail(f"reference.where.{factor}", f"a level of the design ({', '.join(sorted(known))})", where[factor])
        if factor not in where and len(known) > 1:
            raise reader.fail(
                f"reference.where.{factor}",
                f"the level of '{factor}' the table belongs to (the design varies it: {', '.join(sorted(known))})",
                None,
            )


def published_mcse(table: PublishedTable, value: PublishedValue) -> float:
    """The Monte-Carlo SE of a published number from the paper's replications (module notes)."""
    r = table.replications
    if value.statistic in ("power", "coverage"):
        return math.sqrt(value.value * (1.0 - value.value) / r)
    spread = {(v.parameter, v.n, v.column): v.value for v in table.values if v.statistic == "empirical_se"}
    sd = spread.get((value.parameter, value.n, value.column), math.nan)
    if value.statistic == "empirical_se":
        return value.value / math.sqrt(2.0 * (r - 1))
    if value.statistic in ("bias", "mean_estimate"):
        return sd / math.sqrt(r)
    return math.nan


def compare_published(summary: pd.DataFrame, table: PublishedTable) -> pd.DataFrame:
    """One row per published number: published, ours, both MCSEs, z and ``agrees`` (module notes)."""
    rows_of = summary[summary.kind.isin(_KINDS)]
    for factor, level in table.where:
        rows_of = rows_of[rows_of[factor].astype(str) == str(level)]
    indexed = rows_of.set_index(["estimator", "parameter", "n", "kind"]).sort_index()
    rows = []
    for value in table.values:
        estimator = table.estimator_of(value.column)
        column, mcse_column = STATISTICS[value.statistic]
        match, kind = None, None
        for candidate in _KINDS if estimator is not None else ():
            key = (estimator, value.parameter, value.n, candidate)
            if key in indexed.index and math.isfinite(float(indexed.loc[key][column])):
                match, kind = indexed.loc[key], candidate
                break
        ours = float(match[column]) if match is not None else math.nan
        mcse = float(match[mcse_column]) if match is not None else math.nan
        theirs = published_mcse(table, value)
        combined = math.hypot(mcse, theirs) if math.isfinite(theirs) else mcse
        if not math.isfinite(ours):
            z = math.nan
        else:
            z = (ours - value.value) / combined if combined > 0 else (0.0 if ours == value.value else math.inf)
        rows.append(
            {
                "statistic": value.statistic,
                "parameter": value.parameter,
                "n": value.n,
                "column": value.column,
                "estimator": estimator,
                "kind": kind,
                "published": value.value,
                "published_mcse": theirs,
                "ours": ours,
                "ours_mcse": mcse,
                "used": float(match["used"]) if match is not None else math.nan,
                "difference": ours - value.value,
                "z": z,
                "agrees": bool(abs(z) <= AGREEMENT_Z) if math.isfinite(ours) else None,
            }
        )
    return pd.DataFrame(rows)


def agreement_line(comparison: pd.DataFrame, table: PublishedTable) -> str:
    """One sentence: how many compared numbers agree within :data:`AGREEMENT_Z` MCSEs, per statistic."""
    compared = comparison[comparison.agrees.notna()]
    parts = [
        f"{stat}: {int(group.agrees.astype(bool).sum())} of {len(group)}"
        for stat, group in compared.groupby("statistic", sort=False)
    ]
    not_compared = len(comparison) - len(compared)
    return (
        f"Published table ({_short(table.citation)}): within {AGREEMENT_Z:g} Monte-Carlo SEs "
        + ("; ".join(parts) or "nothing compared")
        + (f"; {not_compared} numbers of methods or statistics the study does not compute" if not_compared else "")
    )


def _short(citation: str) -> str:
    """``Author, A. (2019)`` from a full citation (up to the year's closing parenthesis)."""
    head, bracket, _ = citation.partition(")")
    return (head + bracket) if bracket and len(head) < 80 else citation[:60]
