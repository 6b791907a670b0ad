"""The indicator columns of a frame as checked numbers: columns present once, numeric, finite, within scale.

Errors name the file, rows (the frame's index labels) and columns, with what was expected and
found; several problems of one kind are reported together.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import DataError, shorten
from acsi.spec.model import Scale

SHOW = 5  # rows or values quoted in an error message


def _plain_number(dtype: object) -> bool:
    """A NumPy integer, unsigned or float dtype (not bool, object or a pandas extension type)."""
    return isinstance(dtype, np.dtype) and dtype.kind in "iuf"


def rows_text(labels: pd.Index) -> str:
    shown = ", ".join(str(r) for r in labels[:SHOW])
    more = f" and {len(labels) - SHOW} more" if len(labels) > SHOW else ""
    return f"{shown}{more}"


def _numeric_frame(frame: pd.DataFrame, where: str, problems: list[str]) -> pd.DataFrame:
    suspicious = [
        name
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype)
    ]
    for name in suspicious:
        column = frame[name]
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any() or pd.api.types.is_bool_dtype(column):
            rows = column.index[bad] if bad.any() else column.index
            examples = ", ".join(shorten(v) for v in column[rows[:SHOW]])
            problems.append(
                f"Indicator column '{name}'{where} is not numeric: rows {rows_text(rows)} hold {examples}. "
                "Recode these answers to numbers or declare them missing."
            )
            continue
        frame = frame.assign(**{name: converted})
    return frame


def _refuse_infinite(
    values: np.ndarray, lowest: np.ndarray, highest: np.ndarray, indicators: Sequence[str], labels: pd.Index, where: str
) -> None:
    """Refuse +-inf cells as non-numeric text is refused: they would turn every estimate into NaN.

    ``lowest``/``highest`` are the column minima and maxima; a column holding NaN hides an infinity
    from them, so such columns are scanned cell by cell.
    """
    suspect = np.isinf(lowest) | np.isinf(highest) | np.isnan(lowest)
    if not suspect.any():
        return
    problems = []
    for j in np.flatnonzero(suspect):
        rows = labels[np.isinf(values[:, j])]
        if len(rows):
            problems.append(
                f"Indicator column '{indicators[j]}'{where} holds infinite values in rows {rows_text(rows)}. "
                "Replace them with valid answers or declare them missing."
            )
    if problems:
        _raise(problems, where)


def _raise(problems: list[str], where: str) -> None:
    if len(problems) == 1:
        raise DataError(problems[0])
    raise DataError(f"{len(problems)} problems with the data{where}:\n  - " + "\n  - ".join(problems))


def select_values(
    frame: pd.DataFrame, indicators: tuple[str, ...], where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The ``indicators`` columns of ``frame`` as floats (n, p), with column minima, maxima and whether any is NaN.

    Refuses absent, doubled, non-numeric and infinite columns. The array keeps the layout pandas
    hands over (often column-major): a transposing copy costs more than it saves, since the
    estimators use X'X and products with the data are lazy. Only float64 columns can come back as
    a view of the caller's frame; then it is copied, so that the data never alias the frame.
    """
    position: dict[object, int] = {}
    for i, column in enumerate(frame.columns):
        position.setdefault(column, i)
    absent = [name for name in indicators if name not in position]
    if absent:
        raise DataError(
            f"The data{where} lack {len(absent)} indicator column(s) of the model: {', '.join(absent)}. "
            f"Columns found: {', '.join(map(str, frame.columns[:30]))}"
            f"{' ...' if len(frame.columns) > 30 else ''}. Rename the columns (a mapping file does this) "
            "or correct the spec."
        )
    if len(position) < frame.shape[1]:
        doubled = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]} & set(indicators))
        if doubled:
            raise DataError(f"Indicator column(s) {', '.join(doubled)} appear more than once{where}. Keep one of each.")
    columns = [position[name] for name in indicators]
    dtypes = frame.dtypes.to_numpy()
    problems: list[str] = []
    if all(_plain_number(dtypes[i]) for i in columns):
        # Fast path: plain numeric columns; one conversion of the whole frame when it is not much wider.
        if frame.shape[1] <= 2 * len(columns) and all(_plain_number(d) for d in dtypes):
            values = frame.to_numpy(dtype=float)[:, columns]
        else:
            values = frame.iloc[:, columns].to_numpy(dtype=float)
    else:
        selected = _numeric_frame(frame.iloc[:, columns], where, problems)
        if problems:
            _raise(problems, where)
        values = selected.to_numpy(dtype=float, na_value=np.nan)
    # Range and NaN check in one pass per column (min propagates NaN).
    lowest, highest = values.min(axis=0, initial=np.inf), values.max(axis=0, initial=-np.inf)
    has_nan = bool(np.isnan(lowest).any())
    if values.shape[0]:
        _refuse_infinite(values, lowest, highest, indicators, frame.index, where)
    if not values.flags.owndata and any(dtypes[i] == np.float64 for i in columns):
        values = values.copy(order="K")
    return values, lowest, highest, has_nan


def apply_scales(
    values: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    has_nan: bool,
    indicators: tuple[str, ...],
    scales: Mapping[str, Scale],
    strict: bool,
    labels: pd.Index,
    by_indicator: dict[str, dict[str, Any]],
    where: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Check every value against its indicator's scale: refused when ``strict``, else set missing (on a copy).

    Returns the values, the column minima and maxima ignoring NaN, and whether any value is missing;
    counts of values set missing go to ``by_indicator[name]["out_of_scale"]``.
    """
    if has_nan and values.size:
        with warnings.catch_warnings():  # an all-missing column: nanmin warns and gives NaN (refused later)
            warnings.simplefilter("ignore", RuntimeWarning)
            lowest, highest = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    copied = False
    problems: list[str] = []
    for j, name in enumerate(indicators):
        bounds = scales.get(name)
        if bounds is None or bounds.min <= lowest[j] and highest[j] <= bounds.max:
            continue
        outside = (values[:, j] < bounds.min) | (values[:, j] > bounds.max)
        if strict:
            rows = labels[outside]
            examples = ", ".join(f"{v:g}" for v in values[outside, j][:SHOW])
            problems.append(
                f"Indicator '{name}'{where} has {int(outside.sum())} value(s) outside its scale "
                f"{bounds.min:g}-{bounds.max:g}: rows {rows_text(rows)} hold {examples}. Correct the scale "
                "(spec, mapping or --scale), declare these codes missing, or use lenient mode (strict=False, "
                "--lenient) to treat them as missing."
            )
        else:
            if not copied:  # never write into the caller's frame
                values, copied = values.copy(), True
            values[outside, j] = np.nan
            by_indicator[name]["out_of_scale"] = by_indicator[name].get("out_of_scale", 0) + int(outside.sum())
            has_nan = True
    if problems:
        _raise(problems, where)
    return values, lowest, highest, has_nan
