"""The result of :func:`acsi.compare.estimate_groups`: per-group indices and paths with bootstrap draws.

:class:`GroupEstimates` keeps the estimator that produced it (``estimator``) and the validated
data (:class:`GroupData`), so the permutation tests and MICOM re-estimate with the same
settings; :class:`GroupArrays` is the table both estimation paths fill before building it.
Percentile intervals: the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles of the draws
(:func:`acsi.core.intervals.percentile_interval`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.core.intervals import percentile_interval
from acsi.errors import ParameterError
from acsi.estimators.base import EstimatorBase
from acsi.result_contract import ResultContract, read_only
from acsi.spec.model import ModelSpec
from acsi.summary import Section, Summary

GroupMode = Literal["separate", "pooled"]
#: Default minimum number of respondents for a group to be reported (ACSI practice reports
#: a firm only from about 250 interviews; 30 is the floor below which PLS estimates per group
#: are unstable). Smaller groups are listed with ``reported = False`` and a note.
DEFAULT_MIN_N = 30
MIN_BOOT = 20


def json_number(value: float) -> float | None:
    """A JSON number, or None for NaN."""
    value = float(value)
    return None if math.isnan(value) else value


def path_positions(spec: ModelSpec) -> tuple[np.ndarray, np.ndarray]:
    """Source and target construct positions of the spec's paths, in spec order."""
    names = spec.construct_names
    return (
        np.array([names.index(path.source) for path in spec.paths], dtype=int),
        np.array([names.index(path.target) for path in spec.paths], dtype=int),
    )


@dataclass
class GroupArrays:
    """The per-group numbers an estimation fills (NaN where a group is not estimated)."""

    index: np.ndarray  # (G, m)
    paths: np.ndarray  # (G, n_paths)
    total_effects: np.ndarray  # (G, k, k)
    index_weights: np.ndarray  # (G, p)
    means: np.ndarray  # (G, p)
    index_draws: np.ndarray | None  # (G, n_boot, m)
    path_draws: np.ndarray | None  # (G, n_boot, n_paths)

    @classmethod
    def empty(cls, spec: ModelSpec, n_groups: int, n_index: int, n_boot: int, *, path_draws: bool = True) -> GroupArrays:
        G, p, k, n_paths = n_groups, len(spec.indicators), len(spec.construct_names), len(spec.paths)
        return cls(
            index=np.full((G, n_index), np.nan),
            paths=np.full((G, n_paths), np.nan),
            total_effects=np.full((G, k, k), np.nan),
            index_weights=np.full((G, p), np.nan),
            means=np.full((G, p), np.nan),
            index_draws=np.full((G, n_boot, n_index), np.nan) if n_boot else None,
            path_draws=np.full((G, n_boot, n_paths), np.nan) if n_boot and path_draws else None,
        )


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
    estimator : PLSPM, PLSc, CBSEM or GSCA
        The estimator and its settings; permutation tests and MICOM re-estimate with it.
    method : str
        The estimator's method: ``"pls"`` (batched kernel) or ``"plsc"``, ``"cbsem"``, ``"gsca"``
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
    estimator: EstimatorBase = field(repr=False)
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

    @property
    def path_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Source and target construct positions of the paths (:func:`path_positions`), read-only."""
        return read_only(path_positions(self.spec))

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
            entry["index"] = {c: json_number(self.index[g, j]) for j, c in enumerate(self.index_constructs)}
            entry["ci"] = {c: [json_number(lower[g, j]), json_number(upper[g, j])] for j, c in enumerate(self.index_constructs)}
            entry["paths"] = {key: json_number(self.paths[g, e]) for e, key in enumerate(self.path_keys)}
            entry["path_ci"] = {key: [json_number(plo[g, e]), json_number(phi[g, e])] for e, key in enumerate(self.path_keys)}
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
