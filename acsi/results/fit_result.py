"""The :class:`FitResult` of one fit: arrays with labels, tidy pandas views, the JSON contract.

A result computes nothing expensive and prints nothing; :meth:`FitResult.summary` returns a
:class:`acsi.summary.Summary` that renders it (lavaan's summary/print split).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from acsi.admissibility import mark_tables
from acsi.core.mediation import specific_indirect_rows
from acsi.core.pls import total_effects
from acsi.result_contract import ResultContract
from acsi.results.fit_summary import summary_header, summary_tables
from acsi.results.index_result import IndexResult
from acsi.spec.model import ModelSpec
from acsi.summary import Section, Summary


@dataclass(frozen=True)
class FitResult(ResultContract):
    """The estimates of one fit of a model to one dataset.

    Attributes
    ----------
    spec : ModelSpec
        The model that was fitted.
    method : str
        Estimator name (``"pls"``).
    settings : mapping
        Resolved estimator settings (scheme, standardized, tol, max_iter, index_weights).
    converged : bool
    n_iter : int
        Iterations of the outer-weight algorithm.
    n_obs, n_dropped : int
        Rows used and rows dropped by the missing-value policy.
    indicators, constructs : tuple of str
    block : ndarray of int, shape (p,)
        Construct index of each indicator.
    outer_weights : ndarray, shape (p,)
        Weight of each indicator in its construct score; raw-scale after a raw fit.
    standardized_weights : ndarray, shape (p,)
        The same weights for standardised indicators.
    cross_loading_matrix : ndarray, shape (p, k)
        Correlation of each indicator with each construct score.
    construct_correlation_matrix : ndarray, shape (k, k)
    path_matrix : ndarray, shape (k, k)
        ``[i, j]`` the direct effect of construct i on construct j.
    r_squared_vector : ndarray, shape (k,)
    score_weights, score_offset : ndarray, shapes (p, k) and (k,)
        Construct scores are ``indicator_values @ score_weights - score_offset``
        (unit variance), computed on first use of :attr:`score_matrix`.
    indicator_values : ndarray, shape (n, p)
        The (read-only) indicator data of the fit.
    index : IndexResult or None
    warnings : tuple of str
        Messages of the warnings issued while fitting.
    case_weights : ndarray, shape (n,), or None
        The case weights the moments were weighted with (a mapping's weight column).
    missing : mapping or None
        Missing-data treatment and counts (:meth:`acsi.data.MissingReport.to_dict`).
    reliability : mapping or None
        PLSc: ``{"rho_a", "composite_reliability", "cronbach_alpha", "ave"}`` -> {construct: value},
        emitted as top-level JSON keys.
    model_fit : mapping or None
        PLSc: ``{"saturated_model", "estimated_model"}`` -> {srmr, d_uls, d_g}, JSON key ``fit``.
    fit_indices : mapping or None
        CB-SEM: lavaan's fit measures (chisq, df, pvalue, cfi, tli, rmsea, rmsea_ci_lower,
        rmsea_ci_upper, srmr, aic, bic); GSCA: fit, afit, gfi, srmr.
    standardized : mapping or None
        CB-SEM: completely standardised ``loadings`` and ``paths`` (same shapes as the JSON keys).
    std_errors : mapping or None
        CB-SEM: standard errors of ``loadings`` and ``paths`` (same shapes).
    parameter_table : DataFrame or None
        CB-SEM: the full lavaan-style table (variances, covariances, fixed parameters),
        returned by :attr:`params` instead of the PLS table.
    estimator : EstimatorBase or None
        The estimator (settings object) that produced the result; bootstrap, blindfolding,
        PLSpredict and the group comparisons re-estimate through it. Not part of ``to_dict``.
    first_stage : FitResult or None
        A two-stage higher-order fit (:mod:`acsi.estimators.higher_order`): the stage-1 fit whose
        scores measure the higher-order constructs of this (stage-2) result.
    source_spec : ModelSpec or None
        A two-stage higher-order fit: the spec with the higher-order constructs; a bootstrap
        refits both stages from it and from the stage-1 data.
    """

    spec: ModelSpec
    method: str
    settings: Mapping[str, Any]
    converged: bool
    n_iter: int
    n_obs: int
    n_dropped: int
    indicators: tuple[str, ...]
    constructs: tuple[str, ...]
    block: np.ndarray
    outer_weights: np.ndarray
    standardized_weights: np.ndarray
    cross_loading_matrix: np.ndarray
    construct_correlation_matrix: np.ndarray
    path_matrix: np.ndarray
    r_squared_vector: np.ndarray
    score_weights: np.ndarray
    score_offset: np.ndarray
    indicator_values: np.ndarray = field(repr=False)
    row_labels: pd.Index = field(repr=False)
    index: IndexResult | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    missing: Mapping[str, Any] | None = None
    # Optional, method-specific results; ``to_dict`` emits each only when present.
    reliability: Mapping[str, Mapping[str, float]] | None = None
    model_fit: Mapping[str, Mapping[str, float]] | None = None
    fit_indices: Mapping[str, float] | None = None
    standardized: Mapping[str, Any] | None = None
    std_errors: Mapping[str, Any] | None = None
    parameter_table: pd.DataFrame | None = field(default=None, repr=False)
    case_weights: np.ndarray | None = field(default=None, repr=False)
    estimator: Any = field(default=None, repr=False, compare=False)
    first_stage: FitResult | None = field(default=None, repr=False, compare=False)
    source_spec: ModelSpec | None = field(default=None, repr=False, compare=False)

    @cached_property
    def score_matrix(self) -> np.ndarray:
        """Construct scores with unit variance, shape (n, k)."""
        scores = self.indicator_values @ self.score_weights - self.score_offset
        scores.setflags(write=False)
        return scores

    # ------------------------------------------------------------------ derived arrays
    @cached_property
    def loading_vector(self) -> np.ndarray:
        """Loading of each indicator on its own construct, shape (p,)."""
        return self.cross_loading_matrix[np.arange(len(self.indicators)), self.block]

    @cached_property
    def total_effect_matrix(self) -> np.ndarray:
        """``(I - B)^-1 - I``: all direct and indirect effects of construct i on j."""
        return total_effects(self.path_matrix)

    @cached_property
    def _path_pairs(self) -> list[tuple[int, int]]:
        position = {name: j for j, name in enumerate(self.constructs)}
        return [(position[p.source], position[p.target]) for p in self.spec.paths]

    @cached_property
    def _endogenous(self) -> list[int]:
        return [self.constructs.index(name) for name in self.spec.endogenous]

    def fixed_by_construction(self) -> dict[str, set[tuple[str, str]]]:
        """(construct, indicator) keys of estimates that do not vary from sample to sample.

        ``loadings``: every single-indicator construct (its score is its standardised indicator,
        so the loading is 1). ``weights``: the same constructs when the fit standardised the
        indicators (weight 1; a raw-scale weight is 1/sd and varies). Their standard errors are 0
        up to rounding and no t test applies to them.
        """
        counts = np.bincount(self.block, minlength=len(self.constructs))
        single = {(self.constructs[b], indicator) for b, indicator in zip(self.block.tolist(), self.indicators) if counts[b] == 1}
        standardized = bool(self.settings.get("standardized", True))
        return {"loadings": single, "weights": single if standardized else set()}

    # ------------------------------------------------------------------ tidy views
    def _by_block(self, values: np.ndarray, name: str) -> pd.Series:
        index = pd.MultiIndex.from_arrays(
            [[self.constructs[b] for b in self.block], list(self.indicators)], names=["construct", "indicator"]
        )
        return pd.Series(values, index=index, name=name)

    @property
    def weights(self) -> pd.Series:
        """Outer weights indexed by (construct, indicator)."""
        return self._by_block(self.outer_weights, "weight")

    @property
    def loadings(self) -> pd.Series:
        """Loadings (indicator-score correlations) indexed by (construct, indicator)."""
        return self._by_block(self.loading_vector, "loading")

    @property
    def cross_loadings(self) -> pd.DataFrame:
        """Correlation of every indicator (rows) with every construct score (columns)."""
        return pd.DataFrame(self.cross_loading_matrix, index=list(self.indicators), columns=list(self.constructs))

    @property
    def construct_correlations(self) -> pd.DataFrame:
        """Correlations of the construct scores."""
        names = list(self.constructs)
        return pd.DataFrame(self.construct_correlation_matrix, index=names, columns=names)

    @property
    def path_coefficients(self) -> pd.Series:
        """Direct effects keyed ``"From -> To"`` in spec order."""
        return pd.Series(
            [self.path_matrix[i, j] for i, j in self._path_pairs],
            index=pd.Index([p.key for p in self.spec.paths], name="path"),
            name="estimate",
        )

    @property
    def r_squared(self) -> pd.Series:
        """R² of each endogenous construct."""
        return pd.Series(
            self.r_squared_vector[self._endogenous],
            index=pd.Index(self.spec.endogenous, name="construct"),
            name="r_squared",
        )

    @property
    def adjusted_r_squared(self) -> pd.Series:
        """1 - (1 - R²)(n - 1)/(n - m - 1), m the number of predictors (NaN where n - m - 1 < 1)."""
        return pd.Series(
            self._adjusted_r_squared_vector,
            index=pd.Index(self.spec.endogenous, name="construct"),
            name="adjusted_r_squared",
        )

    @cached_property
    def _adjusted_r_squared_vector(self) -> np.ndarray:
        """Adjusted R² of the endogenous constructs in spec order; NaN without residual degrees of
        freedom (:func:`acsi.data.prepare` refuses such samples; reached only with hand-built data)."""
        n_pred = np.array([len(self.spec.predecessors(name)) for name in self.spec.endogenous], dtype=float)
        df = self.n_obs - n_pred - 1.0
        r2 = self.r_squared_vector[self._endogenous]
        safe = np.where(df >= 1, df, 1.0)
        return np.where(df >= 1, 1.0 - (1.0 - r2) * (self.n_obs - 1) / safe, np.nan)

    @cached_property
    def _effect_pairs(self) -> tuple[tuple[int, int], ...]:
        """(i, j) of every pair of constructs linked by a directed route, row-major order."""
        total = self.total_effect_matrix
        k = len(self.constructs)
        return tuple((i, j) for i in range(k) for j in range(k) if i != j and (self.path_matrix[i, j] != 0 or total[i, j] != 0))

    @property
    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects for every pair of constructs linked by a directed route."""
        total = self.total_effect_matrix
        rows = [
            (self.constructs[i], self.constructs[j], self.path_matrix[i, j], total[i, j] - self.path_matrix[i, j], total[i, j])
            for i, j in self._effect_pairs
        ]
        frame = pd.DataFrame(rows, columns=["source", "target", "direct", "indirect", "total"])
        frame.index = pd.Index([f"{s} -> {t}" for s, t in zip(frame.source, frame.target)], name="effect")
        return frame

    def specific_indirect_effects(self) -> pd.DataFrame:
        """Every specific indirect effect: the product of the paths along one chain of two or more paths
        (:func:`acsi.core.mediation.specific_indirect_rows`; those of a pair sum to its ``indirect`` effect).

        Columns ``path`` ("A -> M -> B"), ``source``, ``through`` ("M1, M2"), ``target``, ``estimate``;
        intervals and types of mediation: :meth:`acsi.inference.BootstrapResult.specific_indirect_effects`.
        """
        rows = specific_indirect_rows(self.path_matrix, self._path_pairs, self.constructs)
        return pd.DataFrame(rows, columns=["path", "source", "through", "target", "estimate"])

    @property
    def scores(self) -> pd.DataFrame:
        """Construct scores (unit variance), rows labelled as in the input data."""
        return pd.DataFrame(self.score_matrix, index=self.row_labels, columns=list(self.constructs))

    @property
    def params(self) -> pd.DataFrame:
        """One long parameter table keyed by (lhs, op, rhs), lavaan's operators.

        ``=~`` loadings and ``<~`` weights of every construct, ``~`` path coefficients
        (lhs the target), ``~~`` construct correlations (upper triangle) and ``r2``.
        A CB-SEM fit returns its full table instead (with ``std_error``, ``std_all``).
        """
        if self.parameter_table is not None:
            return self.parameter_table.copy()
        rows: list[tuple[str, str, str, float]] = []
        for j, indicator in enumerate(self.indicators):
            construct = self.constructs[self.block[j]]
            rows.append((construct, "=~", indicator, self.loading_vector[j]))
        for j, indicator in enumerate(self.indicators):
            construct = self.constructs[self.block[j]]
            rows.append((construct, "<~", indicator, self.outer_weights[j]))
        for (i, j), path in zip(self._path_pairs, self.spec.paths):
            rows.append((path.target, "~", path.source, self.path_matrix[i, j]))
        k = len(self.constructs)
        for i in range(k):
            for j in range(i + 1, k):
                rows.append((self.constructs[i], "~~", self.constructs[j], self.construct_correlation_matrix[i, j]))
        for j in self._endogenous:
            rows.append((self.constructs[j], "r2", self.constructs[j], self.r_squared_vector[j]))
        return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "estimate"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy: the parameter table :attr:`params` (lhs, op, rhs, estimate[, std_error, std_all])."""
        return self.params

    # ------------------------------------------------------------------ contract and rendering
    def _nested(self, values: np.ndarray) -> dict[str, dict[str, float]]:
        nested: dict[str, dict[str, float]] = {name: {} for name in self.constructs}
        constructs = self.constructs
        for b, indicator, value in zip(self.block.tolist(), self.indicators, np.asarray(values, dtype=float).tolist()):
            nested[constructs[b]][indicator] = value
        return nested

    def __repr__(self) -> str:
        return (
            f"FitResult(method={self.method!r}, n_obs={self.n_obs}, constructs={len(self.constructs)}, "
            f"indicators={len(self.indicators)}, converged={self.converged})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``acsi fit --json`` (a public contract).

        Keys: ``method``, ``scheme``, ``standardized``, ``converged``, ``iterations``,
        ``n_obs``, ``n_dropped``, ``weights`` {construct: {indicator: value}}, ``loadings``
        (same shape), ``paths`` {"From -> To": value}, ``r_squared`` {construct: value},
        ``adjusted_r_squared``, ``effects`` {"From -> To": {direct, indirect, total}},
        ``construct_correlations`` {construct: {construct: value}}, ``specific_indirect_effects``
        [{path, source, through, target, estimate}] (the bootstrap adds intervals), ``index``
        {construct: 0-100} and ``index_weights`` when scales are known, ``warnings``,
        ``missing`` {treatment, rows, rows_dropped, incomplete_rows, cells_missing,
        cells_imputed, missing_codes, out_of_scale, unmapped, em_iterations, by_indicator}
        when the data went through :func:`acsi.prepare`.
        Method-specific keys, only when present: PLSc ``rho_a``, ``composite_reliability``,
        ``cronbach_alpha``, ``ave``, ``fit``; CB-SEM ``standardized``, ``std_errors``,
        ``fit_indices``; GSCA ``fit_indices``; a spec with higher-order constructs ``higher_order``
        {approach, constructs {name: {type, components}}, first_stage {weights, loadings,
        paths, converged, index}} (:mod:`acsi.estimators.higher_order`); ``ordinal_indicators`` (the items that entered
        through polychoric correlations, :mod:`acsi.estimators.ordinal`).
        """
        constructs = self.constructs
        B = self.path_matrix
        total = self.total_effect_matrix
        endogenous = self.spec.endogenous
        r2 = self.r_squared_vector[self._endogenous].tolist()
        out: dict[str, Any] = {
            "method": self.method,
            "scheme": self.settings.get("scheme"),
            "standardized": bool(self.settings.get("standardized", True)),
            "converged": bool(self.converged),
            "iterations": int(self.n_iter),
            "n_obs": int(self.n_obs),
            "n_dropped": int(self.n_dropped),
            "weights": self._nested(self.outer_weights),
            "loadings": self._nested(self.loading_vector),
            "paths": {path.key: float(B[i, j]) for (i, j), path in zip(self._path_pairs, self.spec.paths)},
            "r_squared": dict(zip(endogenous, r2)),
            "adjusted_r_squared": dict(zip(endogenous, self._adjusted_r_squared_vector.tolist())),
            "effects": {
                f"{constructs[i]} -> {constructs[j]}": {
                    "direct": float(B[i, j]),
                    "indirect": float(total[i, j] - B[i, j]),
                    "total": float(total[i, j]),
                }
                for i, j in self._effect_pairs
            },
            "construct_correlations": {
                a: dict(zip(constructs, row)) for a, row in zip(constructs, self.construct_correlation_matrix.tolist())
            },
            "warnings": list(self.warnings),
            "specific_indirect_effects": specific_indirect_rows(self.path_matrix, self._path_pairs, constructs),
        }
        if self.index is not None:
            out["index"] = self.index.to_dict()
            out["index_weights"] = self.index.method
        if self.missing is not None:
            out["missing"] = dict(self.missing)
        if self.reliability is not None:
            for key, values in self.reliability.items():
                out[key] = {name: float(v) for name, v in values.items()}
        if self.model_fit is not None:
            out["fit"] = {part: {k: float(v) for k, v in values.items()} for part, values in self.model_fit.items()}
        if self.fit_indices is not None:
            out["fit_indices"] = {k: float(v) for k, v in self.fit_indices.items()}
        if self.standardized is not None:
            out["standardized"] = _plain(self.standardized)
        if self.std_errors is not None:
            out["std_errors"] = _plain(self.std_errors)
        if "higher_order" in self.settings:
            out["higher_order"] = copy.deepcopy(dict(self.settings["higher_order"]))
        if self.settings.get("ordinal_indicators"):
            out["ordinal_indicators"] = list(self.settings["ordinal_indicators"])
        return out

    def summary(self) -> Summary:
        """A readable summary (``print(result.summary())``): estimates, fit, index, inadmissible marks, warnings."""
        tables = summary_tables(self)
        notes = mark_tables(tables, self)  # a "flag" column beside inadmissible PLSc / CB-SEM numbers
        sections = [Section(title, table, index=title != "Outer model") for title, table in tables.items()]
        if notes:
            sections.append(Section("Inadmissible", lines=tuple(notes)))
        if self.warnings:
            sections.append(Section("Warnings", lines=tuple(f"- {message}" for message in self.warnings)))
        return Summary(summary_header(self), tuple(sections))

    def _repr_html_(self) -> str:
        """What a notebook shows: the path diagram (inline SVG) above the summary's compact tables."""
        return f'<div class="acsi-fit">{self.plot()}{self.summary().as_html()}</div>'

    def plot(self, bootstrap: Any = None, *, path: str | None = None) -> str:
        """The path diagram as SVG text (:func:`acsi.diagram.path_diagram`), with significance marks and
        intervals when ``bootstrap`` (this fit's :func:`acsi.bootstrap`) is given; also written to ``path``
        (``.svg`` or ``.png``) when given."""
        from acsi.diagram import path_diagram, save_diagram

        svg = path_diagram(self, bootstrap)
        if path is not None:
            save_diagram(svg, path)
        return svg


def _plain(value: Any) -> Any:
    """Nested mappings of numbers as plain dicts of floats (for JSON)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return float(value)
