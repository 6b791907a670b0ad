"""Every estimator on the same model and data, side by side: :func:`compare_methods` -> :class:`MethodComparison`.

The estimates of each method's parameter table (:attr:`acsi.FitResult.params`) are joined on
(lhs, op, rhs), lavaan's operators: ``=~`` loadings, ``~`` paths, ``r2``, and a row ``index``
per construct for the 0-100 index. CB-SEM contributes its completely standardised
loadings and paths (``std_all``), so that every column is on the same standardised scale.
A method that cannot estimate the spec (CB-SEM with composites) is left out with a note;
the warnings each fit issues are kept as notes too.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from acsi.errors import AcsiError
from acsi.result_contract import ResultContract
from acsi.summary import Section, Summary

if TYPE_CHECKING:
    import pandas as pd

    from acsi.results import FitResult

__all__ = ["MethodComparison", "compare_methods", "side_by_side"]

_KEY = ("lhs", "op", "rhs")
_ORDER = {"=~": 0, "~": 1, "r2": 2, "index": 3}


def _column(result: FitResult) -> pd.Series:
    """Estimates keyed by (lhs, op, rhs): loadings, paths, R², 0-100 index."""
    import pandas as pd

    table = result.params
    if "std_all" in table:  # CB-SEM: standardised estimates, comparable with the component methods
        table = table.assign(estimate=table["std_all"])
    table = table[table.op.isin(["=~", "~"])]
    rows = [tuple(r) for r in table[list(_KEY) + ["estimate"]].itertuples(index=False)]
    rows += [(name, "r2", name, value) for name, value in result.r_squared.items()]
    if result.index is not None:
        rows += [(name, "index", name, value) for name, value in result.index.to_dict().items()]
    frame = pd.DataFrame(rows, columns=list(_KEY) + [result.method])
    return frame.set_index(list(_KEY))[result.method]


def side_by_side(results: list[FitResult]) -> pd.DataFrame:
    """One table of estimates, one column per method, joined on (lhs, op, rhs) (index: the key)."""
    import pandas as pd

    joined = pd.concat([_column(r) for r in results], axis=1, join="outer")
    position = {key: i for i, key in enumerate(joined.index)}
    keys = sorted(joined.index, key=lambda k: (_ORDER.get(k[1], 9), position[k]))
    return joined.loc[keys]


@dataclass(frozen=True, repr=False)
class MethodComparison(ResultContract):
    """Estimates of several methods joined on (lhs, op, rhs), with the methods fitted and notes.

    ``rows`` holds one (lhs, op, rhs, estimates) entry per parameter, ``estimates`` a tuple of
    floats (NaN where a method has no such parameter) in the order of ``methods``.
    """

    methods: tuple[str, ...]
    rows: tuple[tuple[str, str, str, tuple[float, ...]], ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per (lhs, op, rhs, method) with its ``estimate``."""
        import pandas as pd

        records = [(lhs, op, rhs, m, v) for lhs, op, rhs, values in self.rows for m, v in zip(self.methods, values)]
        return pd.DataFrame(records, columns=[*_KEY, "method", "estimate"])

    def wide(self) -> pd.DataFrame:
        """The side-by-side table: index (lhs, op, rhs), one column per method."""
        import pandas as pd

        index = pd.MultiIndex.from_tuples([r[:3] for r in self.rows], names=list(_KEY))
        return pd.DataFrame([list(r[3]) for r in self.rows], index=index, columns=list(self.methods))

    def to_dict(self) -> dict[str, Any]:
        """Strict JSON: {methods, estimates: [{lhs, op, rhs, <method>: value or null}], notes}."""
        estimates = [{"lhs": lhs, "op": op, "rhs": rhs, **dict(zip(self.methods, values))} for lhs, op, rhs, values in self.rows]
        return {"methods": list(self.methods), "estimates": estimates, "notes": list(self.notes)}

    def summary(self) -> Summary:
        """The side-by-side table, then the notes."""
        notes = ("", "notes:", *(f"  {note}" for note in self.notes)) if self.notes else ()
        return Summary((), (Section("", self.wide(), lines=notes, digits=4, na_rep="-"),))

    def __repr__(self) -> str:
        return f"MethodComparison(methods={list(self.methods)}, {len(self.rows)} parameters, {len(self.notes)} notes)"


def compare_methods(
    spec: Any,
    data: Any,
    methods: tuple[str, ...] | list[str] = ("pls", "plsc", "cbsem", "gsca"),
    *,
    scheme: str = "path",
    index_weights: str = "fornell",
) -> MethodComparison:
    """Fit ``spec`` to ``data`` (an :class:`~acsi.data.IndicatorData`) with each of ``methods``, side by side.

    A method that raises one of our errors is left out with a note; each warning of a fit
    becomes a note ("method: Category: message"). Raises :class:`~acsi.errors.AcsiError`
    when no method could estimate the model.
    """
    from acsi.api import make_estimator

    results, notes = [], []
    for method in methods:
        estimator = make_estimator(method, scheme=scheme, index_weights=index_weights)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                results.append(estimator.fit(spec, data))
            notes += [f"{method}: {item.category.__name__}: {item.message}" for item in caught]
        except AcsiError as err:
            notes.append(f"{method}: left out: {err}")
    if not results:
        raise AcsiError("no method could estimate the model.\n" + "\n".join(notes))
    table = side_by_side(results)
    rows = tuple(
        (str(k[0]), str(k[1]), str(k[2]), tuple(float("nan") if _missing(v) else float(v) for v in row))
        for k, row in zip(table.index, table.itertuples(index=False))
    )
    return MethodComparison(methods=tuple(r.method for r in results), rows=rows, notes=tuple(notes))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
