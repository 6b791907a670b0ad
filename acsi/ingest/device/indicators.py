"""From evaluation events to indicators per branch / window / staff and day / week / month /
quarter / year (local time), with Wilson intervals, a minimum-n rule, and comparisons with the
previous period (环比) and the same period last year (同比).

The work is split in two so that 10 million events never leave SQL or Arrow as rows:

1. a **count table**: events counted per (bank, branch, window, staff, local day, scale,
   thresholds, outcome, level, label, flags, prompted), from SQL (:meth:`EventStore.count_table`),
   from Parquet (:func:`~acsi.ingest.device.parquet_counts.counts_from_parquet`) or from a DataFrame
   (:func:`counts_from_events`);
2. :func:`indicators_from_counts`: the arithmetic below on those counts.

Definitions (n = rated events of the cell; k = the device's number of levels; design note
``shared/design/evaluator-devices.md`` section 2.7)

=====================  ==========================================================================
``n_rated``            events with outcome ``rated``
``n_prompted``         prompts that ended (rated, timeout or cancelled); ``n_timeout`` ...
``response_rate``      rated prompts / ``n_prompted`` (prompted devices only; else NaN)
``share_level_{j}_of_{k}``  count(level = j) / n_k among k-level events (never pooled across k)
``top_box``            count(level = k) / n  (非常满意率), each event on its own scale
``satisfied_rate``     count(level >= satisfied_min_level) / n  (满意率)
``bad_rate``           count(level <= bad_max_level) / n  (差评率)
``complaint_rate``     count(label = complaint) / n
``mean_score_0_100``   mean of (level - 1) / (k - 1) * 100, pooled over scales weighted by n
``reason_share_{r}``   rated events citing reason r / n (multi-valued: need not sum to 1)
=====================  ==========================================================================

Intervals: Wilson score intervals for shares (Wilson 1927); normal intervals for the mean
score; differences of shares by Newcombe's hybrid score method 10 (Newcombe 1998, *Statistics
in Medicine* 17:873-890), differences of means by the normal approximation with both standard
errors. Cells with ``n_rated < min_n`` (default 30) are not reportable: their rates are
masked (``small_n="mask"``) or kept and flagged (``"flag"``), and no comparison is made with
or from them. Counts of the quality flags ``burst``, ``no_staff``, ``off_hours`` and
``duplicate_press`` stand beside the indicators, never used to filter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from acsi.core.proportions import wilson_score_interval
from acsi.errors import ParameterError

__all__ = [
    "COUNT_KEYS",
    "PERIODS",
    "counts_from_events",
    "events_to_indicators",
    "fold_counts",
    "indicators_from_counts",
    "period_of",
    "wilson_interval",
]

COUNT_KEYS = (
    "bank_id",
    "branch_id",
    "window_id",
    "staff_id",
    "local_date",
    "scale_levels",
    "satisfied_min_level",
    "bad_max_level",
    "outcome",
    "level",
    "label",
    "flags",
    "prompted",
)
REASON_KEYS = ("bank_id", "branch_id", "window_id", "staff_id", "local_date")
PERIODS = ("day", "week", "month", "quarter", "year")
UNITS = {
    "bank": ("bank_id",),
    "branch": ("bank_id", "branch_id"),
    "window": ("bank_id", "branch_id", "window_id"),
    "staff": ("bank_id", "branch_id", "staff_id"),
}
SHARES = ("top_box", "satisfied_rate", "bad_rate", "complaint_rate")
COMPARED = ("mean_score_0_100", *SHARES)
QUALITY_FLAGS = ("burst", "no_staff", "off_hours", "duplicate_press")


# -- periods ---------------------------------------------------------------------------------
def period_of(day: dt.date, kind: str) -> tuple[str, dt.date]:
    """Label and first day of the calendar period containing ``day``: ``2024-03-05``,
    ``2024-W10`` (ISO week), ``2024-03``, ``2024Q1``, ``2024``."""
    if kind == "day":
        return day.isoformat(), day
    if kind == "week":
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day - dt.timedelta(days=weekday - 1)
    if kind == "month":
        return f"{day.year}-{day.month:02d}", day.replace(day=1)
    if kind == "quarter":
        q = (day.month - 1) // 3 + 1
        return f"{day.year}Q{q}", dt.date(day.year, 3 * q - 2, 1)
    if kind == "year":
        return str(day.year), dt.date(day.year, 1, 1)
    raise ParameterError(f"period must be one of {', '.join(PERIODS)}, got {kind!r}.")


def _previous(start: dt.date, kind: str) -> dt.date:
    if kind == "day":
        return start - dt.timedelta(days=1)
    if kind == "week":
        return start - dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    m = start.year * 12 + start.month - 1 - months
    return dt.date(m // 12, m % 12 + 1, 1)


def _last_year(start: dt.date, kind: str) -> dt.date | None:
    if kind == "week":
        _, week, _ = start.isocalendar()
        try:
            return dt.date.fromisocalendar(start.isocalendar()[0] - 1, week, 1)
        except ValueError:
            return None  # ISO week 53 has no counterpart last year
    try:
        return start.replace(year=start.year - 1)
    except ValueError:
        return None  # 29 February


# -- intervals -------------------------------------------------------------------------------
def wilson_interval(successes, n, confidence: float = 0.95):
    """Wilson score interval for a proportion, vectorised: :func:`acsi.core.proportions.wilson_score_interval`
    at the two-sided normal quantile of ``confidence``; n = 0 (or NaN) gives NaN."""
    return wilson_score_interval(successes, n, NormalDist().inv_cdf(0.5 + confidence / 2))


# -- count tables ----------------------------------------------------------------------------
def _normalise_counts(counts: pd.DataFrame) -> pd.DataFrame:
    counts = counts.copy()
    counts["prompted"] = counts["prompted"].astype(bool)
    counts["n"] = counts["n"].astype("int64")
    return counts


def counts_from_events(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count table and reason counts from an events DataFrame (columns as in the store)."""
    frame = events.copy()
    frame["prompted"] = frame["prompt_id"].notna()
    keys = list(COUNT_KEYS)
    counts = frame.groupby(keys, dropna=False, sort=False).size().rename("n").reset_index()
    return _normalise_counts(counts), _reason_counts(frame)


def _reason_counts(frame: pd.DataFrame) -> pd.DataFrame:
    rated = frame[(frame["outcome"] == "rated") & (frame["reason_codes"].fillna("[]") != "[]")]
    rows = []
    for values in rated[list(REASON_KEYS) + ["reason_codes"]].itertuples(index=False, name=None):
        for reason in json.loads(values[-1]):
            rows.append((*values[:-1], reason))
    reasons = pd.DataFrame(rows, columns=[*REASON_KEYS, "reason"])
    return reasons.groupby([*REASON_KEYS, "reason"], dropna=False).size().rename("n").reset_index()


def fold_counts(counts: pd.DataFrame, units: Sequence[str], kind: str | None) -> pd.DataFrame:
    """A count (or reason count) table reduced to the unit columns ``units``, with each
    ``local_date`` replaced by the first day of its ``kind`` period, counts summed."""
    if kind is None:
        return counts
    cache: dict[str, str] = {}
    drop = [u for unit in UNITS.values() for u in unit if u not in units]
    folded = counts.drop(columns=[c for c in drop if c in counts.columns])
    folded = folded.assign(local_date=[_period_start(d, kind, cache) for d in folded["local_date"]])
    keys = [c for c in folded.columns if c != "n"]
    return folded.groupby(keys, dropna=False, sort=False)["n"].sum().reset_index()


def _period_start(day: str | None, kind: str, cache: dict[str, str]) -> str | None:
    if day is None:
        return None
    if day not in cache:
        cache[day] = period_of(dt.date.fromisoformat(day), kind)[1].isoformat()
    return cache[day]


# -- indicators ------------------------------------------------------------------------------
def _parse_by(by: str | Sequence[str]) -> tuple[list[str], str]:
    parts = [p.strip() for p in (by.split(",") if isinstance(by, str) else by) if p.strip()]
    periods = [p for p in parts if p in PERIODS]
    units = [p for p in parts if p in UNITS]
    unknown = [p for p in parts if p not in PERIODS and p not in UNITS]
    if unknown or len(periods) != 1:
        raise ParameterError(
            f"by={','.join(parts)!r}: give one period ({', '.join(PERIODS)}) and any of the units "
            f"{', '.join(UNITS)}; {'unknown: ' + ', '.join(unknown) if unknown else 'found ' + str(len(periods)) + ' periods'}."
        )
    keys: list[str] = []
    for unit in units:
        for k in UNITS[unit]:
            if k not in keys:
                keys.append(k)
    return keys, periods[0]


def indicators_from_counts(
    counts: pd.DataFrame,
    reasons: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("branch", "month"),
    min_n: int = 30,
    confidence: float = 0.95,
    small_n: str = "mask",
    compare: bool = True,
) -> pd.DataFrame:
    """Indicators per unit x period from a count table (see the module docstring).

    Parameters
    ----------
    counts, reasons : DataFrame
        From :meth:`EventStore.count_table`, :func:`~acsi.ingest.device.parquet_counts.counts_from_parquet` or
        :func:`counts_from_events`.
    by : str or sequence
        Units (``bank``, ``branch``, ``window``, ``staff``) and one period (``day``, ``week``,
        ``month``, ``quarter``, ``year``), e.g. ``"branch,month"``. ``branch`` keys on
        ``bank_id`` and ``branch_id``.
    min_n : int
        Cells with fewer rated events are not reportable (``reportable = False``).
    small_n : {"mask", "flag"}
        Mask the rates of unreportable cells with NaN, or keep them (the flag says which).
    compare : bool
        Add ``*_prev``, ``*_diff_prev`` (环比) and ``*_yoy``, ``*_diff_yoy`` (同比) columns with
        ``_low``/``_high`` interval bounds for the mean score and the four shares.

    Returns
    -------
    DataFrame
        One row per unit x period, keyed by the unit columns, ``period`` (label) and
        ``period_start``; sorted by those keys. Ready to join survey data at branch x period.
    """
    if small_n not in ("mask", "flag"):
        raise ParameterError(f"small_n must be 'mask' or 'flag', got {small_n!r}.")
    if not isinstance(min_n, int) or min_n < 1:
        raise ParameterError(f"min_n must be a positive integer, got {min_n!r}.")
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be in (0, 1), got {confidence!r}.")
    keys, kind = _parse_by(by)
    made_for = counts.attrs.get("acsi_by")
    if made_for is not None and made_for[1] is not None and (made_for[1] != kind or not set(keys) <= set(made_for[0])):
        raise ParameterError(
            f"These counts were made for by={made_for[2]!r} (days folded into {made_for[1]}s, only the "
            f"columns {', '.join(made_for[0])}); make them with by={by if isinstance(by, str) else ','.join(by)!r}, "
            "or without by."
        )
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    out, scales = _cell_sums(counts, keys, kind)
    _rates(out, scales, confidence, z)
    share_cols = [f"share_level_{j}_of_{s}" for s in scales for j in range(1, s + 1)]
    out, reason_cols = _reason_shares(out, reasons, keys, kind)
    out["reportable"] = out["n_rated"] >= min_n
    masked = [
        "response_rate",
        "response_rate_low",
        "response_rate_high",
        "mean_score_se",
        *[f"{c}{s}" for c in COMPARED for s in ("", "_low", "_high")],
        *share_cols,
        *reason_cols,
    ]
    if small_n == "mask":
        out.loc[~out["reportable"], masked] = np.nan
    if compare:
        out = _compare(out, keys, kind, z)
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])
    return out.sort_values([*keys, "period_start"], kind="stable").reset_index(drop=True)


def _cell_sums(counts: pd.DataFrame, keys: list[str], kind: str) -> tuple[pd.DataFrame, list[int]]:
    """Per unit x period: event counts by outcome and flag, and the sums the rates need (top box,
    satisfied, bad, complaint, score and squared score of rated events, levels per scale);
    columns starting with ``_`` are working sums. Also the scales (numbers of levels) rated."""
    c = counts.copy()
    days = {d: period_of(dt.date.fromisoformat(d), kind) for d in c["local_date"].unique()}
    c["period"] = c["local_date"].map(lambda d: days[d][0])
    c["period_start"] = c["local_date"].map(lambda d: days[d][1])
    group = [*keys, "period", "period_start"]
    rated = c["outcome"] == "rated"
    n = c["n"]
    level = c["level"].astype(float)
    k = c["scale_levels"].astype(float)
    score = (level - 1) / (k - 1) * 100
    parts = {
        "n_events": n,
        "n_rated": n.where(rated, 0),
        "n_prompted": n.where(c["prompted"] & c["outcome"].isin(["rated", "timeout", "cancelled"]), 0),
        "_rated_prompted": n.where(c["prompted"] & rated, 0),
        "n_timeout": n.where(c["outcome"] == "timeout", 0),
        "n_cancelled": n.where(c["outcome"] == "cancelled", 0),
        "n_late": n.where(c["outcome"] == "late", 0),
        "n_unprompted": n.where(c["outcome"] == "unprompted", 0),
        "n_unmapped": n.where(c["outcome"] == "unmapped", 0),
        "_top": n.where(rated & (level == k), 0),
        "_sat": n.where(rated & (level >= c["satisfied_min_level"]), 0),
        "_bad": n.where(rated & (level <= c["bad_max_level"]), 0),
        "_complaint": n.where(rated & (c["label"] == "complaint"), 0),
        "_sum": (n * score).where(rated, 0.0),
        "_sumsq": (n * score * score).where(rated, 0.0),
    }
    flags = c["flags"].fillna("[]")
    for flag in QUALITY_FLAGS:
        parts[f"n_{flag}"] = n.where(flags.str.contains(f'"{flag}"', regex=False), 0)
    scales = sorted(int(s) for s in c.loc[rated, "scale_levels"].unique())
    for s in scales:
        on = rated & (c["scale_levels"] == s)
        parts[f"n_rated_{s}_levels"] = n.where(on, 0)
        for j in range(1, s + 1):
            parts[f"_lv_{j}_of_{s}"] = n.where(on & (level == j), 0)
    table = pd.DataFrame(parts)
    for col in group:
        table[col] = c[col]
    out = table.groupby(group, dropna=False, sort=True).sum().reset_index()
    out["scales_mixed"] = (out[[f"n_rated_{s}_levels" for s in scales]] > 0).sum(axis=1) > 1 if scales else False
    return out, scales


def _rates(out: pd.DataFrame, scales: list[int], confidence: float, z: float) -> None:
    """Add the response rate, the four shares (Wilson intervals), the mean score (normal
    interval) and the share of each level per scale to the cell sums, in place."""
    nr = out["n_rated"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["response_rate"] = out["_rated_prompted"] / out["n_prompted"].where(out["n_prompted"] > 0)
        lo, hi = wilson_interval(out["_rated_prompted"], out["n_prompted"].where(out["n_prompted"] > 0), confidence)
        out["response_rate_low"], out["response_rate_high"] = lo, hi
        for name, col in zip(SHARES, ("_top", "_sat", "_bad", "_complaint")):
            out[name] = out[col] / nr.where(nr > 0)
            out[f"{name}_low"], out[f"{name}_high"] = wilson_interval(out[col], nr.where(nr > 0), confidence)
        mean = out["_sum"] / nr.where(nr > 0)
        var = (out["_sumsq"] - nr * mean * mean) / (nr - 1).where(nr > 1)
        se = np.sqrt(var.clip(lower=0) / nr)
        out["mean_score_0_100"] = mean
        out["mean_score_se"] = se
        out["mean_score_0_100_low"] = mean - z * se
        out["mean_score_0_100_high"] = mean + z * se
        for s in scales:
            ns = out[f"n_rated_{s}_levels"].astype(float)
            for j in range(1, s + 1):
                out[f"share_level_{j}_of_{s}"] = out[f"_lv_{j}_of_{s}"] / ns.where(ns > 0)


def _reason_shares(out: pd.DataFrame, reasons: pd.DataFrame | None, keys: list[str], kind: str) -> tuple[pd.DataFrame, list[str]]:
    """The cells with ``reason_n_{r}`` counts and ``reason_share_{r}`` (of rated events) added, and the share columns."""
    reason_cols: list[str] = []
    if reasons is None or not len(reasons):
        return out, reason_cols
    nr = out["n_rated"].astype(float)
    r = reasons.copy()
    r["period"] = r["local_date"].map(lambda d: period_of(dt.date.fromisoformat(d), kind)[0])
    wide = r.groupby([*keys, "period", "reason"], dropna=False)["n"].sum().unstack("reason", fill_value=0)
    wide.columns = [f"reason_n_{name}" for name in wide.columns]
    out = out.merge(wide.reset_index(), on=[*keys, "period"], how="left")
    for col in wide.columns:
        out[col] = out[col].fillna(0).astype("int64")
        name = col.removeprefix("reason_n_")
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"reason_share_{name}"] = out[col] / nr.where(nr > 0)
        reason_cols.append(f"reason_share_{name}")
    return out, reason_cols


def _compare(out: pd.DataFrame, keys: list[str], kind: str, z: float) -> pd.DataFrame:
    starts = out["period_start"]
    cols = [*keys, "period_start"]
    base = out[[*cols, "reportable", "n_rated", "mean_score_se", *[f"{c}{s}" for c in COMPARED for s in ("", "_low", "_high")]]]
    for tag, shift in (("prev", lambda d: _previous(d, kind)), ("yoy", lambda d: _last_year(d, kind))):
        target = out[keys].copy()
        target["period_start"] = starts.map(shift)
        other = target.merge(base, on=cols, how="left")
        ok = out["reportable"].to_numpy() & other["reportable"].fillna(False).astype(bool).to_numpy()
        for name in COMPARED:
            cur, prev = out[name].to_numpy(float), other[name].to_numpy(float)
            out[f"{name}_{tag}"] = np.where(ok, prev, np.nan)
            diff = np.where(ok, cur - prev, np.nan)
            if name == "mean_score_0_100":
                half = z * np.sqrt(out["mean_score_se"].to_numpy(float) ** 2 + other["mean_score_se"].to_numpy(float) ** 2)
                low, high = diff - half, diff + half
            else:  # Newcombe (1998) method 10 from the two Wilson intervals
                l1, u1 = out[f"{name}_low"].to_numpy(float), out[f"{name}_high"].to_numpy(float)
                l2, u2 = other[f"{name}_low"].to_numpy(float), other[f"{name}_high"].to_numpy(float)
                low = diff - np.sqrt((cur - l1) ** 2 + (u2 - prev) ** 2)
                high = diff + np.sqrt((u1 - cur) ** 2 + (prev - l2) ** 2)
            out[f"{name}_diff_{tag}"] = diff
            out[f"{name}_diff_{tag}_low"] = np.where(ok, low, np.nan)
            out[f"{name}_diff_{tag}_high"] = np.where(ok, high, np.nan)
    return out


def events_to_indicators(events: pd.DataFrame, **options) -> pd.DataFrame:
    """Indicators from an events DataFrame (e.g. ``EventStore.events_frame()``); options as in
    :func:`indicators_from_counts`."""
    counts, reasons = counts_from_events(events)
    return indicators_from_counts(counts, reasons, **options)
