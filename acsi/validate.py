"""One declarative validator for the arguments of the public verbs (fit, bootstrap, assess, ...).

Each check raises :class:`~acsi.errors.ParameterError` (an ``AcsiError`` and a ``ValueError``,
as scikit-learn's ``InvalidParameterError``) naming the argument, what it accepts and what was
given, before any work starts. No numeric library is imported.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from acsi.errors import ParameterError, shorten


def check_choice(name: str, value: object, choices: Collection[object]) -> None:
    """``value`` must be one of ``choices``."""
    if not _member(value, choices):
        listed = ", ".join(map(str, choices))
        raise ParameterError(f"Unknown {name} {shorten(value)}; expected one of {listed}.")


def check_int(name: str, value: object, minimum: int | None = None) -> None:
    """``value`` must be an integer (not a bool), at least ``minimum`` when given."""
    if isinstance(value, bool) or not _is_int(value) or (minimum is not None and value < minimum):  # type: ignore[operator]
        kind = {None: "an integer", 0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer of at least {minimum}"
        )
        raise ParameterError(f"{name} must be {kind}; got {shorten(value)}.")


def check_level(name: str, value: object) -> None:
    """``value`` must be a number strictly between 0 and 1 (a confidence level, a tolerance)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not (number and math.isfinite(value) and 0 < value < 1):  # type: ignore[arg-type, operator]
        raise ParameterError(f"{name} must be a number between 0 and 1; got {shorten(value)}.")


def check_bool(name: str, value: object) -> None:
    """``value`` must be True or False."""
    if not isinstance(value, bool):
        raise ParameterError(f"{name} must be True or False; got {shorten(value)}.")


def _is_int(value: object) -> bool:
    if isinstance(value, int):
        return True
    try:  # numpy integers, without importing numpy
        return type(value).__name__.startswith(("int", "uint")) and int(value) == value  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _member(value: object, choices: Collection[object]) -> bool:
    try:
        return value in choices
    except TypeError:  # an unhashable value against a set
        return False
