"""Group estimates of estimators without a batched form (PLSc, CB-SEM, GSCA): fit and refit per group.

Each reported group is fitted with the estimator itself and bootstrapped by refitting it on
resamples of its rows (:mod:`acsi.compare.refit`, the refit engine of :mod:`acsi.refit`).
Failed groups are not reported (with a note); failed resamples are NaN in the draws, counted
per group and reason (:data:`acsi.refit.FAILURE_REASONS`) and summarised in one
:class:`~acsi.errors.BootstrapWarning`.
"""

from __future__ import annotations

import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from acsi.compare import refit
from acsi.compare.group_estimates import GroupArrays, GroupEstimates
from acsi.compare.group_inputs import GroupRequest, GroupSplit, append_note, listed, reportable
from acsi.core.moments import weighted_mean
from acsi.errors import BootstrapWarning, ConvergenceWarning, InadmissibleSolutionWarning, NegativeWeightWarning
from acsi.refit import FAILURE_REASONS, describe, subset


@dataclass
class _Flags:
    """What the group fits reported, for the warnings: groups by problem, failed resamples by reason."""

    not_converged: list[Any] = field(default_factory=list)
    inadmissible: list[Any] = field(default_factory=list)
    negative: list[Any] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    inside: Counter[str] = field(default_factory=Counter)


def estimate_refit(split: GroupSplit, request: GroupRequest) -> GroupEstimates:
    """:func:`acsi.compare.estimate_groups` for an estimator without a batched form (separate mode)."""
    estimator, spec, n_boot = request.estimator, split.spec, request.n_boot
    sources, targets = split.path_pairs
    extract = refit.Extract(spec.construct_names, split.index_constructs, spec.indicators, sources, targets)
    reported, notes = reportable(split, request.min_n)
    seeds = np.random.SeedSequence(request.seed).spawn(len(split.labels))  # as the PLS path: group g draws from child g
    data = replace(split.data, case_weights=split.w)

    # The pooled fit over all rows (the "overall" reference of rankings and IPMA): its warnings are its own.
    pooled = estimator.fit(spec, data)
    overall = {
        "n_obs": int(split.values.shape[0]),
        "index": extract.index(pooled)[split.indexed],
        "index_weights": extract.index_weights(pooled),
        "means": weighted_mean(split.values, split.w),
        "paths": extract.paths(pooled),
        "total_effects": np.asarray(pooled.total_effect_matrix, dtype=float),
        "converged": bool(pooled.converged),
    }
    todo = np.flatnonzero(reported)
    tasks = [refit.GroupTask.of(estimator, spec, subset(data, split.rows(g)), seeds[g], n_boot, extract) for g in todo]
    if request.workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=request.workers) as pool:
            results = list(pool.map(refit.run_group, tasks))
    else:
        results = [refit.run_group(task) for task in tasks]

    arrays = GroupArrays.empty(spec, len(split.labels), len(split.indexed), n_boot)
    failures: list[dict[str, int]] = [{} for _ in split.labels]
    flags = _Flags()
    name = type(estimator).__name__
    for g, out in zip(todo, results):
        rows = split.rows(g)
        arrays.means[g] = weighted_mean(split.values[rows], None if split.w is None else split.w[rows])
        if "index" not in out:
            reported[g] = False
            cause = "an indicator is constant in this group" if out["reason"] == "constant_indicator" else f"{name} failed"
            notes[g] = f"estimation failed ({cause}); not reported"
            continue
        _collect_group(arrays, g, out, split, name, notes, flags)
        if n_boot:
            failures[g] = _collect_draws(arrays, g, out, split, n_boot, notes, flags)
    _warn(name, flags, n_boot, len(todo))
    return split.estimates(request, arrays, reported, notes, overall, tuple(failures) if n_boot else None)


def _collect_group(
    arrays: GroupArrays, g: int, out: dict[str, Any], split: GroupSplit, name: str, notes: list[str], flags: _Flags
) -> None:
    """The point estimate of group ``g`` from its refit result ``out``, with its notes and flags."""
    label = split.labels[g]
    if out["reason"] == "not_converged":
        flags.not_converged.append(label)
        notes[g] = f"{name} did not converge"
    elif out["reason"] == "inadmissible":
        flags.inadmissible.append(label)
        notes[g] = "inadmissible solution (see the warning)"
    if out["negative"]:
        flags.negative.append(label)
    arrays.index[g] = out["index"][split.indexed]
    arrays.paths[g] = out["paths"]
    arrays.total_effects[g] = out["total_effects"]
    arrays.index_weights[g] = out["index_weights"]


def _collect_draws(
    arrays: GroupArrays, g: int, out: dict[str, Any], split: GroupSplit, n_boot: int, notes: list[str], flags: _Flags
) -> dict[str, int]:
    """The bootstrap draws of group ``g``; returns its failed resamples by reason."""
    assert arrays.index_draws is not None and arrays.path_draws is not None  # n_boot > 0
    arrays.index_draws[g] = out["index_draws"][:, split.indexed]
    arrays.path_draws[g] = out["path_draws"]
    failures = {r: int(out["failures"][r]) for r in FAILURE_REASONS if out["failures"].get(r)}
    flags.failed.update(out["failures"])
    flags.inside.update(out["resample_warnings"])
    failed = sum(failures.values())
    if failed:
        append_note(notes, g, f"{failed} of {n_boot} resamples failed ({describe(failures)}) and were left out")
    return failures


def _warn(name: str, flags: _Flags, n_boot: int, n_groups: int) -> None:
    """The warnings of the refit path, addressed to the caller of :func:`estimate_groups`."""
    level = 4  # _warn < estimate_refit < estimate_groups < caller
    if flags.not_converged:
        warnings.warn(
            f"{name} did not converge in {len(flags.not_converged)} group(s): {listed(flags.not_converged)}. "
            "Their estimates are unreliable; raise max_iter or simplify the model.",
            ConvergenceWarning,
            stacklevel=level,
        )
    if flags.inadmissible:
        warnings.warn(
            f"{name} gave an inadmissible solution (a negative variance, or a loading, reliability or construct "
            f"correlation outside [-1, 1]) in {len(flags.inadmissible)} group(s): {listed(flags.inadmissible)}. "
            "Interpret those groups with care; fit one alone with acsi.fit to see the details.",
            InadmissibleSolutionWarning,
            stacklevel=level,
        )
    if flags.negative:
        warnings.warn(
            f"Negative index weight(s) in {len(flags.negative)} group(s): {listed(flags.negative)}. Their "
            "indices are not convex combinations of the indicators; check for reverse-coded items or use index_weights='equal'.",
            NegativeWeightWarning,
            stacklevel=level,
        )
    if flags.failed:
        failed = sum(flags.failed.values())
        shown = ", ".join(f"{cls}: {count}" for cls, count in sorted(flags.inside.items()))
        warnings.warn(
            f"{failed} of {n_boot * n_groups} {name} bootstrap resamples failed over {n_groups} group(s) "
            f"({describe(flags.failed)}); they are left out of the intervals and tests (per group counts in "
            f"the notes and 'failed_resamples')." + (f" Warnings raised inside resamples: {shown}." if shown else ""),
            BootstrapWarning,
            stacklevel=level,
        )
