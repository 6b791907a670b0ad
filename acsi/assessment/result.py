"""The :class:`Assessment` of one fit: its tables, the threshold flags, ``to_dict()`` (``acsi assess --json``) and ``summary()``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from acsi.assessment.higher_order import HOC_NOTE, TWO_STAGE, hoc_table
from acsi.assessment.json_tables import frame_object, nested_object, number, series_object
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.strict_json import finite_or_none
from acsi.summary import Section, Summary
from acsi.thresholds import THRESHOLDS, bound


@dataclass(frozen=True)
class Assessment(ResultContract):
    """Assessment tables of one fit; ``to_dict()`` gives the JSON of ``acsi assess``.

    Series are indexed by construct (or by (construct, indicator)); square frames by
    construct x construct. ``fit`` maps ``saturated_model``/``estimated_model`` to
    ``{srmr, d_uls, d_g}``. ``omission_distance`` is the blindfolding distance D behind
    ``q_squared`` (None without blindfolding). A fit with higher-order constructs adds
    ``higher_order`` (:func:`acsi.assessment.higher_order.hoc_measures`), a two-stage fit
    ``first_stage`` (the assessment of stage 1: the first-order measurement models);
    ``overlaps`` are the {HOC, component} pairs whose indicators overlap by construction, left
    out of the discriminant-validity flags.
    """

    result: FitResult = field(repr=False)
    cronbach_alpha: pd.Series
    rho_a: pd.Series
    rho_c: pd.Series
    dillon_goldstein_rho: pd.Series
    eigenvalue_1: pd.Series
    eigenvalue_2: pd.Series
    ave: pd.Series
    communality: pd.Series
    redundancy: pd.Series
    mean_redundancy: pd.Series
    htmt: pd.DataFrame
    htmt2: pd.DataFrame
    fornell_larcker: pd.DataFrame
    cross_loadings: pd.DataFrame
    outer_vif: pd.Series
    inner_vif: dict[str, pd.Series]
    f_squared: pd.Series
    r_squared: pd.Series
    adjusted_r_squared: pd.Series
    inner_regressions: dict[str, pd.DataFrame]
    gof: float
    fit: dict[str, dict[str, float]]
    q_squared: pd.Series | None = None
    omission_distance: int | None = None
    predict: pd.DataFrame | None = None
    higher_order: dict[str, Any] | None = None
    first_stage: Assessment | None = field(default=None, repr=False)
    overlaps: frozenset[tuple[str, str]] = frozenset()

    @property
    def block_communality(self) -> pd.Series:
        """Mean communality of each block (plspm's name for the AVE)."""
        return self.ave.rename("block_communality")

    @property
    def srmr(self) -> tuple[str, float]:
        """The headline SRMR: of the saturated model, or of the estimated model where that is the
        only one (CB-SEM), with the name of the part it belongs to."""
        part = "saturated_model" if "saturated_model" in self.fit else "estimated_model"
        return part, float(self.fit[part]["srmr"])

    def flags(self) -> list[str]:
        """Violations of the usual thresholds (:data:`acsi.thresholds.TABLE`), one readable line each."""
        repeated = {hoc for hoc, _ in self.overlaps}  # blocks of copies: see acsi.assessment.higher_order.overlapping
        out = self._block_flags(repeated)
        cross = self.cross_loadings
        for j, indicator in enumerate(self.result.indicators):
            own = self.result.constructs[self.result.block[j]]
            if own in repeated:
                continue
            others = cross.loc[indicator].drop([own, *(c for c in cross.columns if self._overlap(own, c))])
            if (others.abs() >= abs(cross.at[indicator, own])).any():
                out.append(f"Indicator {indicator} loads as high on {others.abs().idxmax()} as on its own construct {own}.")
        htmt = self.htmt
        distinct, similar = bound("htmt")
        names = list(htmt.index)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                value = htmt.iat[a, b]
                if self._overlap(names[a], names[b]):
                    continue
                if value >= similar:
                    out.append(
                        f"HTMT of {names[a]} and {names[b]} is {value:.3f} (>= {similar:.2f}): discriminant validity not established."
                    )
                elif value >= distinct:
                    out.append(
                        f"HTMT of {names[a]} and {names[b]} is {value:.3f} ({distinct:.2f}-{similar:.2f}): "
                        "acceptable only for conceptually similar constructs."
                    )
        fl = self.fornell_larcker.to_numpy()
        for a, name in enumerate(names):
            kept = [b for b in range(len(names)) if b != a and not self._overlap(name, names[b])]
            others = np.abs(fl[a, kept])
            if others.size and fl[a, a] <= others.max():
                out.append(
                    f"Fornell-Larcker: sqrt(AVE) of {name} ({fl[a, a]:.3f}) is not above its largest correlation ({others.max():.3f})."
                )
        vif_max = bound("vif")[0]
        for (construct, indicator), value in self.outer_vif.items():
            if value >= vif_max:
                out.append(f"Outer VIF of {indicator} ({construct}) is {value:.2f} (>= {vif_max:g}).")
        for target, series in self.inner_vif.items():
            for source, value in series.items():
                if value >= vif_max:
                    out.append(f"Inner VIF of {source} in the equation of {target} is {value:.2f} (>= {vif_max:g}).")
        part, srmr = self.srmr
        (srmr_max,) = bound("srmr")
        if srmr >= srmr_max:
            out.append(f"SRMR of the {part.replace('_', ' ')} is {srmr:.3f} (>= {srmr_max:g}).")
        if self.q_squared is not None:
            (q_min,) = bound("q_squared")
            for name, value in self.q_squared.items():
                if value <= q_min:
                    out.append(f"Q² of {name} is {value:.3f} (<= {q_min:g}): no predictive relevance.")
        return out + self._higher_order_flags()

    def _block_flags(self, repeated: set[str]) -> list[str]:
        """Alpha, rho_A, rho_C, AVE and loadings below their thresholds, except in the blocks ``repeated``."""
        out: list[str] = []
        alpha_poor, alpha_marginal, _ = bound("cronbach_alpha")
        for name, value in self.cronbach_alpha.dropna().items():
            if name in repeated:
                continue
            if value < alpha_poor:
                out.append(f"Cronbach's alpha of {name} is {value:.3f}: not acceptable (< {alpha_poor:g}).")
            elif value < alpha_marginal:
                out.append(f"Cronbach's alpha of {name} is {value:.3f}: marginal ({alpha_poor:g}-{alpha_marginal:g}).")
        for label, measure, series in (("rho_A", "rho_a", self.rho_a), ("rho_C", "rho_c", self.rho_c)):
            low, high = bound(measure)
            for name, value in series.dropna().items():
                if name not in repeated and self.result.spec.construct(str(name)).indicators[1:] and not low <= value <= high:
                    out.append(f"{label} of {name} is {value:.3f}, outside {low:g}-{high:g}.")
        (ave_min,) = bound("ave")
        for name, value in self.ave.items():
            if name not in repeated and value < ave_min:
                out.append(
                    f"AVE of {name} is {value:.3f} (< {ave_min:g}): the construct explains less than half its indicators' variance."
                )
        (loading_min,) = bound("loadings")
        for (construct, indicator), value in self.result.loadings.items():
            if construct in repeated:
                continue
            if value < loading_min and len(self.result.spec.construct(construct).indicators) > 1:
                out.append(f"Loading of {indicator} on {construct} is {value:.3f} (< {loading_min:g}).")
        return out

    def _overlap(self, a: str, b: str) -> bool:
        """Whether constructs ``a`` and ``b`` are a HOC and one of its components with overlapping indicators."""
        return (a, b) in self.overlaps or (b, a) in self.overlaps

    def _higher_order_flags(self) -> list[str]:
        """rho_C and AVE thresholds applied to each higher-order construct, and stage 1's flags."""
        out: list[str] = []
        rho_low, rho_high = bound("rho_c")
        (ave_min,) = bound("ave")
        two_stage = (self.higher_order or {}).get("approach") in TWO_STAGE  # the HOC's rows of the tables above
        for name, hoc in {} if two_stage else (self.higher_order or {}).get("constructs", {}).items():
            if hoc["rho_c"] is not None and not rho_low <= hoc["rho_c"] <= rho_high:
                out.append(f"rho_C of the higher-order construct {name} is {hoc['rho_c']:.3f}, outside {rho_low:g}-{rho_high:g}.")
            if hoc["ave"] is not None and hoc["ave"] < ave_min:
                out.append(f"AVE of the higher-order construct {name} is {hoc['ave']:.3f} (< {ave_min:g}).")
        if self.first_stage is not None:
            out += [f"Stage 1: {flag}" for flag in self.first_stage.flags()]
        return out

    def __repr__(self) -> str:
        return f"Assessment(method={self.result.method!r}, n_obs={self.result.n_obs}, constructs={len(self.result.constructs)})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``acsi assess --json``.

        Keys: ``cronbach_alpha``, ``rho_a``, ``rho_c``, ``dillon_goldstein_rho``,
        ``eigenvalue_1``, ``eigenvalue_2``, ``ave``, ``block_communality`` {construct: value};
        ``communality``, ``redundancy``, ``outer_vif`` {construct: {indicator: value}};
        ``mean_redundancy``; ``htmt``, ``htmt2``, ``fornell_larcker`` {construct: {construct:
        value}}; ``cross_loadings`` {indicator: {construct: value}}; ``vif`` {``outer``,
        ``inner`` {target: {source: value}}}; ``f_squared`` {"From -> To": value};
        ``r_squared``, ``adjusted_r_squared``; ``inner_regressions`` {target: {source:
        {estimate, std_error, t, p}}}; ``gof``; ``srmr`` (saturated model); ``fit``
        {saturated_model, estimated_model: {srmr, d_uls, d_g}} (d_g with base-10 logs);
        ``q_squared`` {construct: value} and ``omission_distance`` (the D used) when computed; ``thresholds``; ``flags``.
        With higher-order constructs ``higher_order`` {approach, constructs {HOC: {type, loadings | weights, vif,
        rho_a, rho_c, ave}}} and, for a two-stage fit, ``first_stage`` (stage 1's keys, without thresholds and flags).
        """
        out: dict[str, Any] = {}
        for name in ("cronbach_alpha", "rho_a", "rho_c", "dillon_goldstein_rho", "eigenvalue_1", "eigenvalue_2", "ave"):
            out[name] = series_object(getattr(self, name))
        out["block_communality"] = series_object(self.ave)
        for name in ("communality", "redundancy"):
            out[name] = nested_object(getattr(self, name))
        out["mean_redundancy"] = series_object(self.mean_redundancy)
        for name in ("htmt", "htmt2", "fornell_larcker", "cross_loadings"):
            out[name] = frame_object(getattr(self, name))
        out["vif"] = {"outer": nested_object(self.outer_vif), "inner": {t: series_object(s) for t, s in self.inner_vif.items()}}
        out["f_squared"] = series_object(self.f_squared)
        out["r_squared"] = series_object(self.r_squared)
        out["adjusted_r_squared"] = series_object(self.adjusted_r_squared)
        out["inner_regressions"] = {
            target: {source: {k: number(v) for k, v in row.items()} for source, row in frame.iterrows()}
            for target, frame in self.inner_regressions.items()
        }
        out["gof"] = number(self.gof)
        out["srmr"] = number(self.srmr[1])
        out["fit"] = {model: {k: number(v) for k, v in values.items()} for model, values in self.fit.items()}
        if self.q_squared is not None:
            out["q_squared"] = series_object(self.q_squared)
            out["omission_distance"] = self.omission_distance
        if self.predict is not None:
            out["predict"] = {
                str(indicator): {k: number(v) for k, v in row.items()} for indicator, row in self.predict.iterrows()
            }
        if self.higher_order is not None:
            out["higher_order"] = finite_or_none(self.higher_order)
        if self.first_stage is not None:
            out["first_stage"] = {k: v for k, v in self.first_stage.to_dict().items() if k not in ("thresholds", "flags")}
        out["thresholds"] = dict(THRESHOLDS)
        out["flags"] = self.flags()
        return out

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per number, columns ``measure``, ``row``, ``column``, ``value``.

        ``row`` is the construct (or the indicator of ``cross_loadings``, the target of ``inner_vif``);
        ``column`` the indicator, the second construct or the source ("" for one value per construct).
        """
        records: list[tuple[str, str, str, float]] = []
        for measure in (
            "cronbach_alpha", "rho_a", "rho_c", "dillon_goldstein_rho", "eigenvalue_1", "eigenvalue_2", "ave",
            "communality", "redundancy", "mean_redundancy", "outer_vif", "f_squared", "r_squared",
            "adjusted_r_squared", "q_squared",
        ):  # fmt: skip
            series = getattr(self, measure)
            for key, value in [] if series is None else series.items():
                row, column = key if isinstance(key, tuple) else (key, "")
                records.append((measure, str(row), str(column), float(value)))
        for measure in ("htmt", "htmt2", "fornell_larcker", "cross_loadings"):
            for (row, column), value in getattr(self, measure).stack(future_stack=True).items():
                records.append((measure, str(row), str(column), float(value)))
        for target, series in self.inner_vif.items():
            records += [("inner_vif", str(target), str(source), float(v)) for source, v in series.items()]
        for model, values in self.fit.items():
            records += [(name, model, "", float(v)) for name, v in values.items()]
        records.append(("gof", "", "", float(self.gof)))
        return pd.DataFrame(records, columns=["measure", "row", "column", "value"])

    def summary(self) -> Summary:
        """Tables with their thresholds and the flagged violations (``print(a.summary())``)."""
        t = THRESHOLDS
        reliability = pd.concat(
            [
                self.cronbach_alpha,
                self.rho_a,
                self.rho_c,
                self.dillon_goldstein_rho,
                self.ave,
                self.eigenvalue_1,
                self.eigenvalue_2,
            ],
            axis=1,
        )
        explained = [self.r_squared, self.adjusted_r_squared] + ([self.q_squared] if self.q_squared is not None else [])
        tables: list[tuple[str, pd.DataFrame, str]] = [
            (
                "Reliability and convergent validity",
                reliability,
                "; ".join(f"{k}: {t[k]}" for k in ("cronbach_alpha", "rho_a", "rho_c", "ave", "eigenvalue")),
            ),
            (
                "Loadings and outer VIF",
                pd.concat([self.result.loadings, self.communality, self.outer_vif], axis=1).reset_index(),
                f"loadings {t['loadings']}; VIF {t['vif']}",
            ),
            ("HTMT", self.htmt, t["htmt"]),
            ("Fornell-Larcker (diagonal: sqrt(AVE))", self.fornell_larcker, t["fornell_larcker"]),
            ("Cross-loadings", self.cross_loadings, t["loadings"]),
            (
                "Explained variance",
                pd.concat(explained, axis=1),
                f"R²: {t['r_squared']}" + (f"; Q²: {t['q_squared']}" if self.q_squared is not None else ""),
            ),
            ("Effect sizes f²", self.f_squared.to_frame(), t["f_squared"]),
            ("Inner VIF", pd.concat({k: s for k, s in self.inner_vif.items()}).rename("vif").to_frame(), t["vif"]),
            (
                "Model fit (d_G with base-10 logarithms)",
                pd.DataFrame(self.fit).T,
                f"SRMR {t['srmr']}; GoF = {self.gof:.3f} ({t['gof']})",
            ),
        ]
        if self.predict is not None:
            model = "PLSc" if self.result.method == "plsc" else "PLS"
            tables.append(
                (
                    f"PLSpredict (test-fold errors, {model} vs linear model)",
                    self.predict,
                    f"{model} RMSE below LM RMSE: predictive power",
                )
            )
        if self.higher_order is not None:
            tables.append(("Higher-order constructs (Sarstedt et al. 2019)", hoc_table(self.higher_order), HOC_NOTE))
        flags = self.flags()
        sections = [Section(title, table, (f"  thresholds: {note}",)) for title, table, note in tables]
        if self.first_stage is not None:
            stage_one = self.first_stage.summary().sections[:-1]  # its flags are among these flags
            sections += [replace(section, title=f"Stage 1: {section.title}") for section in stage_one]
        sections.append(
            Section(
                "Flags", lines=tuple(f"- {f}" for f in flags) if flags else ("none: every measure within its usual threshold",)
            )
        )
        result = self.result
        return Summary((f"acsi: assessment of {result.spec.name or 'model'} (n = {result.n_obs})",), tuple(sections))
