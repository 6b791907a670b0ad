"""Ranks, period changes and aggregation on any tidy table of (group, period, value, n).

These functions know nothing about PLS: they take a data frame with one row per group (and
period) holding an estimate ``value``, its sample size ``n`` and its standard error ``se``
(or bootstrap draws), so they serve survey indices (:meth:`GroupEstimates.table`) and the
evaluator-device indicators (satisfied rate, bad-review rate, mean score per branch, window,
staff member and period) alike. For device rates and means, :func:`proportion_se` and
:func:`mean_se` give the standard errors.

* Ranks with uncertainty: each group's rank over bootstrap draws (or, given only standard
  errors, over normal draws ``value + se z``), with a percentile interval of the rank.
* Changes: against the previous period and the same period a year earlier,
  ``d = v_t - v_s``, ``se_d = sqrt(se_t^2 + se_s^2)`` (independent samples), normal interval
  ``d +- z_{(1+level)/2} se_d`` and two-sided p-value ``2 (1 - Phi(|d| / se_d))``.
* Aggregation (ACSI practice, Fornell et al. 1996): a parent's index is the weighted mean of
  its children's, ``v = sum_c s_c v_c`` with shares ``s_c = w_c / sum w`` of the weights
  given in a file (firm revenues within an industry, industry revenues within a sector,
  sector shares of GDP in the nation), renormalised over the children that have a value;
  ``se = sqrt(sum_c s_c^2 se_c^2)``, or, with draws, the same weighted mean of the draws
  and a percentile interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from acsi.compare.periods import parse_periods
from acsi.core.intervals import percentile_interval
from acsi.errors import DataError, ParameterError


def proportion_se(value: np.ndarray | pd.Series, n: np.ndarray | pd.Series, *, percent: bool = False) -> np.ndarray:
    """Standard error of a rate: ``sqrt(p (1 - p) / n)`` (on the 0-100 scale if ``percent``)."""
    scale = 100.0 if percent else 1.0
    p = np.asarray(value, dtype=float) / scale
    return scale * np.sqrt(p * (1.0 - p) / np.asarray(n, dtype=float))


def mean_se(sd: np.ndarray | pd.Series, n: np.ndarray | pd.Series) -> np.ndarray:
    """Standard error of a mean score: ``sd / sqrt(n)``."""
    return np.asarray(sd, dtype=float) / np.sqrt(np.asarray(n, dtype=float))


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise DataError(
            f"The {what} table lacks column(s) {', '.join(absent)}; columns found: {', '.join(map(str, table.columns))}."
        )


def rank_table(
    table: pd.DataFrame,
    *,
    value: str = "value",
    se: str = "se",
    draws: np.ndarray | None = None,
    n_draws: int = 1000,
    seed: int | None = None,
    level: float = 0.95,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Rank the rows of ``table`` by ``value``, with the uncertainty of each rank.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per group; a boolean ``reported`` column, if present, keeps rows out of the
        ranking (their rank is NaN), as do NaN values.
    draws : ndarray, shape (len(table), B), optional
        Bootstrap draws of each row's value. Without them, ``n_draws`` normal draws
        ``value + se z`` are used (``se`` column required).
    higher_is_better : bool
        Rank 1 for the highest value (indices, satisfied rate) or the lowest (bad-review rate).

    Returns
    -------
    pandas.DataFrame
        ``table`` sorted by rank with ``rank``, ``rank_median``, ``rank_lower``,
        ``rank_upper`` and ``p_best`` (share of draws ranked first).
    """
    _require(table, [value], "ranking")
    out = table.reset_index(drop=True).copy()
    v = out[value].to_numpy(dtype=float)
    eligible = ~np.isnan(v)
    if "reported" in out.columns:
        eligible &= out["reported"].to_numpy(dtype=bool)
    if draws is None:
        _require(out, [se], "ranking")
        rng = np.random.default_rng(seed)
        s = out[se].to_numpy(dtype=float)
        draws = v[:, None] + np.nan_to_num(s)[:, None] * rng.standard_normal((v.size, n_draws))
    draws = np.asarray(draws, dtype=float)
    if draws.shape[0] != v.size:
        raise ParameterError(f"draws need one row per table row ({v.size}); got shape {draws.shape}.")
    sign = -1.0 if higher_is_better else 1.0
    rank = np.full(v.size, np.nan)
    lower = np.full(v.size, np.nan)
    upper = np.full(v.size, np.nan)
    median = np.full(v.size, np.nan)
    best = np.full(v.size, np.nan)
    idx = np.flatnonzero(eligible)
    if idx.size:
        rank[idx] = stats.rankdata(sign * v[idx], method="min")
        d = np.where(np.isnan(draws[idx]), v[idx, None], draws[idx])
        ranks = np.argsort(np.argsort(sign * d, axis=0, kind="stable"), axis=0) + 1.0
        alpha = (1.0 - level) / 2.0
        lower[idx] = np.quantile(ranks, alpha, axis=1, method="inverted_cdf")
        upper[idx] = np.quantile(ranks, 1.0 - alpha, axis=1, method="inverted_cdf")
        median[idx] = np.median(ranks, axis=1)
        best[idx] = (ranks == 1).mean(axis=1)
    out["rank"] = rank
    out["rank_median"] = median
    out["rank_lower"] = lower
    out["rank_upper"] = upper
    out["p_best"] = best
    return out.sort_values(["rank", value], ascending=[True, not higher_is_better], na_position="last").reset_index(drop=True)


def period_changes(
    table: pd.DataFrame,
    *,
    group: str = "group",
    period: str = "period",
    value: str = "value",
    se: str = "se",
    level: float = 0.95,
) -> pd.DataFrame:
    """Change of each group's value against the previous period and the same period a year earlier.

    Period labels are parsed into calendar periods (:mod:`acsi.compare.periods`: days
    ``2024-03-05``, ISO weeks ``2024-W10`` as the device indicators write them, months
    ``2024-03``, quarters ``2024Q1`` / ``2024-Q1`` / ``Q1/24``, years ``2024``), so the previous
    period is the calendar's (``2024Q1`` -> ``2023Q4``), as is the year-ago period (``2024Q1`` ->
    ``2023Q1``, ``2024-W10`` -> ``2023-W10``), never the text order of the labels. A comparison
    whose other period is missing is NaN.

    Raises
    ------
    DataError
        Labels that are not periods (``sometime``, ``2024-13``, ``Q5/24``), named with the accepted
        forms; periods of mixed kinds; two rows for one group and period.

    Returns
    -------
    pandas.DataFrame
        The input columns plus, for ``prev`` and ``yoy``: ``<k>_period``, ``<k>_change``,
        ``<k>_ci_lower``, ``<k>_ci_upper``, ``<k>_p``.
    """
    _require(table, [group, period, value, se], "period")
    out = table.reset_index(drop=True).copy()
    parsed = parse_periods(out[period], column=period)
    written = {p: label for label, p in parsed.items()}  # each period as the table writes it
    out["_period"] = [parsed[label] for label in out[period]]
    if out.duplicated([group, "_period"]).any():
        dup = out.loc[out.duplicated([group, "_period"]), [group, period]].iloc[0].tolist()
        raise DataError(f"The period table has more than one row for group {dup[0]!r}, period {dup[1]!r}; keep one.")
    lookup = {(g, p): i for i, (g, p) in enumerate(zip(out[group], out["_period"]))}
    z = stats.norm.ppf(0.5 + level / 2.0)
    v = out[value].to_numpy(dtype=float)
    s = out[se].to_numpy(dtype=float)
    for key in ("prev", "yoy"):
        other = np.full(len(out), -1)
        labels: list[Any] = [None] * len(out)
        for i, (g, p) in enumerate(zip(out[group], out["_period"])):
            target = p.previous() if key == "prev" else p.year_ago()
            labels[i] = written.get(target, target.label) if target is not None else None
            if target is not None and (g, target) in lookup:
                other[i] = lookup[(g, target)]
        has = other >= 0
        change = np.where(has, v - v[other], np.nan)
        se_change = np.where(has, np.sqrt(s**2 + s[other] ** 2), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_value = 2.0 * stats.norm.sf(np.abs(change) / se_change)
        out[f"{key}_period"] = labels
        out[f"{key}_change"] = change
        out[f"{key}_ci_lower"] = change - z * se_change
        out[f"{key}_ci_upper"] = change + z * se_change
        out[f"{key}_p"] = p_value
    return out.drop(columns="_period")


def read_hierarchy(path: str) -> pd.DataFrame:
    """Read an aggregation file: CSV with columns ``unit, parent, weight`` (and optionally ``level``)."""
    frame = pd.read_csv(path)
    _require(frame, ["unit", "parent", "weight"], f"hierarchy ({path})")
    return frame


def aggregate(
    table: pd.DataFrame,
    hierarchy: pd.DataFrame,
    *,
    unit: str = "group",
    value: str = "value",
    se: str = "se",
    draws: np.ndarray | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Aggregate unit values up a weighted hierarchy (firm -> industry -> sector -> nation).

    Parameters
    ----------
    table : pandas.DataFrame
        The lowest level: one row per unit with ``value`` and ``se``.
    hierarchy : pandas.DataFrame
        ``unit, parent, weight``: each unit's parent (empty for the root) and its weight
        within the parent (revenue, sales, GDP share). An optional ``level`` column names
        the level of each unit (``firm``, ``industry``, ...).
    draws : ndarray, shape (len(table), B), optional
        Bootstrap draws of each unit's value; the interval is then the percentile interval
        of the aggregated draws (intervals carried through the aggregation).

    Returns
    -------
    pandas.DataFrame
        One row per unit of the hierarchy: ``unit, parent, level, depth, value, se,
        ci_lower, ci_upper, n_children, weight`` (leaves first, the root last).

    Raises
    ------
    DataError
        A unit of ``table`` missing from the hierarchy, negative or missing weights, a cycle,
        or a unit listed twice.
    """
    _require(table, [unit, value], "aggregation")
    _require(hierarchy, ["unit", "parent", "weight"], "hierarchy")
    h = hierarchy.copy()
    h["unit"] = h["unit"].astype(str)
    h["parent"] = h["parent"].where(h["parent"].notna(), None)
    h["parent"] = [None if p is None or str(p).strip() == "" else str(p) for p in h["parent"]]
    if h["unit"].duplicated().any():
        raise DataError(
            f"Unit {h['unit'][h['unit'].duplicated()].iloc[0]!r} appears twice in the hierarchy; list each unit once."
        )
    weights = pd.to_numeric(h["weight"], errors="coerce").to_numpy(dtype=float)
    if (~np.isfinite(weights) | (weights < 0)).any():
        bad = h["unit"][~np.isfinite(weights) | (weights < 0)].iloc[0]
        raise DataError(f"The weight of unit {bad!r} in the hierarchy is missing or negative; weights must be >= 0.")
    parent = dict(zip(h["unit"], h["parent"]))
    weight = dict(zip(h["unit"], weights))
    names = dict(zip(h["unit"], h["level"])) if "level" in h.columns else {}
    leaves = [str(u) for u in table[unit]]
    absent = [u for u in leaves if u not in parent]
    if absent:
        raise DataError(
            f"{len(absent)} unit(s) of the table are not in the hierarchy: {', '.join(absent[:5])}. "
            "Add them (unit, parent, weight) to the hierarchy file."
        )
    unknown_parents = sorted({p for p in parent.values() if p is not None and p not in parent})
    for p in unknown_parents:  # parents named only as parents become roots
        parent[p] = None
        weight[p] = 1.0
    depth: dict[str, int] = {}
    for u in parent:
        seen, node, d = set(), u, 0
        while parent[node] is not None:
            if node in seen:
                raise DataError(f"The hierarchy has a cycle through unit {node!r}; each unit needs one parent above it.")
            seen.add(node)
            node, d = parent[node], d + 1
        depth[u] = d
    v = table[value].to_numpy(dtype=float)
    s = table[se].to_numpy(dtype=float) if se in table.columns else np.full(len(table), np.nan)
    B = None if draws is None else np.asarray(draws, dtype=float)
    val: dict[str, float] = dict(zip(leaves, v))
    var: dict[str, float] = dict(zip(leaves, s**2))
    drw: dict[str, np.ndarray] = {u: B[i] for i, u in enumerate(leaves)} if B is not None else {}
    children: dict[str, list[str]] = {}
    for u, p in parent.items():
        if p is not None:
            children.setdefault(p, []).append(u)
    rows = []
    alpha = (1.0 - level) / 2.0
    z = stats.norm.ppf(1.0 - alpha)
    for u in leaves:
        lo, hi = _interval(val[u], var[u], drw.get(u), z, level)
        rows.append((u, parent[u], names.get(u), depth[u], val[u], math.sqrt(var[u]), lo, hi, 0, weight[u]))
    for u in sorted((u for u in children if u not in val), key=lambda x: -depth[x]):
        kids = [c for c in children[u] if c in val and not math.isnan(val[c]) and weight[c] > 0]
        if not kids:
            val[u], var[u] = math.nan, math.nan
        else:
            share = np.array([weight[c] for c in kids])
            share = share / share.sum()
            val[u] = float(share @ np.array([val[c] for c in kids]))
            var[u] = float(share**2 @ np.array([var[c] for c in kids]))
            if B is not None and all(c in drw for c in kids):
                drw[u] = share @ np.stack([drw[c] for c in kids])
        lo, hi = _interval(val[u], var[u], drw.get(u), z, level)
        rows.append((u, parent[u], names.get(u), depth[u], val[u], math.sqrt(var[u]), lo, hi, len(kids), weight[u]))
    return pd.DataFrame(
        rows, columns=["unit", "parent", "level", "depth", "value", "se", "ci_lower", "ci_upper", "n_children", "weight"]
    )


def _interval(value: float, variance: float, draws: np.ndarray | None, z: float, level: float) -> tuple[float, float]:
    """Percentile interval of the finite ``draws`` (:func:`acsi.core.intervals.percentile_interval`), else
    the normal interval ``value +- z sqrt(variance)``."""
    if draws is not None and np.isfinite(draws).any():
        lower, upper = percentile_interval(draws[np.isfinite(draws)], level)
        return float(lower), float(upper)
    sd = math.sqrt(variance) if not math.isnan(variance) else math.nan
    return value - z * sd, value + z * sd
