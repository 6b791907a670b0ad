"""The convenience entry point ``acsi.fit``: one call from a spec and a data frame to a result."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Literal

import pandas as pd

from acsi.data import IndicatorData, MissingPolicy
from acsi.errors import ParameterError
from acsi.estimators.base import Estimator
from acsi.estimators.registry import METHODS, REGISTRY, check_options_used_by
from acsi.index import IndexWeights
from acsi.results import FitResult
from acsi.spec.load import load_spec
from acsi.spec.model import ModelSpec, Scale
from acsi.validate import check_choice

Method = Literal["pls", "plsc", "cbsem", "gsca"]
__all__ = ["METHODS", "Method", "fit", "make_estimator"]


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
    ordinal: Literal["declared", "auto", "none"] | None = None,
) -> FitResult:
    """Fit a model to data and compute its 0-100 indices.

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame, IndicatorData or dask.dataframe.DataFrame
        Respondents in rows, indicator columns named as in the spec; never modified. A Dask
        DataFrame is reduced to its moments on the active Dask scheduler (:mod:`acsi.distributed`;
        ``missing`` "error", "listwise" or "pairwise"; not ``cbsem``).
    method : {"pls", "plsc", "cbsem", "gsca"}
        Estimator: PLS path modelling (:class:`~acsi.estimators.pls.PLSPM`), consistent PLS
        (:class:`~acsi.estimators.plsc.PLSc`), covariance-based SEM through semopy
        (:class:`~acsi.estimators.cbsem.CBSEM`) or generalized structured component analysis
        (:class:`~acsi.estimators.gsca.GSCA`). Every method returns the same result type
        and JSON keys.
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
    from acsi.distributed.frames import is_dask_frame

    if is_dask_frame(data):  # moments computed on the Dask scheduler in use (acsi.distributed)
        return estimator.fit(spec, _dask_data(spec, data, method, scale, missing))
    return estimator.fit(spec, data, scale=scale, missing=missing)


def _dask_data(
    spec: ModelSpec, data: object, method: str, scale: tuple[float, float] | Scale | None, missing: str
) -> IndicatorData:
    from acsi.distributed.prepare import prepare_dask

    if method == "cbsem":
        raise ParameterError("method='cbsem' hands semopy the rows; with a Dask DataFrame use 'pls', 'plsc' or 'gsca'.")
    return prepare_dask(spec, data, scale=scale, missing=missing)


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
