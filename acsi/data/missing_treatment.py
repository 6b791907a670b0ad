"""The missing-data treatments of :func:`acsi.data.prepare` (``missing=``; see :mod:`acsi.data`).

``"error"`` refuses missing cells, ``"listwise"`` drops incomplete rows, ``"mean"`` fills each
cell with its indicator's available-case mean, ``"pairwise"`` and ``"em"`` estimate the moments
(:func:`acsi.core.missing.pairwise_moments`, :func:`acsi.core.missing.em_moments`) and fill the
cells of incomplete rows with their conditional expectation ``mu_m + S_mo S_oo^-1 (x_o - mu_o)``
(:func:`acsi.core.missing.conditional_means`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from acsi import notices
from acsi.core.missing import conditional_means, em_moments, pairwise_moments
from acsi.core.moments import correlation
from acsi.data.values import SHOW, rows_text
from acsi.errors import ConvergenceWarning, DataError, MissingDataWarning


def treat_missing(
    values: np.ndarray,
    labels: pd.Index,
    indicators: tuple[str, ...],
    missing: str,
    where: str,
    by_indicator: dict[str, dict[str, Any]],
) -> tuple[np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None, dict[str, Any]]:
    """Apply ``missing`` to ``values`` that hold NaN: the values kept (filled), the rows kept (None: all),
    the estimated moments (pairwise, EM) and the counts for the :class:`~acsi.data.MissingReport`."""
    n_rows = values.shape[0]
    report: dict[str, Any] = {"treatment": missing, "n_rows": n_rows}
    moments = None
    keep = None
    holes = np.isnan(values)
    per_column = holes.sum(axis=0)
    for j, name in enumerate(indicators):
        by_indicator[name]["missing"] = int(per_column[j])
    incomplete = holes.any(axis=1)
    report["n_incomplete_rows"] = int(incomplete.sum())
    report["n_cells_missing"] = int(per_column.sum())
    if missing == "error":
        rows = labels[incomplete]
        hole_names = [name for j, name in enumerate(indicators) if per_column[j]]
        made = sum(by_indicator[n].get("out_of_scale", 0) for n in indicators)
        extra = f" ({made} of the cells were outside their scale, set missing in lenient mode)" if made else ""
        raise DataError(
            f"{int(incomplete.sum())} row(s){where} have missing indicator values (rows {rows_text(rows)}; "
            f"columns {', '.join(hole_names)}){extra}. Drop them with missing='listwise' (CLI: --missing listwise), "
            "estimate around them with missing='em' (or 'pairwise'), or impute them first."
        )
    thin = [name for j, name in enumerate(indicators) if n_rows - per_column[j] < 3]
    if thin:  # before listwise deletion too, which would otherwise only say that no row is complete
        raise DataError(
            f"Indicator(s) {', '.join(thin)}{where} have fewer than 3 observed values; no missing-data "
            "treatment can estimate their moments. Remove them from the model."
        )
    if missing == "listwise":
        keep = ~incomplete
        values = values[keep]
    else:
        empty = holes.all(axis=1)
        if empty.any():
            keep = ~empty
            values, holes = values[keep], holes[keep]
        lowest, highest = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
        check_constant(indicators, lowest, highest, where)
        if missing == "mean":
            means = np.nanmean(values, axis=0)
            values = np.where(holes, means, values)
        else:
            moments = _moments(values, indicators, missing, where, report)
            values = conditional_means(values, *moments)
        report["n_cells_imputed"] = int(holes.sum())
    report["n_rows_dropped"] = n_rows - values.shape[0]
    return values, keep, moments, report


def check_constant(indicators: Sequence[str], lowest: np.ndarray, highest: np.ndarray, where: str) -> None:
    """Refuse indicators whose lowest and highest values are equal."""
    constant = [name for j, name in enumerate(indicators) if lowest[j] == highest[j]]
    if constant:
        raise DataError(
            f"Indicator(s) {', '.join(constant)}{where} are constant (every respondent gave the same value); "
            "a constant indicator carries no information and cannot be standardised. Remove it from the spec."
        )


def _moments(
    values: np.ndarray, indicators: Sequence[str], method: str, where: str, report: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    if method == "pairwise":
        mean, covariance, pairs = pairwise_moments(values)
        thin = np.argwhere(np.triu(pairs < 3, 1))
        if thin.size:
            names = ", ".join(f"{indicators[i]}/{indicators[j]}" for i, j in thin[:SHOW])
            raise DataError(
                f"Indicator pair(s) {names}{where} are observed together in fewer than 3 rows, so their "
                "correlation cannot be estimated pairwise. Use missing='em' or collect more data."
            )
        smallest = float(np.linalg.eigvalsh(correlation(covariance)).min())
        if smallest < -1e-10:
            notices.issue(
                f"The pairwise correlation matrix{where} is not positive semidefinite (smallest eigenvalue "
                f"{smallest:.3g}): pairwise deletion combined rows that disagree. Prefer missing='em'.",
                MissingDataWarning,
                stacklevel=5,
            )
    else:
        result = em_moments(values)
        report["em_iterations"] = result.n_iter
        if not result.converged:
            notices.issue(
                f"EM for the missing indicator values{where} did not converge within {result.n_iter} iterations; "
                "the moments are unreliable. Check for indicators that are almost never observed together.",
                ConvergenceWarning,
                stacklevel=5,
            )
        mean, covariance = result.mean, result.covariance
    mean.setflags(write=False)
    covariance.setflags(write=False)
    return mean, covariance
