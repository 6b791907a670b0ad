"""Measurement and structural model assessment of a fit: reliability, validity, fit, prediction.

Every measure is computed from the indicator correlation matrix ``S`` and the estimates of a
:class:`~acsi.results.FitResult` (pure numpy in the ``_``-prefixed helpers); :func:`assess`
collects them in an immutable :class:`Assessment` with ``to_dict()`` (the keys of
``acsi assess --json``) and ``summary()`` (tables, the usual thresholds, flagged violations).

Conventions: reliabilities use the standardised indicators whatever the fit's scaling;
single-indicator constructs have no Cronbach's alpha, HTMT or second eigenvalue (``NaN``,
``null`` in JSON) and rho_A = 1; Mode B composites have rho_A = 1 (composites are taken as
error-free, as cSEM does). ``d_G`` uses the **base-10** logarithm, as ADANCO and cSEM do
(with the natural logarithm it is (ln 10)^2 = 5.30 times larger).

Matches R plspm 0.5.1 (``outer_model``, ``unidim``, ``inner_model``, ``gof``) and ADANCO 2.2.1
(SRMR, d_ULS, d_G of the composite model; rho_A and alpha from Mode A weights) on
``satisfaction`` to the tolerances of ``shared/reference`` (``tests/test_assess_reference.py``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from acsi.core import fit_measures, reliability
from acsi.core.fit_measures import discrepancies as _discrepancies
from acsi.core.moments import correlation, mean_and_covariance
from acsi.core.pls import Structure
from acsi.core.reliability import composite_reliability, cronbach_alpha
from acsi.errors import (
    BlindfoldingWarning,
    CollinearityWarning,
    DataError,
    EstimationError,
    InadmissibleSolutionWarning,
    ParameterError,
)
from acsi.result_contract import ResultContract
from acsi.results import FitResult
from acsi.spec.model import Mode
from acsi.structure import model_structure
from acsi.summary import Section, Summary
from acsi.thresholds import RETEST, THRESHOLDS, bound

if TYPE_CHECKING:
    from acsi.data import IndicatorData


# ---------------------------------------------------------------------- pure numeric helpers
def _blocks(block: np.ndarray, k: int) -> list[np.ndarray]:
    return [np.flatnonzero(block == b) for b in range(k)]


def _rho_a(S: np.ndarray, w: np.ndarray, block: np.ndarray, k: int) -> np.ndarray:
    """rho_A of every block (:func:`acsi.core.reliability.rho_a`) from the standardised weights ``w`` (p,)."""
    W = np.zeros((w.shape[0], k))
    W[np.arange(w.shape[0]), block] = w
    structure = Structure(block=block, mode_b=np.zeros(k, dtype=bool), adjacency=np.zeros((k, k)))
    return reliability.rho_a(S, W, structure)[0]


def _first_components(S_bb: np.ndarray) -> tuple[float, float, np.ndarray]:
    values, vectors = np.linalg.eigh(S_bb)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    loadings = np.abs(vectors[:, 0]) * math.sqrt(values[0])
    second = float(values[1]) if values.size > 1 else math.nan
    return float(values[0]), second, loadings


#: 1 - R² at or below this is a perfect fit up to rounding: no residual variance to test against.
_PERFECT_FIT = 1e-12


def _inner_regression(R: np.ndarray, predictors: np.ndarray, target: int, n: int, name: str = "") -> pd.DataFrame:
    """OLS with intercept of a standardised score on standardised predictors, from correlations.

    ``se_i = sqrt(n (1 - R²) / (n - m - 1) * [R_PP^-1]_ii / n)``, t = beta / se on n - m - 1
    degrees of freedom. Where R² >= 1 - 1e-12 (a perfect fit up to rounding, or above 1 after the
    PLSc correction: inadmissible) or no residual degree of freedom is left, the standard errors,
    t and p do not exist: they are NaN (``null`` in JSON) and
    :class:`~acsi.errors.InadmissibleSolutionWarning` names the construct.
    """
    R_pp = R[np.ix_(predictors, predictors)]
    r_pj = R[predictors, target]
    beta = np.linalg.solve(R_pp, r_pj)
    r2 = float(beta @ r_pj)
    df = n - predictors.size - 1
    if df < 1 or not 1.0 - r2 > _PERFECT_FIT:
        reason = f"no residual degree of freedom (n = {n})" if df < 1 else f"R² = {r2:.15g}, 1 up to rounding or above"
        warnings.warn(
            f"The structural regression of '{name}' has {reason}; its standard errors, t and p values are not reported.",
            InadmissibleSolutionWarning,
            stacklevel=3,
        )
        missing = np.full(beta.shape, np.nan)
        return pd.DataFrame({"estimate": beta, "std_error": missing, "t": missing, "p": missing})
    sigma2 = n * (1.0 - r2) / df  # residual sum of squares / df, scores with divisor-n unit variance
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(R_pp)) / n)
    t = beta / se
    return pd.DataFrame({"estimate": beta, "std_error": se, "t": t, "p": 2.0 * stats.t.sf(np.abs(t), df)})


def _outer_vif(S_bb: np.ndarray, indicators: list[str], construct: str) -> np.ndarray:
    """VIF of each indicator of a block: the diagonal of ``S_bb^-1`` (= 1 / (1 - R²_i) of the indicator
    on the others). Infinite for perfectly collinear indicators (``null`` in JSON), with
    :class:`~acsi.errors.CollinearityWarning` naming them."""
    try:
        vif = np.diag(np.linalg.inv(S_bb))
    except np.linalg.LinAlgError:
        vif = np.full(S_bb.shape[0], math.nan)
    if np.isfinite(vif).all() and np.linalg.cond(S_bb) < 1e12:
        return vif
    warnings.warn(
        f"The indicators of '{construct}' ({', '.join(indicators)}) are perfectly collinear: their correlation matrix "
        "is singular, so their outer VIFs are infinite. Remove a duplicated indicator.",
        CollinearityWarning,
        stacklevel=3,
    )
    return np.full(S_bb.shape[0], math.inf)


def discrepancies(S: np.ndarray, sigma: np.ndarray) -> dict[str, float]:
    """SRMR, d_ULS and d_G (base-10 logarithm, ADANCO/cSEM) of one pair of matrices, as floats.

    See :func:`acsi.core.fit_measures.discrepancies`. SRMR threshold < 0.08.
    """
    return {key: float(value) for key, value in _discrepancies(S, sigma).items()}


#: HTMT variants: ``"absolute"`` averages absolute indicator correlations (seminr ``HTMT()``
#: takes ``abs(cor(...))``; cSEM ``calculateHTMT(.absolute = TRUE)`` and semTools ``htmt(absolute
#: = TRUE)`` by default), ``"signed"`` the correlations as they are (Henseler et al. 2015).
HTMT_VARIANTS: tuple[str, ...] = ("absolute", "signed")


def _htmt(S: np.ndarray, blocks: list[np.ndarray], geometric: bool, absolute: bool = True) -> np.ndarray:
    """HTMT (Henseler, Ringle & Sarstedt 2015) or HTMT2 (Roemer, Schuberth & Henseler 2021).

    HTMT_ij = mean heterotrait correlation / sqrt(mean monotrait_i x mean monotrait_j), means
    arithmetic (HTMT) or geometric (HTMT2, defined for positive correlations only), of the
    absolute correlations ``|r|`` when ``absolute`` (the default of seminr and cSEM: a
    reverse-coded item then does not cancel its block's correlations) or of the signed ones.
    """
    k = len(blocks)
    if absolute:
        S = np.abs(S)

    def average(values: np.ndarray) -> float:
        if values.size == 0:
            return math.nan
        if geometric:
            return float(np.exp(np.log(values).mean())) if (values > 0).all() else math.nan
        return float(values.mean())

    mono = []
    for idx in blocks:
        within = S[np.ix_(idx, idx)]
        mono.append(average(within[np.triu_indices(idx.size, 1)]))
    out = np.full((k, k), math.nan)
    for a in range(k):
        for b in range(k):
            if a != b:
                hetero = average(S[np.ix_(blocks[a], blocks[b])].ravel())
                out[a, b] = hetero / math.sqrt(mono[a] * mono[b]) if mono[a] > 0 and mono[b] > 0 else math.nan
    return out


# ---------------------------------------------------------------------- result
@dataclass(frozen=True)
class Assessment(ResultContract):
    """Assessment tables of one fit; ``to_dict()`` gives the JSON of ``acsi assess``.

    Series are indexed by construct (or by (construct, indicator)); square frames by
    construct x construct. ``fit`` maps ``saturated_model``/``estimated_model`` to
    ``{srmr, d_uls, d_g}``. ``omission_distance`` is the blindfolding distance D behind
    ``q_squared`` (None without blindfolding).
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
        out: list[str] = []
        alpha_poor, alpha_marginal, _ = bound("cronbach_alpha")
        for name, value in self.cronbach_alpha.dropna().items():
            if value < alpha_poor:
                out.append(f"Cronbach's alpha of {name} is {value:.3f}: not acceptable (< {alpha_poor:g}).")
            elif value < alpha_marginal:
                out.append(f"Cronbach's alpha of {name} is {value:.3f}: marginal ({alpha_poor:g}-{alpha_marginal:g}).")
        for label, measure, series in (("rho_A", "rho_a", self.rho_a), ("rho_C", "rho_c", self.rho_c)):
            low, high = bound(measure)
            for name, value in series.dropna().items():
                if self.result.spec.construct(str(name)).indicators[1:] and not low <= value <= high:
                    out.append(f"{label} of {name} is {value:.3f}, outside {low:g}-{high:g}.")
        (ave_min,) = bound("ave")
        for name, value in self.ave.items():
            if value < ave_min:
                out.append(
                    f"AVE of {name} is {value:.3f} (< {ave_min:g}): the construct explains less than half its indicators' variance."
                )
        (loading_min,) = bound("loadings")
        for (construct, indicator), value in self.result.loadings.items():
            if value < loading_min and len(self.result.spec.construct(construct).indicators) > 1:
                out.append(f"Loading of {indicator} on {construct} is {value:.3f} (< {loading_min:g}).")
        cross = self.cross_loadings
        for j, indicator in enumerate(self.result.indicators):
            own = self.result.constructs[self.result.block[j]]
            others = cross.loc[indicator].drop(own)
            if (others.abs() >= abs(cross.at[indicator, own])).any():
                out.append(f"Indicator {indicator} loads as high on {others.abs().idxmax()} as on its own construct {own}.")
        htmt = self.htmt
        distinct, similar = bound("htmt")
        names = list(htmt.index)
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                value = htmt.iat[a, b]
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
            others = np.delete(np.abs(fl[a]), a)
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
        """
        out: dict[str, Any] = {}
        for name in ("cronbach_alpha", "rho_a", "rho_c", "dillon_goldstein_rho", "eigenvalue_1", "eigenvalue_2", "ave"):
            out[name] = _series(getattr(self, name))
        out["block_communality"] = _series(self.ave)
        for name in ("communality", "redundancy"):
            out[name] = _nested(getattr(self, name))
        out["mean_redundancy"] = _series(self.mean_redundancy)
        for name in ("htmt", "htmt2", "fornell_larcker", "cross_loadings"):
            out[name] = _frame(getattr(self, name))
        out["vif"] = {"outer": _nested(self.outer_vif), "inner": {t: _series(s) for t, s in self.inner_vif.items()}}
        out["f_squared"] = _series(self.f_squared)
        out["r_squared"] = _series(self.r_squared)
        out["adjusted_r_squared"] = _series(self.adjusted_r_squared)
        out["inner_regressions"] = {
            target: {source: {k: _number(v) for k, v in row.items()} for source, row in frame.iterrows()}
            for target, frame in self.inner_regressions.items()
        }
        out["gof"] = _number(self.gof)
        out["srmr"] = _number(self.srmr[1])
        out["fit"] = {model: {k: _number(v) for k, v in values.items()} for model, values in self.fit.items()}
        if self.q_squared is not None:
            out["q_squared"] = _series(self.q_squared)
            out["omission_distance"] = self.omission_distance
        if self.predict is not None:
            out["predict"] = {
                str(indicator): {k: _number(v) for k, v in row.items()} for indicator, row in self.predict.iterrows()
            }
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
            tables.append(
                ("PLSpredict (test-fold errors, PLS vs linear model)", self.predict, "PLS RMSE below LM RMSE: predictive power")
            )
        flags = self.flags()
        sections = [Section(title, table, (f"  thresholds: {note}",)) for title, table, note in tables]
        sections.append(
            Section(
                "Flags", lines=tuple(f"- {f}" for f in flags) if flags else ("none: every measure within its usual threshold",)
            )
        )
        result = self.result
        return Summary((f"acsi: assessment of {result.spec.name or 'model'} (n = {result.n_obs})",), tuple(sections))


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _series(series: pd.Series) -> dict[str, float | None]:
    return {str(k): _number(v) for k, v in series.items()}


def _nested(series: pd.Series) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for (a, b), v in series.items():
        out.setdefault(str(a), {})[str(b)] = _number(v)
    return out


def _frame(frame: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    return {str(i): {str(c): _number(frame.at[i, c]) for c in frame.columns} for i in frame.index}


# ---------------------------------------------------------------------- entry point
def assess(
    result: FitResult,
    *,
    data: IndicatorData | None = None,
    blindfolding: bool = False,
    omission_distance: int | None = None,
    predict_folds: int | None = None,
    seed: int | None = 0,
    htmt: str = "absolute",
) -> Assessment:
    """Assess the measurement and structural model of a fit.

    Parameters
    ----------
    result : FitResult
    data : IndicatorData, optional
        The prepared data of the fit. Needed when missing values were treated with
        ``"pairwise"`` or ``"em"``: the measures then use the same estimated moments as the
        estimator (``data.moments``), not the moments of the filled-in values. Blindfolding and
        PLSpredict refit on the filled-in values (an approximation in that case).
    blindfolding : bool
        Also compute Stone-Geisser Q² by blindfolding (:func:`q_squared`; refits the model
        ``omission_distance`` times per endogenous construct; PLS fits only).
    omission_distance : int, optional
        Blindfolding omission distance D: by default 7 (as SmartPLS), or the nearest distance that
        does not divide n when 7 does (:func:`valid_omission_distance`, which also refuses a given
        D that divides n). The D used is :attr:`Assessment.omission_distance`.
    predict_folds : int, optional
        Also run PLSpredict with this many folds (:func:`pls_predict`).
    seed : int, optional
        Seed of the PLSpredict fold assignment.
    htmt : {"absolute", "signed"}
        HTMT and HTMT2 from absolute indicator correlations (default, as seminr and cSEM) or
        from the signed ones (:data:`HTMT_VARIANTS`). They differ only when some indicator
        correlations are negative (reverse-coded items).

    Returns
    -------
    Assessment

    Raises
    ------
    ParameterError
        An unknown ``htmt`` variant.
    ValueError
        A fit with ``missing="pairwise"`` or ``"em"`` without its ``data``.
    """
    if htmt not in HTMT_VARIANTS:
        raise ParameterError(f"Unknown htmt={htmt!r}; expected one of {', '.join(HTMT_VARIANTS)}.")
    S = _correlation_of(result, data)
    spec = result.spec
    k = len(result.constructs)
    blocks = _blocks(result.block, k)
    names = list(result.constructs)
    w = np.asarray(result.standardized_weights, dtype=float)
    loadings = np.asarray(result.loading_vector, dtype=float)
    R = np.asarray(result.construct_correlation_matrix, dtype=float)
    B = np.asarray(result.path_matrix, dtype=float)
    r2 = np.asarray(result.r_squared_vector, dtype=float)

    rho_A = _rho_a(S, w, np.asarray(result.block), k)
    alpha, rhoa, rhoc, dg, ev1, ev2, ave, mean_red, vif_outer = ([] for _ in range(9))
    for b, idx in enumerate(blocks):
        S_bb = S[np.ix_(idx, idx)]
        alpha.append(cronbach_alpha(S_bb))
        rhoa.append(1.0 if spec.constructs[b].mode.weighting == "B" else float(rho_A[b]))
        rhoc.append(composite_reliability(loadings[idx]))
        first, second, pc_loadings = _first_components(S_bb)
        dg.append(composite_reliability(pc_loadings))
        ev1.append(first)
        ev2.append(second)
        ave.append(float(np.mean(loadings[idx] ** 2)))
        mean_red.append(float(np.mean(loadings[idx] ** 2) * r2[b]))
        vif_outer.extend(_outer_vif(S_bb, [result.indicators[i] for i in idx], names[b]) if idx.size > 1 else [1.0])
    index_c = pd.Index(names, name="construct")
    communality = loadings**2
    endogenous = [names.index(t) for t in spec.endogenous]

    inner_vif: dict[str, pd.Series] = {}
    inner_regressions: dict[str, pd.DataFrame] = {}
    f2_keys, f2_values = [], []
    for j in endogenous:
        predictors = np.array([names.index(p) for p in spec.predecessors(names[j])])
        R_pp = R[np.ix_(predictors, predictors)]
        inner_vif[names[j]] = pd.Series(
            np.diag(np.linalg.inv(R_pp)) if predictors.size > 1 else [1.0], index=[names[i] for i in predictors], name="vif"
        )
        table = _inner_regression(R, predictors, j, result.n_obs, names[j])
        table.index = [names[i] for i in predictors]
        inner_regressions[names[j]] = table
        for i in predictors:
            rest = predictors[predictors != i]
            r2_without = float(np.linalg.solve(R[np.ix_(rest, rest)], R[rest, j]) @ R[rest, j]) if rest.size else 0.0
            f2_keys.append(f"{names[i]} -> {names[j]}")
            f2_values.append((r2[j] - r2_without) / (1.0 - r2[j]) if 1.0 - r2[j] > _PERFECT_FIT else math.nan)  # R² = 1: no f²
    order = {p.key: i for i, p in enumerate(spec.paths)}
    f2 = pd.Series(f2_values, index=pd.Index(f2_keys, name="path"), name="f_squared")
    f2 = f2.iloc[np.argsort([order[key] for key in f2.index])]

    multi = np.array([idx.size > 1 for idx in blocks])[result.block]
    mean_r2 = float(np.mean(r2[endogenous])) if endogenous else math.nan
    gof = math.sqrt(float(np.mean(communality[multi])) * mean_r2) if multi.any() else math.nan

    fl = R.copy()
    np.fill_diagonal(fl, np.sqrt(ave))
    fit = _model_fit(result, S, w, loadings, R, B, r2)

    by_indicator = result.weights.index
    assessment = Assessment(
        result=result,
        cronbach_alpha=pd.Series(alpha, index=index_c, name="cronbach_alpha"),
        rho_a=pd.Series(rhoa, index=index_c, name="rho_a"),
        rho_c=pd.Series(rhoc, index=index_c, name="rho_c"),
        dillon_goldstein_rho=pd.Series(dg, index=index_c, name="dillon_goldstein_rho"),
        eigenvalue_1=pd.Series(ev1, index=index_c, name="eigenvalue_1"),
        eigenvalue_2=pd.Series(ev2, index=index_c, name="eigenvalue_2"),
        ave=pd.Series(ave, index=index_c, name="ave"),
        communality=pd.Series(communality, index=by_indicator, name="communality"),
        redundancy=pd.Series(communality * r2[result.block], index=by_indicator, name="redundancy"),
        mean_redundancy=pd.Series(mean_red, index=index_c, name="mean_redundancy"),
        htmt=pd.DataFrame(_htmt(S, blocks, geometric=False, absolute=htmt == "absolute"), index=names, columns=names),
        htmt2=pd.DataFrame(_htmt(S, blocks, geometric=True, absolute=htmt == "absolute"), index=names, columns=names),
        fornell_larcker=pd.DataFrame(fl, index=names, columns=names),
        cross_loadings=pd.DataFrame(result.cross_loading_matrix, index=list(result.indicators), columns=names),
        outer_vif=pd.Series(vif_outer, index=by_indicator, name="vif"),
        inner_vif=inner_vif,
        f_squared=f2,
        r_squared=result.r_squared,
        adjusted_r_squared=result.adjusted_r_squared,
        inner_regressions=inner_regressions,
        gof=gof,
        fit=fit,
    )
    if blindfolding:
        distance = valid_omission_distance(result.n_obs, omission_distance)
        assessment = replace(assessment, q_squared=q_squared(result, omission_distance=distance), omission_distance=distance)
    if predict_folds is not None:
        assessment = replace(assessment, predict=pls_predict(result, folds=predict_folds, seed=seed))
    return assessment


def _model_fit(
    result: FitResult, S: np.ndarray, w: np.ndarray, loadings: np.ndarray, R: np.ndarray, B: np.ndarray, r2: np.ndarray
) -> dict[str, dict[str, float]]:
    """The fit measures of the model the estimator fitted, from the estimator's own implied matrix.

    PLS and GSCA constructs are composites; consistent PLS (``settings["correction"]``) takes
    its reflective blocks as common factors. Both go through
    :func:`acsi.core.fit_measures.model_fit`, the implementation PLSc reports its fit with.
    CB-SEM's implied matrix (with residual covariances) is not a composite/factor one of that
    form: its estimator reports ``model_fit`` from its own Sigma, which is used as it is.
    Missing parts (no finite structural model) are NaN.
    """
    if result.method == "cbsem":
        fit = {part: dict(values) for part, values in (result.model_fit or {}).items()}
        return fit or {"estimated_model": dict.fromkeys(("srmr", "d_uls", "d_g"), math.nan)}
    spec = result.spec
    structure = model_structure(spec)
    k = len(result.constructs)
    W = np.zeros((w.size, k))
    W[np.arange(w.size), result.block] = w
    corrected = result.settings.get("correction") is not None
    reflective = np.array([corrected and c.mode is Mode.REFLECTIVE for c in spec.constructs], dtype=bool)
    fit = fit_measures.model_fit(S, W, loadings, R, B, r2, structure, reflective)
    empty = dict.fromkeys(("srmr", "d_uls", "d_g"), math.nan)
    return {part: fit.get(part, dict(empty)) for part in ("saturated_model", "estimated_model")}


def _correlation_of(result: FitResult, data: IndicatorData | None) -> np.ndarray:
    """The indicator correlation matrix the estimator worked on."""
    if data is not None and data.moments is not None:
        return correlation(data.moments[1])
    if result.settings.get("missing") in ("pairwise", "em"):
        raise ParameterError(
            f"This fit estimated the indicator moments with missing={result.settings['missing']!r}; pass its "
            "prepared data (assess(result, data=acsi.prepare(spec, frame, missing=...))) so that the assessment "
            "uses the same moments."
        )
    _, covariance = mean_and_covariance(np.asarray(result.indicator_values, dtype=float))
    return correlation(covariance)


def _refit(result: FitResult, values: np.ndarray, what: str) -> FitResult:
    """Refit ``result``'s model on other indicator values with the estimator it keeps (``result.estimator``).

    The values come without scales, so the refit computes no index.

    Raises
    ------
    EstimationError
        An indicator is constant in ``values`` (``what`` says which blindfolding round or
        PLSpredict fold made it so): it cannot be standardised.
    NotImplementedError
        A fit of another method than PLS (the predictions use PLS composite scores).
    ParameterError
        A result that does not carry its estimator.
    """
    from acsi.data import IndicatorData

    constant = np.flatnonzero(values.min(axis=0) == values.max(axis=0))
    if constant.size:
        listed = ", ".join(f"'{result.indicators[i]}' ({result.constructs[result.block[i]]})" for i in constant)
        raise EstimationError(
            f"{what} leaves indicator(s) {listed} constant, so the model cannot be refitted: the indicator has "
            "(almost) no variation in the data."
        )

    if result.method != "pls":
        raise NotImplementedError(
            f"Blindfolding and PLSpredict refit the model and are implemented for PLS fits only; got method={result.method!r}."
        )
    if result.estimator is None:
        raise ParameterError(
            "Blindfolding and PLSpredict refit the model with the estimator that produced the result, and this "
            "result does not carry one (result.estimator is None); fit it with acsi.fit or an estimator's fit."
        )
    values = np.ascontiguousarray(values, dtype=float)
    values.setflags(write=False)
    data = IndicatorData(values=values, indicators=result.indicators, row_labels=pd.RangeIndex(values.shape[0]))
    return result.estimator.fit(result.spec, data)


#: Blindfolding's customary omission distance (SmartPLS; Hair et al. 2017 advise 5 to 10).
DEFAULT_OMISSION_DISTANCE = 7


def valid_omission_distance(n: int, requested: int | None = None) -> int:
    """The blindfolding omission distance D to use with ``n`` observations.

    Rule: ``2 <= D < n`` and ``n / D`` not an integer (Hair, Hult, Ringle & Sarstedt 2017,
    *A Primer on PLS-SEM*, ch. 6). The data points of a block are numbered down the first
    indicator's column, then down the next one (:func:`q_squared`); when D divides n every
    column loses the same respondents in a round, so those respondents' block is wholly replaced
    by means and the round predicts nothing but means.

    ``requested=None`` gives :data:`DEFAULT_OMISSION_DISTANCE` (7), or when n is a multiple of 7
    the nearest valid distance (8, then 6, 9, 5, ...). A requested D that breaks the rule is
    refused, naming the nearest valid distances.

    Raises
    ------
    ParameterError
        ``requested`` is not an integer from 2 to n - 1, or divides n.
    DataError
        no distance from 2 to n - 1 leaves n/D fractional.
    """

    def ok(d: int) -> bool:
        return 2 <= d < n and n % d != 0

    if requested is None:
        for step in range(n):
            for d in (DEFAULT_OMISSION_DISTANCE + step, DEFAULT_OMISSION_DISTANCE - step):
                if ok(d):
                    return d
        raise DataError(
            f"No valid blindfolding omission distance exists for n = {n} observations (need 2 <= D < n, n/D not an integer)."
        )
    if isinstance(requested, bool) or not isinstance(requested, int) or not 2 <= requested < n:
        raise ParameterError(f"omission_distance must be an integer from 2 to n - 1 = {n - 1}; got {requested!r}.")
    if n % requested == 0:
        nearby = sorted((d for d in range(2, n) if ok(d)), key=lambda d: (abs(d - requested), -d))[:2]
        raise ParameterError(
            f"Omission distance {requested} divides the number of observations n = {n} (n/D = {n // requested}), so every "
            "blindfolding round would omit the same respondents in all indicators of a block and predict only means. "
            f"Use {' or '.join(map(str, nearby))} (n/D must not be an integer; Hair et al. 2017)."
        )
    return requested


def q_squared(result: FitResult, *, omission_distance: int | None = None) -> pd.Series:
    """Stone-Geisser Q² of each endogenous construct by blindfolding (cross-validated redundancy).

    The data points of the construct's indicator block are numbered column by column (down the
    first indicator, then down the next), and in round d = 0, ..., D - 1 every D-th one (number
    ``= d mod D``) is omitted and replaced by the mean of the remaining values of its column; the
    model is re-estimated and each omitted value predicted from the construct's predecessors:
    ``x_hat = mean + sd * loading * sum_i beta_i score_i``. ``Q² = 1 - SSE / SSO``, SSO the squared
    deviations of the omitted values from their column means (Stone 1974; Geisser 1974; Tenenhaus
    et al. 2005, section 2.4; the redundancy-based Q² of SmartPLS). Threshold: Q² > 0 shows
    predictive relevance. The distance D follows :func:`valid_omission_distance` (default 7, or
    the nearest distance that does not divide n); :func:`assess` records the D used in
    :attr:`Assessment.omission_distance`. A round that leaves an indicator constant cannot be
    refitted: that construct's Q² is NaN (``null`` in JSON) with
    :class:`~acsi.errors.BlindfoldingWarning` naming the round and the indicator.

    Raises
    ------
    DataError
        ``omission_distance`` not an integer from 2 to n - 1, or a divisor of n (the message
        names the nearest valid distances).
    NotImplementedError
        For fits other than PLS.
    """
    X = np.asarray(result.indicator_values, dtype=float)
    n = X.shape[0]
    distance = valid_omission_distance(n, omission_distance)
    names = list(result.constructs)
    out = {}
    for target in result.spec.endogenous:
        j = names.index(target)
        columns = np.flatnonzero(result.block == j)
        predictors = [names.index(p) for p in result.spec.predecessors(target)]
        cell = (np.arange(columns.size)[None, :] * n + np.arange(n)[:, None]) % distance
        sse = sso = 0.0
        for d in range(distance):
            omit = cell == d
            modified = X.copy()
            block = modified[:, columns]
            kept_mean = np.array([block[~omit[:, c], c].mean() for c in range(columns.size)])
            block[omit] = np.broadcast_to(kept_mean, block.shape)[omit]
            modified[:, columns] = block
            try:
                refit = _refit(result, modified, f"Blindfolding round {d + 1} of {distance} for '{target}'")
            except EstimationError as err:
                warnings.warn(f"{err} Q² of '{target}' is not reported.", BlindfoldingWarning, stacklevel=2)
                sse = math.nan
                break
            scores = refit.score_matrix
            predicted_score = scores[:, predictors] @ refit.path_matrix[predictors, j]
            sd = block.std(axis=0, ddof=1)
            loading = refit.loading_vector[columns]
            predicted = kept_mean + sd * loading * (predicted_score[:, None] / scores[:, j].std(ddof=1))
            actual = X[:, columns]
            sse += float(((actual - predicted)[omit] ** 2).sum())
            sso += float(((actual - kept_mean)[omit] ** 2).sum())
        out[target] = 1.0 - sse / sso if math.isfinite(sse) else math.nan
    return pd.Series(out, name="q_squared").rename_axis("construct")


@dataclass(frozen=True)
class Predictions:
    """Out-of-sample predictions of the endogenous indicators by k-fold cross-validation (one fold assignment).

    ``actual``, ``pls``, ``lm`` and ``naive`` (the training mean, the indicator-average
    benchmark) have shape (n, t) over the ``targets`` (positions of the endogenous indicators).
    """

    targets: np.ndarray
    actual: np.ndarray
    pls: np.ndarray
    lm: np.ndarray
    naive: np.ndarray


def pls_predictions(result: FitResult, *, folds: int = 10, seed: int | np.random.SeedSequence | None = 0) -> Predictions:
    """The per-respondent predictions behind :func:`pls_predict` (see there); also used by CVPAT."""
    X = np.asarray(result.indicator_values, dtype=float)
    n = X.shape[0]
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= n // 2:
        raise ParameterError(f"folds must be an integer from 2 to n/2 = {n // 2}; got {folds!r}.")
    names = list(result.constructs)
    endogenous = [names.index(t) for t in result.spec.endogenous]
    exogenous = [j for j in range(len(names)) if j not in endogenous]
    targets = np.flatnonzero(np.isin(result.block, endogenous))
    sources = np.flatnonzero(np.isin(result.block, exogenous))
    fold = np.random.default_rng(seed).permutation(n) % folds
    pls_pred = np.empty((n, targets.size))
    lm_pred = np.empty((n, targets.size))
    naive = np.empty((n, targets.size))
    for f in range(folds):
        train, test = fold != f, fold == f
        fitted = _refit(result, X[train], f"PLSpredict training fold {f + 1} of {folds}")
        total = fitted.total_effect_matrix
        train_scores = fitted.score_matrix
        test_scores = X[test] @ fitted.score_weights - fitted.score_offset
        predicted_scores = test_scores[:, exogenous] @ total[exogenous][:, endogenous]
        column = {j: c for c, j in enumerate(endogenous)}
        for t, i in enumerate(targets):
            s = train_scores[:, result.block[i]]
            slope = np.cov(X[train, i], s)[0, 1] / s.var(ddof=1)
            intercept = X[train, i].mean() - slope * s.mean()
            pls_pred[test, t] = intercept + slope * predicted_scores[:, column[result.block[i]]]
        design = np.column_stack([np.ones(train.sum()), X[train][:, sources]])
        beta, *_ = np.linalg.lstsq(design, X[train][:, targets], rcond=None)
        lm_pred[test] = np.column_stack([np.ones(test.sum()), X[test][:, sources]]) @ beta
        naive[test] = X[train][:, targets].mean(axis=0)
    return Predictions(targets=targets, actual=X[:, targets], pls=pls_pred, lm=lm_pred, naive=naive)


def pls_predict(result: FitResult, *, folds: int = 10, seed: int | None = 0) -> pd.DataFrame:
    """PLSpredict: k-fold out-of-sample prediction of the endogenous indicators, with the LM benchmark.

    The rows are split at random into ``folds`` folds. For each fold the model is fitted on
    the other folds; the exogenous construct scores of the held-out rows are computed with the
    training weights (and training means and scales), the endogenous scores predicted through
    the total effects, and each endogenous indicator predicted by its training regression on its
    construct score. The linear-model (LM) benchmark regresses each endogenous indicator on all
    indicators of the exogenous constructs, by OLS on the training folds (Shmueli, Ray, Velasquez
    Estrada & Chatla 2016, J. Business Research 69, 4552-4564; Shmueli et al. 2019).

    Returns
    -------
    pandas.DataFrame
        One row per endogenous indicator: ``rmse``, ``mae``, ``q2_predict`` (1 - SSE /
        squared errors of the training mean) of PLS, and ``lm_rmse``, ``lm_mae``,
        ``lm_q2_predict``. PLS with lower RMSE than LM for most indicators has predictive
        power (Shmueli et al. 2019).

    Raises
    ------
    EstimationError
        A training fold leaves an indicator constant (named with its construct and the fold).
    """
    predicted = pls_predictions(result, folds=folds, seed=seed)
    actual, naive, targets = predicted.actual, predicted.naive, predicted.targets

    def measures(pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        err = actual - pred
        return (
            np.sqrt((err**2).mean(axis=0)),
            np.abs(err).mean(axis=0),
            1.0 - (err**2).sum(axis=0) / ((actual - naive) ** 2).sum(axis=0),
        )

    rmse, mae, q2 = measures(predicted.pls)
    lm_rmse, lm_mae, lm_q2 = measures(predicted.lm)
    return pd.DataFrame(
        {"rmse": rmse, "mae": mae, "q2_predict": q2, "lm_rmse": lm_rmse, "lm_mae": lm_mae, "lm_q2_predict": lm_q2},
        index=pd.Index([result.indicators[i] for i in targets], name="indicator"),
    )


# ---------------------------------------------------------------------- test-retest
@dataclass(frozen=True)
class RetestResult(ResultContract):
    """Paired comparison of a questionnaire answered twice by the same respondents.

    ``items`` and ``constructs`` have one row each with ``n``, ``mean_first``, ``mean_second``,
    ``mean_difference`` (second - first), ``sd_difference``, ``t``, ``df``, ``p`` (paired t
    test, two-sided) and ``correlation`` (Pearson, the test-retest reliability coefficient).
    """

    items: pd.DataFrame
    constructs: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": _frame(self.items),
            "constructs": _frame(self.constructs),
            "thresholds": {row.measure: row.text for row in RETEST},
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per indicator and per construct, ``level`` (``indicator`` or ``construct``) and ``name`` first."""
        frames = [
            frame.rename_axis("name").reset_index().assign(level=level)
            for level, frame in (("indicator", self.items), ("construct", self.constructs))
        ]
        table = pd.concat(frames, ignore_index=True)
        return table[["level", "name", *(c for c in table.columns if c not in ("level", "name"))]]

    def summary(self) -> Summary:
        """The paired comparison of each indicator and construct, with the thresholds."""
        notes = tuple(f"  thresholds: {row.measure} {row.text}" for row in RETEST)
        return Summary(
            (f"Test-retest reliability of {len(self.items)} indicators and {len(self.constructs)} constructs",),
            (Section("Indicators", self.items, notes), Section("Constructs", self.constructs, notes)),
        )

    def __repr__(self) -> str:
        return f"RetestResult(indicators={len(self.items)}, constructs={len(self.constructs)})"


def _paired(first: np.ndarray, second: np.ndarray) -> dict[str, float]:
    diff = second - first
    n = diff.size
    sd = diff.std(ddof=1)
    t = diff.mean() / (sd / math.sqrt(n)) if sd > 0 else (0.0 if diff.mean() == 0 else math.copysign(math.inf, diff.mean()))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = float(np.corrcoef(first, second)[0, 1]) if first.std() > 0 and second.std() > 0 else math.nan
    return {
        "n": float(n),
        "mean_first": float(first.mean()),
        "mean_second": float(second.mean()),
        "mean_difference": float(diff.mean()),
        "sd_difference": float(sd),
        "t": float(t),
        "df": float(n - 1),
        "p": float(2.0 * stats.t.sf(abs(t), n - 1)),
        "correlation": r,
    }


def retest_reliability(
    spec: Any, first: pd.DataFrame, second: pd.DataFrame, *, on: str | None = None, result: FitResult | None = None
) -> RetestResult:
    """Test-retest reliability: paired t test and correlation per indicator and per construct.

    Parameters
    ----------
    spec : ModelSpec
    first, second : pandas.DataFrame
        The two administrations. Rows are matched by the column ``on`` (a respondent id) when
        given, else by position (both frames must then have the same length). Rows with a missing
        value in either administration are left out of that indicator's (construct's) test.
    on : str, optional
        Respondent id column present in both frames.
    result : FitResult, optional
        A fit whose 0-100 index weights define each construct's value; by default a construct's
        value is the mean of its indicators.

    Notes
    -----
    Paired t: ``t = mean(d) / (sd(d) / sqrt(n))``, d the second minus the first answer, n - 1
    degrees of freedom; a significant t shows that the mean moved between the administrations.
    The correlation of the two administrations is the test-retest reliability (>= 0.7
    acceptable). Used in customer satisfaction survey practice to check that a measurement is
    stable before it is tracked over time.
    """
    from acsi.errors import DataError

    if on is not None:
        for frame, label in ((first, "first"), (second, "second")):
            if on not in frame.columns:
                raise DataError(f"The {label} administration has no id column '{on}'.")
            if frame[on].duplicated().any():
                raise DataError(f"The id column '{on}' of the {label} administration has duplicated ids.")
        merged = first.merge(second, on=on, suffixes=("__1", "__2"))
        a = merged[[f"{i}__1" for i in spec.indicators]].set_axis(list(spec.indicators), axis=1)
        b = merged[[f"{i}__2" for i in spec.indicators]].set_axis(list(spec.indicators), axis=1)
    else:
        if len(first) != len(second):
            raise DataError(
                f"The two administrations have {len(first)} and {len(second)} rows; match them by a respondent id "
                "column (on=...) or pass frames in the same respondent order."
            )
        missing = [i for i in spec.indicators if i not in first.columns or i not in second.columns]
        if missing:
            raise DataError(f"Indicator column(s) missing from an administration: {', '.join(missing)}.")
        a = first[list(spec.indicators)].reset_index(drop=True)
        b = second[list(spec.indicators)].reset_index(drop=True)
    a, b = a.apply(pd.to_numeric, errors="coerce"), b.apply(pd.to_numeric, errors="coerce")
    if len(a) < 3:
        raise DataError(f"Only {len(a)} respondent(s) answered both times; a paired test needs at least 3.")
    items = {}
    for name in spec.indicators:
        both = a[name].notna() & b[name].notna()
        items[name] = _paired(a.loc[both, name].to_numpy(float), b.loc[both, name].to_numpy(float))
    weights = None
    if result is not None and result.index is not None:
        weights = dict(zip(result.index.indicators, result.index.weights))
    constructs = {}
    for construct in spec.constructs:
        cols = list(construct.indicators)
        w = np.array([weights.get(i, np.nan) for i in cols]) if weights else np.full(len(cols), 1.0 / len(cols))
        if np.isnan(w).any():
            w = np.full(len(cols), 1.0 / len(cols))
        both = a[cols].notna().all(axis=1) & b[cols].notna().all(axis=1)
        constructs[construct.name] = _paired(a.loc[both, cols].to_numpy(float) @ w, b.loc[both, cols].to_numpy(float) @ w)
    return RetestResult(
        items=pd.DataFrame.from_dict(items, orient="index").rename_axis("indicator"),
        constructs=pd.DataFrame.from_dict(constructs, orient="index").rename_axis("construct"),
    )


class _CallableModule(type(math)):  # types.ModuleType
    """``acsi.assess(result, ...)`` calls :func:`assess`, while ``from acsi.assess import ...`` and
    ``acsi.assess.retest_reliability`` keep working (until this module becomes a package)."""

    def __call__(self, result: FitResult, **options: Any) -> Assessment:
        return assess(result, **options)


__import__("sys").modules[__name__].__class__ = _CallableModule
