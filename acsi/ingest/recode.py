"""Cleaning one mapped survey column into an indicator: missing codes, numbers, scale, reverse, recode.

The steps and their order are those of :mod:`acsi.ingest.mapping` (steps 2-6); :func:`clean_indicator`
applies them to one column and returns either the values or the problem, one line naming the
column, the first rows (source row numbers) and their values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from acsi.ingest.mapping import IndicatorRule

_SHOW = 5


def format_rows(labels: Any) -> str:
    """``"rows 3, 7, 9 and 12 more"`` for a sequence of row labels."""
    labels = list(labels)
    shown = ", ".join(str(r) for r in labels[:_SHOW])
    more = f" and {len(labels) - _SHOW} more" if len(labels) > _SHOW else ""
    return f"rows {shown}{more}"


def format_values(values: Any) -> str:
    out = []
    for v in list(values)[:_SHOW]:
        out.append(f"{v:g}" if isinstance(v, (float, np.floating)) else repr(v) if isinstance(v, str) else str(v))
    return ", ".join(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _as_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric version of a column and the mask of cells that held non-numeric text."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype(float), pd.Series(False, index=column.index)
    text = column.astype("string").str.strip()
    converted = pd.to_numeric(text, errors="coerce").astype(float)
    bad = column.notna() & converted.isna() & (text != "")
    if pd.api.types.is_bool_dtype(column):
        bad = column.notna()
    return converted, bad


def _code_mask(column: pd.Series, codes: tuple[Any, ...]) -> np.ndarray:
    numbers = [c for c in codes if _is_number(c)]
    texts = [c for c in codes if isinstance(c, str)]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.isin(numbers).to_numpy() if numbers else np.zeros(len(column), dtype=bool)
    as_text = column.astype("string").str.strip()
    candidates = texts + [f"{c:g}" for c in numbers] + [str(c) for c in numbers]
    hit = as_text.isin(candidates).fillna(False).to_numpy(dtype=bool, copy=True)
    if numbers:
        hit = hit | pd.to_numeric(as_text, errors="coerce").isin(numbers).fillna(False).to_numpy(dtype=bool)
    return hit


def _to_numbers(rule: IndicatorRule, column: pd.Series, name: str, tally: dict[str, int]) -> tuple[Any, str | None]:
    """Steps 2-3: missing codes become NaN, then the column as floats, or the problem if text remains."""
    plain = isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf"
    if plain:  # fast path: numbers only, one conversion, codes compared in numpy
        x = column.to_numpy(dtype=float, copy=True)
        if rule.missing:
            hit = np.zeros(len(x), dtype=bool)
            for code in rule.missing:
                if _is_number(code):
                    hit |= x == code
            tally["missing_codes"] += int(hit.sum())
            x[hit] = np.nan
        return x, None
    if rule.missing:
        hit = _code_mask(column, rule.missing)
        tally["missing_codes"] += int(hit.sum())
        if hit.any():
            column = column.mask(hit)
    values, bad = _as_numbers(column)
    if bad.any():
        rows = column.index[bad.to_numpy()]
        return None, (
            f"Column {name} is not numeric: {format_rows(rows)} hold {format_values(column[bad])}. "
            "Recode these answers to numbers or declare them missing codes in the mapping."
        )
    return values.to_numpy(dtype=float, copy=True), None


def _rescale(
    rule: IndicatorRule, x: np.ndarray, index: pd.Index, name: str, strict: bool, tally: dict[str, int]
) -> tuple[Any, str | None]:
    """Steps 4-6: the scale check, reverse and recode of numeric answers ``x``, or the problem."""
    if rule.scale is not None:
        outside = (x < rule.scale.min) | (x > rule.scale.max)
        if outside.any():
            n_out = int(outside.sum())
            if strict:
                return None, (
                    f"Column {name} has {n_out} value(s) outside its scale {rule.scale.min:g}-{rule.scale.max:g}: "
                    f"{format_rows(index[outside])} hold {format_values(x[outside])}. Declare these codes "
                    "missing, correct the scale, or use lenient mode (--lenient) to treat them as missing."
                )
            x[outside] = np.nan
            tally["out_of_scale"] = n_out
    if rule.reverse:
        x = rule.scale.min + rule.scale.max - x
        tally["reversed"] = int((~np.isnan(x)).sum())
    if rule.recode == "acsi":
        x = 100.0 * (x - rule.scale.min) / (rule.scale.max - rule.scale.min)
        tally["recoded"] = int((~np.isnan(x)).sum())
    elif rule.recode is not None:
        table = rule.table()
        keys = np.array(list(table), dtype=float)
        mapped = pd.Series(x).map(dict(table)).to_numpy(dtype=float)
        unmapped = ~np.isnan(x) & ~np.isin(x, keys)
        if unmapped.any():
            if strict:
                return None, (
                    f"Column {name} has {int(unmapped.sum())} answer(s) missing from its recoding table "
                    f"({format_values(keys)}): {format_rows(index[unmapped])} hold "
                    f"{format_values(x[unmapped])}. Extend the table, declare them missing, or use lenient mode."
                )
            tally["unmapped"] = int(unmapped.sum())
        x = mapped
        tally["recoded"] = int((~np.isnan(x)).sum())
    return x, None


def clean_indicator(
    rule: IndicatorRule, column: pd.Series, *, where: str, strict: bool, tally: dict[str, int]
) -> tuple[np.ndarray | None, str | None]:
    """The indicator's values from its source ``column`` (steps 2-6), counting each change in ``tally``;
    ``(None, problem)`` when a cell is not numeric, or (``strict``) outside the scale or the recoding table."""
    name = f"'{rule.column}'" + (f" (indicator '{rule.indicator}')" if rule.column != rule.indicator else "") + where
    x, problem = _to_numbers(rule, column, name, tally)
    if problem is not None:
        return None, problem
    return _rescale(rule, x, column.index, name, strict, tally)
