"""The validated indicator data the estimators trust (:class:`IndicatorData`), and what the
missing-data treatment did to them (:class:`MissingReport`); built by :func:`acsi.data.prepare`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.ingest.survey import SurveyMetadata
from acsi.spec.model import Scale

MissingPolicy = Literal["error", "listwise", "mean", "pairwise", "em"]
MISSING_POLICIES: tuple[str, ...] = ("error", "listwise", "mean", "pairwise", "em")


@dataclass(frozen=True)
class MissingReport:
    """What the missing-data treatment did, with counts.

    Attributes
    ----------
    treatment : str
        ``"error"``, ``"listwise"``, ``"mean"``, ``"pairwise"`` or ``"em"``.
    n_rows : int
        Rows given (before any was dropped).
    n_rows_dropped : int
        Rows dropped: incomplete rows (listwise) or rows without any observed indicator.
    n_incomplete_rows : int
        Rows with at least one missing indicator cell.
    n_cells_missing : int
        Missing indicator cells, after missing codes and (lenient) out-of-scale values.
    n_cells_imputed : int
        Cells filled: by the mean (``"mean"``) or the conditional expectation (``"pairwise"``, ``"em"``).
    n_missing_codes, n_out_of_scale, n_unmapped : int
        Cells made missing because they held a declared missing code, lay outside the scale
        (lenient mode), or were absent from a recoding table (lenient mode).
    em_iterations : int or None
        EM iterations (``"em"`` only).
    by_indicator : mapping indicator -> mapping str -> int
        ``missing``, ``missing_codes``, ``out_of_scale``, ``unmapped`` per indicator.
    """

    treatment: str
    n_rows: int
    n_rows_dropped: int = 0
    n_incomplete_rows: int = 0
    n_cells_missing: int = 0
    n_cells_imputed: int = 0
    n_missing_codes: int = 0
    n_out_of_scale: int = 0
    n_unmapped: int = 0
    em_iterations: int | None = None
    by_indicator: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``missing`` object of ``FitResult.to_dict()`` (a public contract).

        Keys: ``treatment``, ``rows``, ``rows_dropped``, ``incomplete_rows``,
        ``cells_missing``, ``cells_imputed``, ``missing_codes``, ``out_of_scale``,
        ``unmapped``, ``em_iterations`` (null unless EM), ``by_indicator``.
        """
        return {
            "treatment": self.treatment,
            "rows": self.n_rows,
            "rows_dropped": self.n_rows_dropped,
            "incomplete_rows": self.n_incomplete_rows,
            "cells_missing": self.n_cells_missing,
            "cells_imputed": self.n_cells_imputed,
            "missing_codes": self.n_missing_codes,
            "out_of_scale": self.n_out_of_scale,
            "unmapped": self.n_unmapped,
            "em_iterations": self.em_iterations,
            "by_indicator": {k: dict(v) for k, v in self.by_indicator.items()},
        }


@dataclass(frozen=True)
class IndicatorData:
    """Validated indicator values in spec order.

    Attributes
    ----------
    values : ndarray, shape (n, p)
        Read-only float array, columns in ``indicators`` order, without missing cells
        (after ``"mean"``, ``"pairwise"`` or ``"em"`` the filled values; see the module notes).
    indicators : tuple of str
    row_labels : pandas.Index
        Labels of the rows kept (from the source frame: source row numbers for a Survey).
    scales : mapping indicator -> Scale
        Theoretical bounds known for each indicator (mapping, spec, then defaults).
    n_dropped : int
        Rows dropped by the missing-value policy.
    missing : str
        The missing-data treatment.
    source : str or None
        Where the data came from (a file name), for messages and provenance.
    moments : (mean, covariance) or None
        Means (p,) and covariance (p, p, divisor n) estimated by ``"pairwise"`` or ``"em"``;
        estimators use them instead of the moments of ``values``. None otherwise.
    missing_report : MissingReport or None
    case_weights : ndarray, shape (n,), or None
        The mapping's case-weight column for the rows kept; the estimators weight their moments by it.
    groups : pandas.DataFrame or None
        The mapping's grouping columns for the rows kept, indexed like ``row_labels``.
    metadata : SurveyMetadata or None
        Labels, missing codes and counts of the survey the data came from.
    warnings : tuple of str
        Messages of the warnings :func:`prepare` issued about these data for the spec (a small
        sample, :func:`check_sample_size`); every fit of them carries these messages too.
    """

    values: np.ndarray
    indicators: tuple[str, ...]
    row_labels: pd.Index
    scales: Mapping[str, Scale] = field(default_factory=dict)
    n_dropped: int = 0
    missing: str = "error"
    source: str | None = None
    moments: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    missing_report: MissingReport | None = None
    case_weights: np.ndarray | None = field(default=None, repr=False)
    groups: pd.DataFrame | None = field(default=None, repr=False)
    metadata: SurveyMetadata | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def n_obs(self) -> int:
        return int(self.values.shape[0])
