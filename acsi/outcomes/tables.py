"""The outcome tables and curves of customers who have a 0-100 index: rates by band and rating with Wilson
intervals, isotonic and logistic curves, the effect of one index point, revenue at risk per group.

:func:`analyse` is shared by :func:`acsi.outcomes.outcomes` (index from a model fit of the survey) and
:func:`acsi.outcomes.event_outcomes` (index from evaluator-device scores); the formulas are in the notes
of :mod:`acsi.outcomes.analysis`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.errors import DataError, ParameterError
from acsi.outcomes.isotonic import isotonic_curve
from acsi.outcomes.logistic import LogisticFit, expit, fit_logistic
from acsi.outcomes.outcome_result import OutcomeResult
from acsi.outcomes.rates import normal_quantile, rates_by_level, wilson_interval
from acsi.validate import check_int, check_level

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_BANDS", "Question", "analyse", "binary_outcome", "checked_edges"]

#: Inner edges of the default index bands: below 50, 50-60, ..., 90 and above.
DEFAULT_BANDS: tuple[float, ...] = (50.0, 60.0, 70.0, 80.0, 90.0)
#: Most levels a rating column may have (a per-level table of a continuous column is no table).
MAX_RATING_LEVELS = 11


def binary_outcome(values: pd.Series, name: str) -> np.ndarray:
    """A 0/1 float array from a boolean column or a numeric column of 0 and 1; DataError naming bad values."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float)
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna() | ~numeric.isin([0, 1])]
    if len(bad):
        examples = ", ".join(f"row {i}: {v!r}" for i, v in list(bad.items())[:3])
        raise DataError(f"Outcome column {name!r} must hold 0/1 or true/false; found {len(bad)} other value(s) ({examples}).")
    return numeric.to_numpy(dtype=float)


def _band_labels(edges: np.ndarray) -> list[str]:
    inner = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:])]
    return [f"<{edges[0]:g}", *inner, f">={edges[-1]:g}"]


@dataclass(frozen=True)
class Question:
    """What the outcome analysis is asked: the outcome, the optional group, revenue and rating columns, the
    at-risk threshold, the checked band edges (:func:`checked_edges`), the interval level and the bootstrap."""

    outcome: str
    group: str | None
    revenue: str | None
    rating: str | None
    threshold: float
    edges: np.ndarray
    level: float
    n_boot: int
    seed: int | None


def analyse(
    frame: pd.DataFrame, index: pd.Series, construct: str, question: Question, settings: dict[str, Any], notes: list[str]
) -> OutcomeResult:
    """The analysis once each customer has a 0-100 ``index`` (labelled as ``frame``'s rows): rates by band and
    rating, the curves, the effects, the groups' revenue at risk (see :mod:`acsi.outcomes.analysis`).
    ``settings`` (the source of the index) and ``notes`` come from the caller and are completed here."""
    q = question
    outcome, group, revenue, rating, threshold, edges, level = (
        q.outcome,
        q.group,
        q.revenue,
        q.rating,
        q.threshold,
        q.edges,
        q.level,
    )
    rows, x, y = _known_outcomes(frame, index, outcome, notes)
    n = len(y)
    rate_low, rate_high = wilson_interval(np.array([y.sum()]), np.array([n]), level)

    band_table = _band_table(edges, x, y, level)

    rating_table = None if rating is None else _rating_table(rows[rating], rating, y, level)

    model = fit_logistic(x, y)
    if not model.converged:
        notes.append("The logistic fit did not converge: the index separates the outcomes (almost) perfectly.")
    curve = _curve(model, x, y, level, q.n_boot, q.seed)
    effects = _effects(model, x, normal_quantile(level))

    a, b = model.coefficients
    gap = np.where(x < threshold, expit(a + b * threshold) - expit(a + b * x), 0.0)
    money = None if revenue is None else _revenue(rows, revenue)
    at_risk = _at_risk(x, gap, money, threshold)
    group_table = None if group is None else _group_table(rows[group], group, x, y, gap, money, threshold, level)
    return OutcomeResult(
        outcome=outcome,
        construct=construct,
        n=n,
        rate=float(y.mean()),
        rate_interval=(float(rate_low[0]), float(rate_high[0])),
        bands=band_table,
        ratings=rating_table,
        curve=curve,
        logistic=model,
        effects=effects,
        groups=group_table,
        threshold=float(threshold),
        settings={"level": level, "n_boot": q.n_boot, "seed": q.seed, **settings, "bands": edges.tolist()}
        | {"group": group, "revenue": revenue, "rating": rating},
        notes=tuple(notes),
        at_risk=at_risk,
    )


def _known_outcomes(
    frame: pd.DataFrame, index: pd.Series, outcome: str, notes: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The respondents with a value of ``outcome`` (noting those left out), their index and their 0/1 outcome;
    DataError with fewer than 10 of them or a single outcome value."""
    rows = frame.loc[index.index]
    known = rows[outcome].notna().to_numpy()
    if not known.all():
        notes.append(f"{int((~known).sum())} respondent(s) without a value of {outcome!r} left out.")
    rows, x = rows[known], index.to_numpy(dtype=float)[known]
    y = binary_outcome(rows[outcome], outcome)
    if len(y) < 10 or y.min() == y.max():
        raise DataError(
            f"The outcome analysis needs at least 10 customers with both outcome values; {outcome!r} has {len(y)} with values {sorted(set(y.tolist()))}."
        )
    return rows, x, y


def _effects(model: LogisticFit, x: np.ndarray, z: float) -> dict[str, dict[str, float]]:
    """Average marginal effect and elasticity of the logistic fit, with their normal-approximation intervals."""
    effects = {}
    for name, (estimate, se) in (("marginal_effect", model.marginal_effect(x)), ("elasticity", model.elasticity(x))):
        effects[name] = {"estimate": estimate, "se": se, "ci_lower": estimate - z * se, "ci_upper": estimate + z * se}
    return effects


def _at_risk(x: np.ndarray, gap: np.ndarray, money: np.ndarray | None, threshold: float) -> dict[str, Any]:
    """Customers below the threshold, expected lost customers (the fitted rate gap summed) and revenue at risk."""
    return {
        "below_threshold": int(np.sum(x < threshold)),
        "expected_lost": float(gap.sum()),
        "revenue": None if money is None else float(money.sum()),
        "revenue_at_risk": None if money is None else float(np.sum(money * gap)),
    }


def checked_edges(level: float, n_boot: int, bands: Sequence[float], threshold: float) -> np.ndarray:
    """The sorted inner band edges, after checking ``level``, ``n_boot``, ``bands`` and ``threshold``."""
    check_level("level", level)
    check_int("n_boot", n_boot, 0)
    edges = np.asarray(sorted(float(b) for b in bands))
    if edges.size == 0 or len(set(edges.tolist())) != edges.size:
        raise ParameterError(f"bands must be distinct index values such as 50,60,70,80,90; got {list(bands)!r}.")
    if not 0 <= threshold <= 100:
        raise ParameterError(f"threshold must be an index value between 0 and 100; got {threshold!r}.")
    return edges


def _band_table(edges: np.ndarray, x: np.ndarray, y: np.ndarray, level: float) -> pd.DataFrame:
    """Outcome rate per index band with its Wilson interval."""
    import pandas as pd

    codes = np.searchsorted(edges, x, side="right")
    band_stats = rates_by_level(codes, y, len(edges) + 1, level)
    band_table = pd.DataFrame(band_stats, columns=["n", "successes", "rate", "ci_lower", "ci_upper"])
    band_table.insert(0, "upper", [*edges, 100.0])
    band_table.insert(0, "lower", [0.0, *edges])
    band_table.insert(0, "band", _band_labels(edges))
    band_table = band_table.astype({"n": int, "successes": int})
    return band_table


def _rating_table(values: pd.Series, rating: str, y: np.ndarray, level: float) -> pd.DataFrame:
    """Outcome rate per level of a rating column with its Wilson interval; DataError beyond MAX_RATING_LEVELS."""
    import pandas as pd

    levels = np.sort(values.dropna().unique())
    if len(levels) > MAX_RATING_LEVELS:
        raise DataError(
            f"Rating column {rating!r} has {len(levels)} levels; at most {MAX_RATING_LEVELS} are tabulated (use the index bands)."
        )
    present = values.notna().to_numpy()
    rating_codes = np.searchsorted(levels, values[present].to_numpy())
    stats = rates_by_level(rating_codes, y[present], len(levels), level)
    rating_table = pd.DataFrame(stats, columns=["n", "successes", "rate", "ci_lower", "ci_upper"]).astype(
        {"n": int, "successes": int}
    )
    rating_table.insert(0, "level", [v.item() if hasattr(v, "item") else v for v in levels])
    return rating_table


def _curve(model: LogisticFit, x: np.ndarray, y: np.ndarray, level: float, n_boot: int, seed: int | None) -> pd.DataFrame:
    """The outcome rate on a grid of index points: isotonic (with a bootstrap percentile band of ``n_boot``
    resamples) and logistic (with its delta-method band)."""
    import pandas as pd

    z = normal_quantile(level)
    n = len(y)
    grid = np.arange(np.floor(x.min()), np.ceil(x.max()) + 1.0)
    logistic, logistic_low, logistic_high = model.curve(grid, z)
    iso = isotonic_curve(x, y, grid)
    iso_low = iso_high = np.full(grid.shape, np.nan)
    if n_boot:
        rng = np.random.default_rng(seed)
        draws = np.empty((n_boot, grid.size))
        for b in range(n_boot):
            take = rng.integers(n, size=n)
            draws[b] = isotonic_curve(x[take], y[take], grid)
        with warnings.catch_warnings():  # a grid point below every resample's minimum has no value
            warnings.simplefilter("ignore", RuntimeWarning)
            iso_low, iso_high = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)], axis=0)
    return pd.DataFrame(
        {
            "index": grid,
            "isotonic": iso,
            "isotonic_lower": iso_low,
            "isotonic_upper": iso_high,
            "logistic": logistic,
            "logistic_lower": logistic_low,
            "logistic_upper": logistic_high,
        }
    )


def _revenue(rows: pd.DataFrame, revenue: str) -> np.ndarray:
    """The revenue column as floats; DataError naming rows that are not non-negative numbers."""
    import pandas as pd

    money = pd.to_numeric(rows[revenue], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(money) | (money < 0)
    if bad.any():
        examples = ", ".join(f"row {i}: {v!r}" for i, v in list(rows[revenue][bad].items())[:3])
        raise DataError(
            f"Revenue column {revenue!r} must hold non-negative numbers; found {int(bad.sum())} other value(s) ({examples})."
        )
    return money


def _group_table(
    column: pd.Series,
    group: str,
    x: np.ndarray,
    y: np.ndarray,
    gap: np.ndarray,
    money: np.ndarray | None,
    threshold: float,
    level: float,
) -> pd.DataFrame:
    """Per group: customers, outcome rate with its Wilson interval, mean index, customers below the threshold,
    expected lost customers and (with revenue) revenue at risk, sorted by revenue at risk."""
    import pandas as pd

    labels = column.astype(str).to_numpy()
    records = []
    for label in sorted(set(labels)):
        mask = labels == label
        low, high = wilson_interval(np.array([y[mask].sum()]), np.array([mask.sum()]), level)
        records.append(
            {
                group: label,
                "n": int(mask.sum()),
                "rate": float(y[mask].mean()),
                "ci_lower": float(low[0]),
                "ci_upper": float(high[0]),
                "mean_index": float(x[mask].mean()),
                "below_threshold": int(np.sum(x[mask] < threshold)),
                "expected_lost": float(gap[mask].sum()),
                "revenue": None if money is None else float(money[mask].sum()),
                "revenue_at_risk": None if money is None else float(np.sum(money[mask] * gap[mask])),
            }
        )
    group_table = pd.DataFrame(records).set_index(group)
    if money is not None:
        group_table = group_table.sort_values("revenue_at_risk", ascending=False)
    return group_table
