"""Reading the expected values of ../shared/reference cases: flattened keys and per-key tolerances."""

from __future__ import annotations


def tolerance(case: dict, key: str, field: str | None) -> tuple[float, float]:
    """Absolute and relative tolerance for ``key`` (or ``key.field``); the longest name wins."""
    names = [f"{key}.{field}", key] if field else [key]
    absolute = next(
        (case.get("tolerance_by_key", {})[n] for n in names if n in case.get("tolerance_by_key", {})), case["tolerance"]
    )
    relative = next(
        (case.get("relative_tolerance_by_key", {})[n] for n in names if n in case.get("relative_tolerance_by_key", {})), 0.0
    )
    return absolute, relative


def flatten(value: object, prefix: str = "") -> dict[str, float]:
    """Nested expected values as ``{"a/b/c": number}``."""
    if isinstance(value, dict):
        flat: dict[str, float] = {}
        for key, item in value.items():
            flat |= flatten(item, f"{prefix}/{key}" if prefix else str(key))
        return flat
    return {prefix: float(value)}
