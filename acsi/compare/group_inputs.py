"""The inputs of a group comparison, checked once: the request, the grouping and weight columns, the split.

:func:`check_request` validates the arguments of :func:`acsi.compare.estimate_groups`;
:func:`split_groups` prepares the data once (:func:`acsi.prepare`) and splits its rows by the
grouping column into a :class:`GroupSplit`; :func:`reportable` applies the minimum-n rule.
Bad input raises :class:`~acsi.errors.DataError` or :class:`~acsi.errors.ParameterError`
naming the column, rows and the expected values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.compare.group_estimates import MIN_BOOT, GroupArrays, GroupData, GroupEstimates, GroupMode, path_positions
from acsi.data import IndicatorData, MissingPolicy, prepare
from acsi.errors import DataError, ParameterError
from acsi.estimators.base import EstimatorBase
from acsi.estimators.ordinal import may_use_ordinal
from acsi.estimators.pls import PLSPM
from acsi.ingest.mapping import SurveyMapping
from acsi.ingest.survey import Survey
from acsi.spec.model import ModelSpec, Scale
from acsi.structure import model_structure

#: Missing-data treatments that leave a complete indicator matrix to split by group.
GROUP_MISSING: tuple[str, ...] = ("error", "listwise", "mean")
_SHOW = 5


@dataclass(frozen=True)
class GroupRequest:
    """How to estimate the groups: the checked arguments of :func:`acsi.compare.estimate_groups`."""

    estimator: EstimatorBase
    mode: GroupMode
    n_boot: int
    seed: int | None
    level: float
    min_n: int
    workers: int


@dataclass(frozen=True)
class GroupMoments:
    """Moments that stand in for the rows of a split whose rows stay on a Dask cluster.

    ``groups`` holds per group (in ``labels`` order) its means (1, p) and covariance (1, p, p),
    divisor n; ``overall`` the means (p,) and covariance (p, p) of all rows kept; ``positive``
    per group the rows with a positive case weight (None when unweighted).
    """

    groups: tuple[tuple[np.ndarray, np.ndarray], ...]
    overall: tuple[np.ndarray, np.ndarray]
    positive: tuple[int, ...] | None = None


@dataclass(frozen=True)
class GroupSplit:
    """The prepared data of a group comparison, split by group.

    ``values`` (n, p) indicator values of the rows kept, ``w`` (n,) case weights or None,
    ``labels`` the sorted groups, ``codes`` (n,) each row's group position, ``n_obs`` (G,),
    ``lower``/``upper`` (p,) scale bounds (NaN without a scale), ``indexed`` the positions of
    the constructs with a 0-100 index (all their indicators have a scale). ``moments``: the
    rows stay on a Dask cluster (:mod:`acsi.compare.group_dask`); ``values`` and ``codes`` are
    then read-only placeholders (NaN, -1) of the right length and the moments are estimated.
    """

    spec: ModelSpec
    group: str
    data: IndicatorData
    values: np.ndarray
    w: np.ndarray | None
    labels: tuple[Any, ...]
    codes: np.ndarray
    n_obs: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    indexed: list[int]
    moments: GroupMoments | None = None

    @property
    def index_constructs(self) -> tuple[str, ...]:
        return tuple(self.spec.construct_names[b] for b in self.indexed)

    @property
    def path_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        return path_positions(self.spec)

    @property
    def group_data(self) -> GroupData:
        return GroupData(values=self.values, codes=self.codes, case_weights=self.w)

    def rows(self, g: int) -> np.ndarray:
        """Rows of group ``g``."""
        return np.flatnonzero(self.codes == g)

    def estimates(
        self,
        request: GroupRequest,
        arrays: GroupArrays,
        reported: np.ndarray,
        notes: list[str],
        overall: dict[str, Any],
        failures: tuple[dict[str, int], ...] | None = None,
    ) -> GroupEstimates:
        """The :class:`GroupEstimates` of this split estimated as ``request`` asks."""
        estimator = request.estimator
        return GroupEstimates(
            spec=self.spec,
            mode=request.mode,
            group_column=self.group,
            settings={
                "method": estimator.method,
                "estimator": repr(estimator),
                "n_boot": request.n_boot,
                "path_pairs": self.path_pairs,
            },
            labels=self.labels,
            n_obs=self.n_obs,
            reported=reported,
            notes=tuple(notes),
            constructs=self.spec.construct_names,
            index_constructs=self.index_constructs,
            index=arrays.index,
            index_draws=arrays.index_draws,
            paths=arrays.paths,
            path_draws=arrays.path_draws,
            total_effects=arrays.total_effects,
            index_weights=arrays.index_weights,
            means=arrays.means,
            lower=self.lower,
            upper=self.upper,
            overall=overall,
            data=self.group_data,
            estimator=estimator,
            n_boot=request.n_boot,
            level=request.level,
            seed=request.seed,
            min_n=request.min_n,
            method=estimator.method,
            failures=failures,
        )


def check_int(name: str, value: object, minimum: int) -> int:
    """``value`` as an int, or :class:`~acsi.errors.ParameterError` unless it is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name} must be an integer of at least {minimum}; got {value!r}.")
    return int(value)


def check_estimator(estimator: Any) -> EstimatorBase:
    """The estimator of a group comparison: ``PLSPM()`` by default, else an acsi estimator."""
    if estimator is None:
        return PLSPM()
    if not isinstance(estimator, EstimatorBase):
        raise ParameterError(
            f"estimator must be an acsi estimator with fit(spec, data) (PLSPM, PLSc, CBSEM, GSCA); got {type(estimator).__name__}."
        )
    return estimator


def check_request(
    spec: ModelSpec,
    estimator: Any,
    mode: GroupMode,
    missing: MissingPolicy,
    *,
    n_boot: int,
    seed: int | None,
    level: float,
    min_n: int,
    workers: int,
) -> GroupRequest:
    """Check the arguments of :func:`acsi.compare.estimate_groups` before any data are read."""
    estimator = check_estimator(estimator)
    method = estimator.method
    if mode not in ("separate", "pooled"):
        raise ParameterError(f"Unknown mode {mode!r}; expected 'separate' or 'pooled'.")
    if mode == "pooled" and method != "pls":
        raise NotImplementedError(
            f"mode='pooled' applies the pooled PLS index weights to each group and is built for PLS only; got the "
            f"{type(estimator).__name__} estimator (method {method!r}). Use mode='separate' (CLI: --mode separate) "
            "or method 'pls'."
        )
    if method == "pls" and may_use_ordinal(estimator, spec):
        raise NotImplementedError(
            "Group comparisons run PLS on Pearson correlations (batched kernel); ordinal indicators are not built "
            "there. Use ordinal='none' (CLI: --ordinal none), or method 'plsc' (refitted per group)."
        )
    n_boot = check_int("n_boot", n_boot, 0)
    if 0 < n_boot < MIN_BOOT:
        raise ParameterError(f"n_boot={n_boot} is too few resamples for an interval; use 0 (none) or at least {MIN_BOOT}.")
    min_n = check_int("min_n", min_n, 3)
    workers = check_int("workers", workers, 1)
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, such as 0.95; got {level!r}.")
    if method == "pls":
        spec.check_pls()
    if missing not in GROUP_MISSING:
        raise NotImplementedError(
            f"missing={missing!r} is not available for group comparisons: pairwise and EM moments would have to be "
            f"estimated within every group and resample. Use one of {', '.join(GROUP_MISSING)}."
        )
    return GroupRequest(estimator, mode, n_boot, seed, level, min_n, workers)


def group_column(frame: pd.DataFrame, column: str, what: str = "group") -> pd.Series:
    """The grouping column ``column`` of ``frame``, checked: present and without missing labels."""
    if column not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:30]))
        raise DataError(f"The data have no {what} column '{column}'. Columns found: {shown}. Name an existing column.")
    labels = frame[column]
    missing = labels.isna()
    if missing.any():
        rows = ", ".join(map(str, labels.index[missing][:_SHOW]))
        raise DataError(
            f"{int(missing.sum())} row(s) have no {what} label in column '{column}' (rows {rows}). "
            "Fill in the labels or drop those rows."
        )
    return labels


def case_weight_column(frame: pd.DataFrame, weights: str | Sequence[float] | np.ndarray) -> np.ndarray:
    """Case weights from a column name or an array, checked: numeric, finite, non-negative, not all zero."""
    if isinstance(weights, str):
        if weights not in frame.columns:
            raise DataError(f"The data have no weight column '{weights}'. Name an existing column.")
        values = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype=float)
        where = f"column '{weights}'"
    else:
        values = np.asarray(weights, dtype=float)
        where = "the weights"
        if values.shape != (len(frame),):
            raise DataError(f"Case weights need one value per row ({len(frame)}); got shape {values.shape}.")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        rows = ", ".join(map(str, frame.index[bad][:_SHOW]))
        raise DataError(
            f"{int(bad.sum())} case weight(s) in {where} are missing, negative or not numbers (rows {rows}). "
            "Weights must be finite and non-negative."
        )
    return values


def split_groups(
    spec: ModelSpec,
    frame: pd.DataFrame | Survey,
    group: str,
    *,
    weights: str | Sequence[float] | np.ndarray | None,
    scale: tuple[float, float] | Scale | None,
    missing: MissingPolicy,
    strict: bool,
    mapping: SurveyMapping | str | Path | None,
) -> GroupSplit:
    """Prepare ``frame`` once (:func:`acsi.prepare`) and split the rows kept by the column ``group``.

    Case weights come from ``weights`` (a column or one value per row), else from the mapping's
    weight column, else there are none.
    """
    if isinstance(frame, Survey):
        survey = frame
        if not survey.frame.index.is_unique:
            survey = Survey(frame=survey.frame.reset_index(drop=True), metadata=survey.metadata)
    else:
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"Data must be a pandas DataFrame or an acsi.ingest.Survey; got {type(frame).__name__}.")
        survey = Survey.from_frame(frame if frame.index.is_unique else frame.reset_index(drop=True))
    table = survey.frame
    labels_all = group_column(table, group)
    case_weights_all = case_weight_column(table, weights) if weights is not None else None
    data = prepare(spec, survey, scale=scale, missing=missing, strict=strict, mapping=mapping)
    kept = table.index.get_indexer(data.row_labels)
    labels = labels_all.to_numpy()[kept]
    if case_weights_all is not None:
        w = case_weights_all[kept]
    elif data.case_weights is not None:  # the mapping's weight column
        w = np.asarray(data.case_weights, dtype=float)
    else:
        w = None
    uniques, codes = np.unique(
        labels.astype(str) if labels.dtype == object and not _sortable(labels) else labels, return_inverse=True
    )
    lower, upper, indexed = scale_bounds(spec, data)
    return GroupSplit(
        spec=spec,
        group=group,
        data=data,
        values=np.asarray(data.values, dtype=float),
        w=w,
        labels=tuple(u.item() if isinstance(u, np.generic) else u for u in uniques),
        codes=codes,
        n_obs=np.bincount(codes, minlength=len(uniques)),
        lower=lower,
        upper=upper,
        indexed=indexed,
    )


def scale_bounds(spec: ModelSpec, data: IndicatorData) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Scale bounds (p,) of the indicators (NaN without a scale) and the constructs whose indicators all have one."""
    lower = np.array([data.scales[i].min if i in data.scales else np.nan for i in data.indicators])
    upper = np.array([data.scales[i].max if i in data.scales else np.nan for i in data.indicators])
    block = model_structure(spec).block
    has_scale = np.isfinite(lower)
    return lower, upper, [b for b in range(len(spec.construct_names)) if has_scale[block == b].all()]


def reportable(split: GroupSplit, min_n: int) -> tuple[np.ndarray, list[str]]:
    """Which groups are estimated (at least ``min_n`` rows, 3 with a positive weight), and notes on the others."""
    n_obs, w = split.n_obs, split.w
    notes = ["" for _ in range(n_obs.size)]
    reported = n_obs >= min_n
    for g in np.flatnonzero(~reported):
        notes[g] = f"n={int(n_obs[g])} below the minimum {min_n}; not reported"
    positive = split.moments.positive if split.moments is not None else None
    if w is not None or positive is not None:
        for g in np.flatnonzero(reported):
            if not (positive[g] if positive is not None else (w[split.codes == g] > 0).sum()) >= 3:
                reported[g] = False
                notes[g] = "fewer than 3 rows with a positive case weight; not reported"
    return reported, notes


def listed(items: list[Any]) -> str:
    """The first few ``items`` joined by commas, with how many more."""
    shown = ", ".join(map(str, items[:_SHOW]))
    return f"{shown} and {len(items) - _SHOW} more" if len(items) > _SHOW else shown


def append_note(notes: list[str], g: int, extra: str) -> None:
    """Add ``extra`` to the note of group ``g``."""
    notes[g] = f"{notes[g]}; {extra}" if notes[g] else extra


def _sortable(labels: np.ndarray) -> bool:
    try:
        np.unique(labels)
    except TypeError:
        return False
    return True
