"""The convenience entry point ``acsi.fit``: one call from a spec and a data frame to a result."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Literal

import pandas as pd

from acsi.data import IndicatorData, MissingPolicy
from acsi.errors import ParameterError
from acsi.estimators.base import Estimator
from acsi.estimators.registry import METHODS, REGISTRY, check_options_used_by
from acsi.index import IndexWeights
from acsi.results import FitResult
from acsi.spec.interactions import Approach
from acsi.spec.load import load_spec
from acsi.spec.model import ModelSpec, Scale
from acsi.validate import check_choice

if TYPE_CHECKING:
    from acsi.distributed.frames import DaskRows

Method = Literal["pls", "plsc", "cbsem", "gsca", "sumscore"]
HigherOrderApproach = Literal["repeated-indicators", "two-stage-embedded", "two-stage-disjoint"]
__all__ = ["METHODS", "HigherOrderApproach", "Method", "fit", "fit_higher_order_spec", "make_estimator", "with_interactions"]


def fit(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame | IndicatorData,
    method: Method = "pls",
    *,
    scheme: Literal["path", "centroid", "factorial"] | None = None,
    raw: bool | None = None,
    scale: tuple[float, float] | Scale | None = None,
    index_weights: IndexWeights = "fornell",
    tol: float | None = None,
    max_iter: int | None = None,
    missing: MissingPolicy = "error",
    objective: str | None = None,
    std_lv: bool | None = None,
    higher_order: HigherOrderApproach | None = None,
    interactions: Approach | None = None,
    ordinal: Literal["declared", "auto", "none"] | None = None,
) -> FitResult:
    """Fit a model to data and compute its 0-100 indices.

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame, IndicatorData or dask.dataframe.DataFrame
        Respondents in rows, indicator columns named as in the spec; never modified. A Dask
        DataFrame is reduced to its moments on the active Dask scheduler (:mod:`acsi.distributed`;
        ``missing`` "error", "listwise" or "pairwise"; not ``cbsem``); wrap it as
        ``acsi.distributed.frames.DaskRows(frame, weight="w")`` to weight the rows by column ``w``.
    method : {"pls", "plsc", "cbsem", "gsca", "sumscore"}
        Estimator: PLS path modelling (:class:`~acsi.estimators.pls.PLSPM`), consistent PLS
        (:class:`~acsi.estimators.plsc.PLSc`), covariance-based SEM through semopy
        (:class:`~acsi.estimators.cbsem.CBSEM`), generalized structured component analysis
        (:class:`~acsi.estimators.gsca.GSCA`) or the baseline of regression on sum scores
        (:class:`~acsi.estimators.sumscore.SumScore`). Every method returns the same result
        type and JSON keys.
    scheme : {"path", "centroid", "factorial"}
        PLS inner weighting scheme (``pls`` and ``plsc``; default ``"path"``).
    raw : bool
        ``pls`` only: work on centred raw indicators instead of standardised ones (R plspm
        ``scaled = FALSE``; default False).
    scale : (min, max), optional
        Theoretical bounds of every indicator whose scale the spec does not give.
    index_weights : {"fornell", "standardized", "equal"}
    tol, max_iter : float, int
        Convergence tolerance and iteration limit (``pls``, ``plsc``, ``gsca``; default 1e-10 and 1000).
    missing : {"error", "listwise", "mean", "pairwise", "em"}
        Missing-data treatment (see :mod:`acsi.data`).
    objective : str
        ``cbsem`` objective (``"MLW"`` maximum likelihood, the default, ``"GLS"``, ``"ULS"``, ``"DWLS"``).
    std_lv : bool
        ``cbsem`` identification: False fixes each factor's first loading to 1 (lavaan's
        default); True fixes factor (residual) variances to 1 (lavaan ``std.lv = TRUE``).
    higher_order : {"repeated-indicators", "two-stage-embedded", "two-stage-disjoint"}, optional
        How ``pls``, ``plsc`` and ``gsca`` fit a spec with higher-order constructs
        (:mod:`acsi.estimators.higher_order`; default ``"two-stage-disjoint"``). ``cbsem`` fits
        them as second-order factors and takes no approach.
    interactions : {"two-stage", "product-indicator", "orthogonal"}, optional
        How the spec's interaction terms (``A:B``) are built (:mod:`acsi.spec.interactions`,
        :class:`~acsi.estimators.interaction_pls.InteractionPLS`); default ``"two-stage"`` when
        the spec has interactions (``cbsem``: ``"product-indicator"``). ``pls`` (all three), ``plsc``
        (two-stage, corrected as in Dijkstra & Schermelleh-Engel 2014:
        :class:`~acsi.estimators.interaction_plsc.InteractionPLSc`) and ``cbsem``
        (product-indicator, its default: latent products measured by double-mean-centred product
        indicators, :class:`~acsi.estimators.cbsem_interaction.InteractionCBSEM`); ``result.spec``
        holds them as constructs.
    ordinal : {"declared", "auto", "none"}
        ``pls``, ``plsc``, ``cbsem``: which indicators are ordinal (default ``"declared"``: the
        spec's ``ordinal`` list; ``"auto"`` adds integer items with at most 7 levels; ``"none"``:
        all interval). Ordinal indicators enter through their polychoric / polyserial
        correlations (OrdPLS, OrdPLSc; CB-SEM with ``objective="DWLS"``, lavaan's WLSMV, or
        ``"ULS"``); the 0-100 index stays on the raw answer scale (:mod:`acsi.estimators.ordinal`).

    Returns
    -------
    FitResult
        ``result.estimator`` is the estimator built from these options (:func:`make_estimator`),
        which :func:`acsi.bootstrap` and the assessment's refits re-use.

    Raises
    ------
    ParameterError
        An unknown method, or an option the method does not use (``scheme`` with
        ``method="gsca"``): the message names the methods that use it. Options left at None
        take the method's defaults.

    Examples
    --------
    The bundled ACSI model and its 500 simulated respondents (more verbs: ``docs/examples.md``):

    >>> import pandas as pd
    >>> import acsi
    >>> from acsi.resources import bundled
    >>> spec = acsi.load_spec(bundled("models/acsi.yaml"))
    >>> frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    >>> result = acsi.fit(spec, frame, method="pls", scheme="path")
    >>> round(result.to_dict()["index"]["customer_satisfaction"], 1)
    69.5
    >>> round(result.to_dict()["paths"]["perceived_quality -> customer_satisfaction"], 3)
    0.399

    An option the method does not use is refused, naming the methods that use it:

    >>> acsi.fit(spec, frame, method="gsca", scheme="centroid")
    Traceback (most recent call last):
        ...
    acsi.errors.ParameterError: method='gsca' does not use scheme='centroid'; scheme is used by method 'pls' or 'plsc'. ...
    """
    options = {
        "scheme": scheme,
        "raw": raw,
        "tol": tol,
        "max_iter": max_iter,
        "objective": objective,
        "std_lv": std_lv,
        "ordinal": ordinal,
    }
    check_options_used_by(method, options | {"index_weights": index_weights})
    estimator = make_estimator(method, index_weights=index_weights, **{k: v for k, v in options.items() if v is not None})
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    if spec.higher_order and spec.interactions:
        raise NotImplementedError(
            "A spec with both higher-order constructs and interaction terms is not supported yet: fit the "
            "higher-order model, then model the interaction on its construct scores."
        )
    estimator = with_interactions(estimator, spec, interactions)
    if spec.higher_order or higher_order is not None:
        return fit_higher_order_spec(estimator, spec, data, method, higher_order, scale=scale, missing=missing)
    from acsi.distributed.frames import dask_rows

    rows = dask_rows(data)
    if rows is not None:  # moments computed on the Dask scheduler in use (acsi.distributed)
        return estimator.fit(spec, _dask_data(spec, rows, method, scale, missing))
    return estimator.fit(spec, data, scale=scale, missing=missing)


def fit_higher_order_spec(
    estimator: Estimator,
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    method: str,
    approach: str | None,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> FitResult:
    """A spec with higher-order constructs: second-order factors for ``cbsem``, else an approach
    (:func:`acsi.estimators.higher_order.fit_higher_order`; default ``"two-stage-disjoint"``).

    Raises
    ------
    ParameterError
        An unknown approach, an approach without higher-order constructs, or with ``cbsem``.
    """
    from acsi.estimators.higher_order import APPROACHES, DEFAULT_APPROACH, fit_higher_order

    if approach is not None:
        check_choice("higher_order", approach, APPROACHES)
        if not spec.higher_order:
            raise ParameterError(f"higher_order={approach!r} was given, but the spec declares no higher-order construct.")
    if method == "cbsem":
        if approach is not None:
            raise ParameterError(
                f"method='cbsem' fits higher-order constructs as second-order factors; higher_order={approach!r} is an "
                "approach of the composite-based methods ('pls', 'plsc', 'gsca'). Leave it out."
            )
        from acsi.estimators.higher_order import fit_second_order

        return fit_second_order(estimator, spec, data, scale=scale, missing=missing)
    return fit_higher_order(estimator, spec, data, approach or DEFAULT_APPROACH, scale=scale, missing=missing)  # type: ignore[arg-type]


def with_interactions(estimator: Estimator, spec: ModelSpec, interactions: str | None) -> Estimator:
    """``estimator`` wrapped to build the spec's interaction terms (:class:`InteractionPLS`, ``InteractionPLSc``,
    ``InteractionCBSEM``), or as it is.

    Raises
    ------
    ParameterError
        ``interactions`` given for a spec without interaction terms, or an unknown approach.
    NotImplementedError
        An approach the method does not build: ``plsc`` takes ``"two-stage"`` only, ``cbsem``
        ``"product-indicator"`` only (:class:`~acsi.estimators.cbsem_interaction.InteractionCBSEM`,
        also its default), ``gsca`` none.
    """
    if not spec.interactions:
        if interactions is not None:
            raise ParameterError(f"interactions={interactions!r} given, but the spec declares no interaction term (A:B).")
        return estimator
    method = getattr(estimator, "method", None)
    if method == "cbsem" and interactions in (None, "product-indicator"):
        from acsi.estimators.cbsem_interaction import InteractionCBSEM

        return InteractionCBSEM(base=estimator)  # type: ignore[arg-type]
    if method == "plsc" and interactions in (None, "two-stage"):
        from acsi.estimators.interaction_plsc import InteractionPLSc

        return InteractionPLSc(base=estimator)  # type: ignore[arg-type]
    if method != "pls":
        raise NotImplementedError(
            f"Interaction terms ({', '.join(t.name for t in spec.interactions)}) are built for method='pls' (all three "
            "approaches), method='plsc' (two-stage) and method='cbsem' (product-indicator: latent products of "
            f"double-mean-centred indicators); method={method!r} with interactions={interactions!r} is not "
            "implemented yet (PLSc product indicators, CB-SEM two-stage or orthogonal terms, GSCA). Compare groups of "
            "a categorical moderator with acsi compare."
        )
    from acsi.estimators.interaction_pls import InteractionPLS

    return InteractionPLS(base=estimator, approach=interactions or "two-stage")  # type: ignore[arg-type]


def _dask_data(
    spec: ModelSpec, rows: DaskRows, method: str, scale: tuple[float, float] | Scale | None, missing: str
) -> IndicatorData:
    from acsi.distributed.prepare import prepare_dask

    if method == "cbsem":
        raise ParameterError("method='cbsem' hands semopy the rows; with a Dask DataFrame use 'pls', 'plsc' or 'gsca'.")
    return prepare_dask(spec, rows.frame, scale=scale, missing=missing, weight=rows.weight)


def make_estimator(
    method: Method = "pls",
    *,
    scheme: Literal["path", "centroid", "factorial"] = "path",
    raw: bool = False,
    index_weights: IndexWeights = "fornell",
    tol: float = 1e-10,
    max_iter: int = 1000,
    objective: str = "MLW",
    std_lv: bool = False,
    ordinal: Literal["declared", "auto", "none"] = "declared",
) -> Estimator:
    """The estimator object of ``method`` with the settings of :func:`fit` (for a bootstrap, a study, the CLI).

    Built from the method registry (:mod:`acsi.estimators.registry`). Unlike :func:`fit`, the
    options a method does not use are ignored (the command line gives every flag a default for
    every method), except ``raw=True``, which only ``pls`` offers.

    Examples
    --------
    >>> make_estimator("plsc", scheme="centroid")
    PLSc(scheme='centroid', tol=1e-10, max_iter=1000, index_weights='fornell', ordinal='declared')
    >>> make_estimator("gsca", scheme="centroid")      # the CLI's defaults reach every method
    GSCA(...)
    """
    check_choice("method", method, METHODS)
    if raw and method != "pls":
        raise ParameterError(f"raw=True (centred, unscaled indicators) is only offered by method='pls'; got method={method!r}.")
    entry = REGISTRY[method]
    given = {
        "scheme": scheme,
        "raw": raw,
        "index_weights": index_weights,
        "tol": tol,
        "max_iter": max_iter,
        "objective": objective,
        "std_lv": std_lv,
        "ordinal": ordinal,
    }
    settings = {name: value for name, value in given.items() if name in entry.options}
    if "raw" in settings:
        settings["standardized"] = not settings.pop("raw")
    return entry.load()(**settings)
