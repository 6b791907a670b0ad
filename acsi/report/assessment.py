"""Readable summary of an :class:`~acsi.assess.Assessment`: tables, thresholds, flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from acsi.assess import Assessment

_FLOAT = "{:.3f}".format


@dataclass(frozen=True)
class AssessmentSummary:
    """Sections of an assessment summary; ``str(summary)`` is the text form."""

    assessment: Assessment

    def tables(self) -> dict[str, tuple[pd.DataFrame, str]]:
        """Section title -> (table, threshold text)."""
        from acsi.assess import THRESHOLDS

        a = self.assessment
        reliability = pd.concat(
            [a.cronbach_alpha, a.rho_a, a.rho_c, a.dillon_goldstein_rho, a.ave, a.eigenvalue_1, a.eigenvalue_2], axis=1
        )
        threshold_lines = "; ".join(f"{k}: {THRESHOLDS[k]}" for k in ("cronbach_alpha", "rho_a", "rho_c", "ave", "eigenvalue"))
        tables = {
            "Reliability and convergent validity": (reliability, threshold_lines),
            "Loadings and outer VIF": (
                pd.concat([a.result.loadings, a.communality, a.outer_vif], axis=1).reset_index(),
                f"loadings {THRESHOLDS['loadings']}; VIF {THRESHOLDS['vif']}",
            ),
            "HTMT": (a.htmt, THRESHOLDS["htmt"]),
            "Fornell-Larcker (diagonal: sqrt(AVE))": (a.fornell_larcker, THRESHOLDS["fornell_larcker"]),
            "Cross-loadings": (a.cross_loadings, THRESHOLDS["loadings"]),
            "Explained variance": (
                pd.concat([a.r_squared, a.adjusted_r_squared] + ([a.q_squared] if a.q_squared is not None else []), axis=1),
                f"R²: {THRESHOLDS['r_squared']}" + (f"; Q²: {THRESHOLDS['q_squared']}" if a.q_squared is not None else ""),
            ),
            "Effect sizes f²": (a.f_squared.to_frame(), THRESHOLDS["f_squared"]),
            "Inner VIF": (
                pd.concat({t: s for t, s in a.inner_vif.items()}).rename("vif").to_frame(),
                THRESHOLDS["vif"],
            ),
            "Model fit (d_G with base-10 logarithms)": (
                pd.DataFrame(a.fit).T,
                f"SRMR {THRESHOLDS['srmr']}; GoF = {a.gof:.3f} ({THRESHOLDS['gof']})",
            ),
        }
        if a.predict is not None:
            tables["PLSpredict (test-fold errors, PLS vs linear model)"] = (a.predict, "PLS RMSE below LM RMSE: predictive power")
        return tables

    def as_text(self) -> str:
        lines = [f"acsi: assessment of {self.assessment.result.spec.name or 'model'} (n = {self.assessment.result.n_obs})"]
        for title, (table, note) in self.tables().items():
            lines += ["", title, "-" * len(title), table.to_string(float_format=_FLOAT), f"  thresholds: {note}"]
        flags = self.assessment.flags()
        lines += ["", "Flags", "-----"] + (
            [f"- {f}" for f in flags] if flags else ["none: every measure within its usual threshold"]
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()
