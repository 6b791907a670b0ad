"""The interface every estimator offers: keyword-only settings, ``fit`` returning a FitResult."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from acsi.data import IndicatorData, MissingPolicy
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec, Scale


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
