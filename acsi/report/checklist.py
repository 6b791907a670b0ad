"""The assessment checklist of the report: every usual threshold applied to an assessment's values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from acsi.report.html_parts import _key


@dataclass(frozen=True)
class Check:
    """One threshold applied to one value: status ``met``, ``marginal`` or ``not met``."""

    criterion: str
    subject: str
    value: float | None
    key: str
    rule: str
    status: str
    source: str

    @property
    def css(self) -> str:
        return {"met": "met", "marginal": "marginal"}.get(self.status, "notmet")


def checklist(assessment: Any) -> list[Check]:
    """Every usual threshold of :data:`acsi.thresholds.THRESHOLDS` applied to the assessment's values, in the order and
    with the rules of :meth:`acsi.assessment.Assessment.flags` (whose lines are the checks that are not met)."""
    return [*_reliability(assessment), *_validity(assessment), *_collinearity_and_fit(assessment)]


def _source(name: str) -> str:
    """The source cited in the threshold's text, between its parentheses."""
    from acsi.thresholds import THRESHOLDS

    text = THRESHOLDS[name]
    return text[text.find("(") + 1 : text.find(")")] if "(" in text else ""


def _reliability(a: Any) -> list[Check]:
    """Cronbach's alpha, rho_A and rho_C, AVE and the loadings (the last three of multi-item blocks)."""
    spec = a.result.spec
    out: list[Check] = []

    def multi(name: str) -> bool:
        return len(spec.construct(str(name)).indicators) > 1

    for name, value in a.cronbach_alpha.dropna().items():
        status = "not met" if value < 0.75 else "marginal" if value < 0.8 else "met"
        out.append(
            Check(
                "Cronbach's alpha",
                str(name),
                value,
                _key("assessment", "cronbach_alpha", name),
                ">= 0.8 (0.75-0.8 marginal)",
                status,
                _source("cronbach_alpha"),
            )
        )
    for label, attr in (("rho_A", "rho_a"), ("rho_C", "rho_c")):
        for name, value in getattr(a, attr).dropna().items():
            if multi(name):
                status = "met" if 0.7 <= value <= 0.95 else "not met"
                out.append(Check(label, str(name), value, _key("assessment", attr, name), "0.7-0.95", status, _source(attr)))
    for name, value in a.ave.items():
        out.append(
            Check(
                "AVE",
                str(name),
                value,
                _key("assessment", "ave", name),
                ">= 0.5",
                "met" if value >= 0.5 else "not met",
                _source("ave"),
            )
        )
    for (construct, indicator), value in a.result.loadings.items():
        if multi(construct):
            status = "met" if value >= 0.708 else "not met"
            out.append(
                Check(
                    "loading",
                    f"{indicator} ({construct})",
                    value,
                    _key("fit", "loadings", construct, indicator),
                    ">= 0.708",
                    status,
                    _source("loadings"),
                )
            )
    return out


def _validity(a: Any) -> list[Check]:
    """Discriminant validity: loadings above cross-loadings, HTMT and Fornell-Larcker."""
    out: list[Check] = []
    cross = a.cross_loadings
    for j, indicator in enumerate(a.result.indicators):
        own = a.result.constructs[a.result.block[j]]
        others = cross.loc[indicator].drop(own)
        status = "not met" if (others.abs() >= abs(cross.at[indicator, own])).any() else "met"
        out.append(
            Check(
                "vs cross-loadings",
                f"{indicator} ({own})",
                cross.at[indicator, own],
                _key("assessment", "cross_loadings", indicator, own),
                "above every cross-loading",
                status,
                _source("loadings"),
            )
        )
    names = list(a.htmt.index)
    for i in range(len(names)):
        for k in range(i + 1, len(names)):
            value = a.htmt.iat[i, k]
            status = "not met" if value >= 0.9 else "marginal" if value >= 0.85 else "met"
            out.append(
                Check(
                    "HTMT",
                    f"{names[i]} / {names[k]}",
                    value,
                    _key("assessment", "htmt", names[i], names[k]),
                    "< 0.85 (< 0.90 similar constructs)",
                    status,
                    _source("htmt"),
                )
            )
    fl = a.fornell_larcker.to_numpy()
    for i, name in enumerate(names):
        others = np.delete(np.abs(fl[i]), i)
        status = "not met" if others.size and fl[i, i] <= others.max() else "met"
        out.append(
            Check(
                "Fornell-Larcker",
                str(name),
                fl[i, i],
                _key("assessment", "fornell_larcker", name, name),
                "sqrt(AVE) above every correlation",
                status,
                "Fornell & Larcker 1981",
            )
        )
    return out


def _collinearity_and_fit(a: Any) -> list[Check]:
    """Outer and inner VIF, SRMR and (when computed) Q²."""
    out: list[Check] = []
    for (construct, indicator), value in a.outer_vif.items():
        out.append(
            Check(
                "outer VIF",
                f"{indicator} ({construct})",
                value,
                _key("assessment", "vif", "outer", construct, indicator),
                "< 5",
                "met" if value < 5 else "not met",
                _source("vif"),
            )
        )
    for target, series in a.inner_vif.items():
        for name, value in series.items():
            out.append(
                Check(
                    "inner VIF",
                    f"{name} -> {target}",
                    value,
                    _key("assessment", "vif", "inner", target, name),
                    "< 5",
                    "met" if value < 5 else "not met",
                    _source("vif"),
                )
            )
    part, srmr = a.srmr
    out.append(
        Check(
            "SRMR",
            part.replace("_", " "),
            srmr,
            _key("assessment", "srmr"),
            "< 0.08",
            "met" if srmr < 0.08 else "not met",
            _source("srmr"),
        )
    )
    if a.q_squared is not None:
        for name, value in a.q_squared.items():
            out.append(
                Check(
                    "Q²",
                    str(name),
                    value,
                    _key("assessment", "q_squared", name),
                    "> 0",
                    "met" if value > 0 else "not met",
                    _source("q_squared"),
                )
            )
    return out
