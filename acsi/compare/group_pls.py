"""Group estimates of PLS from moments: every group and resample through the batched kernel.

For each group, one matrix product gives its ``n_boot`` resampled means and covariances
(:func:`group_moments`, the bootstrap's resampling of :mod:`acsi.core.resample` with the
moments of :class:`acsi.core.moments.MomentBasis`); :func:`fit_moments` runs the batched PLS
kernel (:func:`acsi.core.stack.fit_stack`) on the whole stack and turns it into normalised
index weights and 0-100 indices (:mod:`acsi.core.index`). Row 0 of each stack is the point
estimate, from the moments of a fit, so one group holding every row gives ``acsi.fit``'s numbers.

In pooled mode the index weights of the model on all rows are applied to each group's means
(:func:`acsi.core.index.index_values`); paths are the pooled ones. The settings (scheme,
tolerance, iteration limit, standardisation, index weights) are read from the estimator,
the one source the permutation tests and MICOM read as well.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from acsi.blas import one_blas_thread
from acsi.compare.group_estimates import GroupArrays, GroupEstimates
from acsi.compare.group_inputs import GroupRequest, GroupSplit, append_note, listed, reportable
from acsi.core import pls as kernel
from acsi.core import resample, stack
from acsi.core.index import index_values, normalised_weights
from acsi.core.moments import MomentBasis, correlation_and_sd, mean_and_covariance
from acsi.errors import ConvergenceWarning, EstimationError, NegativeWeightWarning
from acsi.estimators.pls import PLSPM
from acsi.structure import model_structure


@dataclass(frozen=True)
class _Task:
    """The data of a few groups and how to estimate them (picklable, for worker processes)."""

    blocks: tuple[np.ndarray, ...]  # per group: indicator values (n_g, p)
    case_weights: tuple[np.ndarray | None, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    structure: kernel.Structure
    estimator: PLSPM
    n_boot: int
    path_pairs: tuple[np.ndarray, np.ndarray]
    lower: np.ndarray
    upper: np.ndarray
    pooled_weights: np.ndarray | None  # normalised index weights (p,) in pooled mode
    moments: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None  # per group (1, p), (1, p, p): rows on a cluster


def group_moments(
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


def fit_correlations(S: np.ndarray, structure: kernel.Structure, estimator: PLSPM) -> stack.StackFit:
    """:func:`acsi.core.stack.fit_stack` of a stack of correlation (or covariance) matrices with the estimator's
    scheme, tolerance and iteration limit."""
    return stack.fit_stack(S, structure, estimator.scheme, tol=estimator.tol, max_iter=estimator.max_iter)


def fit_moments(
    mean: np.ndarray, C: np.ndarray, structure: kernel.Structure, estimator: PLSPM, lower: np.ndarray, upper: np.ndarray
) -> tuple[stack.StackFit, np.ndarray, np.ndarray]:
    """PLS (:func:`acsi.core.stack.fit_stack`), normalised index weights (..., p) and 0-100 indices (..., k)
    of a stack of means (..., p) and covariances (..., p, p): the one group estimate of every comparison."""
    S, sd = correlation_and_sd(C)
    standardized = estimator.standardized
    fit = fit_correlations(S if standardized else C, structure, estimator)
    block, k = structure.block, structure.n_constructs
    normalised = normalised_weights(fit.weights(structure), sd, block, k, estimator.index_weights, standardized=standardized)[0]
    return fit, normalised, index_values(normalised, mean, lower, upper, block, k)


def _estimate_task(task: _Task) -> dict[str, np.ndarray]:
    """Estimates of the groups of one task: row 0 of each resample axis is the point estimate.

    BLAS is limited to one thread meanwhile: on stacks of small matrices a second thread
    only adds contention (../shared/design/peers.md); parallelism comes from ``workers``.
    """
    with one_blas_thread():
        return _estimate(task)


def _estimate(task: _Task) -> dict[str, np.ndarray]:
    structure = task.structure
    pairs = task.moments
    if pairs is None:
        pairs = tuple(group_moments(X, w, task.n_boot, seed) for X, w, seed in zip(task.blocks, task.case_weights, task.seeds))
    mean = np.stack([m for m, _ in pairs])  # (g, 1 + B, p)
    C = np.stack([c for _, c in pairs])
    del pairs
    out: dict[str, np.ndarray] = {"mean": mean[:, 0]}
    if task.pooled_weights is not None:
        k = structure.n_constructs
        out["index"] = index_values(task.pooled_weights, mean, task.lower, task.upper, structure.block, k)
        return out
    fit, normalised, index = fit_moments(mean, C, structure, task.estimator, task.lower, task.upper)
    out.update(
        index=index,
        paths=stack.path_values(fit.B, task.path_pairs),
        B=fit.B[:, 0],
        converged=fit.converged,
        valid=fit.valid,
        normalised=normalised[:, 0],
        negative=(normalised < 0).any(axis=-1)[:, 0],
    )
    return out


def estimate_pls(split: GroupSplit, request: GroupRequest) -> GroupEstimates:
    """Estimate every reported group of ``split`` with PLS on moments (the PLS path of :func:`estimate_groups`)."""
    estimator = cast(PLSPM, request.estimator)
    structure = model_structure(split.spec)
    has_scale = np.isfinite(split.lower)
    low_safe, up_safe = np.where(has_scale, split.lower, 0.0), np.where(has_scale, split.upper, 1.0)
    overall = _overall(split, structure, estimator, low_safe, up_safe)
    if not overall["converged"]:
        warnings.warn(
            f"PLS outer weights of the pooled model did not converge within max_iter={estimator.max_iter}.",
            ConvergenceWarning,
            stacklevel=3,
        )
    reported, notes = reportable(split, request.min_n)
    todo = np.flatnonzero(reported)
    pooled_weights = overall["index_weights"] if request.mode == "pooled" else None
    tasks = _tasks(split, request, todo, structure, low_safe, up_safe, pooled_weights)
    if request.workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=request.workers) as pool:
            results = list(pool.map(_estimate_task, tasks))
    else:
        results = [_estimate_task(task) for task in tasks]
    arrays = GroupArrays.empty(
        split.spec, len(split.labels), len(split.indexed), request.n_boot, path_draws=request.mode == "separate"
    )
    if request.mode == "pooled":
        _collect_pooled(arrays, results, todo, split.indexed, overall)
    else:
        _collect_separate(arrays, results, todo, split, request, reported, notes)
    return split.estimates(request, arrays, reported, notes, {**overall, "index": overall["index"][split.indexed]})


def _tasks(
    split: GroupSplit,
    request: GroupRequest,
    todo: np.ndarray,
    structure: kernel.Structure,
    lower: np.ndarray,
    upper: np.ndarray,
    pooled_weights: np.ndarray | None,
) -> list[_Task]:
    """The groups ``todo`` in tasks of about :data:`acsi.core.stack.DEFAULT_CHUNK` matrices per kernel call.

    Group g draws its resamples from child g of ``SeedSequence(seed)``, whatever the tasks.
    """
    estimator = cast(PLSPM, request.estimator)
    per_task = max(1, stack.DEFAULT_CHUNK // (request.n_boot + 1))
    if split.moments is not None:  # the rows are on a cluster: their moments per group, no resamples
        groups = split.moments.groups
        return [
            _Task((), (), (), structure, estimator, 0, split.path_pairs, lower, upper, pooled_weights, moments=moments)
            for moments in (tuple(groups[g] for g in todo[a : a + per_task]) for a in range(0, todo.size, per_task))
        ]
    order = np.argsort(split.codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(split.n_obs)])
    seeds = np.random.SeedSequence(request.seed).spawn(len(split.labels))
    w = split.w
    tasks = []
    for start in range(0, todo.size, per_task):
        chosen = todo[start : start + per_task]
        rows = [order[bounds[g] : bounds[g + 1]] for g in chosen]
        tasks.append(
            _Task(
                blocks=tuple(split.values[r] for r in rows),
                case_weights=tuple(w[r] if w is not None else None for r in rows),
                seeds=tuple(seeds[g] for g in chosen),
                structure=structure,
                estimator=estimator,
                n_boot=request.n_boot,
                path_pairs=split.path_pairs,
                lower=lower,
                upper=upper,
                pooled_weights=pooled_weights,
            )
        )
    return tasks


def _by_task(results: list[dict[str, np.ndarray]], todo: np.ndarray) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray]]:
    """Each task's result with the groups it estimated (tasks hold consecutive groups of ``todo``)."""
    start = 0
    for result in results:
        count = result["index"].shape[0]
        yield result, todo[start : start + count]
        start += count


def _collect_pooled(
    arrays: GroupArrays, results: list[dict[str, np.ndarray]], todo: np.ndarray, indexed: list[int], overall: dict[str, Any]
) -> None:
    """Fill ``arrays`` from the task results of pooled mode: the pooled weights, paths and effects for every group."""
    for result, chosen in _by_task(results, todo):
        arrays.means[chosen] = result["mean"]
        idx = result["index"][..., indexed]
        arrays.index[chosen] = idx[:, 0]
        arrays.index_weights[chosen] = overall["index_weights"]
        arrays.paths[chosen] = overall["paths"]
        arrays.total_effects[chosen] = overall["total_effects"]
        if arrays.index_draws is not None:
            arrays.index_draws[chosen] = idx[:, 1:]


def _collect_separate(
    arrays: GroupArrays,
    results: list[dict[str, np.ndarray]],
    todo: np.ndarray,
    split: GroupSplit,
    request: GroupRequest,
    reported: np.ndarray,
    notes: list[str],
) -> None:
    """Fill ``arrays`` from the task results of separate mode; failed groups are not reported, failed resamples NaN."""
    not_converged, negative, failed_share = [], [], []
    for result, chosen in _by_task(results, todo):
        arrays.means[chosen] = result["mean"]
        idx = result["index"][..., split.indexed]
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
            arrays.index[g] = idx[local, 0]
            arrays.paths[g] = result["paths"][local, 0]
            arrays.total_effects[g] = kernel.total_effects(result["B"][local])
            arrays.index_weights[g] = result["normalised"][local]
            if arrays.index_draws is not None and arrays.path_draws is not None:
                ok = valid[local, 1:] & result["converged"][local, 1:]
                failed_share.append(1.0 - ok.mean())
                arrays.index_draws[g] = np.where(ok[:, None], idx[local, 1:], np.nan)
                arrays.path_draws[g] = np.where(ok[:, None], result["paths"][local, 1:], np.nan)
    _warn_separate(split, request, not_converged, negative)
    for g, share in zip(todo, failed_share):
        if share > 0:
            append_note(notes, g, f"{share:.1%} of resamples failed (constant indicator or non-convergence) and were dropped")


def _warn_separate(split: GroupSplit, request: GroupRequest, not_converged: list[int], negative: list[int]) -> None:
    """The warnings of the separate PLS path, addressed to the caller of :func:`estimate_groups`."""
    labels = split.labels
    if not_converged:
        max_iter = cast(PLSPM, request.estimator).max_iter
        warnings.warn(
            f"PLS outer weights did not converge within max_iter={max_iter} in {len(not_converged)} group(s): "
            f"{listed([labels[g] for g in not_converged])}. Their estimates are unreliable; raise max_iter.",
            ConvergenceWarning,
            stacklevel=5,
        )
    if negative:
        warnings.warn(
            f"Negative index weight(s) in {len(negative)} group(s): {listed([labels[g] for g in negative])}. "
            "Their indices are not convex combinations of the indicators; check for reverse-coded items, or use "
            "mode='pooled' or index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=5,
        )


def _overall(
    split: GroupSplit, structure: kernel.Structure, estimator: PLSPM, lower: np.ndarray, upper: np.ndarray
) -> dict[str, Any]:
    """The pooled (weighted) estimate over all rows."""
    mean, C = split.moments.overall if split.moments is not None else mean_and_covariance(split.values, split.w)
    fit, normalised, index = fit_moments(mean, C, structure, estimator, lower, upper)
    if not fit.valid:
        raise EstimationError("The pooled model cannot be estimated: a Mode B block or a set of predictors is collinear.")
    return {
        "n_obs": int(split.values.shape[0]),
        "index": index,
        "index_weights": normalised,
        "means": mean,
        "paths": stack.path_values(fit.B, split.path_pairs),
        "total_effects": kernel.total_effects(fit.B),
        "converged": bool(fit.converged),
    }
