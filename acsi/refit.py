"""Re-estimation on resampled rows: the one refit engine of the bootstrap and the group comparisons.

Any estimator (``fit(spec, data) -> FitResult``; the one a result keeps in
``result.estimator``) is refitted on each set of rows. A refit is usable unless it fails for
one of :data:`FAILURE_REASONS`, checked in this order:

* ``constant_indicator``: an indicator does not vary in the rows (it cannot be standardised);
* ``singular``: a singular matrix (``numpy.linalg.LinAlgError``, also when an estimator wraps
  it in an :class:`~acsi.errors.EstimationError`);
* ``error``: any other error of ours or a numerical error of numpy;
* ``not_converged``: ``converged = False`` or a :class:`~acsi.errors.ConvergenceWarning`;
* ``inadmissible``: an :class:`~acsi.errors.InadmissibleSolutionWarning` (a Heywood case, a
  reliability or construct correlation above 1; dropped, as cSEM does by default);
* ``non_finite``: a statistic the caller needs is NaN or infinite (for example an index whose
  weights cannot be normalised).

The batched PLS bootstrap reports its failures with the same words. Failures are never
dropped silently: callers count them by reason (:func:`count_failures`) and say so once
(:func:`describe`). Warnings raised inside refits are recorded per thread
(:func:`acsi.notices.recorded`), counted by class, and not re-issued one by one.

Reference: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 6.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from acsi import notices
from acsi.data import IndicatorData
from acsi.errors import AcsiError, ConvergenceWarning, InadmissibleSolutionWarning
from acsi.results import FitResult
from acsi.spec.model import ModelSpec

#: Why a refit is unusable, one word per cause (the keys of ``failures`` in every result).
FAILURE_REASONS: tuple[str, ...] = ("constant_indicator", "singular", "not_converged", "non_finite", "error", "inadmissible")
#: The code of a usable refit in :attr:`Replicates.codes` (other codes index :data:`FAILURE_REASONS`).
OK = -1


@dataclass(frozen=True)
class Refit:
    """One refit: the result (None when the fit raised) and why it is unusable (None: usable).

    ``not_converged`` and ``inadmissible`` refits keep their result (a group's own fit is
    reported with a note; a resample is dropped). ``warnings`` are the class names of the
    warnings recorded during the fit.
    """

    result: FitResult | None
    reason: str | None
    warnings: tuple[str, ...] = ()


def refit(estimator: Any, spec: ModelSpec, data: IndicatorData) -> Refit:
    """Fit ``estimator`` to ``data`` with its warnings recorded, and classify the outcome (module notes)."""
    values = data.values
    if values.shape[0] < 2 or (values.min(axis=0) == values.max(axis=0)).any():
        return Refit(None, "constant_indicator")
    try:
        with notices.recorded() as caught:  # thread-safe, unlike warnings.catch_warnings
            result = estimator.fit(spec, data)
    except np.linalg.LinAlgError:
        return Refit(None, "singular")
    except (AcsiError, FloatingPointError, ValueError) as err:
        return Refit(None, "singular" if isinstance(err.__cause__, np.linalg.LinAlgError) else "error")
    names = tuple(category.__name__ for category, _ in caught)
    if not result.converged or any(issubclass(category, ConvergenceWarning) for category, _ in caught):
        return Refit(result, "not_converged", names)
    if any(issubclass(category, InadmissibleSolutionWarning) for category, _ in caught):
        return Refit(result, "inadmissible", names)
    return Refit(result, None, names)


def subset(data: IndicatorData, rows: np.ndarray) -> IndicatorData:
    """The prepared data of some rows (a group, a resample, a leave-one-out set), read-only, with their case weights."""
    values = data.values[rows]
    values.setflags(write=False)
    return replace(
        data,
        values=values,
        row_labels=data.row_labels[rows],
        case_weights=None if data.case_weights is None else data.case_weights[rows],
        moments=None,
        groups=None,
        missing_report=None,
        n_dropped=0,
    )


@dataclass(frozen=True)
class Replicates:
    """The statistics of many refits.

    Attributes
    ----------
    theta : ndarray, shape (B, P)
        Statistics of each refit; NaN rows for failed ones.
    codes : ndarray of int, shape (B,)
        :data:`OK` or the position of the failure reason in :data:`FAILURE_REASONS`.
    warnings : Counter
        Warnings recorded inside the refits, by class name.
    """

    theta: np.ndarray
    codes: np.ndarray
    warnings: Counter

    def failures(self) -> dict[str, int]:
        """Failed refits by reason (:func:`count_failures`)."""
        return count_failures(self.codes)


def replicate(
    estimator: Any,
    spec: ModelSpec,
    row_sets: Iterable[np.ndarray],
    resampled: Callable[[np.ndarray], IndicatorData | str],
    statistics: Callable[[FitResult], np.ndarray],
    size: int,
    required: np.ndarray | None = None,
) -> Replicates:
    """Refit ``estimator`` on each set of rows and collect ``statistics`` of the usable refits.

    Parameters
    ----------
    row_sets : iterable of int arrays
        Rows of each refit (resamples with replacement, or leave-one-out sets).
    resampled : callable
        The data of a row set, or a failure reason (a word of :data:`FAILURE_REASONS`) when
        they cannot be built (:func:`subset` for prepared data).
    statistics : callable
        The numbers kept from a refit, shape (``size``,).
    required : bool array, shape (size,), optional
        The statistics that must be finite (default: all); a refit with another one non-finite
        fails with ``non_finite``.
    """
    sets = list(row_sets)
    theta = np.full((len(sets), size), np.nan)
    codes = np.full(len(sets), OK)
    counted: Counter = Counter()
    for r, rows in enumerate(sets):
        data = resampled(rows)
        if isinstance(data, str):
            codes[r] = FAILURE_REASONS.index(data)
            continue
        fitted = refit(estimator, spec, data)
        counted.update(fitted.warnings)
        reason = fitted.reason
        if reason is None:
            values = statistics(fitted.result)  # type: ignore[arg-type]
            if np.isfinite(values if required is None else values[required]).all():
                theta[r] = values
            else:
                reason = "non_finite"
        if reason is not None:
            codes[r] = FAILURE_REASONS.index(reason)
    return Replicates(theta, codes, counted)


def count_failures(codes: np.ndarray) -> dict[str, int]:
    """Failures by reason, in :data:`FAILURE_REASONS` order, reasons that occurred only."""
    return {reason: int((codes == i).sum()) for i, reason in enumerate(FAILURE_REASONS) if (codes == i).any()}


def describe(failures: Mapping[str, int]) -> str:
    """``"not converged: 3, inadmissible: 1"``: the reasons that occurred, in :data:`FAILURE_REASONS` order."""
    return ", ".join(f"{r.replace('_', ' ')}: {failures[r]}" for r in FAILURE_REASONS if failures.get(r))
