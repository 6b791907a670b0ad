"""Group estimation by refitting any estimator (PLSc, CB-SEM, GSCA) per group and resample.

The PLS path of :func:`acsi.compare.estimate_groups` works on moments with the batched
kernel. The other estimators have no batched form, so each group is fitted with the
estimator itself (``estimator.fit(spec, group_data)``, exactly what :func:`acsi.fit` does on
that group alone) and bootstrapped by refitting it on resamples of the group's rows, through
the refit engine the bootstrap uses (:mod:`acsi.refit`: the same failure reasons).

Resamples are drawn as in the PLS path: group g draws its ``n_boot`` resamples of its
``n_g`` rows from ``default_rng(SeedSequence(seed).spawn(G)[g])`` with
:func:`acsi.core.resample.draw_indices`, so the same seed gives the same resampled rows
whatever the method or the number of worker processes.

Failures are never dropped silently: failed resamples (:data:`acsi.refit.FAILURE_REASONS`;
``non_finite`` when an index the group's own fit has, or a path, is not finite) are NaN in
the draws, counted per group and reason, and summarised once (a
:class:`~acsi.errors.BootstrapWarning`); other warnings raised inside resamples are counted
by class, not re-issued one by one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from acsi import refit
from acsi.blas import one_blas_thread
from acsi.core import resample
from acsi.data import IndicatorData
from acsi.results import FitResult
from acsi.spec.model import ModelSpec


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
        """The task of one group's prepared data (its case weights included)."""
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
    with one_blas_thread():
        return _run_group(task)


def _run_group(task: GroupTask) -> dict[str, Any]:
    ex = task.extract
    spec, data = task.unpack()
    own = refit.refit(task.estimator, spec, data)
    out: dict[str, Any] = {
        "reason": own.reason,
        "warnings": Counter(own.warnings),
        "failures": Counter(),
        "resample_warnings": Counter(),
    }
    if own.result is None:
        return out
    result = own.result
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
    m = len(ex.construct_names)
    indices = resample.draw_indices(np.random.default_rng(task.seed), task.n_boot, n)
    reps = refit.replicate(
        task.estimator,
        spec,
        indices,
        lambda rows: refit.subset(data, rows),
        lambda fitted: np.concatenate([ex.index(fitted), ex.paths(fitted)]),
        m + ex.sources.size,
        required=np.concatenate([np.isfinite(out["index"]), np.ones(ex.sources.size, dtype=bool)]),
    )
    out.update(
        index_draws=reps.theta[:, :m],
        path_draws=reps.theta[:, m:],
        failures=Counter(reps.failures()),
        resample_warnings=reps.warnings,
    )
    return out
