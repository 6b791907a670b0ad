"""Group estimation: one model per branch, firm, region or period, with bootstrap intervals.

:func:`estimate_groups` validates the data once, splits it by a grouping column and
estimates, for every group large enough to report, the 0-100 index of each construct and
the path coefficients, with percentile bootstrap intervals. Two designs:

* ``mode="separate"`` (default): the PLS model is estimated in each group (its own weights,
  paths and index weights), as when the ACSI estimates a model per firm.
* ``mode="pooled"``: one PLS model on all rows; each group's index applies the pooled index
  weights to the group's indicator means (group-specific index scores); paths are the
  pooled ones. The bootstrap then resamples within each group with the weights held fixed.

Case (sampling) weights give weighted PLS: weighted means and covariances everywhere (the
weighted correlation matrix in the PLS kernel, weighted means in the index), and the
bootstrap multiplies its resampling counts by the weights.

All groups and resamples are estimated together from moments (:mod:`acsi.core.stack`):
for each group, one matrix product gives its ``n_boot`` resampled correlation matrices, and
the batched PLS kernel iterates thousands of them at once.

The within-group resampling (:func:`_group_moments`) uses the bootstrap's resampled
moments (:mod:`acsi.core.resample`, as :func:`acsi.bootstrap` does), per group; the point
estimate uses the moments of a fit, so one group holding every row gives ``acsi.fit``'s numbers.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.compare import refit
from acsi.core import pls as kernel
from acsi.core import resample, stack
from acsi.core.index import index_values, normalised_weights
from acsi.core.intervals import percentile_interval
from acsi.core.moments import MomentBasis, correlation_and_sd, mean_and_covariance, weighted_mean
from acsi.data import IndicatorData, MissingPolicy, prepare
from acsi.errors import (
    BootstrapWarning,
    ConvergenceWarning,
    DataError,
    EstimationError,
    InadmissibleSolutionWarning,
    NegativeWeightWarning,
    ParameterError,
)
from acsi.estimators.base import EstimatorBase
from acsi.estimators.pls import PLSPM
from acsi.ingest.mapping import SurveyMapping
from acsi.ingest.survey import Survey
from acsi.refit import FAILURE_REASONS, describe, subset
from acsi.result_contract import ResultContract
from acsi.spec.model import ModelSpec, Scale
from acsi.structure import model_structure
from acsi.summary import Section, Summary

GroupMode = Literal["separate", "pooled"]
#: Missing-data treatments that leave a complete indicator matrix to split by group.
GROUP_MISSING: tuple[str, ...] = ("error", "listwise", "mean")
#: Default minimum number of respondents for a group to be reported (ACSI practice reports
#: a firm only from about 250 interviews; 30 is the floor below which PLS estimates per group
#: are unstable). Smaller groups are listed with ``reported = False`` and a note.
DEFAULT_MIN_N = 30
MIN_BOOT = 20
_SHOW = 5


@dataclass(frozen=True)
class _Task:
    """The data of a few groups and how to estimate them (picklable, for worker processes)."""

    blocks: tuple[np.ndarray, ...]  # per group: indicator values (n_g, p)
    case_weights: tuple[np.ndarray | None, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    structure: kernel.Structure
    settings: dict[str, Any]
    lower: np.ndarray
    upper: np.ndarray
    pooled_weights: np.ndarray | None  # normalised index weights (p,) in pooled mode


def _group_moments(
    X: np.ndarray, w: np.ndarray | None, n_boot: int, seed: np.random.SeedSequence
) -> tuple[np.ndarray, np.ndarray]:
    """Means (1 + n_boot, p) and covariances (1 + n_boot, p, p) of one group: the estimate, then resamples.

    Row 0 has the (case-weighted) moments of a fit (:func:`acsi.core.moments.mean_and_covariance`);
    the others multiply bootstrap counts by the case weights. Resampling and moments are those
    of the bootstrap (:mod:`acsi.core.resample`, :class:`acsi.core.moments.MomentBasis`).
    """
    mean, C = mean_and_covariance(X, w)
    if not n_boot:
        return mean[None], C[None]
    n = X.shape[0]
    V = resample.counts_from_indices(resample.draw_indices(np.random.default_rng(seed), n_boot, n), n)
    if w is not None:
        V = V * w
    means, covariances = MomentBasis.from_data(X).moments(V)
    return np.concatenate([mean[None], means]), np.concatenate([C[None], covariances])


def _estimate_task(task: _Task) -> dict[str, np.ndarray]:
    """Estimates of the groups of one task: row 0 of each resample axis is the point estimate.

    BLAS is limited to one thread meanwhile: on stacks of small matrices a second thread
    only adds contention (../shared/design/peers.md); parallelism comes from ``workers``.
    """
    with _one_blas_thread():
        return _estimate(task)


def _one_blas_thread() -> Any:
    try:  # threadpoolctl comes with scikit-learn (a semopy dependency); without it, BLAS keeps its setting
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _fit_moments(
    mean: np.ndarray, C: np.ndarray, structure: kernel.Structure, settings: dict[str, Any], lower: np.ndarray, upper: np.ndarray
) -> tuple[stack.StackFit, np.ndarray, np.ndarray]:
    """PLS (:func:`acsi.core.stack.fit_stack`), normalised index weights (..., p) and 0-100 indices (..., k)
    of a stack of means (..., p) and covariances (..., p, p): the one group estimate of every comparison."""
    S, sd = correlation_and_sd(C)
    standardized = settings["standardized"]
    fit = stack.fit_stack(
        S if standardized else C, structure, settings["scheme"], tol=settings["tol"], max_iter=settings["max_iter"]
    )
    block, k = structure.block, structure.n_constructs
    normalised = normalised_weights(fit.weights(structure), sd, block, k, settings["index_weights"], standardized=standardized)[0]
    return fit, normalised, index_values(normalised, mean, lower, upper, block, k)


def _estimate(task: _Task) -> dict[str, np.ndarray]:
    settings = task.settings
    structure = task.structure
    means, covariances = [], []
    for X, w, seed in zip(task.blocks, task.case_weights, task.seeds):
        m, C = _group_moments(X, w, settings["n_boot"], seed)
        means.append(m)
        covariances.append(C)
    mean = np.stack(means)  # (g, 1 + B, p)
    C = np.stack(covariances)
    del means, covariances
    out: dict[str, np.ndarray] = {"mean": mean[:, 0]}
    if task.pooled_weights is not None:
        k = structure.n_constructs
        out["index"] = index_values(task.pooled_weights, mean, task.lower, task.upper, structure.block, k)
        return out
    fit, normalised, index = _fit_moments(mean, C, structure, settings, task.lower, task.upper)
    out.update(
        index=index,
        paths=stack.path_values(fit.B, settings["path_pairs"]),
        B=fit.B[:, 0],
        converged=fit.converged,
        valid=fit.valid,
        normalised=normalised[:, 0],
        negative=(normalised < 0).any(axis=-1)[:, 0],
    )
    return out


@dataclass(frozen=True)
class GroupData:
    """The validated data behind a group comparison (for permutation tests and MICOM).

    ``values`` (n, p) indicator values of the rows used, ``codes`` (n,) group number of each
    row (position in ``labels``), ``case_weights`` (n,) or None.
    """

    values: np.ndarray = field(repr=False)
    codes: np.ndarray = field(repr=False)
    case_weights: np.ndarray | None = field(repr=False)

    def rows(self, g: int) -> np.ndarray:
        return np.flatnonzero(self.codes == g)


@dataclass(frozen=True)
class GroupEstimates(ResultContract):
    """Per-group estimates with bootstrap draws (from :func:`estimate_groups`).

    Attributes
    ----------
    spec : ModelSpec
    mode : {"separate", "pooled"}
    group_column : str
    labels : tuple
        Every group found in the data, sorted; includes groups too small to report.
    n_obs : ndarray of int, shape (G,)
    reported : ndarray of bool, shape (G,)
        False for groups below ``min_n`` or whose estimation failed (see ``notes``).
    notes : tuple of str, shape (G,)
        Why a group is not reported, or other remarks ("" if none).
    constructs : tuple of str
        All constructs (spec order); ``index_constructs`` those with a 0-100 index.
    index : ndarray, shape (G, m)
        0-100 index of each indexed construct per group (NaN when not reported).
    index_draws : ndarray, shape (G, n_boot, m) or None
        Bootstrap draws of the index (NaN for failed resamples).
    paths : ndarray, shape (G, n_paths)
        Path coefficients in spec order (the pooled ones in pooled mode).
    path_draws : ndarray, shape (G, n_boot, n_paths) or None
    total_effects : ndarray, shape (G, k, k)
    index_weights : ndarray, shape (G, p)
        Normalised index weights w~ used for each group.
    means : ndarray, shape (G, p)
        (Weighted) indicator means per group.
    lower, upper : ndarray, shape (p,)
        Theoretical scale bounds (NaN for indicators without a scale).
    overall : dict
        The pooled estimate over all rows: ``index`` (m,), ``paths`` (n_paths,),
        ``total_effects`` (k, k), ``index_weights`` (p,), ``means`` (p,), ``n_obs``.
    method : str
        The estimator: ``"pls"`` (batched kernel) or ``"plsc"``, ``"cbsem"``, ``"gsca"``
        (refitted per group and resample, :mod:`acsi.compare.refit`).
    failures : tuple of dict, shape (G,), or None
        Refit methods with a bootstrap: failed resamples of each group by reason
        (:data:`acsi.refit.FAILURE_REASONS`); their draws are NaN.
    """

    spec: ModelSpec
    mode: GroupMode
    group_column: str
    settings: dict[str, Any]
    labels: tuple[Any, ...]
    n_obs: np.ndarray
    reported: np.ndarray
    notes: tuple[str, ...]
    constructs: tuple[str, ...]
    index_constructs: tuple[str, ...]
    index: np.ndarray
    index_draws: np.ndarray | None = field(repr=False)
    paths: np.ndarray = field(repr=False)
    path_draws: np.ndarray | None = field(repr=False)
    total_effects: np.ndarray = field(repr=False)
    index_weights: np.ndarray = field(repr=False)
    means: np.ndarray = field(repr=False)
    lower: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)
    overall: dict[str, Any] = field(repr=False)
    data: GroupData = field(repr=False)
    n_boot: int = 0
    level: float = 0.95
    seed: int | None = None
    min_n: int = DEFAULT_MIN_N
    method: str = "pls"
    failures: tuple[dict[str, int], ...] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ lookups
    @property
    def path_keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.spec.paths)

    def position(self, label: Any) -> int:
        """Row of group ``label``; ``KeyError`` naming the known groups otherwise."""
        try:
            return self.labels.index(label)
        except ValueError:
            shown = ", ".join(map(str, self.labels[:10]))
            raise ParameterError(f"No group {label!r} in column '{self.group_column}'; groups: {shown}.") from None

    def construct_position(self, construct: str) -> int:
        if construct not in self.index_constructs:
            raise ParameterError(
                f"Construct {construct!r} has no index; constructs with an index: {', '.join(self.index_constructs)}."
            )
        return self.index_constructs.index(construct)

    # ------------------------------------------------------------------ intervals
    @cached_property
    def index_interval(self) -> tuple[np.ndarray, np.ndarray]:
        """Percentile bootstrap interval of each index at ``level``, shapes (G, m); NaN without a bootstrap."""
        if self.index_draws is None:
            nan = np.full(self.index.shape, np.nan)
            return nan, nan
        return percentile_interval(self.index_draws, self.level, axis=1)

    @cached_property
    def path_interval(self) -> tuple[np.ndarray, np.ndarray]:
        if self.path_draws is None:
            nan = np.full(self.paths.shape, np.nan)
            return nan, nan
        return percentile_interval(self.path_draws, self.level, axis=1)

    @cached_property
    def index_se(self) -> np.ndarray:
        """Bootstrap standard error of each index (G, m); NaN without a bootstrap."""
        if self.index_draws is None:
            return np.full(self.index.shape, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self.index_draws, axis=1, ddof=1)

    @cached_property
    def path_se(self) -> np.ndarray:
        if self.path_draws is None:
            return np.full(self.paths.shape, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanstd(self.path_draws, axis=1, ddof=1)

    # ------------------------------------------------------------------ tidy views
    def table(self, construct: str | None = None) -> pd.DataFrame:
        """One row per group and indexed construct: ``group, construct, n, value, se, ci_lower, ci_upper, reported, note``.

        This is the tidy (group, value, n) layout that :mod:`acsi.compare.tables` ranks,
        compares over periods and aggregates.
        """
        lower, upper = self.index_interval
        frames = []
        for j, name in enumerate(self.index_constructs):
            if construct is not None and name != construct:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "group": list(self.labels),
                        "construct": name,
                        "n": self.n_obs,
                        "value": self.index[:, j],
                        "se": self.index_se[:, j],
                        "ci_lower": lower[:, j],
                        "ci_upper": upper[:, j],
                        "reported": self.reported,
                        "note": list(self.notes),
                    }
                )
            )
        if not frames:
            self.construct_position(construct)  # raises with the list of constructs
        return pd.concat(frames, ignore_index=True)

    def draws(self, construct: str) -> np.ndarray | None:
        """Bootstrap draws (G, n_boot) of one construct's index, or None without a bootstrap."""
        if self.index_draws is None:
            return None
        return self.index_draws[:, :, self.construct_position(construct)]

    def __repr__(self) -> str:
        return (
            f"GroupEstimates(mode={self.mode!r}, group_column={self.group_column!r}, groups={len(self.labels)}, "
            f"reported={int(sum(self.reported))})"
        )

    def to_dict(self) -> dict[str, Any]:
        """``{group: {n_obs, reported, note, index {construct: v}, ci {construct: [lo, hi]}, paths {key: v}, path_ci}}``."""
        lower, upper = self.index_interval
        plo, phi = self.path_interval
        out: dict[str, Any] = {}
        for g, label in enumerate(self.labels):
            entry: dict[str, Any] = {"n_obs": int(self.n_obs[g]), "reported": bool(self.reported[g]), "note": self.notes[g]}
            entry["index"] = {c: _num(self.index[g, j]) for j, c in enumerate(self.index_constructs)}
            entry["ci"] = {c: [_num(lower[g, j]), _num(upper[g, j])] for j, c in enumerate(self.index_constructs)}
            entry["paths"] = {key: _num(self.paths[g, e]) for e, key in enumerate(self.path_keys)}
            entry["path_ci"] = {key: [_num(plo[g, e]), _num(phi[g, e])] for e, key in enumerate(self.path_keys)}
            if self.failures is not None:
                entry["failed_resamples"] = dict(self.failures[g])
            out[str(label)] = entry
        return out

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per group and estimate, columns ``group``, ``quantity`` (``index`` or ``path``),
        ``parameter`` (construct or "From -> To"), ``n_obs``, ``estimate``, ``std_error``, ``ci_lower``,
        ``ci_upper``, ``reported``, ``note``."""
        frames = []
        for quantity, names, values, se, (lower, upper) in (
            ("index", self.index_constructs, self.index, self.index_se, self.index_interval),
            ("path", self.path_keys, self.paths, self.path_se, self.path_interval),
        ):
            G, m = len(self.labels), len(names)
            frames.append(
                pd.DataFrame(
                    {
                        "group": np.repeat(np.array(self.labels, dtype=object), m),
                        "quantity": quantity,
                        "parameter": np.tile(np.array(names, dtype=object), G),
                        "n_obs": np.repeat(self.n_obs, m),
                        "estimate": values.reshape(-1),
                        "std_error": se.reshape(-1),
                        "ci_lower": lower.reshape(-1),
                        "ci_upper": upper.reshape(-1),
                        "reported": np.repeat(self.reported, m),
                        "note": np.repeat(np.array(self.notes, dtype=object), m),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> Summary:
        """The 0-100 index of every group with its interval, then the path coefficients."""
        level = f"{100 * self.level:g}%"
        header = (
            f"Groups of '{self.group_column}' ({self.method}, {self.mode} model): {len(self.labels)} groups, "
            f"{int(sum(self.reported))} reported (at least {self.min_n} respondents), "
            f"{self.n_boot} bootstrap resamples per group, {level} percentile intervals",
        )
        frame = self.to_frame()
        index, paths = (frame[frame.quantity == q].drop(columns="quantity") for q in ("index", "path"))
        return Summary(
            header,
            (
                Section("Index (0-100)", index, digits=2, na_rep="-", index=False),
                Section("Path coefficients", paths, digits=3, na_rep="-", index=False),
            ),
        )


def _num(value: float) -> float | None:
    """A JSON number, or None for NaN."""
    value = float(value)
    return None if math.isnan(value) else value


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"{name} must be an integer of at least {minimum}; got {value!r}.")
    return int(value)


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


def _check_estimator(estimator: Any) -> Any:
    if estimator is None:
        return PLSPM()
    if not isinstance(estimator, EstimatorBase):
        raise ParameterError(
            f"estimator must be an acsi estimator with fit(spec, data) (PLSPM, PLSc, CBSEM, GSCA); got {type(estimator).__name__}."
        )
    return estimator


def estimate_groups(
    spec: ModelSpec,
    frame: pd.DataFrame,
    group: str,
    *,
    estimator: Any = None,
    mode: GroupMode = "separate",
    weights: str | Sequence[float] | np.ndarray | None = None,
    n_boot: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
    strict: bool = True,
    mapping: SurveyMapping | str | Path | None = None,
    workers: int = 1,
) -> GroupEstimates:
    """Estimate the model per group with bootstrap intervals.

    Parameters
    ----------
    spec : ModelSpec
    frame : pandas.DataFrame or acsi.ingest.Survey
        Respondents in rows: the spec's indicators plus the grouping column; never modified.
        Error messages name rows by the frame's index (source row numbers for a Survey).
    group : str
        Column holding each respondent's group (branch, firm, region, period).
    estimator : PLSPM, PLSc, CBSEM or GSCA, optional
        The estimator and its settings; default ``PLSPM()``. PLS runs on moments with the
        batched kernel. Any other estimator is fitted in each group as :func:`acsi.fit` would
        fit that group alone and bootstrapped by refitting it on the same resampled rows
        (:mod:`acsi.compare.refit`); ``mode="pooled"`` is PLS only.
    mode : {"separate", "pooled"}
        Estimate the model in each group, or once on all rows with group-specific indices.
    weights : str or array, optional
        Case (sampling) weights: a column name or one value per row. Weighted PLS. Without
        it, the weight column declared by ``mapping`` (if any) is used.
    n_boot : int
        Bootstrap resamples per group (0: no intervals). At least 20 when used.
    seed : int, optional
        Seed of the resampling; each group draws from its own stream
        (``SeedSequence(seed).spawn``), so results do not depend on ``workers``.
    level : float
        Confidence level of the percentile intervals.
    min_n : int
        Groups with fewer rows are listed but not estimated (``reported = False``).
    scale : (min, max), optional
        Theoretical bounds of indicators whose scale the spec does not give.
    missing : {"error", "listwise", "mean"}
        As in :func:`acsi.prepare`, applied to all rows before the split ("pairwise" and
        "em" raise ``NotImplementedError``).
    strict, mapping
        As in :func:`acsi.prepare` (out-of-scale values; a survey mapping file).
    workers : int
        Worker processes (groups are split between them).

    Returns
    -------
    GroupEstimates

    Raises
    ------
    DataError
        Missing group column or labels, bad case weights, and everything :func:`acsi.prepare` checks.

    Warns
    -----
    ConvergenceWarning
        A group's PLS weights did not converge (that group is still reported, with a note).
    NegativeWeightWarning
        Some group has a negative index weight.

    Notes
    -----
    Percentile interval of a group index: the ``(1 - level)/2`` and ``(1 + level)/2``
    quantiles of its ``n_boot`` resampled indices, each resample refitting the model in
    that group (separate mode). Resamples in which an indicator happens to be constant are
    dropped (NaN) rather than failing the group.
    """
    estimator = _check_estimator(estimator)
    method = estimator.method
    if mode not in ("separate", "pooled"):
        raise ParameterError(f"Unknown mode {mode!r}; expected 'separate' or 'pooled'.")
    if mode == "pooled" and method != "pls":
        raise NotImplementedError(
            f"mode='pooled' applies the pooled PLS index weights to each group and is built for PLS only; got the "
            f"{type(estimator).__name__} estimator (method {method!r}). Use mode='separate' (CLI: --mode separate) "
            "or method 'pls'."
        )
    n_boot = _check_int("n_boot", n_boot, 0)
    if 0 < n_boot < MIN_BOOT:
        raise ParameterError(f"n_boot={n_boot} is too few resamples for an interval; use 0 (none) or at least {MIN_BOOT}.")
    min_n = _check_int("min_n", min_n, 3)
    workers = _check_int("workers", workers, 1)
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, such as 0.95; got {level!r}.")
    if method == "pls":
        spec.check_pls()
    if missing not in GROUP_MISSING:
        raise NotImplementedError(
            f"missing={missing!r} is not available for group comparisons: pairwise and EM moments would have to be "
            f"estimated within every group and resample. Use one of {', '.join(GROUP_MISSING)}."
        )
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
    values = np.asarray(data.values, dtype=float)
    labels = labels_all.to_numpy()[kept]
    if case_weights_all is not None:
        w = case_weights_all[kept]
    elif data.case_weights is not None:  # the mapping's weight column
        w = np.asarray(data.case_weights, dtype=float)
    else:
        w = None
    structure = model_structure(spec)
    p, k = structure.n_indicators, structure.n_constructs

    uniques, codes = np.unique(
        labels.astype(str) if labels.dtype == object and not _sortable(labels) else labels, return_inverse=True
    )
    label_tuple = tuple(u.item() if isinstance(u, np.generic) else u for u in uniques)
    G = len(label_tuple)
    n_obs = np.bincount(codes, minlength=G)

    lower = np.array([data.scales[i].min if i in data.scales else np.nan for i in data.indicators])
    upper = np.array([data.scales[i].max if i in data.scales else np.nan for i in data.indicators])
    has_scale = np.isfinite(lower)
    indexed = [b for b in range(k) if has_scale[structure.block == b].all()]
    index_constructs = tuple(spec.construct_names[b] for b in indexed)
    path_pairs = (
        np.array([spec.construct_names.index(pth.source) for pth in spec.paths], dtype=int),
        np.array([spec.construct_names.index(pth.target) for pth in spec.paths], dtype=int),
    )
    if method != "pls":
        return _estimate_refit(
            estimator,
            method,
            spec,
            data,
            values,
            w,
            labels=label_tuple,
            codes=codes,
            n_obs=n_obs,
            group=group,
            indexed=indexed,
            index_constructs=index_constructs,
            lower=lower,
            upper=upper,
            n_boot=n_boot,
            seed=seed,
            level=level,
            min_n=min_n,
            workers=workers,
            path_pairs=path_pairs,
        )
    settings = {
        "scheme": estimator.scheme,
        "standardized": estimator.standardized,
        "tol": estimator.tol,
        "max_iter": estimator.max_iter,
        "index_weights": estimator.index_weights,
        "n_boot": n_boot,
        "path_pairs": path_pairs,
    }
    low_safe, up_safe = np.where(has_scale, lower, 0.0), np.where(has_scale, upper, 1.0)

    overall = _overall(values, w, structure, settings, low_safe, up_safe, spec)
    if not overall["converged"]:
        warnings.warn(
            f"PLS outer weights of the pooled model did not converge within max_iter={estimator.max_iter}.",
            ConvergenceWarning,
            stacklevel=2,
        )

    reported, notes = _reportable(n_obs, min_n, w, codes)

    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(n_obs)])
    seeds = np.random.SeedSequence(seed).spawn(G)
    todo = np.flatnonzero(reported)
    pooled_weights = overall["index_weights"] if mode == "pooled" else None
    # Group the work so that each call of the kernel sees about DEFAULT_CHUNK matrices.
    per_task = max(1, stack.DEFAULT_CHUNK // (n_boot + 1))
    tasks = []
    for start in range(0, todo.size, per_task):
        chosen = todo[start : start + per_task]
        rows = [order[bounds[g] : bounds[g + 1]] for g in chosen]
        tasks.append(
            _Task(
                blocks=tuple(values[r] for r in rows),
                case_weights=tuple(w[r] if w is not None else None for r in rows),
                seeds=tuple(seeds[g] for g in chosen),
                structure=structure,
                settings=settings,
                lower=low_safe,
                upper=up_safe,
                pooled_weights=pooled_weights,
            )
        )
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_estimate_task, tasks))
    else:
        results = [_estimate_task(task) for task in tasks]

    n_paths = len(spec.paths)
    index = np.full((G, len(indexed)), np.nan)
    paths = np.full((G, n_paths), np.nan)
    effects = np.full((G, k, k), np.nan)
    group_index_weights = np.full((G, p), np.nan)
    means = np.full((G, p), np.nan)
    index_draws = np.full((G, n_boot, len(indexed)), np.nan) if n_boot else None
    path_draws = np.full((G, n_boot, n_paths), np.nan) if n_boot and mode == "separate" else None
    not_converged, negative, failed_share = [], [], []
    start = 0
    for result in results:
        count = result["index"].shape[0]
        chosen = todo[start : start + count]
        start += count
        means[chosen] = result["mean"]
        idx = result["index"][..., indexed]
        if mode == "pooled":
            index[chosen] = idx[:, 0]
            group_index_weights[chosen] = overall["index_weights"]
            paths[chosen] = overall["paths"]
            effects[chosen] = overall["total_effects"]
            if n_boot:
                index_draws[chosen] = idx[:, 1:]
            continue
        valid = result["valid"]
        for local, g in enumerate(chosen):
            if not valid[local, 0]:
                reported[g] = False
                notes[g] = "estimation failed (an indicator is constant or a block collinear in this group); not reported"
                continue
            if not result["converged"][local, 0]:
                not_converged.append(g)
                notes[g] = "PLS weights did not converge"
            if result["negative"][local]:
                negative.append(g)
            index[g] = idx[local, 0]
            paths[g] = result["paths"][local, 0]
            effects[g] = kernel.total_effects(result["B"][local])
            group_index_weights[g] = result["normalised"][local]
            if n_boot:
                ok = valid[local, 1:] & result["converged"][local, 1:]
                failed_share.append(1.0 - ok.mean())
                index_draws[g] = np.where(ok[:, None], idx[local, 1:], np.nan)
                path_draws[g] = np.where(ok[:, None], result["paths"][local, 1:], np.nan)
    if not_converged:
        warnings.warn(
            f"PLS outer weights did not converge within max_iter={estimator.max_iter} in {len(not_converged)} group(s): "
            f"{_listed([label_tuple[g] for g in not_converged])}. Their estimates are unreliable; raise max_iter.",
            ConvergenceWarning,
            stacklevel=2,
        )
    if negative:
        warnings.warn(
            f"Negative index weight(s) in {len(negative)} group(s): {_listed([label_tuple[g] for g in negative])}. "
            "Their indices are not convex combinations of the indicators; check for reverse-coded items, or use "
            "mode='pooled' or index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=2,
        )
    for g, share in zip(todo, failed_share):
        if share > 0:
            extra = f"{share:.1%} of resamples failed (constant indicator or non-convergence) and were dropped"
            notes[g] = f"{notes[g]}; {extra}" if notes[g] else extra
    return GroupEstimates(
        spec=spec,
        mode=mode,
        group_column=group,
        settings=settings,
        labels=label_tuple,
        n_obs=n_obs,
        reported=reported,
        notes=tuple(notes),
        constructs=spec.construct_names,
        index_constructs=index_constructs,
        index=index,
        index_draws=index_draws,
        paths=paths,
        path_draws=path_draws,
        total_effects=effects,
        index_weights=group_index_weights,
        means=means,
        lower=lower,
        upper=upper,
        overall={**overall, "index": overall["index"][indexed]},
        data=GroupData(values=values, codes=codes, case_weights=w),
        n_boot=n_boot,
        level=level,
        seed=seed,
        min_n=min_n,
    )


def _reportable(n_obs: np.ndarray, min_n: int, w: np.ndarray | None, codes: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Which groups are estimated (at least ``min_n`` rows, 3 with a positive weight), and notes on the others."""
    notes = ["" for _ in range(n_obs.size)]
    reported = n_obs >= min_n
    for g in np.flatnonzero(~reported):
        notes[g] = f"n={int(n_obs[g])} below the minimum {min_n}; not reported"
    if w is not None:
        for g in np.flatnonzero(reported):
            if not (w[codes == g] > 0).sum() >= 3:
                reported[g] = False
                notes[g] = "fewer than 3 rows with a positive case weight; not reported"
    return reported, notes


def _estimate_refit(
    estimator: Any,
    method: str,
    spec: ModelSpec,
    data: IndicatorData,
    values: np.ndarray,
    w: np.ndarray | None,
    *,
    labels: tuple[Any, ...],
    codes: np.ndarray,
    n_obs: np.ndarray,
    group: str,
    indexed: list[int],
    index_constructs: tuple[str, ...],
    lower: np.ndarray,
    upper: np.ndarray,
    n_boot: int,
    seed: int | None,
    level: float,
    min_n: int,
    workers: int,
    path_pairs: tuple[np.ndarray, np.ndarray],
) -> GroupEstimates:
    """:func:`estimate_groups` for an estimator without a batched form: fit and refit per group (:mod:`acsi.compare.refit`)."""
    G, p, k = len(labels), len(spec.indicators), len(spec.construct_names)
    n_paths = len(spec.paths)
    extract = refit.Extract(spec.construct_names, index_constructs, spec.indicators, path_pairs[0], path_pairs[1])
    reported, notes = _reportable(n_obs, min_n, w, codes)
    seeds = np.random.SeedSequence(seed).spawn(G)  # as the PLS path: group g draws from child g
    data = replace(data, case_weights=w)

    # The pooled fit over all rows (the "overall" reference of rankings and IPMA): its warnings are its own.
    pooled = estimator.fit(spec, data)
    overall = {
        "n_obs": int(values.shape[0]),
        "index": extract.index(pooled)[indexed],
        "index_weights": extract.index_weights(pooled),
        "means": weighted_mean(values, w),
        "paths": extract.paths(pooled),
        "total_effects": np.asarray(pooled.total_effect_matrix, dtype=float),
        "converged": bool(pooled.converged),
    }

    todo = np.flatnonzero(reported)
    tasks = [
        refit.GroupTask.of(estimator, spec, subset(data, np.flatnonzero(codes == g)), seeds[g], n_boot, extract) for g in todo
    ]
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(refit.run_group, tasks))
    else:
        results = [refit.run_group(task) for task in tasks]

    index = np.full((G, len(indexed)), np.nan)
    paths = np.full((G, n_paths), np.nan)
    effects = np.full((G, k, k), np.nan)
    group_index_weights = np.full((G, p), np.nan)
    means = np.full((G, p), np.nan)
    index_draws = np.full((G, n_boot, len(indexed)), np.nan) if n_boot else None
    path_draws = np.full((G, n_boot, n_paths), np.nan) if n_boot else None
    failures: list[dict[str, int]] = [{} for _ in range(G)]
    flagged: dict[str, list[Any]] = {"not_converged": [], "inadmissible": [], "negative": []}
    total_failed: Counter = Counter()
    inside: Counter = Counter()
    for g, out in zip(todo, results):
        rows = codes == g
        means[g] = weighted_mean(values[rows], None if w is None else w[rows])
        if "index" not in out:
            reported[g] = False
            cause = (
                "an indicator is constant in this group"
                if out["reason"] == "constant_indicator"
                else f"{type(estimator).__name__} failed"
            )
            notes[g] = f"estimation failed ({cause}); not reported"
            continue
        if out["reason"] == "not_converged":
            flagged["not_converged"].append(labels[g])
            notes[g] = f"{type(estimator).__name__} did not converge"
        elif out["reason"] == "inadmissible":
            flagged["inadmissible"].append(labels[g])
            notes[g] = "inadmissible solution (see the warning)"
        if out["negative"]:
            flagged["negative"].append(labels[g])
        index[g] = out["index"][indexed]
        paths[g] = out["paths"]
        effects[g] = out["total_effects"]
        group_index_weights[g] = out["index_weights"]
        if n_boot:
            index_draws[g] = out["index_draws"][:, indexed]
            path_draws[g] = out["path_draws"]
            failures[g] = {r: int(out["failures"][r]) for r in FAILURE_REASONS if out["failures"].get(r)}
            total_failed.update(out["failures"])
            inside.update(out["resample_warnings"])
            failed = sum(failures[g].values())
            if failed:
                extra = f"{failed} of {n_boot} resamples failed ({describe(failures[g])}) and were left out"
                notes[g] = f"{notes[g]}; {extra}" if notes[g] else extra
    name = type(estimator).__name__
    if flagged["not_converged"]:
        warnings.warn(
            f"{name} did not converge in {len(flagged['not_converged'])} group(s): {_listed(flagged['not_converged'])}. "
            "Their estimates are unreliable; raise max_iter or simplify the model.",
            ConvergenceWarning,
            stacklevel=3,
        )
    if flagged["inadmissible"]:
        warnings.warn(
            f"{name} gave an inadmissible solution (a negative variance, or a loading, reliability or construct "
            f"correlation outside [-1, 1]) in {len(flagged['inadmissible'])} group(s): {_listed(flagged['inadmissible'])}. "
            "Interpret those groups with care; fit one alone with acsi.fit to see the details.",
            InadmissibleSolutionWarning,
            stacklevel=3,
        )
    if flagged["negative"]:
        warnings.warn(
            f"Negative index weight(s) in {len(flagged['negative'])} group(s): {_listed(flagged['negative'])}. Their "
            "indices are not convex combinations of the indicators; check for reverse-coded items or use index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=3,
        )
    if total_failed:
        failed = sum(total_failed.values())
        shown = ", ".join(f"{cls}: {count}" for cls, count in sorted(inside.items()))
        warnings.warn(
            f"{failed} of {n_boot * len(todo)} {name} bootstrap resamples failed over {len(todo)} group(s) "
            f"({describe(total_failed)}); they are left out of the intervals and tests (per group counts in "
            f"the notes and 'failed_resamples')." + (f" Warnings raised inside resamples: {shown}." if shown else ""),
            BootstrapWarning,
            stacklevel=3,
        )
    return GroupEstimates(
        spec=spec,
        mode="separate",
        group_column=group,
        settings={"method": method, "estimator": repr(estimator), "n_boot": n_boot, "path_pairs": path_pairs},
        labels=labels,
        n_obs=n_obs,
        reported=reported,
        notes=tuple(notes),
        constructs=spec.construct_names,
        index_constructs=index_constructs,
        index=index,
        index_draws=index_draws,
        paths=paths,
        path_draws=path_draws,
        total_effects=effects,
        index_weights=group_index_weights,
        means=means,
        lower=lower,
        upper=upper,
        overall=overall,
        data=GroupData(values=values, codes=codes, case_weights=w),
        n_boot=n_boot,
        level=level,
        seed=seed,
        min_n=min_n,
        method=method,
        failures=tuple(failures) if n_boot else None,
    )


def _sortable(labels: np.ndarray) -> bool:
    try:
        np.unique(labels)
    except TypeError:
        return False
    return True


def _listed(items: list[Any]) -> str:
    shown = ", ".join(map(str, items[:_SHOW]))
    return f"{shown} and {len(items) - _SHOW} more" if len(items) > _SHOW else shown


def _overall(
    values: np.ndarray,
    w: np.ndarray | None,
    structure: kernel.Structure,
    settings: dict[str, Any],
    lower: np.ndarray,
    upper: np.ndarray,
    spec: ModelSpec,
) -> dict[str, Any]:
    """The pooled (weighted) estimate over all rows."""
    mean, C = mean_and_covariance(values, w)
    fit, normalised, index = _fit_moments(mean, C, structure, settings, lower, upper)
    if not fit.valid:
        raise EstimationError("The pooled model cannot be estimated: a Mode B block or a set of predictors is collinear.")
    pairs = (
        np.array([spec.construct_names.index(pth.source) for pth in spec.paths], dtype=int),
        np.array([spec.construct_names.index(pth.target) for pth in spec.paths], dtype=int),
    )
    return {
        "n_obs": int(values.shape[0]),
        "index": index,
        "index_weights": normalised,
        "means": mean,
        "paths": stack.path_values(fit.B, pairs),
        "total_effects": kernel.total_effects(fit.B),
        "converged": bool(fit.converged),
    }
