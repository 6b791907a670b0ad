"""Strict JSON (RFC 8259) out of result dictionaries: NaN and infinities become ``null``.

``json.dumps`` writes bare ``NaN``/``Infinity`` tokens by default, which strict parsers
(JavaScript's ``JSON.parse``, jq, PostgreSQL's ``jsonb``) refuse. The CLI's ``--json`` output
(``acsi.cli.fit.write_json``) goes through :func:`dumps`, which maps each non-finite number to
``null`` and then serialises with ``allow_nan=False`` so that no such token can slip through.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any


def finite_or_none(value: Any) -> Any:
    """Return a copy of a JSON-like value with every NaN or +-inf float (numpy floats too) as ``None``."""
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):  # numpy float64 subclasses float
        return None
    if hasattr(value, "dtype") and getattr(value, "ndim", None) == 0:  # other numpy scalars
        item = value.item()
        return None if isinstance(item, float) and not math.isfinite(item) else item
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialise ``value`` as strict JSON: non-finite numbers are written as ``null``."""
    return json.dumps(finite_or_none(value), indent=indent, allow_nan=False)


def strict(method: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Decorate a result's ``to_dict``: its value passes through :func:`finite_or_none` (NaN and +-inf -> None)."""

    @functools.wraps(method)
    def to_dict(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return finite_or_none(method(*args, **kwargs))

    return to_dict
