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

The within-group resampling (:func:`acsi.compare.group_pls.group_moments`) uses the bootstrap's
resampled moments (:mod:`acsi.core.resample`, as :func:`acsi.bootstrap` does), per group; the point
estimate uses the moments of a fit, so one group holding every row gives ``acsi.fit``'s numbers.

This module is the driver: the inputs are checked and split in :mod:`acsi.compare.group_inputs`,
PLS runs in :mod:`acsi.compare.group_pls`, the other estimators in :mod:`acsi.compare.group_refit`,
and the result is :class:`acsi.compare.group_estimates.GroupEstimates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.compare.group_dask import check_dask_request, split_groups_dask
from acsi.compare.group_estimates import DEFAULT_MIN_N, GroupEstimates, GroupMode
from acsi.compare.group_inputs import check_request, split_groups
from acsi.compare.group_pls import estimate_pls
from acsi.compare.group_refit import estimate_refit
from acsi.data import MissingPolicy
from acsi.distributed.frames import DaskRows, dask_rows
from acsi.ingest.mapping import SurveyMapping
from acsi.spec.model import ModelSpec, Scale


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
    frame : pandas.DataFrame, acsi.ingest.Survey, dask.dataframe.DataFrame or DaskRows
        Respondents in rows: the spec's indicators plus the grouping column; never modified.
        Error messages name rows by the frame's index (source row numbers for a Survey). A
        Dask DataFrame stays on the active Dask scheduler: each group's moments are merged
        there and estimated by PLS without resamples (:mod:`acsi.compare.group_dask`).
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
    request = check_request(spec, estimator, mode, missing, n_boot=n_boot, seed=seed, level=level, min_n=min_n, workers=workers)
    rows = dask_rows(frame)
    if rows is not None:  # the rows stay on the Dask cluster: per-group moments (acsi.compare.group_dask)
        check_dask_request(request, rows, {"weights": weights, "mapping": mapping, "strict": strict})
        rows = DaskRows(rows.frame, weights) if isinstance(weights, str) else rows
        return estimate_pls(split_groups_dask(spec, rows, group, scale=scale, missing=missing), request)
    split = split_groups(spec, frame, group, weights=weights, scale=scale, missing=missing, strict=strict, mapping=mapping)
    if request.estimator.method != "pls":
        return estimate_refit(split, request)
    return estimate_pls(split, request)
