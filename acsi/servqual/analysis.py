"""``acsi.servqual``: the gap table with intervals and the dimensions ranked by their effect on satisfaction."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from acsi.core.mean_interval import MEAN_INTERVALS, bootstrap_interval, t_interval
from acsi.servqual.gaps import dimension_scores, gap_items, importance_weights, item_scores, overall_scores
from acsi.servqual.ranking import default_target, dimension_effects, servperf_spec
from acsi.servqual.result import ServqualResult
from acsi.spec.model import ModelSpec
from acsi.validate import check_choice, check_int, check_level


def _interval_table(scores: pd.DataFrame, interval: str, level: float, n_boot: int, seed: int | None) -> pd.DataFrame:
    values = scores.to_numpy(dtype=float)
    if interval == "t":
        mean, lower, upper, n = t_interval(values, level)
    else:
        mean, lower, upper, n = bootstrap_interval(values, level, n_boot, seed)
    return pd.DataFrame({"mean": mean, "lower": lower, "upper": upper, "n": n}, index=scores.columns)


def servqual(
    spec: ModelSpec,
    data: pd.DataFrame,
    *,
    servperf: bool = False,
    importance: Mapping[str, str] | None = None,
    interval: str = "t",
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int | None = None,
    target: str | None = None,
    method: str = "pls",
) -> ServqualResult:
    """Gap scores per item and dimension with confidence intervals, and the dimensions ranked.

    Parameters
    ----------
    spec : ModelSpec
        With ``derived`` difference indicators pairing perception and expectation items (each
        the indicator of a dimension), as ``models/servqual.yaml``.
    data : DataFrame
        The perception and expectation columns (and the model's other indicators).
    servperf : bool
        Score the perceptions alone (SERVPERF) instead of the gaps, in the table and the model.
    importance : mapping dimension -> column, optional
        Importance points (100 over the dimensions): adds the weighted dimension gaps and the
        weighted overall score ``sum_d (points_d / 100) G_d`` (:mod:`acsi.servqual.gaps`).
    interval : {"t", "bootstrap"}
        Student's t interval of each mean, or the bootstrap percentile interval of ``n_boot``
        row resamples (``seed``) (:mod:`acsi.core.mean_interval`).
    level : float
        Confidence level.
    target : str, optional
        The construct the dimensions are ranked by (default ``customer_satisfaction``, else
        the last path's target); ``method`` fits the model (:func:`acsi.fit`).

    Returns
    -------
    ServqualResult
    """
    check_choice("interval", interval, MEAN_INTERVALS)
    check_level("level", level)
    check_int("n_boot", n_boot, 2)
    items = gap_items(spec)
    scores = item_scores(items, data, servperf)
    dimensions = dimension_scores(items, scores)
    names = list(dimensions.columns)
    weights = importance_weights(data, importance, names) if importance else None
    overall = overall_scores(dimensions, weights)
    table = _interval_table(scores, interval, level, n_boot, seed)
    if servperf:  # the perception items themselves are scored
        table.index = pd.Index([i.perceived for i in items])
    item_table = table.assign(dimension=[i.dimension for i in items], perceived=[i.perceived for i in items])
    item_table["expected"] = [None if servperf else i.expected for i in items]
    dimension_table = _interval_table(dimensions, interval, level, n_boot, seed)
    if weights is not None:
        weighted = _interval_table(dimensions * weights, interval, level, n_boot, seed)
        dimension_table = dimension_table.join(weighted.add_prefix("weighted_")).drop(columns="weighted_n")
        dimension_table["importance"] = np.asarray(weights.mean(axis=0))
    model = servperf_spec(spec) if servperf else spec
    chosen = target or default_target(model)
    effects = dimension_effects(model, data, names, chosen, method)
    return ServqualResult(
        form="servperf" if servperf else "servqual",
        interval=interval,
        level=level,
        n_boot=n_boot if interval == "bootstrap" else None,
        seed=seed,
        n_obs=len(data),
        items=item_table,
        dimensions=dimension_table,
        overall=_interval_table(overall, interval, level, n_boot, seed),
        effects=effects,
        target=chosen,
        method=method,
    )
