"""Importance-performance map analysis (IPMA) for a target construct.

For a target construct T (satisfaction, loyalty):

* **importance** of construct j: its total effect on T, ``((I - B)^-1 - I)[j, T]`` (direct
  plus all indirect effects; :attr:`acsi.FitResult.total_effect_matrix`, standardised);
* **performance** of construct j: its 0-100 index (:attr:`acsi.FitResult.index`);
* per indicator i of construct j: importance ``w~_i x total effect of j on T`` (its share of
  the index weight times its construct's importance) and performance
  ``100 (mean_i - min_i) / (max_i - min_i)``.

Quadrants split at the mean importance and the mean performance of the constructs shown
(Martilla & James 1977): ``"concentrate here"`` (important, performing below average) is
where a manager should act first; then ``"keep up the good work"``, ``"low priority"`` and
``"possible overkill"``. ``act_first`` names the construct of the first quadrant with the
largest importance x (100 - performance), the gain in the target index per point of
improvement weighted by the room left to improve (if that quadrant is empty, the largest
such product overall).

Unlike cSEM's ``doIPMA``, importance here is the standardised total effect reported by the
fit itself, so the map reads straight off ``result.effects`` and ``result.index``.

References: Martilla, J. A. & James, J. C. (1977), Importance-performance analysis,
*Journal of Marketing* 41(1), 77-79; Ringle, C. M. & Sarstedt, M. (2016), Gain more insight
from your PLS-SEM results: the importance-performance map analysis, *Industrial Management
& Data Systems* 116(9), 1865-1886.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import SpecError
from acsi.results import FitResult

CONCENTRATE = "concentrate here"
KEEP_UP = "keep up the good work"
LOW_PRIORITY = "low priority"
OVERKILL = "possible overkill"


def quadrant(importance: np.ndarray, performance: np.ndarray, importance_cut: float, performance_cut: float) -> list[str]:
    """Quadrant label of each point against the cut-offs."""
    labels = []
    for imp, perf in zip(importance, performance):
        high = imp >= importance_cut
        good = perf >= performance_cut
        labels.append(KEEP_UP if high and good else CONCENTRATE if high else OVERKILL if good else LOW_PRIORITY)
    return labels


@dataclass(frozen=True)
class IPMAResult:
    """An importance-performance map.

    Attributes
    ----------
    target : str
    constructs : pandas.DataFrame
        Index = construct; columns ``importance``, ``performance``, ``quadrant``, ``priority``
        (importance x (100 - performance)).
    indicators : pandas.DataFrame
        Rows (construct, indicator); the same columns.
    importance_cut, performance_cut : float
        The quadrant boundaries (means over the constructs).
    act_first : str or None
    group : object, optional
        The group this map belongs to.
    """

    target: str
    constructs: pd.DataFrame
    indicators: pd.DataFrame
    importance_cut: float
    performance_cut: float
    act_first: str | None
    group: Any = None

    def to_dict(self) -> dict[str, Any]:
        """``{target, act_first, importance_cut, performance_cut, constructs {name: {...}}, indicators {name: {...}}}``."""
        return {
            "target": self.target,
            "act_first": self.act_first,
            "importance_cut": float(self.importance_cut),
            "performance_cut": float(self.performance_cut),
            "constructs": {
                name: {"importance": float(r.importance), "performance": float(r.performance), "quadrant": r.quadrant}
                for name, r in self.constructs.iterrows()
            },
            "indicators": {
                indicator: {
                    "construct": construct,
                    "importance": float(r.importance),
                    "performance": float(r.performance),
                    "quadrant": r.quadrant,
                }
                for (construct, indicator), r in self.indicators.iterrows()
            },
        }


def ipma_from_arrays(
    target: str,
    constructs: tuple[str, ...],
    total_effects: np.ndarray,
    index_constructs: tuple[str, ...],
    index: np.ndarray,
    indicators: tuple[str, ...],
    block: np.ndarray,
    index_weights: np.ndarray,
    means: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    group: Any = None,
) -> IPMAResult:
    """IPMA from plain arrays (one fit or one group); see the module notes for the formulas.

    ``total_effects`` (k, k) over ``constructs``; ``index`` (m,) over ``index_constructs``;
    ``block`` (p,) construct position of each indicator; ``index_weights``, ``means``,
    ``lower``, ``upper`` (p,).
    """
    if target not in constructs:
        raise SpecError(f"IPMA target {target!r} is not a construct of the model; constructs: {', '.join(constructs)}.", culprit=target)
    t = constructs.index(target)
    drivers = [j for j in range(len(constructs)) if j != t and total_effects[j, t] != 0 and np.isfinite(total_effects[j, t])]
    if not drivers:
        raise SpecError(f"No construct has a path leading to IPMA target {target!r}; choose an endogenous construct.", culprit=target)
    without_index = [constructs[j] for j in drivers if constructs[j] not in index_constructs]
    if without_index:
        raise SpecError(
            f"IPMA needs a 0-100 index for every driver of {target!r}, but {', '.join(without_index)} have none "
            "(their indicators lack a theoretical scale). Give the scales in the spec or with --scale.",
            culprit=without_index[0],
        )
    names = [constructs[j] for j in drivers]
    importance = np.array([total_effects[j, t] for j in drivers])
    performance = np.array([index[index_constructs.index(constructs[j])] for j in drivers])
    imp_cut, perf_cut = float(importance.mean()), float(performance.mean())
    table = pd.DataFrame(
        {"importance": importance, "performance": performance, "quadrant": quadrant(importance, performance, imp_cut, perf_cut)},
        index=pd.Index(names, name="construct"),
    )
    table["priority"] = table["importance"] * (100.0 - table["performance"])
    focus = table[table["quadrant"] == CONCENTRATE]
    pool = focus if len(focus) else table
    act_first = str(pool["priority"].idxmax()) if len(pool) and np.isfinite(pool["priority"]).any() else None
    rows = []
    for i, indicator in enumerate(indicators):
        j = int(block[i])
        if j not in drivers:
            continue
        imp = float(index_weights[i] * total_effects[j, t])
        perf = float(100.0 * (means[i] - lower[i]) / (upper[i] - lower[i]))
        rows.append((constructs[j], indicator, imp, perf))
    items = pd.DataFrame(rows, columns=["construct", "indicator", "importance", "performance"]).set_index(["construct", "indicator"])
    items["quadrant"] = quadrant(items["importance"].to_numpy(), items["performance"].to_numpy(), float(items["importance"].mean()), perf_cut)
    items["priority"] = items["importance"] * (100.0 - items["performance"])
    return IPMAResult(target=target, constructs=table, indicators=items, importance_cut=imp_cut, performance_cut=perf_cut, act_first=act_first, group=group)


def ipma(result: FitResult, target: str) -> IPMAResult:
    """Importance-performance map of ``result`` for ``target``.

    Importance is ``result.total_effect_matrix[:, target]`` (the ``total`` column of
    ``result.effects``) and performance ``result.index`` (the fit needs indicator scales).

    Raises
    ------
    SpecError
        The target is unknown or has no drivers, or a driver has no index.
    """
    if result.index is None:
        raise SpecError(
            "IPMA needs 0-100 indices, but this fit has none: the indicators have no theoretical scale. "
            "Give the scales in the spec or with scale=(min, max) (CLI: --scale MIN,MAX)."
        )
    index = result.index
    position = {name: i for i, name in enumerate(index.indicators)}
    p = len(result.indicators)
    weights = np.full(p, np.nan)
    means = np.full(p, np.nan)
    lower = np.full(p, np.nan)
    upper = np.full(p, np.nan)
    for i, name in enumerate(result.indicators):
        if name in position:
            q = position[name]
            weights[i], means[i], lower[i], upper[i] = index.weights[q], index.means[q], index.lower[q], index.upper[q]
    return ipma_from_arrays(
        target, result.constructs, result.total_effect_matrix, index.constructs, index.values,
        result.indicators, result.block, weights, means, lower, upper,
    )


def ipma_groups(est: Any, target: str) -> dict[Any, IPMAResult]:
    """One importance-performance map per reported group of a :class:`GroupEstimates`.

    In separate mode each group has its own total effects and index weights; in pooled mode
    the importance is common and only the performance differs.
    """
    from acsi.estimators.pls import model_structure

    block = model_structure(est.spec).block
    out = {}
    for g, label in enumerate(est.labels):
        if not est.reported[g]:
            continue
        out[label] = ipma_from_arrays(
            target, est.constructs, est.total_effects[g], est.index_constructs, est.index[g],
            est.spec.indicators, block, est.index_weights[g], est.means[g], est.lower, est.upper, group=label,
        )
    return out
