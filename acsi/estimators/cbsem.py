"""Covariance-based SEM through semopy: the boundary where semopy is called.

:class:`CBSEM` renders a :class:`~acsi.spec.model.ModelSpec` to semopy's lavaan-like syntax,
fits it on the sample covariance matrix (divisor n, as lavaan's ML), and maps the estimates
back to the same :class:`~acsi.results.FitResult` and JSON keys as PLS. semopy is used as an
optimiser only: standard errors (expected information), standardised estimates, R-squared
and the fit indices are computed here with lavaan's definitions, because semopy's own
AIC/BIC differ from lavaan's and its default tolerance stops about 5e-4 short
(``shared/design/peers.md``).

semopy reports trouble through the ``logging`` module; every record it emits during a fit
is captured and re-issued as an acsi warning (``ConvergenceWarning`` or
``InadmissibleSolutionWarning``), never printed as a log line.

What is computed from semopy's objects lives beside this module, without importing semopy:
the multi-start (:mod:`acsi.estimators.cbsem_starts`), the ordinal WLSMV / ULSMV weighting and
robust standard errors (:mod:`acsi.estimators.cbsem_ordinal`) and the assembly of the estimate
(:mod:`acsi.estimators.cbsem_result`).

Matches lavaan 0.6-14 ``sem()`` (ML, expected information) on ``PoliticalDemocracy``
(marker identification) and ``threecommonfactors`` (``std.lv = TRUE``): estimates, standard
errors, standardised estimates and fit measures within the tolerances of
``shared/reference``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import semopy

from acsi import notices
from acsi.blas import one_blas_thread
from acsi.core.moments import correlation
from acsi.data import IndicatorData
from acsi.errors import (
    ConvergenceWarning,
    DataError,
    EstimationError,
    InadmissibleSolutionWarning,
    MissingDataWarning,
    MultipleOptimaWarning,
)
from acsi.estimators.base import Estimate, EstimatorBase, check_settings
from acsi.estimators.cbsem_ordinal import (
    least_squares_system,
    on_answer_scale,
    ordinal_for_objective,
    sandwich_errors,
    weigh_dwls,
)
from acsi.estimators.cbsem_result import SemopyFit, assemble_estimate, inspect_admissibility
from acsi.estimators.cbsem_starts import multistart, optima_message, start_points
from acsi.estimators.fit_indices import CHI_SQUARE_OBJECTIVES
from acsi.estimators.ordinal import ORDINAL_MODES, OrdinalMode, polychoric_moments
from acsi.estimators.semopy_capture import captured_semopy_logging
from acsi.estimators.semopy_model import SpecOrder, Start, free_cells, lavaan_starts
from acsi.estimators.semopy_syntax import starting_values, to_semopy_syntax
from acsi.index import INDEX_WEIGHTS, IndexWeights
from acsi.spec.model import ModelSpec

#: semopy objectives offered: maximum likelihood (Wishart), generalised and unweighted least
#: squares, and diagonally weighted least squares.
OBJECTIVES: tuple[str, ...] = ("MLW", "GLS", "ULS", "DWLS")


# ---------------------------------------------------------------------- the estimator
@dataclass(frozen=True, kw_only=True)
class CBSEM(EstimatorBase):
    """Covariance-based structural equation modelling (semopy backend).

    Parameters
    ----------
    objective : {"MLW", "GLS", "ULS", "DWLS"}
        Discrepancy function: maximum likelihood (default), generalised least squares,
        unweighted least squares, diagonally weighted least squares (weights from the
        data's fourth moments for continuous indicators; for ordinal ones see ``ordinal``:
        acsi computes the polychoric correlations and their weights itself, semopy's own
        polychoric correlations having reported defects).
    std_lv : bool
        Identification: False (default) fixes each factor's first loading to 1 (lavaan's
        default); True fixes factor variances (residual variances of endogenous factors)
        to 1 and frees every loading (lavaan ``std.lv = TRUE``).
    ftol : float
        Tolerance of semopy's SLSQP optimiser on the objective; 1e-14 reaches lavaan's
        estimates to about 5e-7 (semopy's default stops about 5e-4 short).
    max_iter : int
        Optimiser iteration limit.
    index_weights : {"fornell", "standardized", "equal"}
        Weights of the 0-100 index, applied to the factor-score weights (below).
    max_starts : int
        Starting points tried at most (default 5): the first is lavaan's default start; the
        others are tried only when an optimum is improper or at a bound (see *Starts*). 1 turns
        the further starts off (cheaper bootstraps of models with many improper resamples).
    ordinal : {"declared", "auto", "none"}
        Which indicators are ordinal (:mod:`acsi.estimators.ordinal`). With ordinal indicators
        the model is fitted to their polychoric / polyserial correlation matrix (delta
        parametrisation): ``objective="DWLS"`` weights each correlation by the inverse of its
        asymptotic variance (:func:`acsi.core.polychoric.polychoric_gamma`), lavaan's
        ``estimator = "WLSMV"`` (all indicators ordinal only); ``objective="ULS"`` gives
        ``"ULSMV"``. With every indicator ordinal the standard errors are lavaan's robust
        sandwich and the fit measures those of WLSMV / ULSMV, unscaled and scaled-shifted
        (:mod:`acsi.core.least_squares`, :func:`~acsi.estimators.fit_indices.least_squares_fit_indices`).
        ML and GLS are refused, as lavaan refuses them for ordered data.

    Notes
    -----
    *Estimates.* ``loadings`` and ``paths`` are unstandardised; ``standardized`` holds the
    completely standardised ones, ``std_errors`` their standard errors from the expected
    information ``I = (n/2) D' (Sigma^-1 (x) Sigma^-1) D`` (D the derivative of the implied
    covariance with respect to the free parameters), as lavaan's ``se = "standard"``.
    Standard errors are reported for ML and GLS; for ULS and DWLS on continuous indicators
    they would need a sandwich estimator that is not built, so they are NaN (on all-ordinal
    indicators they are WLSMV's / ULSMV's robust ones, see ``ordinal``).

    *Fit indices* (lavaan definitions, S with divisor n): ``chisq = n F`` at the minimum,
    ``df = p(p+1)/2 - npar``; ``cfi``, ``tli`` against the independence model;
    ``rmsea = sqrt(max(chisq/df - 1, 0) / n)`` with its 90% interval from the noncentral
    chi-square; ``srmr`` Bentler's (residual correlations, lower triangle with diagonal);
    ``aic = -2 logL + 2 npar``, ``bic = -2 logL + npar log n`` from the full normal
    log-likelihood. For ULS and DWLS only ``srmr`` and ``df`` are given (the others NaN),
    except on all-ordinal indicators (WLSMV / ULSMV measures, see ``ordinal``).

    *Weights and index.* A factor is no weighted sum of its indicators, so ``weights``
    holds the block's factor-score regression weights ``w_b ∝ Sigma_bb^-1 lambda_b``
    (Thurstone's regression of the factor on its own indicators, raw scale), scaled so that
    the score has unit model-implied variance. The 0-100 index applies
    ``index_weights`` to them exactly as for PLS.

    *Starts.* The optimiser starts from lavaan's default starting values (FABIN 3 loadings,
    half the observed variances for residuals, 0.05 for factor variances, zero regressions;
    lavaan ``lav_start.R``), with BLAS on one thread (faster for these small matrices). When
    it ends at an improper or boundary point, further starts follow (semopy's own, then
    seeded perturbations) until a proper optimum, the same improper optimum twice, or
    ``max_starts``. Every optimum found is in ``settings["optima"]`` and, when there is more
    than one, in a :class:`~acsi.errors.MultipleOptimaWarning`.

    *Admissibility.* A negative variance (Heywood case), a standardised loading or path
    above 1 in absolute value, or a non-positive-definite factor covariance matrix issue
    :class:`~acsi.errors.InadmissibleSolutionWarning`.
    """

    method: ClassVar[str] = "cbsem"
    objective: str = "MLW"
    std_lv: bool = False
    ftol: float = 1e-14
    max_iter: int = 10000
    index_weights: IndexWeights = "fornell"
    max_starts: int = 5
    ordinal: OrdinalMode = "declared"

    def __post_init__(self) -> None:
        check_settings(
            self,
            {
                "objective": ("choice", OBJECTIVES),
                "std_lv": ("bool", None),
                "ftol": ("fraction", None),
                "max_iter": ("positive_int", None),
                "index_weights": ("choice", INDEX_WEIGHTS),
                "max_starts": ("positive_int", None),
                "ordinal": ("choice", ORDINAL_MODES),
            },
        )

    def check_spec(self, spec: ModelSpec) -> None:
        """Raise :class:`~acsi.errors.SpecError` for what CB-SEM cannot fit (a composite construct)."""
        to_semopy_syntax(spec, std_lv=self.std_lv)

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """Estimate the model by covariance structure analysis (step 3 of :meth:`EstimatorBase.fit <acsi.estimators.base.EstimatorBase.fit>`).

        Returns
        -------
        Estimate
            With ``standardized``, ``std_errors``, ``fit_indices`` and
            the full lavaan-style ``params`` table (``std_error``, ``std_all`` columns).

        Raises
        ------
        SpecError
            A composite construct.
        EstimationError
            semopy fails, or the model cannot be evaluated at its solution.

        Warns
        -----
        ConvergenceWarning
            The optimiser stopped without success; semopy's own warnings otherwise.
        InadmissibleSolutionWarning
            Heywood cases, standardised estimates above 1, non-PD factor covariances.
        """
        syntax = to_semopy_syntax(spec, std_lv=self.std_lv)
        ordinal = ordinal_for_objective(spec, data, self.ordinal, self.objective)
        S = correlation(covariance) if ordinal else covariance
        X = data.values
        n, p = X.shape
        moments = polychoric_moments(data, S) if len(ordinal) == p else None  # WLSMV weights, Gamma
        weights = moments[0] if moments is not None and self.objective == "DWLS" else None
        issued = self._check_data(data)
        if self.std_lv:
            syntax += starting_values(spec, S, data.indicators)
        observed = list(data.indicators)
        optima: list[dict[str, Any]] = []
        with one_blas_thread(), captured_semopy_logging() as capture:
            try:
                if self.objective == "DWLS" and weights is None:
                    model = semopy.Model(syntax)
                    result = model.fit(
                        pd.DataFrame(X, columns=observed),
                        obj="DWLS",
                        options={"ftol": self.ftol, "maxiter": self.max_iter},
                    )
                    model.load_cov(S)  # estimates are DWLS; S (divisor n) for what follows
                else:
                    model, result, optima = self._multistart(syntax, spec, S, n, observed, weights)
            except (np.linalg.LinAlgError, ValueError, KeyError, ZeroDivisionError) as err:
                raise EstimationError(
                    f"semopy could not fit the model ({type(err).__name__}: {err}). Check that the model is identified "
                    "and the indicators are not collinear."
                ) from err
        if len(optima) > 1:
            message = optima_message(optima)
            issued.append(message)
            notices.issue(message, MultipleOptimaWarning, stacklevel=3)
        messages = [
            record.getMessage()
            for record in capture.records
            if record.levelno >= logging.WARNING and not (self.std_lv and "No fixed loadings" in record.getMessage())
        ]
        converged = bool(result.success) and np.isfinite(result.x).all()
        if not converged:
            message = (
                f"semopy's optimiser did not converge ({str(result.message).strip()}) after {result.n_it} iterations "
                f"(objective {self.objective}); the estimates are unreliable. Check identification and starting "
                "values, or raise max_iter." + (f" semopy said: {' | '.join(messages)}" if messages else "")
            )
            issued.append(message)
            notices.issue(message, ConvergenceWarning, stacklevel=3)
        elif messages:
            message = "semopy reported: " + " | ".join(dict.fromkeys(messages))
            issued.append(message)
            notices.issue(message, ConvergenceWarning, stacklevel=3)

        robust = None if moments is None else (np.ones((p, p)) if weights is None else weights, moments[1])
        estimate = self._result(spec, data, SemopyFit(model, result, S, n, converged), issued, optima, robust)
        return on_answer_scale(estimate, covariance) if ordinal else estimate

    def _check_data(self, data: IndicatorData) -> list[str]:
        """Refuse data the objective cannot use (DWLS needs complete, unweighted rows); the messages of
        the warnings issued about the rest (case weights)."""
        if self.objective == "DWLS" and data.moments is not None:
            raise DataError(
                "objective='DWLS' weights by the fourth moments of complete rows; the pairwise / EM treatments give "
                "only estimated moments. Use missing='listwise' or objective='MLW'."
            )
        if data.case_weights is None:
            return []
        if self.objective == "DWLS":
            raise DataError(
                "objective='DWLS' fits the rows themselves and cannot take case weights; use objective='MLW' "
                "(weighted moments) or drop the weight column from the mapping."
            )
        message = (
            "Case weights enter the sample covariance matrix (pseudo-maximum likelihood): the estimates are "
            "weighted, but standard errors and test statistics assume simple random sampling of the rows."
        )
        notices.issue(message, MissingDataWarning, stacklevel=4)
        return [message]

    # ------------------------------------------------------------------ starts and optima
    def _multistart(
        self, syntax: str, spec: ModelSpec, S: np.ndarray, n: int, observed: list[str], weights: np.ndarray | None = None
    ) -> tuple[Any, Any, list[dict[str, Any]]]:
        """Fit from lavaan-style starts; at a boundary or improper point, from further starts too.

        The starts, when the next is tried and which optimum is reported: :mod:`acsi.estimators.cbsem_starts`.

        Returns the chosen semopy model and solver result, and every optimum found as dicts
        ``{start, objective, converged, proper, problems, chosen}``. ``weights`` (p, p), for
        DWLS on polychoric correlations, replace the weights semopy would compute from rows
        (:func:`~acsi.estimators.cbsem_ordinal.weigh_dwls`).
        """
        cov = pd.DataFrame(S, index=observed, columns=observed)
        options = {"ftol": self.ftol, "maxiter": self.max_iter}

        def run(x0: Start | None) -> tuple[Any, Any, dict[str, Any]]:
            model = semopy.Model(syntax)
            model.load(cov=cov, n_samples=n)
            if weights is not None:
                weigh_dwls(model, pd.DataFrame(weights, index=observed, columns=observed))
            default = np.array(model.param_vals, dtype=float)
            if x0 is not None:
                model.param_vals = x0(model, default)
            result = model.fit(obj=self.objective, options=options)
            converged = bool(result.success) and np.isfinite(result.x).all()
            problems = inspect_admissibility(model, spec, observed, S) if converged else ["not converged"]
            return (
                model,
                result,
                {
                    "start": "",
                    "objective": float(result.fun),
                    "converged": bool(converged),
                    "proper": converged and not problems,
                    "problems": problems,
                    "chosen": False,
                },
            )

        def lavaan(model: Any, default: np.ndarray) -> np.ndarray:
            return lavaan_starts(model, spec, S, observed, default, marker=not self.std_lv)

        return multistart(run, start_points(lavaan), self.max_starts)

    # ------------------------------------------------------------------ mapping back
    def _result(
        self,
        spec: ModelSpec,
        data: IndicatorData,
        fit: SemopyFit,
        issued: list[str],
        optima: list[dict[str, Any]],
        robust: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Estimate:
        """Standard errors of ``fit`` (expected information, or lavaan's robust sandwich with the least-squares
        ``robust`` weights and Gamma of ordinal indicators), then :func:`~acsi.estimators.cbsem_result.assemble_estimate`."""
        order = SpecOrder(fit.model, spec.construct_names, data.indicators)
        free = order.matrices(free_cells(fit.model))
        with one_blas_thread():
            system = None if robust is None else least_squares_system(fit.model, data.indicators, *robust)
            if system is None:
                se = self._standard_errors(fit.model, order, free)
            else:
                se = sandwich_errors(fit.model, order, fit.n, system)
        return assemble_estimate(spec, data.indicators, fit, order, free, se, system, self._settings(optima), issued)

    def _settings(self, optima: list[dict[str, Any]]) -> dict[str, Any]:
        """The settings recorded on the estimate, with every optimum of the multi-start."""
        return {
            "objective": self.objective,
            "std_lv": self.std_lv,
            "ftol": self.ftol,
            "max_iter": self.max_iter,
            "index_weights": self.index_weights,
            "max_starts": self.max_starts,
            "standardized": False,
            "identification": "std.lv" if self.std_lv else "marker (first loading 1)",
            "optima": tuple(optima),
        }

    def _standard_errors(self, model: Any, order: SpecOrder, free: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        """Standard errors per matrix cell (0 for fixed parameters), from the expected information."""
        keys = ("Beta", "Lambda", "Psi", "Theta")
        if self.objective not in CHI_SQUARE_OBJECTIVES:
            return {key: np.where(mask, np.nan, 0.0) for key, mask in zip(keys, free)}
        with captured_semopy_logging() as capture:
            _, fim_inv = model.calc_fim(inverse=True)
        if capture.records:
            notices.issue(
                "The information matrix is singular: the model is not identified, so standard errors are not "
                "available (NaN). Fix a parameter or simplify the model.",
                InadmissibleSolutionWarning,
                stacklevel=5,
            )
            fim_inv = np.full(fim_inv.shape, np.nan)
        se = np.sqrt(np.clip(np.diag(fim_inv), 0, None))
        cells = free_cells(model, values=se)
        return dict(zip(keys, order.matrices(cells)))
