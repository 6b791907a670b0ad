"""The interface every estimator offers: keyword-only settings, ``fit`` returning a FitResult."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from acsi import notices
from acsi.errors import ParameterError
from acsi.structure import model_structure
from acsi.validate import check_bool, check_choice, check_int, check_level

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from acsi.core.pls import Structure
    from acsi.data import IndicatorData, MissingPolicy
    from acsi.index import IndexWeights
    from acsi.results import FitResult, IndexResult
    from acsi.spec.model import ModelSpec, Scale


def check_settings(estimator: object, constraints: dict[str, tuple[str, object]]) -> None:
    """Check an estimator's settings against a declarative table (sklearn ``_param_validation``).

    ``constraints`` maps a setting name to ``("fraction", None)`` (a number strictly between 0
    and 1), ``("positive_int", None)``, ``("bool", None)`` or ``("choice", options)``; the
    checks are those of :mod:`acsi.validate`.

    Raises
    ------
    ParameterError
        Naming the setting, what is allowed and what was given.
    """
    for name, (kind, options) in constraints.items():
        value = getattr(estimator, name)
        if kind == "fraction":
            check_level(name, value)
        elif kind == "positive_int":
            check_int(name, value, 1)
        elif kind == "bool":
            check_bool(name, value)
        else:
            check_choice(name, value, options)  # type: ignore[arg-type]


@runtime_checkable
class Estimator(Protocol):
    """An estimator: frozen settings checked when built, and a pure ``fit``.

    ``fit`` never changes the spec, the data or the estimator, and returns an immutable
    :class:`~acsi.results.FitResult` with the same public keys for every method.
    """

    def fit(
        self,
        spec: ModelSpec,
        data: pd.DataFrame | IndicatorData,
        *,
        scale: tuple[float, float] | Scale | None = None,
        missing: MissingPolicy = "error",
    ) -> FitResult: ...


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """The arrays one method computes: all an estimator supplies to the shared ``fit`` skeleton.

    Shapes: p indicators, k constructs. :meth:`EstimatorBase.fit` adds what every method
    shares (the data's size, labels and missing-data report, the score offset
    ``mean @ score_weights``, the 0-100 index and the warning messages) and builds the
    :class:`~acsi.results.FitResult`; the attributes below keep its names.

    Attributes
    ----------
    settings : mapping
        The method's resolved settings (the skeleton adds ``missing``).
    converged : bool
    n_iter : int
    outer_weights, standardized_weights : ndarray, shape (p,)
        Weights of the construct scores; the standardised ones enter the 0-100 index.
    cross_loading_matrix : ndarray, shape (p, k)
    construct_correlation_matrix, path_matrix : ndarray, shape (k, k)
    r_squared_vector : ndarray, shape (k,)
    score_weights : ndarray, shape (p, k)
        Scores are ``X @ score_weights - mean @ score_weights``.
    warnings : tuple of str
        Messages of the warnings the method issued.
    reliability, model_fit, fit_indices, standardized, std_errors, parameter_table
        Method-specific results (see :class:`~acsi.results.FitResult`), None when not computed.
    """

    settings: Mapping[str, Any]
    converged: bool
    n_iter: int
    outer_weights: np.ndarray
    standardized_weights: np.ndarray
    cross_loading_matrix: np.ndarray
    construct_correlation_matrix: np.ndarray
    path_matrix: np.ndarray
    r_squared_vector: np.ndarray
    score_weights: np.ndarray
    warnings: tuple[str, ...] = ()
    reliability: Mapping[str, Mapping[str, float]] | None = None
    model_fit: Mapping[str, Mapping[str, float]] | None = None
    fit_indices: Mapping[str, float] | None = None
    standardized: Mapping[str, Any] | None = None
    std_errors: Mapping[str, Any] | None = None
    parameter_table: pd.DataFrame | None = None


class EstimatorBase(abc.ABC):
    """The one ``fit`` skeleton every estimator shares (PLSPM, PLSc, CBSEM, GSCA).

    ``fit`` (1) checks that the spec suits the method (:meth:`check_spec`), (2) prepares the
    data once and computes their moments (:func:`resolve_data`), (3) has the method estimate
    its arrays (:meth:`estimate`, an :class:`Estimate`), (4) builds the 0-100 index once
    (:func:`build_index`) and (5) the :class:`~acsi.results.FitResult`, which keeps this
    estimator (``result.estimator``) so that bootstrap, blindfolding, PLSpredict and the
    group comparisons re-estimate with exactly these settings.
    Subclasses are frozen keyword-only dataclasses holding the settings, with ``method`` the
    name the registry gives them (:mod:`acsi.estimators.registry`) and an ``index_weights``
    setting.
    """

    #: The method's name in the registry (``"pls"``, ``"plsc"``, ``"cbsem"``, ``"gsca"``, ``"sumscore"``).
    method: ClassVar[str]
    index_weights: IndexWeights

    def fit(
        self,
        spec: ModelSpec,
        data: pd.DataFrame | IndicatorData,
        *,
        scale: tuple[float, float] | Scale | None = None,
        missing: MissingPolicy = "error",
    ) -> FitResult:
        """Estimate the model.

        Parameters
        ----------
        spec : ModelSpec
        data : pandas.DataFrame or IndicatorData
            Respondents in rows; never modified.
        scale : (min, max), optional
            Theoretical bounds for indicators whose scale the spec does not give (index only).
        missing : {"error", "listwise", "mean", "pairwise", "em"}
            See :mod:`acsi.data`; with ``"pairwise"`` and ``"em"`` the fit uses the
            estimated moments.

        Returns
        -------
        FitResult
            See the method's :meth:`estimate` for what it adds; ``estimator`` is this estimator.

        Raises
        ------
        SpecError
            The spec does not suit the method (:meth:`check_spec`).
        DataError
            See :func:`acsi.data.prepare`.
        ParameterError
            ``scale`` or ``missing`` given with already prepared data.
        """
        import numpy as np

        from acsi.results import FitResult

        self.check_spec(spec)
        prepared, mean, covariance, issued = resolve_data(spec, data, scale, missing)
        covariance, ordinal_settings = self._ordinal_moments(spec, prepared, covariance, issued)
        estimate = self.estimate(spec, prepared, mean, covariance)
        structure = model_structure(spec)
        index, index_messages = build_index(
            spec, prepared, estimate.standardized_weights, np.sqrt(np.diag(covariance)), mean, structure, self.index_weights
        )
        return FitResult(
            spec=spec,
            method=self.method,
            settings=dict(estimate.settings) | {"missing": prepared.missing} | ordinal_settings,
            converged=bool(estimate.converged),
            n_iter=int(estimate.n_iter),
            n_obs=prepared.values.shape[0],
            n_dropped=prepared.n_dropped,
            indicators=prepared.indicators,
            constructs=spec.construct_names,
            block=readonly(structure.block),
            outer_weights=readonly(estimate.outer_weights),
            standardized_weights=readonly(estimate.standardized_weights),
            cross_loading_matrix=readonly(estimate.cross_loading_matrix),
            construct_correlation_matrix=readonly(estimate.construct_correlation_matrix),
            path_matrix=readonly(estimate.path_matrix),
            r_squared_vector=readonly(estimate.r_squared_vector),
            score_weights=readonly(estimate.score_weights),
            score_offset=readonly(mean @ estimate.score_weights),
            indicator_values=prepared.values,
            row_labels=prepared.row_labels,
            index=index,
            warnings=(*issued, *estimate.warnings, *index_messages),
            missing=prepared.missing_report.to_dict() if prepared.missing_report is not None else None,
            reliability=estimate.reliability,
            model_fit=estimate.model_fit,
            fit_indices=estimate.fit_indices,
            standardized=estimate.standardized,
            std_errors=estimate.std_errors,
            parameter_table=estimate.parameter_table,
            case_weights=None if prepared.moments is not None else prepared.case_weights,
            estimator=self,
        )

    def check_spec(self, spec: ModelSpec) -> None:
        """Raise :class:`~acsi.errors.SpecError` if ``spec`` does not suit the method (default: the PLS rules)."""
        spec.check_pls()

    def _ordinal_moments(
        self, spec: ModelSpec, data: IndicatorData, covariance: np.ndarray, issued: list[str]
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """The covariance on the polychoric / polyserial correlations when the ``ordinal`` setting finds
        ordinal indicators (:mod:`acsi.estimators.ordinal`), else ``covariance``; and the settings to report.

        Appends the warning messages to ``issued``. A method without an ``ordinal`` setting
        refuses a spec that declares ordinal indicators (NotImplementedError).
        """
        from acsi.estimators.ordinal import ordinal_covariance

        mode = getattr(self, "ordinal", None)
        if mode is None:
            if spec.ordinal:
                raise NotImplementedError(
                    f"method={self.method!r} does not handle ordinal indicators (the spec declares {', '.join(spec.ordinal)}); "
                    "use method 'pls', 'plsc' or 'cbsem', or remove the 'ordinal' list to treat them as interval."
                )
            return covariance, {}
        covariance, names, messages = ordinal_covariance(spec, data, covariance, mode, self.method)
        issued.extend(messages)
        return covariance, ({"ordinal": mode, "ordinal_indicators": names} if names else {})

    @abc.abstractmethod
    def estimate(self, spec: ModelSpec, data: IndicatorData, mean: np.ndarray, covariance: np.ndarray) -> Estimate:
        """The method's arrays from prepared data and their moments (divisor n).

        Warnings go through :func:`acsi.notices.issue` with ``stacklevel=3`` (the caller of
        ``fit``) and their messages into :attr:`Estimate.warnings`.
        """


def resolve_data(
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    scale: tuple[float, float] | Scale | None,
    missing: MissingPolicy,
) -> tuple[IndicatorData, np.ndarray, np.ndarray, list[str]]:
    """Prepare ``data`` for ``spec`` once and return it with its moments.

    Returns
    -------
    (IndicatorData, mean, covariance, messages)
        The moments are the treatment's estimated ones for pairwise / EM data, else those of
        the values (divisor n), weighted by the data's case weights when it has them
        (``acsi.core.moments.mean_and_covariance``). ``messages`` are the warnings issued.

    Raises
    ------
    ValueError
        ``scale`` or ``missing`` given together with already prepared data.
    DataError
        The prepared data belong to another spec.

    Warns
    -----
    MissingDataWarning
        Case weights together with pairwise / EM moments, which are estimated unweighted.
    """
    from acsi.core.moments import mean_and_covariance
    from acsi.data import IndicatorData, prepare
    from acsi.errors import DataError, MissingDataWarning

    if not isinstance(data, IndicatorData):
        data = prepare(spec, data, scale=scale, missing=missing)
    elif scale is not None or missing != "error":
        raise ParameterError(
            "scale and missing apply when the data are prepared; pass them to acsi.prepare() "
            "instead of fit() when giving IndicatorData."
        )
    elif data.indicators != spec.indicators:
        raise DataError(
            f"The IndicatorData were prepared for another spec (indicators {', '.join(data.indicators)}); "
            "prepare them with this spec."
        )
    messages: list[str] = list(data.warnings)  # issued by prepare() already
    if data.moments is None:
        mean, covariance = mean_and_covariance(data.values, data.case_weights)
        return data, mean, covariance, messages
    if data.case_weights is not None:
        message = (
            f"The {data.missing} missing-data treatment estimates unweighted moments; the case weights are not "
            "applied. Use missing='listwise' or 'mean' for weighted estimates."
        )
        messages.append(message)
        notices.issue(message, MissingDataWarning, stacklevel=3)
    mean, covariance = data.moments
    return data, mean, covariance, messages


def readonly(array: np.ndarray) -> np.ndarray:
    """A read-only copy of ``array`` (the arrays a result holds)."""
    import numpy as np

    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


def build_index(
    spec: ModelSpec,
    data: IndicatorData,
    standardized_weights: np.ndarray,
    sd: np.ndarray,
    mean: np.ndarray,
    structure: Structure,
    index_weights: IndexWeights,
) -> tuple[IndexResult | None, list[str]]:
    """0-100 indices of the constructs whose indicators all have scales, and the warning messages.

    The one index step of every estimator: the standardised outer weights (one per indicator)
    are normalised by :func:`acsi.index.normalised_index_weights` (``index_weights``) within
    each scaled construct, and the index of a construct is
    ``100 * sum_j w_j (mean_j - min_j) / sum_j w_j (max_j - min_j)`` (:func:`acsi.index.index_map`).
    A construct whose weights cannot be normalised gets no index.

    Warns
    -----
    NegativeWeightWarning
        An index weight is negative (re-issued after being kept for the result's messages).
    """
    import numpy as np

    from acsi.core.index import index_values
    from acsi.index import index_map, normalised_index_weights
    from acsi.results import IndexResult

    names = spec.construct_names
    scaled = [b for b, construct in enumerate(spec.constructs) if all(i in data.scales for i in construct.indicators)]
    if not scaled:
        return None, []
    keep = np.zeros(len(names), dtype=bool)
    keep[scaled] = True
    keep = keep[structure.block]
    sub_block = np.searchsorted(np.array(scaled), structure.block[keep])
    with notices.recorded() as caught:  # kept for the result's messages, then re-issued
        normalised = normalised_index_weights(
            standardized_weights[keep],
            sd[keep],
            sub_block,
            index_weights,
            construct_names=tuple(names[b] for b in scaled),
            indicator_names=tuple(np.array(data.indicators)[keep]),
        )
    for category, message in caught:
        notices.issue(message, category, stacklevel=3)
    weights = np.zeros(structure.n_indicators)
    weights[keep] = normalised
    keep[keep] = ~np.isnan(normalised)  # constructs whose weights cannot be normalised get no index
    complete = np.bincount(structure.block, weights=keep) == np.bincount(structure.block)
    indexed = [b for b in scaled if complete[b]]
    if not indexed:
        return None, [message for _, message in caught]
    block = np.where(keep, np.searchsorted(np.array(indexed), structure.block), -1)
    lower = np.array([data.scales[i].min if k else 0.0 for i, k in zip(data.indicators, keep)])
    upper = np.array([data.scales[i].max if k else 1.0 for i, k in zip(data.indicators, keep)])
    mapping = index_map(weights, block, len(indexed), lower, upper)
    result = IndexResult(
        constructs=tuple(names[b] for b in indexed),
        values=readonly(index_values(weights, mean, lower, upper, block, len(indexed))),
        indicators=tuple(np.array(data.indicators)[keep]),
        indicator_constructs=tuple(names[b] for b in structure.block[keep]),
        weights=readonly(weights[keep]),
        lower=readonly(lower[keep]),
        upper=readonly(upper[keep]),
        means=readonly(mean[keep]),
        mapping=mapping,
        indicator_values=data.values,
        row_labels=data.row_labels,
        method=index_weights,
    )
    return result, [message for _, message in caught]
