"""Readable summaries of a :class:`~acsi.results.FitResult`.

A summary collects tables from the result and renders them; it computes nothing new
(lavaan's ``lav_object_summary`` / ``lav_print`` split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from acsi.report.admissibility import mark_tables

if TYPE_CHECKING:
    from acsi.results import FitResult

_FLOAT = "{:.3f}".format


@dataclass(frozen=True)
class Summary:
    """Sections of a fit summary; ``str(summary)`` is the text form."""

    result: FitResult

    def header(self) -> list[str]:
        result = self.result
        settings = result.settings
        scaling = "standardised indicators" if settings.get("standardized", True) else "centred raw indicators"
        title = result.spec.name or "model"
        status = f"yes, {result.n_iter} iterations" if result.converged else f"NO (stopped after {result.n_iter})"
        dropped = f" ({result.n_dropped} dropped: missing values)" if result.n_dropped else ""
        described = {
            "pls": f"PLS path modelling of {title} ({settings.get('scheme')} scheme, {scaling})",
            "plsc": f"consistent PLS (PLSc) of {title} ({settings.get('scheme')} scheme, rho_A correction)",
            "cbsem": f"covariance-based SEM of {title} (semopy, objective {settings.get('objective')}, "
            f"{settings.get('identification')}; loadings and paths unstandardised)",
            "gsca": f"generalized structured component analysis (GSCA) of {title} (alternating least squares)",
        }
        return [
            f"acsi: {described.get(result.method, described['pls'])}",
            f"Observations: {result.n_obs}{dropped}   Constructs: {len(result.constructs)}   "
            f"Indicators: {len(result.indicators)}   Converged: {status}",
        ]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the summary, by section title."""
        result = self.result
        outer = pd.concat([result.weights, result.loadings], axis=1).reset_index()
        paths = result.path_coefficients.to_frame()
        r2 = pd.concat([result.r_squared, result.adjusted_r_squared], axis=1)
        effects = result.effects[["direct", "indirect", "total"]]
        tables = {
            "Outer model": outer,
            "Structural model (path coefficients)": paths,
            "Explained variance": r2,
            "Effects": effects,
        }
        if result.standardized is not None:
            tables["Standardised paths (std.all)"] = pd.Series(result.standardized["paths"], name="std_all").to_frame()
        if result.reliability is not None:
            tables["Reliability"] = pd.DataFrame(dict(result.reliability))
        for name, values in (("Fit indices", result.fit_indices),):
            if values is not None:
                tables[name] = pd.Series(dict(values), name="value").to_frame()
        if result.model_fit is not None and result.model_fit:
            tables["Model fit (SRMR, d_ULS, d_G)"] = pd.DataFrame(dict(result.model_fit))
        if result.index is not None:
            index = pd.Series(result.index.to_dict(), name="index").to_frame()
            tables[f"Index (0-100, {result.index.method} weights)"] = index
        mark_tables(tables, result)  # a "flag" column beside inadmissible PLSc / CB-SEM numbers
        return tables

    def as_text(self) -> str:
        lines = self.header()
        for title, table in self.tables().items():
            lines += ["", title, "-" * len(title)]
            lines.append(table.to_string(float_format=_FLOAT, index=title != "Outer model"))
        notes = mark_tables({}, self.result)
        if notes:
            lines += ["", "Inadmissible", "------------"] + notes
        if self.result.warnings:
            lines += ["", "Warnings", "--------"] + [f"- {message}" for message in self.result.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()
