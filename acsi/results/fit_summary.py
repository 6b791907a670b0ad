"""The sections of :meth:`acsi.results.fit_result.FitResult.summary`: its header and its tables by title."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from acsi.results.fit_result import FitResult

__all__ = ["summary_header", "summary_tables"]


def summary_header(result: FitResult) -> tuple[str, str]:
    """The two header lines of :meth:`FitResult.summary`: the method and model, then the counts."""
    settings = result.settings
    scaling = "standardised indicators" if settings.get("standardized", True) else "centred raw indicators"
    terms = f", {settings['interactions']} interaction terms" if settings.get("interactions") else ""
    title = result.spec.name or "model"
    status = f"yes, {result.n_iter} iterations" if result.converged else f"NO (stopped after {result.n_iter})"
    dropped = f" ({result.n_dropped} dropped: missing values)" if result.n_dropped else ""
    described = {
        "pls": f"PLS path modelling of {title} ({settings.get('scheme')} scheme, {scaling}{terms})",
        "plsc": f"consistent PLS (PLSc) of {title} ({settings.get('scheme')} scheme, rho_A correction{terms})",
        "cbsem": f"covariance-based SEM of {title} (semopy, objective {settings.get('objective')}, "
        f"{settings.get('identification')}; loadings and paths unstandardised)",
        "gsca": f"generalized structured component analysis (GSCA) of {title} (alternating least squares)",
        "sumscore": f"regression on sum scores of {title} (unit-weighted standardised indicators)",
    }
    ordinal = settings.get("ordinal_indicators")
    polychoric = f"; {len(ordinal)} ordinal indicators through polychoric correlations" if ordinal else ""
    return (
        f"acsi: {described.get(result.method, described['pls'])}{polychoric}",
        f"Observations: {result.n_obs}{dropped}   Constructs: {len(result.constructs)}   "
        f"Indicators: {len(result.indicators)}   Converged: {status}",
    )


def summary_tables(result: FitResult) -> dict[str, pd.DataFrame]:
    """The tables of the summary, by section title."""
    tables = {
        "Outer model": pd.concat([result.weights, result.loadings], axis=1).reset_index(),
        "Structural model (path coefficients)": result.path_coefficients.to_frame(),
        "Explained variance": pd.concat([result.r_squared, result.adjusted_r_squared], axis=1),
        "Effects": result.effects[["direct", "indirect", "total"]],
    }
    specific = result.specific_indirect_effects()
    if not specific.empty:
        tables["Specific indirect effects"] = specific.set_index("path")[["estimate"]]
    if result.standardized is not None:
        tables["Standardised paths (std.all)"] = pd.Series(result.standardized["paths"], name="std_all").to_frame()
    if result.reliability is not None:
        tables["Reliability"] = pd.DataFrame(dict(result.reliability))
    if result.fit_indices is not None:
        tables["Fit indices"] = pd.Series(dict(result.fit_indices), name="value").to_frame()
    if result.model_fit:
        tables["Model fit (SRMR, d_ULS, d_G)"] = pd.DataFrame(dict(result.model_fit))
    if result.index is not None:
        index = pd.Series(result.index.to_dict(), name="index").to_frame()
        tables[f"Index (0-100, {result.index.method} weights)"] = index
    return tables
