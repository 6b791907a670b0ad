"""What a bootstrap works on: its checked options, and the full-sample fit with its data and estimator."""

from __future__ import annotations

import numbers
import os
import secrets
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from acsi.core import resample
from acsi.data import IndicatorData, prepare
from acsi.distributed.frames import DaskRows, dask_rows
from acsi.errors import ParameterError
from acsi.results import FitResult
from acsi.spec.model import ModelSpec, Scale

CI_METHODS: tuple[str, ...] = ("percentile", "bca", "basic")
ENGINES: tuple[str, ...] = ("auto", "batched", "refit")
#: BCa needs enough resamples to estimate the bias correction and the tail quantiles it moves
#: to; below this it is refused (Efron & Tibshirani 1993, section 14.5, advise B >= 1000).
BCA_MIN_RESAMPLES = 200
#: Missing-data treatments that fill or model missing cells: a bootstrap must repeat them per resample.
TREATED_MISSING = ("mean", "pairwise", "em")


def check_int(name: str, value: object, minimum: int) -> int:
    """``value`` as an int, refused unless it is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def seed_sequence(seed: object) -> np.random.SeedSequence:
    """The ``SeedSequence`` of ``seed``; None draws fresh 63-bit entropy, reported so that the run can be repeated."""
    if seed is None:  # a fresh 63-bit seed, reported so the run can be repeated (--seed takes it back)
        return np.random.SeedSequence(secrets.randbits(63))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(
            f"seed must be a non-negative integer (or None for a fresh one); got {seed!r} ({type(seed).__name__})."
        )
    return np.random.SeedSequence(int(seed))


def _data_from_result(result: FitResult) -> IndicatorData:
    """The indicator data a fit kept (values, scales of its index, case weights), to resample from."""
    scales: dict[str, Scale] = {}
    if result.index is not None:
        for name, low, high in zip(result.index.indicators, result.index.lower, result.index.upper):
            scales[name] = Scale(float(low), float(high))
    return IndicatorData(
        values=result.indicator_values,
        indicators=result.indicators,
        row_labels=result.row_labels,
        scales=scales,
        n_dropped=result.n_dropped,
        missing=result.settings.get("missing", "error"),
        case_weights=result.case_weights,
    )


def _refit_source(result: FitResult) -> tuple[ModelSpec, IndicatorData]:
    """The spec and data a refit of ``result`` starts from: its own, or for a two-stage higher-order fit
    the spec with the higher-order constructs and the stage-1 data (its indicators), so that every
    resample repeats both stages (:class:`~acsi.estimators.higher_order.TwoStageHigherOrder`)."""
    if result.source_spec is None or result.first_stage is None:
        return result.spec, _data_from_result(result)
    stage_one = _data_from_result(result.first_stage)
    columns = [stage_one.indicators.index(name) for name in result.source_spec.indicators]
    values = stage_one.values[:, columns]
    values.setflags(write=False)
    scales = {name: scale for name, scale in stage_one.scales.items() if name in result.source_spec.indicators}
    return result.source_spec, replace(stage_one, values=values, indicators=result.source_spec.indicators, scales=scales)


def _estimator_of(result: FitResult) -> Any:
    """The estimator kept on ``result`` (``result.estimator``), which the bootstrap refits."""
    if result.estimator is None:
        raise ParameterError(
            f"This {result.method!r} result does not carry the estimator that produced it (it was not made by an "
            "estimator's fit); pass the estimator itself: acsi.bootstrap(estimator, spec, data, ...)."
        )
    return result.estimator


def _check_rows_kept(result: FitResult) -> None:
    """ParameterError for a fit of a Dask frame, which kept moments, not rows (its values are all NaN)."""
    values = result.indicator_values
    if values.size and np.isnan(values[0]).all():
        raise ParameterError(
            "This fit kept no rows (it was made on a Dask DataFrame, or every row is missing); bootstrap it "
            "from the data: acsi.bootstrap(result.estimator, result.spec, dask_frame, resampling='poisson')."
        )


def _dask_data(spec: ModelSpec, rows: DaskRows, prepare_options: dict[str, Any]) -> tuple[IndicatorData, list[Any]]:
    """The moments-only IndicatorData of Dask rows (:func:`acsi.distributed.prepare.prepare_dask`) and the
    partition summaries it was made from (the resamples reuse them: one pass fewer)."""
    from acsi.distributed.moments import partition_summaries
    from acsi.distributed.prepare import prepare_dask

    if prepare_options.get("mapping") is not None or not prepare_options.get("strict", True):
        raise ParameterError("mapping= and strict=False need the rows in memory; a Dask DataFrame is read as it is.")
    missing = prepare_options["missing"]
    parts = partition_summaries(rows.frame, spec.indicators, weight=rows.weight, listwise=missing == "listwise")
    scale = prepare_options.get("scale")
    data: IndicatorData = prepare_dask(spec, rows.frame, scale=scale, missing=missing, weight=rows.weight, parts=parts)
    return data, parts


def check_options(
    n_boot: object, seed: object, ci: str, level: object, sign_change: str, workers: object, engine: str
) -> tuple[int, np.random.SeedSequence, int]:
    """The checked ``n_boot``, the seed's ``SeedSequence`` and the number of workers (default: the CPUs)."""
    n_boot = check_int("n_boot", n_boot, 2)
    sequence = seed_sequence(seed)
    if ci not in CI_METHODS:
        raise ParameterError(f"Unknown interval method ci={ci!r}; expected one of {', '.join(CI_METHODS)}.")
    if ci == "bca" and n_boot < BCA_MIN_RESAMPLES:
        raise ParameterError(
            f"BCa intervals need at least {BCA_MIN_RESAMPLES} resamples (1000 or more recommended) to estimate "
            f"the bias correction and the tail quantiles; got n_boot={n_boot}. Raise n_boot or use ci='percentile'."
        )
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ParameterError(f"level must be a number between 0 and 1 (such as 0.95); got {level!r}.")
    if sign_change not in resample.SIGN_CHANGES:
        raise ParameterError(f"Unknown sign_change={sign_change!r}; expected one of {', '.join(resample.SIGN_CHANGES)}.")
    n_workers = (os.cpu_count() or 1) if workers is None else check_int("workers", workers, 1)
    if engine not in ENGINES:
        raise ParameterError(f"Unknown engine={engine!r}; expected 'auto', 'batched' or 'refit'.")
    return n_boot, sequence, n_workers


@dataclass(frozen=True)
class BootstrapInputs:
    """The full-sample fit, the estimator that refits it, its spec and data, and the raw data when
    every resample must repeat a missing-data treatment (``raw``, else None), or the Dask rows
    the data's moments were computed from (``rows``, else None)."""

    base: FitResult
    estimator: Any
    spec: ModelSpec
    data: IndicatorData
    raw: Any
    prepare_options: dict[str, Any]
    rows: DaskRows | None = None
    parts: Any = None  # the partition summaries of the Dask rows (acsi.distributed.moments.PartSummary list)

    @property
    def n(self) -> int:
        """Rows a resample draws from: of the raw data when the treatment is repeated, else of the fit."""
        if self.raw is None:
            return self.base.n_obs
        return len(self.raw.frame if hasattr(self.raw, "frame") else self.raw)


def resolve_inputs(
    estimator: Any, spec: ModelSpec | None, data: pd.DataFrame | IndicatorData | None, prepare_options: dict[str, Any]
) -> BootstrapInputs:
    """The :class:`BootstrapInputs` of ``bootstrap(estimator, spec, data)`` or of ``bootstrap(result)``."""
    if isinstance(estimator, FitResult):
        base = estimator
        _check_rows_kept(base)
        treated = base.settings.get("missing")
        if treated in TREATED_MISSING:
            raise ParameterError(
                f"This fit treated missing values with missing={treated!r}; a bootstrap must repeat that treatment in "
                "every resample, which needs the raw data. Call acsi.bootstrap(result.estimator, result.spec, frame, "
                f"missing={treated!r}, ...) with the data frame or survey (CLI: acsi fit --missing ... --bootstrap N)."
            )
        spec, data = _refit_source(base)
        return BootstrapInputs(base, _estimator_of(base), spec, data, None, prepare_options)
    if spec is None or data is None:
        raise ParameterError("bootstrap(estimator, spec, data): pass the spec and the data with an estimator.")
    if not callable(getattr(estimator, "fit", None)):
        raise ParameterError(f"estimator must have a fit(spec, data) method; got {type(estimator).__name__}.")
    rows = dask_rows(data)
    if rows is not None:
        indicator_data, parts = _dask_data(spec, rows, prepare_options)
        base = estimator.fit(spec, indicator_data)
        return BootstrapInputs(base, estimator, spec, indicator_data, None, prepare_options, rows, parts)
    raw = None
    if isinstance(data, IndicatorData):
        if data.missing in TREATED_MISSING:
            raise ParameterError(
                f"These IndicatorData were prepared with missing={data.missing!r}; pass the raw data frame or "
                "survey and the same missing= so that every resample repeats the treatment."
            )
        indicator_data = data
    else:
        indicator_data = prepare(spec, data, **prepare_options)
        if prepare_options["missing"] in TREATED_MISSING:
            raw = data
    base = estimator.fit(spec, indicator_data)
    return BootstrapInputs(base, estimator, spec, indicator_data, raw, prepare_options)
