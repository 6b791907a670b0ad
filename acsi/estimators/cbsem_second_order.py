"""Second-order factors by covariance-based SEM through semopy (``method="cbsem"`` with higher-order constructs).

semopy fits the model with the higher-order construct as a factor of its components' factors
(lavaan-style ``QUAL =~ TANG + REL + ...``, marker identification: the first component's
second-order loading is 1). The result is laid out like the repeated-indicators model
(:func:`acsi.estimators.higher_order.repeated_indicators_spec`), so that it has the same JSON
keys as the composite-based approaches: the second-order loadings are the paths
``HOC -> component`` and the HOC's block holds copies ``HOC.indicator`` of its components'
indicators, with loading ``cov(x, HOC) / var(HOC)`` (raw) and factor-score regression weights
``w ∝ Sigma^-1 cov(x, HOC)`` (Thurstone; unit implied variance). Its 0-100 index therefore
weights all its components' items by those weights. Only the reflective-reflective type: a
formative higher-order construct is a composite, which covariance-based SEM does not estimate.
Standard errors are not computed for this layout (``std_errors`` None; use the bootstrap); the
admissibility check is a negative (residual) variance (Heywood case), warned as
:class:`~acsi.errors.InadmissibleSolutionWarning`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import semopy

from acsi import notices
from acsi.blas import one_blas_thread
from acsi.data import IndicatorData
from acsi.errors import ConvergenceWarning, EstimationError, InadmissibleSolutionWarning
from acsi.estimators.base import Estimate, EstimatorBase
from acsi.estimators.cbsem import CBSEM
from acsi.estimators.fit_indices import fit_indices, model_fit
from acsi.estimators.semopy_capture import captured_semopy_logging
from acsi.estimators.semopy_model import SpecOrder
from acsi.estimators.semopy_syntax import to_semopy_syntax
from acsi.spec.model import Mode, ModelSpec
from acsi.structure import model_structure

__all__ = ["SecondOrderCBSEM", "second_order_syntax"]


def second_order_syntax(spec: ModelSpec) -> str:
    """semopy syntax of ``spec``: its first-order part, then ``HOC =~ component + ...`` per HOC.

    Raises
    ------
    NotImplementedError
        A reflective-formative (``<~``) higher-order construct.
    """
    for hoc in spec.higher_order:
        if hoc.mode is not Mode.REFLECTIVE:
            raise NotImplementedError(
                f"method='cbsem' with the reflective-formative higher-order construct '{hoc.name}' ('<~') is not "
                "built: covariance-based SEM estimates common factors. Use method='pls' or 'plsc' with a higher_order "
                "approach, or declare it reflective ('=~')."
            )
    first_order = ModelSpec(constructs=spec.constructs, covariances=spec.covariances, fixed=spec.fixed)
    lines = [to_semopy_syntax(first_order).rstrip("\n")]
    lines += [f"{hoc.name} =~ " + " + ".join(hoc.components) for hoc in spec.higher_order]
    for target in dict.fromkeys(p.target for p in spec.paths):
        lines.append(f"{target} ~ " + " + ".join(p.source for p in spec.paths if p.target == target))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, kw_only=True)
class SecondOrderCBSEM(EstimatorBase):
    """:class:`~acsi.estimators.cbsem.CBSEM` settings fitting ``higher_order_spec`` as a second-order factor model.

    ``fit`` takes the repeated-indicators layout of ``higher_order_spec`` and its data (copies
    of the components' columns); ``estimate`` fits semopy on the original indicators only.
    """

    method: ClassVar[str] = "cbsem"
    base: CBSEM
    higher_order_spec: ModelSpec
    index_weights: Any = "fornell"

    def check_spec(self, spec: ModelSpec) -> None:
        """The layout is built by :func:`~acsi.estimators.higher_order.repeated_indicators_spec`: nothing to check."""
        second_order_syntax(self.higher_order_spec)

    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """Fit the second-order model on the original indicators and lay the solution out on ``spec``."""
        original = list(self.higher_order_spec.indicators)
        keep = [data.indicators.index(i) for i in original]
        S = covariance[np.ix_(keep, keep)]
        n = data.values.shape[0]
        model, result, messages = self._fit(S, n, original)
        names = spec.construct_names
        order = SpecOrder(model, names, original)
        Beta, Lam, Psi, Theta = order.matrices(model.matrices[:4])
        layout = _layout(spec, data.indicators, original, Beta, Lam, Psi, Theta)
        indices, extra = fit_indices(
            self.base.objective, S, layout["Sigma"], n, len(original), npar=sum(p.active for p in model.parameters.values())
        )
        converged = bool(result.success) and bool(np.isfinite(result.x).all())
        issued = []
        if not converged or messages:
            issued.append(f"semopy's optimiser on the second-order model: {str(result.message).strip()}. " + " | ".join(messages))
            notices.issue(issued[-1], ConvergenceWarning, stacklevel=3)
        negative = [names[i] for i in np.flatnonzero(np.diag(Psi) < 0)]
        negative += [original[j] for j in np.flatnonzero(np.diag(Theta) < 0)]
        if negative:
            issued.append(f"The second-order solution is inadmissible: negative (residual) variance of {', '.join(negative)}.")
            notices.issue(issued[-1], InadmissibleSolutionWarning, stacklevel=3)
        sd = np.sqrt(np.diag(covariance))
        return Estimate(
            settings={
                "objective": self.base.objective,
                "ftol": self.base.ftol,
                "max_iter": self.base.max_iter,
                "index_weights": self.index_weights,
                "standardized": False,
                "identification": "marker (first loading 1)",
                "second_order": True,
            },
            converged=converged,
            n_iter=int(result.n_it),
            outer_weights=layout["weights"],
            standardized_weights=layout["weights"] * sd,
            cross_loading_matrix=layout["cross"],
            construct_correlation_matrix=layout["phi_std"],
            path_matrix=Beta.T.copy(),
            r_squared_vector=layout["r2"],
            score_weights=layout["W"],
            warnings=tuple(issued),
            fit_indices=indices | extra,
            model_fit=model_fit(S, layout["Sigma"]),
            standardized=layout["standardized"],
        )

    def _fit(self, S: np.ndarray, n: int, observed: list[str]) -> tuple[Any, Any, list[str]]:
        syntax = second_order_syntax(self.higher_order_spec)
        with one_blas_thread(), captured_semopy_logging() as capture:
            try:
                model = semopy.Model(syntax)
                model.load(cov=pd.DataFrame(S, index=observed, columns=observed), n_samples=n)
                result = model.fit(obj=self.base.objective, options={"ftol": self.base.ftol, "maxiter": self.base.max_iter})
            except (np.linalg.LinAlgError, ValueError, KeyError, ZeroDivisionError) as err:
                raise EstimationError(
                    f"semopy could not fit the second-order model ({type(err).__name__}: {err}). Check that every "
                    "higher-order construct has at least three components or is tied into the structural model."
                ) from err
        return model, result, [r.getMessage() for r in capture.records if r.levelno >= 30]


def _layout(
    spec: ModelSpec,
    indicators: tuple[str, ...],
    original: list[str],
    Beta: np.ndarray,
    Lam: np.ndarray,
    Psi: np.ndarray,
    Theta: np.ndarray,
) -> dict[str, Any]:
    """The second-order solution on the repeated-indicators layout ``spec`` (``indicators``: its columns).

    ``Phi = (I - B)^-1 Psi (I - B)^-T``, ``Sigma = Lambda Phi Lambda' + Theta`` on the original
    indicators, ``C = Lambda Phi`` their covariances with every construct. An indicator of
    its own block keeps its loading; a copy ``HOC.x`` gets ``C[x, HOC] / Phi[HOC, HOC]``.
    """
    k = len(spec.construct_names)
    inv = np.linalg.inv(np.eye(k) - Beta)
    Phi = inv @ Psi @ inv.T
    Sigma = Lam @ Phi @ Lam.T + Theta
    C = Lam @ Phi
    sd_eta = np.sqrt(np.diag(Phi))
    source = np.array([original.index(i.split(".", 1)[1] if i not in original else i) for i in indicators])
    block = model_structure(spec).block
    copy = np.array([i not in original for i in indicators])
    rows = np.arange(len(indicators))
    raw = np.where(copy, C[source, block] / np.diag(Phi)[block], Lam[source, block])
    cross = np.zeros((len(indicators), k))
    cross[rows, block] = raw
    W = np.zeros((len(indicators), k))
    for b in range(k):  # Thurstone: w_b = Sigma_bb^-1 cov(x_b, eta_b), unit implied variance
        members = np.flatnonzero(block == b)
        Sigma_bb = Sigma[np.ix_(source[members], source[members])]
        w = np.linalg.solve(Sigma_bb, C[source[members], b])
        W[members, b] = w / math.sqrt(w @ Sigma_bb @ w)
    sd_x = np.sqrt(np.diag(Sigma))[source]
    std_loadings = raw * sd_eta[block] / sd_x
    std_paths = Beta.T * sd_eta[:, None] / sd_eta[None, :]
    names = spec.construct_names
    endogenous = np.array([name in spec.endogenous for name in names])
    return {
        "Sigma": Sigma,
        "phi_std": Phi / np.outer(sd_eta, sd_eta),
        "r2": np.where(endogenous, 1 - np.diag(Psi) / np.diag(Phi), 0.0),
        "cross": cross,
        "W": W,
        "weights": W[rows, block],
        "standardized": {
            "loadings": {
                n: {i: float(std_loadings[j]) for j, i in enumerate(indicators) if block[j] == b} for b, n in enumerate(names)
            },
            "paths": {p.key: float(std_paths[names.index(p.source), names.index(p.target)]) for p in spec.paths},
        },
    }
