"""The generic bootstrap engine: refit the estimator on each resample through the refit engine shared with the group comparisons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from acsi import notices, refit
from acsi.data import IndicatorData, prepare
from acsi.errors import AcsiError, ConvergenceWarning
from acsi.inference.layout import StatisticLayout
from acsi.spec.model import ModelSpec


@dataclass(frozen=True)
class RefitEngine:
    """The generic engine: refit the estimator on each resample (:func:`acsi.refit.replicate`).

    With ``raw`` (the survey before its missing-data treatment) every resample draws raw rows
    and repeats ``prepare`` with ``prepare_options``, so imputation or moment estimation is
    part of what is bootstrapped.
    """

    estimator: Any
    spec: ModelSpec
    data: IndicatorData
    layout: StatisticLayout
    raw: Any = None
    prepare_options: Mapping[str, Any] = field(default_factory=dict)

    def _resampled(self, rows: np.ndarray) -> IndicatorData | str:
        """The resample's data, or a failure reason."""
        if self.raw is None:
            return refit.subset(self.data, rows)
        frame = self.raw.frame if hasattr(self.raw, "frame") else self.raw
        resampled = frame.iloc[rows].reset_index(drop=True)
        source = replace(self.raw, frame=resampled) if hasattr(self.raw, "frame") else resampled
        try:
            with notices.recorded() as caught:
                data = prepare(self.spec, source, **self.prepare_options)
        except AcsiError as err:
            return "constant_indicator" if "constant" in str(err) else "error"
        if any(issubclass(category, ConvergenceWarning) for category, _ in caught):
            return "not_converged"
        return data

    def run_rows(self, row_sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Statistics (b, P) and failure codes (b,) of the refits on ``row_sets``."""
        out = refit.replicate(self.estimator, self.spec, row_sets, self._resampled, self.layout.from_result, self.layout.size)
        return out.theta, out.codes

    def run(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.run_rows(list(indices))
