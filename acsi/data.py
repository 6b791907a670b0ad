"""Indicator data: the spec's indicators as a validated numeric array.

:func:`prepare` is the one boundary where a data frame meets a spec. It selects the spec's
indicators, checks columns, types, missing values, constant indicators and theoretical
scales, and returns an :class:`IndicatorData` that the estimators trust without checking
again (linearmodels' ``_validate_inputs`` once, then pure estimation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

import numpy as np
import pandas as pd

from acsi.errors import DataError
from acsi.spec.model import ModelSpec, Scale

MissingPolicy = Literal["error", "listwise"]
_SHOW = 5  # rows or values quoted in an error message


def _rows(labels: pd.Index) -> str:
    shown = ", ".join(str(r) for r in labels[:_SHOW])
    more = f" and {len(labels) - _SHOW} more" if len(labels) > _SHOW else ""
    return f"{shown}{more}"


def _plain_number(dtype: object) -> bool:
    """A NumPy integer, unsigned or float dtype (not bool, object or a pandas extension type)."""
    return isinstance(dtype, np.dtype) and dtype.kind in "iuf"


@dataclass(frozen=True)
class IndicatorData:
    """Validated indicator values in spec order.

    Attributes
    ----------
    values : ndarray, shape (n, p)
        Read-only float array, columns in ``indicators`` order.
    indicators : tuple of str
    row_labels : pandas.Index
        Labels of the rows kept (from the source frame).
    scales : mapping indicator -> Scale
        Theoretical bounds known for each indicator (spec, then defaults).
    n_dropped : int
        Rows dropped by the missing-value policy.
    source : str or None
        Where the data came from (a file name), for messages and provenance.
    """

    values: np.ndarray
    indicators: tuple[str, ...]
    row_labels: pd.Index
    scales: Mapping[str, Scale] = field(default_factory=dict)
    n_dropped: int = 0
    missing: MissingPolicy = "error"
    source: str | None = None

    @property
    def n_obs(self) -> int:
        return int(self.values.shape[0])


def prepare(
    spec: ModelSpec,
    data: pd.DataFrame,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
    source: str | None = None,
) -> IndicatorData:
    """Check a data frame against a spec and extract its indicators.

    Parameters
    ----------
    spec : ModelSpec
    data : pandas.DataFrame
        One row per respondent; other columns are ignored. Never modified.
    scale : (min, max), optional
        Theoretical bounds for every indicator whose scale the spec does not give.
    missing : {"error", "listwise"}
        ``"error"`` refuses missing values and names them; ``"listwise"`` drops incomplete rows.
    source : str, optional
        File name used in error messages.

    Raises
    ------
    DataError
        Missing columns (all listed), non-numeric cells, missing values, values outside a
        declared scale, constant indicators or too few observations; the message names the
        columns, the first offending rows and values.
    """
    where = f" in {source}" if source else ""
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"Data must be a pandas DataFrame; got {type(data).__name__}.")
    indicators = spec.indicators
    position: dict[object, int] = {}
    for i, column in enumerate(data.columns):
        position.setdefault(column, i)
    absent = [name for name in indicators if name not in position]
    if absent:
        raise DataError(
            f"The data{where} lack {len(absent)} indicator column(s) of the model: {', '.join(absent)}. "
            f"Columns found: {', '.join(map(str, data.columns[:30]))}"
            f"{' ...' if len(data.columns) > 30 else ''}. Rename the columns or correct the spec."
        )
    if len(position) < data.shape[1]:
        doubled = sorted({str(c) for c in data.columns[data.columns.duplicated()]} & set(indicators))
        if doubled:
            raise DataError(f"Indicator column(s) {', '.join(doubled)} appear more than once{where}. Keep one of each.")
    columns = [position[name] for name in indicators]
    dtypes = data.dtypes.to_numpy()
    numeric = [_plain_number(dtypes[i]) for i in columns]
    if all(numeric) and data.shape[1] <= 2 * len(columns) and all(_plain_number(d) for d in dtypes):
        # Fast path: one conversion of the whole (numeric, not much wider) frame.
        values = data.to_numpy(dtype=float)[:, columns]
    else:
        frame = data.iloc[:, columns]
        for name, is_numeric in zip(indicators, numeric):
            column = frame[name]
            if is_numeric or pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
                continue
            converted = pd.to_numeric(column, errors="coerce")
            bad = column.notna() & converted.isna()
            if bad.any() or pd.api.types.is_bool_dtype(column):
                rows = column.index[bad] if bad.any() else column.index
                examples = ", ".join(repr(v) for v in column[rows[:_SHOW]])
                raise DataError(
                    f"Indicator column '{name}'{where} is not numeric: rows {_rows(rows)} hold {examples}. "
                    "Recode these answers to numbers or declare them missing."
                )
            frame = frame.assign(**{name: converted})
        values = np.ascontiguousarray(frame.to_numpy(dtype=float, na_value=np.nan))  # row-major: fast products
    row_labels = data.index
    n_dropped = 0
    if np.isnan(values.sum(axis=0)).any():  # one pass, no (n, p) temporary on clean data
        complete = ~np.isnan(values).any(axis=1)
        if missing == "listwise":
            n_dropped = int((~complete).sum())
            values = values[complete]
            row_labels = row_labels[complete]
        elif missing == "error":
            holes = [name for j, name in enumerate(indicators) if np.isnan(values[:, j]).any()]
            rows = row_labels[~complete]
            raise DataError(
                f"{int((~complete).sum())} row(s){where} have missing indicator values (rows {_rows(rows)}; "
                f"columns {', '.join(holes)}). Drop them with missing='listwise' (CLI: --missing listwise) "
                "or impute them first."
            )
        else:
            raise DataError(f"Unknown missing-value policy {missing!r}; expected 'error' or 'listwise'.")
    n, p = values.shape
    if n < 3:
        raise DataError(f"Only {n} complete observation(s){where}; PLS needs at least 3 (and many more to be useful).")
    lowest, highest = values.min(axis=0), values.max(axis=0)
    constant = [name for j, name in enumerate(indicators) if lowest[j] == highest[j]]
    if constant:
        raise DataError(
            f"Indicator(s) {', '.join(constant)}{where} are constant (every respondent gave the same value); "
            "a constant indicator carries no information and cannot be standardised. Remove it from the spec."
        )
    scales = dict(spec.scales)
    if scale is not None:
        default = scale if isinstance(scale, Scale) else Scale(*scale)
        scales = {name: scales.get(name, default) for name in indicators}
    for j, name in enumerate(indicators):
        bounds = scales.get(name)
        if bounds is None or bounds.min <= lowest[j] and highest[j] <= bounds.max:
            continue
        outside = (values[:, j] < bounds.min) | (values[:, j] > bounds.max)
        rows = row_labels[outside]
        examples = ", ".join(f"{v:g}" for v in values[outside, j][:_SHOW])
        raise DataError(
            f"Indicator '{name}'{where} has {int(outside.sum())} value(s) outside its scale "
            f"{bounds.min:g}-{bounds.max:g}: rows {_rows(rows)} hold {examples}. Correct the scale "
            "(spec or --scale) or declare these codes missing."
        )
    values.setflags(write=False)
    return IndicatorData(
        values=values,
        indicators=indicators,
        row_labels=row_labels,
        scales=scales,
        n_dropped=n_dropped,
        missing=missing,
        source=source,
    )
