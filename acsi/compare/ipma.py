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
``"possible overkill"``.

Constructs where a higher index is worse (ACSI's complaints; ``better: lower`` in the YAML
spec, ``--lower-is-better`` on the command line) enter reversed: importance ``-total
effect``, performance ``100 - index`` (the room to improve is the index itself); a
lower-is-better target reverses every importance. So a negative complaints path reads as
"fewer complaints raise loyalty", never as a reason to raise complaints.

``act_first`` names the driver of the first quadrant with the largest importance x (100 -
performance), the gain in the target index per point of improvement weighted by the room left
to improve (if that quadrant is empty, the driver with the largest positive such product).
When it is a mediator (a driver that other constructs drive, such as satisfaction for a
loyalty target), it cannot be changed directly: it is flagged (``mediator``), and ``lever``
names its driver in the map with the largest positive such product (quality, for
satisfaction, in most ACSI fits). ``rule`` states the rule in words.

Unlike cSEM's ``doIPMA``, importance here is the standardised total effect reported by the
fit itself, so the map reads straight off ``result.effects`` and ``result.index``.

References: Martilla, J. A. & James, J. C. (1977), Importance-performance analysis,
*Journal of Marketing* 41(1), 77-79; Ringle, C. M. & Sarstedt, M. (2016), Gain more insight
from your PLS-SEM results: the importance-performance map analysis, *Industrial Management
& Data Systems* 116(9), 1865-1886.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import SpecError
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.summary import Section, Summary

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
class IPMAResult(ResultContract):
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
        Chosen by ``rule``; may be a mediator (then ``lever`` says where to act).
    group : object, optional
        The group this map belongs to.
    reversed : tuple of str
        Constructs entered reversed (lower is better).
    mediators : tuple of str
        Drivers that are themselves driven by other constructs.
    lever : str or None
        Where to act: ``act_first``, or, when that is a mediator, its driver reached as ``rule`` says.
    rule : str
        How ``act_first`` was chosen, in words.
    """

    target: str
    constructs: pd.DataFrame
    indicators: pd.DataFrame
    importance_cut: float
    performance_cut: float
    act_first: str | None
    group: Any = None
    reversed: tuple[str, ...] = ()
    mediators: tuple[str, ...] = ()
    lever: str | None = None
    rule: str = ""

    def __repr__(self) -> str:
        return f"IPMAResult(target={self.target!r}, act_first={self.act_first!r}, lever={self.lever!r}, group={self.group!r})"

    def to_dict(self) -> dict[str, Any]:
        """``{target, act_first, rule, reversed, mediators, importance_cut, performance_cut, constructs {name: {...}},
        indicators {name: {...}}}``."""
        return {
            "target": self.target,
            "act_first": self.act_first,
            "act_first_is_mediator": self.act_first in self.mediators,
            "lever": self.lever,
            "rule": self.rule,
            "reversed": list(self.reversed),
            "mediators": list(self.mediators),
            "importance_cut": float(self.importance_cut),
            "performance_cut": float(self.performance_cut),
            "constructs": {
                name: {
                    "importance": float(r.importance),
                    "performance": float(r.performance),
                    "quadrant": r.quadrant,
                    "mediator": bool(r.mediator),
                }
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

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per construct (``indicator`` empty) and per indicator, columns ``level``
        (``construct`` or ``indicator``), ``construct``, ``indicator``, ``importance``, ``performance``, ``quadrant``."""
        columns = ["importance", "performance", "quadrant"]
        constructs = self.constructs[columns].rename_axis("construct").reset_index()
        constructs.insert(0, "level", "construct")
        constructs.insert(2, "indicator", "")
        indicators = self.indicators[columns].rename_axis(["construct", "indicator"]).reset_index()
        indicators.insert(0, "level", "indicator")
        return pd.concat([constructs, indicators], ignore_index=True)

    def summary(self) -> Summary:
        """What to act on first and why, then the construct and indicator maps."""
        group = f" (group {self.group})" if self.group is not None else ""
        via = f"; a mediator: act on {self.lever}" if self.act_first in self.mediators else ""
        header = (
            f"Importance-performance map of {self.target}{group}: act first on {self.act_first}{via}",
            f"Rule: {self.rule}",
            f"Cuts: importance {self.importance_cut:.3f}, performance {self.performance_cut:.1f}",
        )
        return Summary(
            header,
            (Section("Constructs", self.constructs), Section("Indicators", self.indicators)),
        )


@dataclass(frozen=True)
class IndicatorPerformance:
    """What the indicator-level map needs, per indicator (p,): its name, the position of its
    construct (``block``), its index weight, its mean answer and the bounds of its scale."""

    indicators: tuple[str, ...]
    block: np.ndarray
    index_weights: np.ndarray
    means: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def ipma_from_arrays(
    target: str,
    constructs: tuple[str, ...],
    total_effects: np.ndarray,
    index_constructs: tuple[str, ...],
    index: np.ndarray,
    items: IndicatorPerformance,
    *,
    group: Any = None,
    lower_is_better: Collection[str] = (),
) -> IPMAResult:
    """IPMA from plain arrays (one fit or one group); see the module notes for the formulas.

    ``total_effects`` (k, k) over ``constructs``; ``index`` (m,) over ``index_constructs``;
    ``items`` the indicators' weights, means and scales; ``lower_is_better`` names the
    constructs entered reversed.
    """
    drivers = _drivers(target, constructs, total_effects, index_constructs, lower_is_better)
    t = constructs.index(target)
    reverse = set(lower_is_better)
    names = [constructs[j] for j in drivers]
    flip = np.array([name in reverse for name in names])
    sign = np.where(flip, -1.0, 1.0) * (-1.0 if target in reverse else 1.0)
    importance = sign * np.array([total_effects[j, t] for j in drivers])
    raw = np.array([index[index_constructs.index(constructs[j])] for j in drivers])
    performance = np.where(flip, 100.0 - raw, raw)
    mediator = np.array([_is_driven(total_effects, j) for j in drivers])
    imp_cut, perf_cut = float(importance.mean()), float(performance.mean())
    table = pd.DataFrame(
        {"importance": importance, "performance": performance, "quadrant": quadrant(importance, performance, imp_cut, perf_cut)},
        index=pd.Index(names, name="construct"),
    )
    table["priority"] = table["importance"] * (100.0 - table["performance"])
    table["mediator"] = mediator
    useful = table[(table["importance"] > 0) & np.isfinite(table["priority"])]
    focus = useful[useful["quadrant"] == CONCENTRATE]
    pool = focus if len(focus) else useful
    act_first = str(pool["priority"].idxmax()) if len(pool) else None
    lever = _lever(act_first, table, constructs, total_effects)
    item_map = _indicator_map(items, drivers, constructs, importance, flip, perf_cut)
    mediators = tuple(n for n, m in zip(names, mediator) if m)
    reversed_ = tuple(c for c in constructs if c in reverse and (c in names or c == target))
    return IPMAResult(
        target=target,
        constructs=table,
        indicators=item_map,
        importance_cut=imp_cut,
        performance_cut=perf_cut,
        act_first=act_first,
        group=group,
        reversed=reversed_,
        mediators=mediators,
        lever=lever,
        rule=_rule(reversed_),
    )


def _drivers(
    target: str,
    constructs: tuple[str, ...],
    total_effects: np.ndarray,
    index_constructs: tuple[str, ...],
    lower_is_better: Collection[str],
) -> list[int]:
    """Positions of the constructs with a (finite, non-zero) total effect on ``target``; :class:`SpecError`
    for an unknown target or lower-is-better construct, a target without drivers, or a driver without an index."""
    unknown = [c for c in lower_is_better if c not in constructs]
    if unknown:
        raise SpecError(
            f"Lower-is-better construct(s) {', '.join(map(repr, unknown))} are not constructs of the model; "
            f"constructs: {', '.join(constructs)}.",
            culprit=unknown[0],
        )
    if target not in constructs:
        raise SpecError(
            f"IPMA target {target!r} is not a construct of the model; constructs: {', '.join(constructs)}.", culprit=target
        )
    t = constructs.index(target)
    drivers = [j for j in range(len(constructs)) if j != t and total_effects[j, t] != 0 and np.isfinite(total_effects[j, t])]
    if not drivers:
        raise SpecError(
            f"No construct has a path leading to IPMA target {target!r}; choose an endogenous construct.", culprit=target
        )
    without_index = [constructs[j] for j in drivers if constructs[j] not in index_constructs]
    if without_index:
        raise SpecError(
            f"IPMA needs a 0-100 index for every driver of {target!r}, but {', '.join(without_index)} have none "
            "(their indicators lack a theoretical scale). Give the scales in the spec or with --scale.",
            culprit=without_index[0],
        )
    return drivers


def _indicator_map(
    items: IndicatorPerformance,
    drivers: list[int],
    constructs: tuple[str, ...],
    importance: np.ndarray,
    flip: np.ndarray,
    perf_cut: float,
) -> pd.DataFrame:
    """The indicators of the drivers: importance ``w~_i x`` their construct's (signed) ``importance``,
    performance of the mean answer on 0-100 (reversed for lower-is-better constructs), quadrant, priority."""
    rows = []
    for i, indicator in enumerate(items.indicators):
        j = int(items.block[i])
        if j not in drivers:
            continue
        k = drivers.index(j)
        imp = float(items.index_weights[i] * importance[k])
        perf = float(100.0 * (items.means[i] - items.lower[i]) / (items.upper[i] - items.lower[i]))
        rows.append((constructs[j], indicator, imp, 100.0 - perf if flip[k] else perf))
    table = pd.DataFrame(rows, columns=["construct", "indicator", "importance", "performance"]).set_index(
        ["construct", "indicator"]
    )
    table["quadrant"] = quadrant(
        table["importance"].to_numpy(), table["performance"].to_numpy(), float(table["importance"].mean()), perf_cut
    )
    table["priority"] = table["importance"] * (100.0 - table["performance"])
    return table


def _lever(start: str | None, table: pd.DataFrame, constructs: tuple[str, ...], total_effects: np.ndarray) -> str | None:
    """``start``, or when it is a mediator its driver in the map with the largest positive priority."""
    if start is None or not bool(table.loc[start, "mediator"]):
        return start
    j = constructs.index(start)
    feeding = [
        n for n in table.index if n != start and total_effects[constructs.index(n), j] != 0 and table.loc[n, "priority"] > 0
    ]
    return str(table.loc[feeding, "priority"].idxmax()) if feeding else start


def _is_driven(total_effects: np.ndarray, j: int) -> bool:
    """True when some other construct has an effect on construct ``j`` (j is a mediator, not a lever)."""
    column = np.delete(total_effects[:, j], j)
    return bool(np.any((column != 0) & np.isfinite(column)))


def _rule(reversed_: tuple[str, ...]) -> str:
    text = (
        "act first on the driver in 'concentrate here' with the largest importance x (100 - performance), else "
        "the driver with the largest positive such product; a mediator moves only through its drivers, so the "
        "lever is then its driver with the largest such product"
    )
    if reversed_:
        text += (
            f"; lower is better for {', '.join(reversed_)}: entered reversed (importance = -total effect, "
            "performance = 100 - index)"
        )
    return text


def lower_is_better_of(spec: Any, extra: Collection[str] = ()) -> tuple[str, ...]:
    """Constructs declared lower-is-better in ``spec`` (``better: lower``) and those in ``extra``."""
    declared = [c.name for c in spec.constructs if getattr(c, "lower_is_better", False)]
    return tuple(dict.fromkeys([*declared, *extra]))


def ipma(result: FitResult, target: str, *, lower_is_better: Collection[str] = ()) -> IPMAResult:
    """Importance-performance map of ``result`` for ``target``.

    Importance is ``result.total_effect_matrix[:, target]`` (the ``total`` column of
    ``result.effects``) and performance ``result.index`` (the fit needs indicator scales).
    Constructs declared ``better: lower`` in the spec, and those in ``lower_is_better``,
    enter reversed (see the module notes).

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
        target,
        result.constructs,
        result.total_effect_matrix,
        index.constructs,
        index.values,
        IndicatorPerformance(result.indicators, result.block, weights, means, lower, upper),
        lower_is_better=lower_is_better_of(result.spec, lower_is_better),
    )


def ipma_groups(est: Any, target: str, *, lower_is_better: Collection[str] = ()) -> dict[Any, IPMAResult]:
    """One importance-performance map per reported group of a :class:`GroupEstimates`.

    In separate mode each group has its own total effects and index weights; in pooled mode
    the importance is common and only the performance differs.
    """
    from acsi.structure import model_structure

    block = model_structure(est.spec).block
    reverse = lower_is_better_of(est.spec, lower_is_better)
    out = {}
    for g, label in enumerate(est.labels):
        if not est.reported[g]:
            continue
        out[label] = ipma_from_arrays(
            target,
            est.constructs,
            est.total_effects[g],
            est.index_constructs,
            est.index[g],
            IndicatorPerformance(est.spec.indicators, block, est.index_weights[g], est.means[g], est.lower, est.upper),
            group=label,
            lower_is_better=reverse,
        )
    return out
