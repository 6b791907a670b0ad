"""Bootstrap inference: standard errors, t and p values and confidence intervals.

:func:`bootstrap` resamples the respondents with replacement and re-estimates the model on
every resample. For the PLS estimator (:class:`~acsi.estimators.pls.PLSPM`) this is done in
batches without refitting: resamples are rows of counts, one matrix product gives every
resample's correlation matrix and the PLS kernel iterates them all at once
(:mod:`acsi.core.stack`). Any other estimator with ``fit(spec, data) -> FitResult`` is
bootstrapped by the refit engine shared with the group comparisons (:mod:`acsi.refit`) over
the very same resamples (``engine="refit"``). A result is bootstrapped with the estimator it
keeps (``result.estimator``).

Reproducibility: the B resamples are cut into chunks of :data:`CHUNK` resamples, whatever
the number of workers; chunk c draws its resamples from the c-th child of
``numpy.random.SeedSequence(seed)``. The same seed therefore gives identical results with one
worker or many, and with either engine.

Failures (a constant indicator in a resample, a singular block or predictor set, no
convergence, a non-finite estimate, an index whose weights cannot be normalised) are counted
per reason, reported in ``BootstrapResult.failures`` and as a :class:`BootstrapWarning`, and
left out of the standard errors and intervals: never dropped silently.

References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*;
Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path modeling.
*Computational Statistics & Data Analysis* 48, 159-205 (section 2.6, sign changes).
"""

from __future__ import annotations

import numbers
import os
import secrets
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from acsi import notices, refit
from acsi.core import index as core_index
from acsi.core import intervals as confidence
from acsi.core import pls as kernel
from acsi.core import resample, stack
from acsi.core.moments import MomentBasis, correlation
from acsi.core.poisson import poisson_counts, poisson_key
from acsi.data import IndicatorData, MissingPolicy, prepare
from acsi.errors import AcsiError, BootstrapWarning, ConvergenceWarning, EstimationError, ParameterError
from acsi.estimators.pls import PLSPM
from acsi.refit import FAILURE_REASONS
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.spec.model import ModelSpec, Scale
from acsi.structure import model_structure
from acsi.summary import Section, Summary
from acsi.validate import check_choice

CIMethod = Literal["percentile", "bca", "basic"]
CI_METHODS: tuple[str, ...] = ("percentile", "bca", "basic")
Engine = Literal["auto", "batched", "refit"]

#: Resamples per chunk. Chunk boundaries (and so the random streams) depend only on this and
#: n_boot, never on the number of workers. Changing it changes the draws of a given seed.
CHUNK = 500
#: BCa needs enough resamples to estimate the bias correction and the tail quantiles it moves
#: to; below this it is refused (Efron & Tibshirani 1993, section 14.5, advise B >= 1000).
BCA_MIN_RESAMPLES = 200

#: Missing-data treatments that fill or model missing cells: a bootstrap must repeat them per resample.
TREATED_MISSING = ("mean", "pairwise", "em")
_OK = refit.OK
_SIGNED_KINDS = {"weights", "loadings", "paths", "indirect", "total"}


# ---------------------------------------------------------------------- layout
@dataclass(frozen=True)
class _Layout:
    """Which statistics a bootstrap collects, in what order."""

    kinds: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]
    n_constructs: int
    path_pairs: tuple[tuple[int, int], ...]
    endogenous: tuple[int, ...]
    effect_pairs: tuple[tuple[int, int], ...]
    index_constructs: tuple[str, ...]

    @classmethod
    def of(cls, result: FitResult) -> _Layout:
        kinds: list[str] = []
        keys: list[tuple[str, ...]] = []
        for kind in ("weights", "loadings"):
            for j, indicator in enumerate(result.indicators):
                kinds.append(kind)
                keys.append((result.constructs[result.block[j]], indicator))
        position = {name: j for j, name in enumerate(result.constructs)}
        path_pairs = tuple((position[p.source], position[p.target]) for p in result.spec.paths)
        for path in result.spec.paths:
            kinds.append("paths")
            keys.append((path.key,))
        endogenous = tuple(position[name] for name in result.spec.endogenous)
        for j in endogenous:
            kinds.append("r_squared")
            keys.append((result.constructs[j],))
        effects = result.effects
        effect_pairs = tuple((position[s], position[t]) for s, t in zip(effects.source, effects.target))
        for kind in ("indirect", "total"):
            for key in effects.index:
                kinds.append(kind)
                keys.append((key,))
        index_constructs = result.index.constructs if result.index is not None else ()
        for name in index_constructs:
            kinds.append("index")
            keys.append((name,))
        return cls(
            tuple(kinds), tuple(keys), len(result.constructs), path_pairs, endogenous, effect_pairs, tuple(index_constructs)
        )

    @property
    def size(self) -> int:
        return len(self.kinds)

    @cached_property
    def structural_zero(self) -> np.ndarray:
        """Indirect effects of pairs with no route of two or more paths: exactly 0 by construction."""
        k = self.n_constructs
        adjacency = np.zeros((k, k))
        for i, j in self.path_pairs:
            adjacency[i, j] = 1.0
        longer = np.zeros((k, k))
        power = adjacency.copy()
        for _ in range(k):
            power = power @ adjacency
            longer += power
        zero = [longer[i, j] == 0 for i, j in self.effect_pairs]
        mask = np.zeros(self.size, dtype=bool)
        start = self.kinds.index("indirect") if "indirect" in self.kinds else 0
        mask[start : start + len(zero)] = zero
        return mask

    @cached_property
    def signed(self) -> np.ndarray:
        return np.array([kind in _SIGNED_KINDS for kind in self.kinds])

    def assemble(
        self,
        weights: np.ndarray,
        loadings: np.ndarray,
        paths: np.ndarray,
        r_squared: np.ndarray,
        total: np.ndarray,
        index: np.ndarray,
    ) -> np.ndarray:
        """Stack estimates with leading shape (B,) into rows of length :attr:`size`."""
        pi, pj = (np.array(a, dtype=int) for a in zip(*self.path_pairs)) if self.path_pairs else (np.zeros(0, int),) * 2
        ei, ej = (np.array(a, dtype=int) for a in zip(*self.effect_pairs)) if self.effect_pairs else (np.zeros(0, int),) * 2
        direct = paths[..., ei, ej]
        tot = total[..., ei, ej]
        out = np.concatenate(
            [weights, loadings, paths[..., pi, pj], r_squared[..., list(self.endogenous)], tot - direct, tot, index],
            axis=-1,
        )
        out[..., self.structural_zero] = 0.0
        return out

    def from_result(self, result: FitResult) -> np.ndarray:
        """The statistics of one fit (any estimator's FitResult), shape (size,)."""
        if result.index is not None:
            values = dict(zip(result.index.constructs, result.index.values))
            index = np.array([values.get(name, np.nan) for name in self.index_constructs], dtype=float)
        else:
            index = np.full(len(self.index_constructs), np.nan)
        return self.assemble(
            np.asarray(result.outer_weights, dtype=float),
            np.asarray(result.loading_vector, dtype=float),
            np.asarray(result.path_matrix, dtype=float),
            np.asarray(result.r_squared_vector, dtype=float),
            np.asarray(result.total_effect_matrix, dtype=float),
            index,
        )


# ---------------------------------------------------------------------- result
@dataclass(frozen=True)
class BootstrapResult(ResultContract):
    """Bootstrap distribution of the estimates of one fit.

    Attributes
    ----------
    fit : FitResult
        The estimates on the full sample.
    kinds, keys : tuple
        Label of each statistic: kind (``weights``, ``loadings``, ``paths``, ``r_squared``,
        ``indirect``, ``total``, ``index``) and key (``(construct, indicator)``,
        ``("From -> To",)`` or ``(construct,)``).
    estimates : ndarray, shape (P,)
        Full-sample estimates.
    replicates : ndarray, shape (used, P)
        Estimates of every resample that succeeded, in resample order.
    intervals : ndarray, shape (P, 2)
        Lower and upper ends of the ``level`` confidence intervals of ``ci_method``.
    requested, failed : int
        Resamples asked for and resamples that failed (``used = requested - failed``).
    failures : mapping str -> int
        Failed resamples by reason (see :data:`FAILURE_REASONS`).
    seed : int
        Entropy of the ``SeedSequence`` (the given seed, or the fresh one drawn when none was).
    ci_method, level, sign_change, engine : str, float, str, str
    acceleration : ndarray, shape (P,), or None
        BCa acceleration from the jackknife.
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
        ``level``, ``sign_change``, ``engine``. Undefined values are ``null``.
        """
        se = self.std_errors
        return {
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
            },
        }

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
            f"{self.ci_method} {100 * self.level:g}% intervals, sign change: {self.sign_change}, engine: {self.engine}",
        ]
        if self.failures:
            header.append("Failed resamples by reason: " + ", ".join(f"{k} {v}" for k, v in self.failures.items()))
        table = self.table
        sections = []
        for kind, title in _KIND_TITLES.items():
            part = table[table.kind == kind].drop(columns="kind").set_index("key")
            if not part.empty:
                sections.append(Section(title, part, digits=4, na_rep=""))
        return Summary(tuple(header), tuple(sections))


_KIND_TITLES = {
    "paths": "Path coefficients",
    "r_squared": "R-squared",
    "indirect": "Indirect effects",
    "total": "Total effects",
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
    return key[0], op, key[0]


# ---------------------------------------------------------------------- validation
def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def _seed_sequence(seed: object) -> np.random.SeedSequence:
    if seed is None:  # a fresh 63-bit seed, reported so the run can be repeated (--seed takes it back)
        return np.random.SeedSequence(secrets.randbits(63))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(
            f"seed must be a non-negative integer (or None for a fresh one); got {seed!r} ({type(seed).__name__})."
        )
    return np.random.SeedSequence(int(seed))


def _data_from_result(result: FitResult) -> IndicatorData:
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


def _estimator_of(result: FitResult) -> Any:
    """The estimator kept on ``result`` (``result.estimator``), which the bootstrap refits."""
    if result.estimator is None:
        raise ParameterError(
            f"This {result.method!r} result does not carry the estimator that produced it (it was not made by an "
            "estimator's fit); pass the estimator itself: acsi.bootstrap(estimator, spec, data, ...)."
        )
    return result.estimator


# ---------------------------------------------------------------------- engines
@dataclass(frozen=True)
class _BatchedPLS:
    """Everything a chunk of the batched PLS bootstrap needs (read-only, shared by threads)."""

    estimator: PLSPM
    structure: kernel.Structure
    basis: MomentBasis
    layout: _Layout
    reference_loadings: np.ndarray
    sign_change: str
    index_member: np.ndarray | None
    index_lower: np.ndarray | None
    index_upper: np.ndarray | None
    index_method: str
    case_weights: np.ndarray | None = None

    @classmethod
    def build(cls, estimator: PLSPM, base: FitResult, layout: _Layout, sign_change: str) -> _BatchedPLS:
        structure = model_structure(base.spec)
        member = lower = upper = None
        if layout.index_constructs:
            index = base.index
            assert index is not None  # layout has index constructs only when the fit has an index
            position = {name: b for b, name in enumerate(layout.index_constructs)}
            where = {name: i for i, name in enumerate(base.indicators)}
            member = np.full(len(base.indicators), -1)
            lower = np.zeros(len(base.indicators))
            upper = np.ones(len(base.indicators))
            for name, construct, low, high in zip(index.indicators, index.indicator_constructs, index.lower, index.upper):
                i = where[name]
                member[i], lower[i], upper[i] = position[construct], low, high
        return cls(
            estimator=estimator,
            structure=structure,
            basis=MomentBasis.from_data(base.indicator_values),
            layout=layout,
            reference_loadings=np.asarray(base.loading_vector, dtype=float),
            sign_change=sign_change,
            index_member=member,
            index_lower=lower,
            index_upper=upper,
            index_method=base.index.method if base.index is not None else "fornell",
            case_weights=base.case_weights,
        )

    def run(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Statistics (b, P) and failure codes (b,) of the resamples given as counts (b, n).

        With case weights each drawn row counts with its weight, as in the fit itself.
        """
        b = counts.shape[0]
        if self.case_weights is not None:
            counts = counts * self.case_weights
        theta = np.full((b, self.layout.size), np.nan)
        code = np.full(b, _OK)
        means, cov = self.basis.moments(counts)
        variance = np.einsum("bii->bi", cov)
        constant = (variance <= resample.CONSTANT_FRACTION * self.basis.variance).any(axis=1)
        code[constant] = FAILURE_REASONS.index("constant_indicator")
        ok = np.flatnonzero(~constant)
        if ok.size:
            S = correlation(cov[ok]) if self.estimator.standardized else cov[ok]
            sd = np.sqrt(variance[ok])
            self._solve(S, means[ok], sd, ok, theta, code)
        bad = (code == _OK) & ~np.isfinite(theta).all(axis=1)
        code[bad] = FAILURE_REASONS.index("non_finite")
        return theta, code

    def _solve(
        self, S: np.ndarray, means: np.ndarray, sd: np.ndarray, rows: np.ndarray, theta: np.ndarray, code: np.ndarray
    ) -> None:
        """Estimate a stack (:func:`acsi.core.stack.fit_stack` isolates singular matrices)."""
        fit = stack.fit_stack(
            S,
            self.structure,
            self.estimator.scheme,
            tol=self.estimator.tol,
            max_iter=self.estimator.max_iter,
            reference_loadings=self.reference_loadings if self.sign_change == "construct" else None,
        )
        weights = fit.weights(self.structure)
        if self.index_member is not None:
            with np.errstate(all="ignore"):
                n_indexed = len(self.layout.index_constructs)
                normalised, _ = core_index.normalised_weights(
                    weights, sd, self.index_member, n_indexed, self.index_method, standardized=self.estimator.standardized
                )
                index = core_index.index_values(
                    normalised, means, self.index_lower, self.index_upper, self.index_member, n_indexed
                )
        else:
            index = np.zeros((rows.size, 0))
        theta[rows] = self.layout.assemble(
            weights, fit.loadings(self.structure, S), fit.B, fit.r_squared, fit.total_effects(), index
        )
        code[rows[fit.singular]] = FAILURE_REASONS.index("singular")
        code[rows[~fit.singular & ~fit.converged]] = FAILURE_REASONS.index("not_converged")


@dataclass(frozen=True)
class _Refit:
    """The generic engine: refit the estimator on each resample (:func:`acsi.refit.replicate`).

    With ``raw`` (the survey before its missing-data treatment) every resample draws raw rows
    and repeats ``prepare`` with ``prepare_options``, so imputation or moment estimation is
    part of what is bootstrapped.
    """

    estimator: Any
    spec: ModelSpec
    data: IndicatorData
    layout: _Layout
    raw: Any = None
    prepare_options: Mapping[str, Any] = field(default_factory=dict)

    def _resampled(self, rows: np.ndarray) -> IndicatorData | str:
        """The resample's data, or a failure reason."""
        if self.raw is None:
            return refit.subset(self.data, rows)
        frame = self.raw.frame if hasattr(self.raw, "frame") else self.raw
        resampled = frame.iloc[rows].reset_index(drop=True)
        source = replace(self.raw, frame=resampled) if hasattr(self.raw, "frame") else resampled
        try:
            with notices.recorded() as caught:
                data = prepare(self.spec, source, **self.prepare_options)
        except AcsiError as err:
            return "constant_indicator" if "constant" in str(err) else "error"
        if any(issubclass(category, ConvergenceWarning) for category, _ in caught):
            return "not_converged"
        return data

    def run_rows(self, row_sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Statistics (b, P) and failure codes (b,) of the refits on ``row_sets``."""
        out = refit.replicate(self.estimator, self.spec, row_sets, self._resampled, self.layout.from_result, self.layout.size)
        return out.theta, out.codes

    def run(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.run_rows(list(indices))


# ---------------------------------------------------------------------- entry point
def bootstrap(
    estimator: Any,
    spec: ModelSpec | None = None,
    data: pd.DataFrame | IndicatorData | None = None,
    *,
    n_boot: int = 1000,
    seed: int | None = None,
    ci: CIMethod = "percentile",
    level: float = 0.95,
    sign_change: resample.SignChange = "none",
    workers: int | None = None,
    engine: Engine = "auto",
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
    strict: bool = True,
    mapping: Any = None,
    progress: Callable[[int], None] | None = None,
    resampling: Literal["multinomial", "poisson"] = "multinomial",
) -> BootstrapResult:
    """Nonparametric bootstrap of a fit: standard errors, t and p values, confidence intervals.

    Parameters
    ----------
    estimator : Estimator or FitResult
        An estimator (``fit(spec, data) -> FitResult``), then ``spec`` and ``data`` are
        required; or a :class:`~acsi.results.FitResult` of any method, whose spec, data and
        estimator (``result.estimator``) are reused.
    spec : ModelSpec, optional
    data : pandas.DataFrame or IndicatorData, optional
    n_boot : int
        Resamples (at least 1; at least :data:`BCA_MIN_RESAMPLES` for BCa).
    seed : int, optional
        Seed of the ``numpy.random.SeedSequence`` the resamples are drawn from; None draws
        fresh entropy, reported in ``BootstrapResult.seed`` so the run can be repeated.
    ci : {"percentile", "bca", "basic"}
        Interval: percentile, bias-corrected and accelerated (acceleration from the
        jackknife), or basic (reverse percentile).
    level : float
        Confidence level, default 0.95.
    sign_change : {"none", "individual", "construct"}
        ``"none"``: every resample is oriented as the estimator orients (positive sum of
        loadings per construct). ``"construct"``: a construct's weights are also flipped where
        that brings its loadings closer to the original ones, and the estimates recomputed.
        ``"individual"``: every weight, loading, path and effect takes the sign of its
        original estimate. (Tenenhaus et al. 2005; cSEM ``.sign_change_option``.)
    workers : int, optional
        Threads working on chunks of resamples (default: the number of CPUs). Results do not
        depend on it.
    engine : {"auto", "batched", "refit"}
        ``"batched"`` (PLS only): all resamples through the batched kernel; ``"refit"``: a loop
        of ``estimator.fit`` calls on the same resamples; ``"auto"``: batched for PLSPM.
    scale, missing, strict, mapping
        Passed to :func:`acsi.data.prepare` when ``data`` is a DataFrame or Survey. With a
        treatment that fills or models missing values (``"mean"``, ``"pairwise"``, ``"em"``)
        each resample draws raw rows and repeats the treatment (refit loop), so the intervals
        include the imputation's uncertainty; a fit made with such a treatment can therefore
        only be bootstrapped from the raw data, not from its FitResult.
    progress : callable, optional
        Called with the number of resamples just finished, after each chunk.
    resampling : {"multinomial", "poisson"}
        ``"multinomial"`` (default): each resample draws n rows with replacement.
        ``"poisson"``: each row enters each resample Poisson(1) times, drawn by a counter-based
        generator keyed by the seed and the row's position (:mod:`acsi.core.poisson`), the
        bootstrap the distributed engine runs (:mod:`acsi.distributed`), which it equals.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ParameterError
        n_boot < 2 (one resample has no spread: zero-width intervals), a seed that is not a non-negative integer, BCa with fewer than
        :data:`BCA_MIN_RESAMPLES` resamples, an unknown option.
    EstimationError
        Every resample failed.

    Warns
    -----
    BootstrapWarning
        Some resamples failed (counted by reason) or BCa jackknife fits failed.

    Notes
    -----
    Standard errors are the standard deviations of the replicates (divisor B - 1); t is the
    estimate over its standard error and p is two-sided from Student's t with n - 1 degrees of
    freedom. The intervals and standard errors use only the resamples that succeeded. In the
    refit loop, warnings other than non-convergence raised inside a resample (for example a
    negative index weight) are not re-issued; the full-sample fit issues its own.

    Examples
    --------
    >>> import acsi
    >>> result = acsi.fit(spec, frame)                                   # doctest: +SKIP
    >>> boot = acsi.bootstrap(result, n_boot=5000, seed=1)               # doctest: +SKIP
    >>> boot.to_dict()["ci"]["paths"]                                    # doctest: +SKIP
    """
    n_boot = _check_int("n_boot", n_boot, 2)
    sequence = _seed_sequence(seed)
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
    workers = (os.cpu_count() or 1) if workers is None else _check_int("workers", workers, 1)
    if engine not in ("auto", "batched", "refit"):
        raise ParameterError(f"Unknown engine={engine!r}; expected 'auto', 'batched' or 'refit'.")

    raw = None
    prepare_options: dict[str, Any] = {"scale": scale, "missing": missing, "strict": strict, "mapping": mapping}
    if isinstance(estimator, FitResult):
        base = estimator
        spec = base.spec
        treated = base.settings.get("missing")
        if treated in TREATED_MISSING:
            raise ParameterError(
                f"This fit treated missing values with missing={treated!r}; a bootstrap must repeat that treatment in "
                "every resample, which needs the raw data. Call acsi.bootstrap(result.estimator, result.spec, frame, "
                f"missing={treated!r}, ...) with the data frame or survey (CLI: acsi fit --missing ... --bootstrap N)."
            )
        indicator_data = _data_from_result(base)
        estimator = _estimator_of(base)
    else:
        if spec is None or data is None:
            raise ParameterError("bootstrap(estimator, spec, data): pass the spec and the data with an estimator.")
        if not callable(getattr(estimator, "fit", None)):
            raise ParameterError(f"estimator must have a fit(spec, data) method; got {type(estimator).__name__}.")
        if isinstance(data, IndicatorData):
            if data.missing in TREATED_MISSING:
                raise ParameterError(
                    f"These IndicatorData were prepared with missing={data.missing!r}; pass the raw data frame or "
                    "survey and the same missing= so that every resample repeats the treatment."
                )
            indicator_data = data
        else:
            indicator_data = prepare(spec, data, **prepare_options)
            if missing in TREATED_MISSING:
                raw = data
        base = estimator.fit(spec, indicator_data)
    if raw is not None and engine == "batched":
        raise ParameterError(
            f"missing={missing!r} is repeated in every resample by the refit engine; use engine='auto' or 'refit'."
        )
    batched = type(estimator) is PLSPM and engine != "refit" and raw is None
    if engine == "batched" and type(estimator) is not PLSPM:
        raise ParameterError(f"engine='batched' works for PLSPM only; got {type(estimator).__name__}. Use engine='refit'.")

    layout = _Layout.of(base)
    estimates = layout.from_result(base)
    n = len(raw.frame if hasattr(raw, "frame") else raw) if raw is not None else base.n_obs
    work: _BatchedPLS | _Refit
    if batched:
        work = _BatchedPLS.build(estimator, base, layout, sign_change)
    else:
        work = _Refit(estimator, spec, indicator_data, layout, raw=raw, prepare_options=prepare_options)

    chunks = [(start, min(start + CHUNK, n_boot)) for start in range(0, n_boot, CHUNK)]
    streams = sequence.spawn(len(chunks))
    check_choice("resampling", resampling, ("multinomial", "poisson"))

    def run_chunk(c: int) -> tuple[np.ndarray, np.ndarray]:
        start, stop = chunks[c]
        if resampling == "poisson":
            counts = poisson_counts(poisson_key(sequence.entropy), range(start, stop), 0, n)
            if isinstance(work, _BatchedPLS):
                return work.run(counts)
            return work.run_rows([np.repeat(np.arange(n), row) for row in counts])
        rng = np.random.default_rng(streams[c])
        indices = resample.draw_indices(rng, stop - start, n)
        if isinstance(work, _BatchedPLS):
            return work.run(resample.counts_from_indices(indices, n))
        return work.run(indices)

    thetas, codes = _map_chunks(run_chunk, len(chunks), workers, progress, [stop - start for start, stop in chunks])
    theta = np.concatenate(thetas)
    code = np.concatenate(codes)
    if sign_change == "individual":
        theta = resample.individual_sign_change(theta, estimates, layout.signed)
    failures = refit.count_failures(code)
    replicates = theta[code == _OK]
    failed = n_boot - replicates.shape[0]
    if replicates.shape[0] == 0:
        raise EstimationError(
            f"All {n_boot} bootstrap resamples failed ({refit.describe(failures)}); no standard errors or intervals "
            "can be computed. Check the data for near-constant indicators or collinear blocks."
        )
    if failed:
        warnings.warn(
            f"{failed} of {n_boot} bootstrap resamples failed ({refit.describe(failures)}) and are left out of the "
            f"standard errors and intervals, which use the {replicates.shape[0]} that succeeded.",
            BootstrapWarning,
            stacklevel=2,
        )

    acceleration = None
    if ci == "bca":
        acceleration = _acceleration(work, n, workers, estimates, sign_change, layout)
        intervals = confidence.bca_interval(replicates, estimates, acceleration, level)
    elif ci == "basic":
        intervals = confidence.basic_interval(replicates, estimates, level)
    else:
        intervals = confidence.percentile_bounds(replicates, level)
    replicates.setflags(write=False)
    estimates.setflags(write=False)
    intervals.setflags(write=False)
    return BootstrapResult(
        fit=base,
        kinds=layout.kinds,
        keys=layout.keys,
        estimates=estimates,
        replicates=replicates,
        intervals=intervals,
        requested=n_boot,
        failed=failed,
        failures=failures,
        seed=int(sequence.entropy),  # type: ignore[arg-type]
        ci_method=ci,
        level=float(level),
        sign_change=sign_change,
        engine="batched" if batched else "refit",
        acceleration=acceleration,
    )


def resample_indices(n_boot: int, n: int, seed: int) -> np.ndarray:
    """The row indices (n_boot, n) that :func:`bootstrap` draws for ``seed``, for refits elsewhere.

    Feeding them to another implementation (a refit loop, a peer's bootstrap) reproduces the
    same resamples, so estimates can be compared resample by resample.
    """
    n_boot = _check_int("n_boot", n_boot, 1)
    sequence = _seed_sequence(seed)
    starts = range(0, n_boot, CHUNK)
    streams = sequence.spawn(len(starts))
    return np.concatenate(
        [resample.draw_indices(np.random.default_rng(s), min(CHUNK, n_boot - a), n) for a, s in zip(starts, streams)]
    )


def _map_chunks(
    run: Callable[[int], tuple[np.ndarray, np.ndarray]],
    n_chunks: int,
    workers: int,
    progress: Callable[[int], None] | None,
    sizes: list[int],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run the chunks (in threads when workers > 1, BLAS pinned to one thread) in chunk order."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        threadpool_limits = None
    thetas: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    limiter = threadpool_limits(limits=1, user_api="blas") if threadpool_limits is not None else None
    try:
        if workers == 1 or n_chunks == 1:
            outputs = map(run, range(n_chunks))
            for c, (theta, code) in enumerate(outputs):
                thetas.append(theta)
                codes.append(code)
                if progress is not None:
                    progress(sizes[c])
        else:
            with ThreadPoolExecutor(max_workers=min(workers, n_chunks)) as pool:
                for c, (theta, code) in enumerate(pool.map(run, range(n_chunks))):
                    thetas.append(theta)
                    codes.append(code)
                    if progress is not None:
                        progress(sizes[c])
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    return thetas, codes


def _acceleration(
    work: _BatchedPLS | _Refit, n: int, workers: int, estimates: np.ndarray, sign_change: str, layout: _Layout
) -> np.ndarray:
    """BCa acceleration from the n leave-one-out fits (same engine as the bootstrap)."""
    starts = list(range(0, n, CHUNK))

    def run_chunk(c: int) -> tuple[np.ndarray, np.ndarray]:
        left_out = np.arange(starts[c], min(starts[c] + CHUNK, n))
        if isinstance(work, _BatchedPLS):
            counts = np.ones((left_out.size, n))
            counts[np.arange(left_out.size), left_out] = 0.0
            return work.run(counts)
        return work.run_rows([np.delete(np.arange(n), i) for i in left_out])

    thetas, codes = _map_chunks(run_chunk, len(starts), workers, None, [])
    theta = np.concatenate(thetas)
    code = np.concatenate(codes)
    if sign_change == "individual":
        theta = resample.individual_sign_change(theta, estimates, layout.signed)
    if (code != _OK).any():
        warnings.warn(
            f"{int((code != _OK).sum())} of {n} jackknife fits for the BCa acceleration failed and are left out.",
            BootstrapWarning,
            stacklevel=3,
        )
    return confidence.jackknife_acceleration(theta[code == _OK])
