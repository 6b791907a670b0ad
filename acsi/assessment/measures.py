"""``assess(result)``: every reliability, validity, collinearity, fit and prediction measure of one fit in an :class:`Assessment`.

Every measure is computed from the indicator correlation matrix ``S`` and the estimates of a
:class:`~acsi.results.FitResult`; the modules of :mod:`acsi.assessment` hold one family each.
Matches R plspm 0.5.1 (``outer_model``, ``unidim``, ``inner_model``, ``gof``) and ADANCO 2.2.1
(SRMR, d_ULS, d_G of the composite model; rho_A and alpha from Mode A weights) on
``satisfaction`` to the tolerances of ``shared/reference`` (``tests/assessment/test_reference.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acsi import notices
from acsi.assessment import discriminant
from acsi.assessment.blindfolding import q_squared, valid_omission_distance
from acsi.assessment.collinearity import outer_vifs
from acsi.assessment.discriminant import HTMT_VARIANTS
from acsi.assessment.higher_order import hoc_measures, overlapping
from acsi.assessment.model_fit import correlation_of, goodness_of_fit, model_fit
from acsi.assessment.prediction import pls_predict
from acsi.assessment.reliability import BLOCK_MEASURES, block_reliability, blocks_of
from acsi.assessment.result import Assessment
from acsi.assessment.structural import structural_tables
from acsi.errors import InadmissibleSolutionWarning, ParameterError
from acsi.results import FitResult

if TYPE_CHECKING:
    from acsi.data import IndicatorData


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
        Also run PLSpredict with this many folds (:func:`pls_predict`; PLS and PLSc fits).
    seed : int, optional
        Seed of the PLSpredict fold assignment.
    htmt : {"absolute", "signed"}
        HTMT and HTMT2 from absolute indicator correlations (default, as seminr and cSEM) or
        from the signed ones (:data:`HTMT_VARIANTS`). They differ only when some indicator
        correlations are negative (reverse-coded items).

    Returns
    -------
    Assessment
        For a fit with higher-order constructs also ``higher_order`` (the HOCs' loadings or weights on
        their components with rho_A, rho_C, AVE or VIF; :mod:`acsi.assessment.higher_order`) and, for a
        two-stage fit, ``first_stage`` (the assessment of stage 1: the first-order measurement models).

    Raises
    ------
    ParameterError
        An unknown ``htmt`` variant; Q² or PLSpredict of a repeated-indicators or second-order-factor
        fit (the copies of the components' indicators would predict their originals).
    ValueError
        A fit with ``missing="pairwise"`` or ``"em"`` without its ``data``.
    """
    if htmt not in HTMT_VARIANTS:
        raise ParameterError(f"Unknown htmt={htmt!r}; expected one of {', '.join(HTMT_VARIANTS)}.")
    S = correlation_of(result, data)
    assessment = _with_higher_order(result, _measurement_and_structural(result, S, absolute_htmt=htmt == "absolute"), htmt)
    if (blindfolding or predict_folds is not None) and overlapping(result):
        measure = "Q² (blindfolding)" if blindfolding else "PLSpredict"
        raise ParameterError(
            f"{measure} is not defined for a {result.settings['higher_order']['approach']} fit: the higher-order "
            "construct's indicators are copies of its components' indicators, so an omitted or held-out value would be "
            "predicted from its own copy. Fit with higher_order='two-stage-embedded' or 'two-stage-disjoint' (the "
            "measure then assesses the stage-2 model on the stage-1 scores)."
        )
    if blindfolding:
        distance = valid_omission_distance(result.n_obs, omission_distance)
        assessment = replace(assessment, q_squared=q_squared(result, omission_distance=distance), omission_distance=distance)
    if predict_folds is not None:
        assessment = replace(assessment, predict=pls_predict(result, folds=predict_folds, seed=seed))
    return assessment


def _with_higher_order(result: FitResult, assessment: Assessment, htmt: str) -> Assessment:
    """``assessment`` with the measures of the fit's higher-order constructs (:mod:`acsi.assessment.higher_order`)
    and, for a two-stage fit, the assessment of stage 1 (the first-order measurement models)."""
    tables = {"rho_a": assessment.rho_a, "rho_c": assessment.rho_c, "ave": assessment.ave, "outer_vif": assessment.outer_vif}
    measures = hoc_measures(result, tables, assessment.inner_vif)
    if measures is None:
        return assessment
    first = None
    if result.first_stage is not None:
        with notices.recorded() as caught:
            first = replace(assess(result.first_stage, htmt=htmt), overlaps=overlapping(result, stage_one=True))
        for category, message in caught:  # an embedded stage 1 repeats indicators: its d_G is undefined, not news
            if not issubclass(category, InadmissibleSolutionWarning):
                notices.issue(message, category, stacklevel=3)
    return replace(assessment, higher_order=measures, first_stage=first, overlaps=overlapping(result))


def _measurement_and_structural(result: FitResult, S: np.ndarray, *, absolute_htmt: bool) -> Assessment:
    """The tables that need no refit, from the indicator correlations ``S`` the estimator worked on."""
    spec = result.spec
    names = list(result.constructs)
    block = np.asarray(result.block)
    blocks = blocks_of(result.block, len(names))
    w = np.asarray(result.standardized_weights, dtype=float)
    loadings = np.asarray(result.loading_vector, dtype=float)
    R = np.asarray(result.construct_correlation_matrix, dtype=float)
    r2 = np.asarray(result.r_squared_vector, dtype=float)
    mode_b = [c.mode.weighting == "B" for c in spec.constructs]
    per_block = block_reliability(S, w, loadings, block, mode_b, r2)
    vif_outer = outer_vifs(S, blocks, result.indicators, result.constructs)
    inner_vif, inner_regressions, f2 = structural_tables(spec, names, R, r2, result.n_obs)
    endogenous = [names.index(t) for t in spec.endogenous]
    multi = np.array([idx.size > 1 for idx in blocks])
    index_c = pd.Index(names, name="construct")
    by_indicator = result.weights.index
    communality = loadings**2
    return Assessment(
        result=result,
        **{name: pd.Series(per_block[name], index=index_c, name=name) for name in BLOCK_MEASURES},
        communality=pd.Series(communality, index=by_indicator, name="communality"),
        redundancy=pd.Series(communality * r2[result.block], index=by_indicator, name="redundancy"),
        htmt=pd.DataFrame(discriminant.htmt(S, blocks, geometric=False, absolute=absolute_htmt), index=names, columns=names),
        htmt2=pd.DataFrame(discriminant.htmt(S, blocks, geometric=True, absolute=absolute_htmt), index=names, columns=names),
        fornell_larcker=pd.DataFrame(discriminant.fornell_larcker(R, per_block["ave"]), index=names, columns=names),
        cross_loadings=pd.DataFrame(result.cross_loading_matrix, index=list(result.indicators), columns=names),
        outer_vif=pd.Series(vif_outer, index=by_indicator, name="vif"),
        inner_vif=inner_vif,
        f_squared=f2,
        r_squared=result.r_squared,
        adjusted_r_squared=result.adjusted_r_squared,
        inner_regressions=inner_regressions,
        gof=goodness_of_fit(loadings, result.block, multi, r2, endogenous),
        fit=model_fit(result, S, w, loadings, R, np.asarray(result.path_matrix, dtype=float), r2),
    )
