"""The interface every estimator offers: keyword-only settings, ``fit`` returning a FitResult."""

from __future__ import annotations

import math

from typing import TYPE_CHECKING, Protocol, runtime_checkable
from acsi.errors import ParameterError

from acsi import notices

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from acsi.data import IndicatorData, MissingPolicy
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec, Scale


def check_settings(estimator: object, constraints: "dict[str, tuple[str, object]]") -> None:
    """Check an estimator's settings against a declarative table (sklearn ``_param_validation``).

    ``constraints`` maps a setting name to ``("fraction", None)`` (a number strictly between 0
    and 1), ``("positive_int", None)``, ``("bool", None)`` or ``("choice", options)``.

    Raises
    ------
    ValueError
        Naming the setting, what is allowed and what was given.
    """
    for name, (kind, options) in constraints.items():
        value = getattr(estimator, name)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "fraction" and not (number and math.isfinite(value) and 0 < value < 1):
            raise ParameterError(f"{name} must be a number between 0 and 1; got {value!r}.")
        if kind == "positive_int" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            raise ParameterError(f"{name} must be a positive integer; got {value!r}.")
        if kind == "bool" and not isinstance(value, bool):
            raise ParameterError(f"{name} must be True or False; got {value!r}.")
        if kind == "choice" and value not in options:  # type: ignore[operator]
            raise ParameterError(f"Unknown {name} {value!r}; expected one of {', '.join(map(str, options))}.")  # type: ignore[call-overload]


@runtime_checkable
class Estimator(Protocol):
    """An estimator: frozen settings checked when built, and a pure ``fit``.

    ``fit`` never changes the spec, the data or the estimator, and returns an immutable
    :class:`~acsi.results.FitResult` with the same public keys for every method.
    """

    def fit(
        self,
        spec: "ModelSpec",
        data: "pd.DataFrame | IndicatorData",
        *,
        scale: "tuple[float, float] | Scale | None" = None,
        missing: "MissingPolicy" = "error",
    ) -> "FitResult": ...


def resolve_data(
    spec: "ModelSpec",
    data: "pd.DataFrame | IndicatorData",
    scale: "tuple[float, float] | Scale | None",
    missing: "MissingPolicy",
) -> "tuple[IndicatorData, np.ndarray, np.ndarray, list[str]]":
    """Prepare ``data`` for ``spec`` once and return it with its moments.

    Returns
    -------
    (IndicatorData, mean, covariance, messages)
        The moments are the treatment's estimated ones for pairwise / EM data, else those of
        the values (divisor n), weighted by the data's case weights when it has them
        (``acsi.core.moments.mean_and_covariance``). ``messages`` are the warnings issued.

    Raises
    ------
    ValueError
        ``scale`` or ``missing`` given together with already prepared data.
    DataError
        The prepared data belong to another spec.

    Warns
    -----
    MissingDataWarning
        Case weights together with pairwise / EM moments, which are estimated unweighted.
    """
    from acsi.core.moments import mean_and_covariance
    from acsi.data import IndicatorData, prepare
    from acsi.errors import DataError, MissingDataWarning

    if not isinstance(data, IndicatorData):
        data = prepare(spec, data, scale=scale, missing=missing)
    elif scale is not None or missing != "error":
        raise ParameterError(
            "scale and missing apply when the data are prepared; pass them to acsi.prepare() "
            "instead of fit() when giving IndicatorData."
        )
    elif data.indicators != spec.indicators:
        raise DataError(
            f"The IndicatorData were prepared for another spec (indicators {', '.join(data.indicators)}); "
            "prepare them with this spec."
        )
    messages: list[str] = list(data.warnings)  # issued by prepare() already
    if data.moments is None:
        mean, covariance = mean_and_covariance(data.values, data.case_weights)
        return data, mean, covariance, messages
    if data.case_weights is not None:
        message = (
            f"The {data.missing} missing-data treatment estimates unweighted moments; the case weights are not "
            "applied. Use missing='listwise' or 'mean' for weighted estimates."
        )
        messages.append(message)
        notices.issue(message, MissingDataWarning, stacklevel=3)
    mean, covariance = data.moments
    return data, mean, covariance, messages
