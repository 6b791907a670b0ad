"""The :class:`BootstrapResult`: the bootstrap distribution of one fit's estimates, with standard errors, t, p and intervals.

t is the estimate over its bootstrap standard error and p two-sided from Student's t with
n - 1 degrees of freedom (the convention of SmartPLS and seminr); ``to_frame()`` keys each
statistic by lavaan's (lhs, op, rhs) so that it joins :attr:`acsi.results.FitResult.params`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from acsi.inference.specific_effects import mediation_by_pair, specific_indirect_json, specific_indirect_table
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.summary import Section, Summary


@dataclass(frozen=True)
class BootstrapResult(ResultContract):
    """Bootstrap distribution of the estimates of one fit.

    Attributes
    ----------
    fit : FitResult
        The estimates on the full sample.
    kinds, keys : tuple
        Label of each statistic: kind (``weights``, ``loadings``, ``paths``, ``r_squared``,
        ``indirect``, ``total``, ``index``, ``specific_indirect``) and key (``(construct, indicator)``,
        ``("From -> To",)``, ``(construct,)`` or ``("From -> Via -> To",)``).
    estimates : ndarray, shape (P,)
        Full-sample estimates.
    replicates : ndarray, shape (used, P)
        Estimates of every resample that succeeded, in resample order.
    intervals : ndarray, shape (P, 2)
        Lower and upper ends of the ``level`` confidence intervals of ``ci_method``.
    requested, failed : int
        Resamples asked for and resamples that failed (``used = requested - failed``).
    failures : mapping str -> int
        Failed resamples by reason (see :data:`acsi.refit.FAILURE_REASONS`).
    seed : int
        Entropy of the ``SeedSequence`` (the given seed, or the fresh one drawn when none was).
    ci_method, level, sign_change, engine : str, float, str, str
    acceleration : ndarray, shape (P,), or None
        BCa acceleration from the jackknife.
    resampling : str
        ``"multinomial"`` (n rows drawn with replacement) or ``"poisson"`` (Poisson(1) counts per row).
    """

    fit: FitResult = field(repr=False)
    kinds: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]
    estimates: np.ndarray = field(repr=False)
    replicates: np.ndarray = field(repr=False)
    intervals: np.ndarray = field(repr=False)
    requested: int
    failed: int
    failures: Mapping[str, int]
    seed: int
    ci_method: str
    level: float
    sign_change: str
    engine: str
    acceleration: np.ndarray | None = field(default=None, repr=False)
    resampling: str = "multinomial"

    @property
    def used(self) -> int:
        return int(self.replicates.shape[0])

    @cached_property
    def std_errors(self) -> np.ndarray:
        """Bootstrap standard errors (standard deviation of the replicates, divisor B - 1), (P,)."""
        if self.used < 2:
            return np.full(self.estimates.shape, np.nan)
        return self.replicates.std(axis=0, ddof=1)

    @cached_property
    def untested(self) -> np.ndarray:
        """Statistics without a t test, shape (P,): True where a test of "= 0" means nothing.

        Fixed by construction (:meth:`acsi.results.FitResult.fixed_by_construction`): the loading
        of a single-indicator construct (always 1) and its weight in a standardised fit (always 1),
        whose bootstrap standard error is rounding noise (about 1e-17, which gave t = 2.4e16);
        indirect effects without a route of two or more paths (exactly 0); and the 0-100
        indices, for which "index = 0" is no hypothesis anyone holds (their standard errors and
        intervals are reported).
        """
        kinds = np.array(self.kinds)
        fixed = self.fit.fixed_by_construction()
        mask = (kinds == "index") | (self.std_errors == 0)
        for j, (kind, key) in enumerate(zip(self.kinds, self.keys)):
            if kind in ("weights", "loadings") and key in fixed.get(kind, ()):
                mask[j] = True
        return mask

    @cached_property
    def t_values(self) -> np.ndarray:
        """``estimate / std_error``; NaN (no test) where :attr:`untested` or the standard error is 0."""
        se = self.std_errors
        tested = (se > 0) & ~self.untested
        return np.where(tested, self.estimates / np.where(tested, se, 1.0), np.nan)

    @cached_property
    def p_values(self) -> np.ndarray:
        """Two-sided p values of the t values from Student's t with n_obs - 1 degrees of freedom
        (the convention of SmartPLS and seminr's bootstrap summaries); NaN where there is no t."""
        return 2.0 * stats.t.sf(np.abs(self.t_values), df=self.fit.n_obs - 1)

    @property
    def table(self) -> pd.DataFrame:
        """One row per statistic: kind, key, estimate, bootstrap mean, bias, std_error, t, p, CI."""
        mean = self.replicates.mean(axis=0) if self.used else np.full(self.estimates.shape, np.nan)
        return pd.DataFrame(
            {
                "kind": self.kinds,
                "key": [" / ".join(k) for k in self.keys],
                "estimate": self.estimates,
                "boot_mean": mean,
                "bias": mean - self.estimates,
                "std_error": self.std_errors,
                "t": self.t_values,
                "p": self.p_values,
                "ci_lower": self.intervals[:, 0],
                "ci_upper": self.intervals[:, 1],
            }
        )

    def _shaped(self, values: Callable[[int], Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"weights": {}, "loadings": {}, "paths": {}, "r_squared": {}, "effects": {}}
        if "index" in self.kinds:
            out["index"] = {}
        for j, (kind, key) in enumerate(zip(self.kinds, self.keys)):
            if kind in ("weights", "loadings"):
                out[kind].setdefault(key[0], {})[key[1]] = values(j)
            elif kind in ("indirect", "total"):
                out["effects"].setdefault(key[0], {})[kind] = values(j)
            elif kind == "specific_indirect":
                continue  # its own list, :meth:`specific_indirect_effects`
            else:
                out[kind][key[0]] = values(j)
        return out

    def __repr__(self) -> str:
        return (
            f"BootstrapResult(method={self.fit.method!r}, requested={self.requested}, failed={self.failed}, "
            f"ci_method={self.ci_method!r}, level={self.level})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The keys ``acsi fit --bootstrap`` adds to the JSON contract.

        ``std_errors`` and ``ci`` have the shapes of the estimates (``weights``, ``loadings``
        {construct: {indicator: value}}, ``paths`` {"From -> To": value}, ``r_squared``
        {construct: value}, ``index`` {construct: value}, plus ``effects`` {"From -> To":
        {indirect, total}}); each ``ci`` value is ``[lower, upper]``. ``bootstrap`` holds
        ``requested``, ``used``, ``failed``, ``failures`` (by reason), ``seed``, ``ci_method``,
        ``level``, ``sign_change``, ``engine``, ``resampling``. ``specific_indirect_effects`` lists every chain of
        two or more paths (the rows of :meth:`specific_indirect_effects`: ``path`` "A -> M -> B",
        ``source``, ``through``, ``target``, ``estimate``, ``boot_mean``, ``std_error``, ``t``, ``p``,
        ``ci_lower``, ``ci_upper``, ``direct``, ``direct_ci_lower``, ``direct_ci_upper``,
        ``mediation``) and ``mediation`` the type of mediation of each pair linked by such a chain
        ({"A -> B": row of :meth:`mediation`}). Undefined values are ``null``.
        """
        se = self.std_errors
        return {
            **specific_indirect_json(self),
            "std_errors": self._shaped(lambda j: float(se[j])),
            "ci": self._shaped(lambda j: [float(self.intervals[j, 0]), float(self.intervals[j, 1])]),
            "bootstrap": {
                "requested": self.requested,
                "used": self.used,
                "failed": self.failed,
                "failures": dict(self.failures),
                "seed": self.seed,
                "ci_method": self.ci_method,
                "level": self.level,
                "sign_change": self.sign_change,
                "engine": self.engine,
                "resampling": self.resampling,
            },
        }

    def specific_indirect_effects(self) -> pd.DataFrame:
        """Every specific indirect effect (the product of the paths along one chain) with its bootstrap
        standard error, t, p and interval, its direct effect and the Zhao, Lynch & Chen (2010) type
        of mediation (:func:`acsi.inference.specific_effects.specific_indirect_table`)."""
        return specific_indirect_table(self)

    def mediation(self) -> pd.DataFrame:
        """The Zhao, Lynch & Chen (2010) type of mediation of every pair linked by a chain, from its
        total indirect and its direct effect (:func:`acsi.inference.specific_effects.mediation_by_pair`)."""
        return mediation_by_pair(self)

    def to_frame(self) -> pd.DataFrame:
        """:attr:`table` keyed like :attr:`acsi.results.FitResult.params`: (lhs, op, rhs) with lavaan's operators.

        ``=~`` loadings and ``<~`` weights (lhs the construct, rhs the indicator), ``~`` paths
        (lhs the target, rhs the source), ``r2`` (lhs = rhs = construct); the statistics lavaan
        has no operator for keep their kind as ``op``: ``indirect`` and ``total`` effects (lhs the
        target, rhs the source) and the 0-100 ``index`` (lhs = rhs = construct). So
        ``fit.params.merge(boot.to_frame(), on=["lhs", "op", "rhs"])`` pairs every estimate with
        its bootstrap columns: ``boot_mean``, ``bias``, ``std_error``, ``t``, ``p``, ``ci_lower``, ``ci_upper``.
        """
        table = self.table.drop(columns=["kind", "key"])
        keys = [_lavaan_key(kind, key) for kind, key in zip(self.kinds, self.keys)]
        key_frame = pd.DataFrame(keys, columns=["lhs", "op", "rhs"])
        return pd.concat([key_frame, table], axis=1)

    def summary(self) -> Summary:
        """A readable summary (``print(boot.summary())``): run settings, then one table per kind of statistic.

        Undefined numbers are left blank, notably t and p of the statistics that have no test (:attr:`untested`).
        """
        header = [
            f"Bootstrap: {self.used} of {self.requested} resamples used ({self.failed} failed), seed {self.seed}, "
            f"{self.ci_method} {100 * self.level:g}% intervals, sign change: {self.sign_change}, engine: {self.engine}, "
            f"resampling: {self.resampling}",
        ]
        if self.failures:
            header.append("Failed resamples by reason: " + ", ".join(f"{k} {v}" for k, v in self.failures.items()))
        table = self.table
        sections = []
        for kind, title in _KIND_TITLES.items():
            part = table[table.kind == kind].drop(columns="kind").set_index("key")
            if not part.empty:
                sections.append(Section(title, part, digits=4, na_rep=""))
        pairs = self.mediation()
        if not pairs.empty:
            sections.append(Section("Type of mediation (Zhao, Lynch & Chen 2010)", pairs, digits=4, na_rep=""))
        return Summary(tuple(header), tuple(sections))


_KIND_TITLES = {
    "paths": "Path coefficients",
    "r_squared": "R-squared",
    "indirect": "Indirect effects",
    "total": "Total effects",
    "specific_indirect": "Specific indirect effects",
    "index": "Index (0-100)",
    "weights": "Outer weights",
    "loadings": "Loadings",
}
_KIND_OPS = {"weights": "<~", "loadings": "=~", "paths": "~", "r_squared": "r2"}


def _lavaan_key(kind: str, key: tuple[str, ...]) -> tuple[str, str, str]:
    """(lhs, op, rhs) of one bootstrap statistic (see :meth:`BootstrapResult.to_frame`)."""
    op = _KIND_OPS.get(kind, kind)
    if kind in ("weights", "loadings"):
        return key[0], op, key[1]
    if kind in ("paths", "indirect", "total"):
        source, target = key[0].split(" -> ")
        return target, op, source
    if kind == "specific_indirect":  # lavaan's defined parameter: label := product of the paths
        route = key[0].split(" -> ")
        return key[0], ":=", " * ".join(f"{a} -> {b}" for a, b in zip(route[:-1], route[1:]))
    return key[0], op, key[0]
