"""The building blocks of a model specification: measurement modes, answer scales, construct
blocks, structural paths, covariance statements and fixed values, and the rule for names.

They are immutable values; :class:`~acsi.spec.model.ModelSpec` checks how they fit together
(:mod:`acsi.spec.validation`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from acsi.errors import SpecError

NAME_HINT = "Names start with a letter or underscore and contain letters, digits, '_' or '.'."


class Mode(StrEnum):
    """Measurement mode of a construct.

    ``reflective``: lavaan ``=~``; PLS estimates it with Mode A (correlation) weights, consistent
    PLS and CB-SEM treat it as a common factor. ``composite``: lavaan ``<~``; PLS Mode B
    (regression) weights. ``composite_a``: a composite estimated with Mode A weights that
    consistent PLS leaves uncorrected (YAML only; lavaan has no operator for it).
    """

    REFLECTIVE = "reflective"
    COMPOSITE = "composite"
    COMPOSITE_A = "composite_a"

    @property
    def weighting(self) -> str:
        """PLS outer weighting mode: ``"A"`` or ``"B"``."""
        return "B" if self is Mode.COMPOSITE else "A"

    @classmethod
    def parse(cls, value: object, *, where: str) -> Mode:
        """Read a mode from a spec value; accepts the names and the aliases A / B."""
        aliases = {
            "reflective": cls.REFLECTIVE,
            "a": cls.REFLECTIVE,
            "mode_a": cls.REFLECTIVE,
            "composite": cls.COMPOSITE,
            "formative": cls.COMPOSITE,
            "b": cls.COMPOSITE,
            "mode_b": cls.COMPOSITE,
            "composite_a": cls.COMPOSITE_A,
        }
        if isinstance(value, Mode):
            return value
        key = str(value).strip().lower() if isinstance(value, str) else None
        if key not in aliases:
            raise SpecError(
                f"{where}: invalid mode {value!r}. Expected one of 'reflective' (Mode A), 'composite' (Mode B) or 'composite_a'.",
                culprit=where,
            )
        return aliases[key]


@dataclass(frozen=True)
class Scale:
    """Theoretical bounds of an indicator's answer scale, for example 1-10."""

    min: float
    max: float

    def __post_init__(self) -> None:
        for bound in (self.min, self.max):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise SpecError(
                    f"Scale bounds must be finite numbers; got min={self.min!r}, max={self.max!r}.",
                    culprit="scale",
                )
        if not self.min < self.max:
            raise SpecError(
                f"Scale minimum must be below its maximum; got min={self.min!r}, max={self.max!r}.",
                culprit="scale",
            )


@dataclass(frozen=True)
class Construct:
    """A construct (latent variable) measured by an ordered block of indicators."""

    name: str
    indicators: tuple[str, ...]
    mode: Mode = Mode.REFLECTIVE
    label: str | None = None
    #: True when a higher index is worse (complaints): IPMA reverses such constructs.
    lower_is_better: bool = False


@dataclass(frozen=True)
class Path:
    """A structural path ``source -> target`` (lavaan ``target ~ source``)."""

    source: str
    target: str

    @property
    def key(self) -> str:
        """The public key of the path, ``"From -> To"``."""
        return f"{self.source} -> {self.target}"


@dataclass(frozen=True)
class Covariance:
    """A covariance statement ``left ~~ right`` (residual covariance, or a variance when equal)."""

    left: str
    right: str


@dataclass(frozen=True)
class FixedValue:
    """A parameter fixed to a value, such as ``0*x`` in ``y ~ 0*x`` (lavaan pre-multiplication)."""

    lhs: str
    op: str
    rhs: str
    value: float


def check_name(name: object, where: str) -> str:
    """``name`` when it is a valid name (:data:`NAME_HINT`); else :class:`SpecError` naming ``where``."""
    if (
        not isinstance(name, str)
        or not name
        or not (name[0].isalpha() or name[0] == "_")
        or not all(c.isalnum() or c in "_." for c in name)
    ):
        raise SpecError(f"{where}: invalid name {name!r}. {NAME_HINT}", culprit=str(name))
    return name
