"""Reading the plain data of a YAML spec document, naming the key path at fault in every error:
the reader of names, text, mappings with known keys, scales, modes, construct blocks and paths
(the optional top-level keys are read by :mod:`acsi.spec.yaml_optional_keys`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from acsi.errors import SpecError
from acsi.spec.elements import Construct, Mode, Path, Scale

_CONSTRUCT_KEYS = ("label", "mode", "better", "indicators", "scale")
_INDICATOR_KEYS = ("scale", "wording")
_MODES = "'reflective' (aliases 'A', 'mode_a'), 'composite' (aliases 'B', 'mode_b', 'formative') or 'composite_a'"


class KeyReader:
    """Turns the plain data of a YAML document into spec parts, naming key paths in errors."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def error(self, key: str, message: str) -> SpecError:
        prefix = f"In file '{self.source}': " if self.source else ""
        return SpecError(f"{prefix}{message}", culprit=key)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key, f"Expected a mapping with keys {', '.join(allowed)} at '{key}'; got {show(value)}.")
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise self.error(
                    f"{key}.{name}",
                    f"Unknown key '{name}' in '{key}'.{hint} Allowed keys: {', '.join(allowed)}. Remove or rename it.",
                )
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise self.error(key, f"Expected text at '{key}'; got {show(value)}.")
        return value

    def name(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error(key, f"Expected a name at '{key}'; got {show(value)}.")
        return value.strip()

    def scale(self, value: Any, key: str) -> Scale:
        if isinstance(value, Mapping):
            self.mapping(value, key, ("min", "max"))
            if "min" not in value or "max" not in value:
                raise self.error(key, f"Scale at '{key}' needs both 'min' and 'max', as in {{min: 1, max: 10}}.")
            bounds = (value["min"], value["max"])
        elif isinstance(value, list) and len(value) == 2:
            bounds = (value[0], value[1])
        else:
            raise self.error(key, f"Scale at '{key}' must be {{min: a, max: b}} or [a, b]; got {show(value)}.")
        for bound in bounds:
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise self.error(
                    key, f"Scale at '{key}' must have finite numbers as bounds; got min={bounds[0]!r}, max={bounds[1]!r}."
                )
        if not bounds[0] < bounds[1]:
            raise self.error(
                key,
                f"Scale at '{key}': the minimum must be below its maximum; got min={bounds[0]!r}, max={bounds[1]!r}. "
                "Swap or correct the bounds.",
            )
        return Scale(*bounds)

    def construct(self, name: str, value: Any, default: Scale | None) -> tuple[Construct, dict[str, Scale]]:
        key = f"constructs.{name}"
        body = self.mapping(value, key, _CONSTRUCT_KEYS)
        label = self.text(body["label"], f"{key}.label") if body.get("label") is not None else None
        mode = self.mode(body.get("mode", "reflective"), f"{key}.mode")
        better = body.get("better", "higher")
        if better not in ("higher", "lower"):
            raise self.error(f"{key}.better", f"'better' at '{key}' is 'higher' or 'lower'; got {show(better)}.")
        if "scale" in body:
            default = self.scale(body["scale"], f"{key}.scale")
        if "indicators" not in body:
            raise self.error(f"{key}.indicators", f"Construct '{name}' has no 'indicators'. List its indicators under '{key}'.")
        raw = body["indicators"]
        scales: dict[str, Scale] = {}
        indicators: list[str] = []
        if isinstance(raw, list):
            for i, item in enumerate(raw):
                indicators.append(self.name(item, f"{key}.indicators[{i}]"))
                if default is not None:
                    scales[indicators[-1]] = default
        elif isinstance(raw, Mapping):
            for item, extra in raw.items():
                item_key = f"{key}.indicators.{item}"
                indicators.append(self.name(item, item_key))
                extra = {} if extra is None else self.mapping(extra, item_key, _INDICATOR_KEYS)
                if "wording" in extra:
                    self.text(extra["wording"], f"{item_key}.wording")
                scale = self.scale(extra["scale"], f"{item_key}.scale") if "scale" in extra else default
                if scale is not None:
                    scales[indicators[-1]] = scale
        else:
            raise self.error(
                f"{key}.indicators",
                f"Indicators at '{key}.indicators' must be a list of names or a mapping name -> {{scale, wording}}; "
                f"got {show(raw)}.",
            )
        return Construct(name, tuple(indicators), mode, label, lower_is_better=better == "lower"), scales

    def mode(self, value: Any, key: str) -> Mode:
        try:
            return Mode.parse(value, where=key)
        except SpecError as err:
            raise self.error(key, f"Invalid mode {value!r} at '{key}'. Expected {_MODES}.") from err

    def paths(self, value: Any) -> list[Path]:
        pairs: list[tuple[Any, Any, str]] = []
        if isinstance(value, Mapping):
            for target, sources in value.items():
                key = f"paths.{target}"
                for i, source in enumerate(sources if isinstance(sources, list) else [sources]):
                    pairs.append((source, target, f"{key}[{i}]" if isinstance(sources, list) else key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                key = f"paths[{i}]"
                if isinstance(item, str) and item.count("->") == 1:
                    source, target = (part.strip() for part in item.split("->"))
                elif isinstance(item, list) and len(item) == 2:
                    source, target = item
                else:
                    raise self.error(key, f"Path at '{key}' must be 'source -> target' or [source, target]; got {show(item)}.")
                pairs.append((source, target, key))
        else:
            raise self.error(
                "paths", f"Paths must be a list of 'source -> target' or a mapping target: [sources]; got {show(value)}."
            )
        return [Path(self.name(s, key), self.name(t, key)) for s, t, key in pairs]


def show(value: Any) -> str:
    """``value`` with its type for an error message (``nothing`` for None)."""
    return f"{type(value).__name__} {value!r}" if value is not None else "nothing"
