"""Group estimation by refitting any estimator (PLSc, CB-SEM, GSCA) per group and resample.

The PLS path of :func:`acsi.compare.estimate_groups` works on moments with the batched
kernel. The other estimators have no batched form, so each group is fitted with the
estimator itself (``estimator.fit(spec, group_data)``, exactly what :func:`acsi.fit` does on
that group alone) and bootstrapped by refitting it on resamples of the group's rows.

Resamples are drawn as in the PLS path: group g draws its ``n_boot`` resamples of its
``n_g`` rows from ``default_rng(SeedSequence(seed).spawn(G)[g])`` with
:func:`acsi.core.resample.draw_indices`, so the same seed gives the same resampled rows
whatever the method or the number of worker processes.

Failures are never dropped silently. A resample fails when an indicator is constant in it,
the estimator raises, does not converge (:class:`~acsi.errors.ConvergenceWarning` or
``converged = False``), returns an inadmissible solution
(:class:`~acsi.errors.InadmissibleSolutionWarning`: a Heywood case, a reliability or
construct correlation above 1) or non-finite estimates. Failed resamples are NaN in the
draws, counted per group and reason, and summarised once (a
:class:`~acsi.errors.BootstrapWarning`); other warnings raised inside resamples are counted
by class, not re-issued one by one.

Reference: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 6.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from acsi import notices
from acsi.core import resample
from acsi.data import IndicatorData
from acsi.errors import AcsiError, ConvergenceWarning, InadmissibleSolutionWarning
from acsi.results import FitResult
from acsi.spec.model import ModelSpec

#: Reasons a resample (or a group's own fit) fails, in the order they are checked.
REFIT_FAILURES: tuple[str, ...] = ("constant_indicator", "error", "not_converged", "inadmissible", "non_finite")


def method_of(estimator: Any) -> str:
    """``"pls"`` for :class:`~acsi.estimators.pls.PLSPM`, else the estimator's class name in lower case (plsc, cbsem, gsca)."""
    from acsi.estimators.pls import PLSPM

    return "pls" if isinstance(estimator, PLSPM) else type(estimator).__name__.lower()


@dataclass(frozen=True)
class Extract:
    """Which numbers of a FitResult a group comparison keeps (picklable)."""

    construct_names: tuple[str, ...]
    index_constructs: tuple[str, ...]
    indicators: tuple[str, ...]
    sources: np.ndarray
    targets: np.ndarray

    def paths(self, result: FitResult) -> np.ndarray:
        return np.asarray(result.path_matrix, dtype=float)[self.sources, self.targets]

    def index(self, result: FitResult) -> np.ndarray:
        """Index of every construct in ``construct_names`` order (NaN where the fit has none)."""
        out = np.full(len(self.construct_names), np.nan)
        if result.index is not None:
            position = {name: j for j, name in enumerate(self.construct_names)}
            for name, value in zip(result.index.constructs, result.index.values):
                out[position[name]] = value
        return out

    def index_weights(self, result: FitResult) -> np.ndarray:
        """Normalised index weights (p,) in spec indicator order; NaN for indicators without an index."""
        out = np.full(len(self.indicators), np.nan)
        if result.index is not None:
            position = {name: j for j, name in enumerate(self.indicators)}
            for name, value in zip(result.index.indicators, result.index.weights):
                out[position[name]] = value
        return out


def fit_once(estimator: Any, spec: ModelSpec, data: IndicatorData) -> tuple[FitResult | None, str | None, list[str]]:
    """Fit with warnings captured: (result or None, failure reason or None, warning class names).

    The reason is None for a usable fit; ``"not_converged"`` and ``"inadmissible"`` still
    return the result (a group's own fit is reported with a note; a resample is dropped).
    """
    values = data.values
    if values.shape[0] < 2 or (values.min(axis=0) == values.max(axis=0)).any():
        return None, "constant_indicator", []
    try:
        with notices.recorded() as caught:  # thread-safe, unlike warnings.catch_warnings
            result = estimator.fit(spec, data)
    except (AcsiError, np.linalg.LinAlgError, FloatingPointError, ValueError):
        return None, "error", []
    names = [category.__name__ for category, _ in caught]
    if not result.converged or any(issubclass(category, ConvergenceWarning) for category, _ in caught):
        return result, "not_converged", names
    if any(issubclass(category, InadmissibleSolutionWarning) for category, _ in caught):
        return result, "inadmissible", names
    return result, None, names


def subset(data: IndicatorData, rows: np.ndarray, case_weights: np.ndarray | None) -> IndicatorData:
    """The prepared data of some rows (a group or a resample of it), read-only."""
    values = data.values[rows]
    values.setflags(write=False)
    return replace(
        data,
        values=values,
        row_labels=data.row_labels[rows],
        case_weights=None if case_weights is None else case_weights[rows],
        moments=None,
        groups=None,
        missing_report=None,
        n_dropped=0,
    )


@dataclass(frozen=True)
class GroupTask:
    """One group to fit and bootstrap, in picklable form for worker processes.

    The spec travels as its dictionary (:func:`acsi.spec.yaml_io.spec_to_dict`) and the
    group's prepared data as plain arrays; :meth:`of` builds it, :meth:`unpack` rebuilds them.
    """

    estimator: Any
    spec: dict[str, Any]
    values: np.ndarray
    indicators: tuple[str, ...]
    row_labels: Any
    scales: dict[str, Any]
    case_weights: np.ndarray | None
    seed: np.random.SeedSequence
    n_boot: int
    extract: Extract

    @classmethod
    def of(
        cls, estimator: Any, spec: ModelSpec, data: IndicatorData, seed: np.random.SeedSequence, n_boot: int, extract: Extract
    ) -> GroupTask:
        from acsi.spec.yaml_io import spec_to_dict

        return cls(
            estimator,
            spec_to_dict(spec),
            np.asarray(data.values),
            data.indicators,
            data.row_labels,
            dict(data.scales),
            data.case_weights,
            seed,
            n_boot,
            extract,
        )

    def unpack(self) -> tuple[ModelSpec, IndicatorData]:
        from acsi.spec.yaml_io import spec_from_dict

        values = np.array(self.values, dtype=float)
        values.setflags(write=False)
        data = IndicatorData(
            values=values,
            indicators=self.indicators,
            row_labels=self.row_labels,
            scales=dict(self.scales),
            case_weights=self.case_weights,
        )
        return spec_from_dict(self.spec), data


def run_group(task: GroupTask) -> dict[str, Any]:
    """Fit one group, then refit it on ``n_boot`` resamples of its rows (BLAS on one thread)."""
    with _one_blas_thread():
        return _run_group(task)


def _one_blas_thread() -> Any:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _run_group(task: GroupTask) -> dict[str, Any]:
    ex = task.extract
    spec, data = task.unpack()
    result, reason, names = fit_once(task.estimator, spec, data)
    out: dict[str, Any] = {"reason": reason, "warnings": Counter(names), "failures": Counter(), "resample_warnings": Counter()}
    if result is None:
        return out
    out.update(
        index=ex.index(result),
        paths=ex.paths(result),
        total_effects=np.asarray(result.total_effect_matrix, dtype=float),
        index_weights=ex.index_weights(result),
        negative=result.index is not None and bool((np.asarray(result.index.weights) < 0).any()),
    )
    if not task.n_boot:
        return out
    n = data.values.shape[0]
    indices = resample.draw_indices(np.random.default_rng(task.seed), task.n_boot, n)
    index_draws = np.full((task.n_boot, len(ex.construct_names)), np.nan)
    path_draws = np.full((task.n_boot, ex.sources.size), np.nan)
    for b, rows in enumerate(indices):
        fitted, why, caught = fit_once(task.estimator, spec, subset(data, rows, data.case_weights))
        out["resample_warnings"].update(caught)
        if why is None:
            idx, pth = ex.index(fitted), ex.paths(fitted)  # type: ignore[arg-type]
            wanted = np.isfinite(out["index"])
            if not (np.isfinite(idx[wanted]).all() and np.isfinite(pth).all()):
                why = "non_finite"
            else:
                index_draws[b], path_draws[b] = idx, pth
        if why is not None:
            out["failures"][why] += 1
    out.update(index_draws=index_draws, path_draws=path_draws)
    return out


def describe(failures: Counter | dict[str, int]) -> str:
    """``"not converged: 3, inadmissible: 1"`` in :data:`REFIT_FAILURES` order."""
    return ", ".join(f"{r.replace('_', ' ')}: {failures[r]}" for r in REFIT_FAILURES if failures.get(r))
