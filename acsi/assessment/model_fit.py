"""Model fit of a fit: SRMR, d_ULS and d_G of the saturated and estimated models, and the GoF index.

``d_G`` uses the **base-10** logarithm, as ADANCO and cSEM do (with the natural logarithm it is
(ln 10)^2 = 5.30 times larger). Matches ADANCO 2.2.1 (SRMR, d_ULS, d_G of the composite model)
and R plspm 0.5.1 (``gof``) on ``satisfaction`` (``tests/assessment/test_reference.py``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from acsi.core import fit_measures
from acsi.core.fit_measures import discrepancies as _discrepancies
from acsi.core.moments import correlation, mean_and_covariance
from acsi.errors import ParameterError
from acsi.results import FitResult
from acsi.spec.model import Mode
from acsi.structure import model_structure

if TYPE_CHECKING:
    from acsi.data import IndicatorData


def discrepancies(S: np.ndarray, sigma: np.ndarray) -> dict[str, float]:
    """SRMR, d_ULS and d_G (base-10 logarithm, ADANCO/cSEM) of one pair of matrices, as floats.

    See :func:`acsi.core.fit_measures.discrepancies`. SRMR threshold < 0.08.
    """
    return {key: float(value) for key, value in _discrepancies(S, sigma).items()}


def model_fit(
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


def correlation_of(result: FitResult, data: IndicatorData | None) -> np.ndarray:
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


def goodness_of_fit(
    loadings: np.ndarray, block: np.ndarray, multi_indicator: np.ndarray, r2: np.ndarray, endogenous: list[int]
) -> float:
    """GoF = sqrt(mean communality x mean R²) (Tenenhaus, Amato & Esposito Vinzi 2004; R plspm ``gof``).

    The mean communality is over the indicators of multi-indicator blocks (``multi_indicator``, by
    construct), the mean R² over the endogenous constructs; NaN when either set is empty.
    """
    multi = multi_indicator[block]
    mean_r2 = float(np.mean(r2[endogenous])) if endogenous else math.nan
    return math.sqrt(float(np.mean((loadings**2)[multi])) * mean_r2) if multi.any() else math.nan
