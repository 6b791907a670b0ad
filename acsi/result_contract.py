"""The contract every result object keeps: frozen, read-only arrays, strict JSON, tidy frame, summary.

A result is a frozen dataclass that inherits :class:`ResultContract` and defines

* ``to_dict()``: the JSON object (a public contract); the mixin passes it through
  :func:`acsi.strict_json.finite_or_none` (NaN and +-inf -> ``null``), the one helper for that;
* ``to_frame()``: a tidy long :class:`pandas.DataFrame` (one row per number);
* ``summary()``: a :class:`acsi.summary.Summary` (text, Markdown, HTML);
* ``__repr__``: one line.

The mixin adds ``_repr_html_`` (the summary's HTML, for notebooks) and read-only access: every
numpy array the result holds or hands out has ``flags.writeable = False``, and every pandas
object read from it is a copy, so a caller cannot change the numbers of a result in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acsi.strict_json import strict

if TYPE_CHECKING:
    from acsi.summary import Summary

_PANDAS = (pd.DataFrame, pd.Series)


def read_only(value: Any) -> Any:
    """Set ``writeable = False`` on ``value`` if it is an array, and on the arrays inside tuples, lists and dicts."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple | list):
        for item in value:
            read_only(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)
    return value


class ResultContract:
    """Mixin of the result dataclasses (``@dataclass(frozen=True)``); see the module docstring."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        to_dict = cls.__dict__.get("to_dict")
        if to_dict is not None and not getattr(to_dict, "__wrapped__", None):
            cls.to_dict = strict(to_dict)  # type: ignore[method-assign]

    def __post_init__(self) -> None:
        for value in vars(self).values():
            read_only(value)

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif isinstance(value, _PANDAS) and not name.startswith("_"):
            return value.copy()
        return value

    def _repr_html_(self) -> str:
        summary: Summary = self.summary()  # type: ignore[attr-defined]
        return summary.as_html()
