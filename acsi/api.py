"""The convenience entry point ``acsi.fit``: one call from a spec and a data frame to a result."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Literal

import pandas as pd

from acsi.data import IndicatorData, MissingPolicy
from acsi.estimators.base import Estimator
from acsi.estimators.pls import PLSPM
from acsi.index import IndexWeights
from acsi.results import FitResult
from acsi.spec.load import load_spec
from acsi.spec.model import ModelSpec, Scale
from acsi.errors import ParameterError

Method = Literal["pls", "plsc", "cbsem", "gsca"]
METHODS: tuple[str, ...] = ("pls", "plsc", "cbsem", "gsca")


def fit(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame | IndicatorData,
    method: Method = "pls",
    *,
    scheme: Literal["path", "centroid", "factorial"] = "path",
    raw: bool = False,
    scale: tuple[float, float] | Scale | None = None,
    index_weights: IndexWeights = "fornell",
    tol: float = 1e-10,
    max_iter: int = 1000,
    missing: MissingPolicy = "error",
    objective: str = "MLW",
    std_lv: bool = False,
) -> FitResult:
    """Fit a model to data and compute its 0-100 indices.

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame or IndicatorData
        Respondents in rows, indicator columns named as in the spec; never modified.
    method : {"pls", "plsc", "cbsem", "gsca"}
        Estimator: PLS path modelling (:class:`~acsi.estimators.pls.PLSPM`), consistent PLS
        (:class:`~acsi.estimators.plsc.PLSc`), covariance-based SEM through semopy
        (:class:`~acsi.estimators.cbsem.CBSEM`) or generalized structured component analysis
        (:class:`~acsi.estimators.gsca.GSCA`). Every method returns the same result type
        and JSON keys.
    scheme : {"path", "centroid", "factorial"}
        PLS inner weighting scheme (``pls`` and ``plsc``).
    raw : bool
        Work on centred raw indicators instead of standardised ones (R plspm ``scaled = FALSE``).
    scale : (min, max), optional
        Theoretical bounds of every indicator whose scale the spec does not give.
    index_weights : {"fornell", "standardized", "equal"}
    tol, max_iter : float, int
        Convergence tolerance (largest weight change) and iteration limit.
    missing : {"error", "listwise", "mean", "pairwise", "em"}
        Missing-data treatment (see :mod:`acsi.data`).
    objective : str
        CB-SEM objective (``"MLW"`` maximum likelihood, ``"GLS"``, ``"ULS"``, ``"DWLS"``).
    std_lv : bool
        CB-SEM identification: False fixes each factor's first loading to 1 (lavaan's
        default); True fixes factor (residual) variances to 1 (lavaan ``std.lv = TRUE``).

    Returns
    -------
    FitResult

    Examples
    --------
    >>> import acsi
    >>> spec = acsi.load_spec("models/acsi.yaml")                      # doctest: +SKIP
    >>> result = acsi.fit(spec, frame, method="pls", scheme="path")    # doctest: +SKIP
    >>> result.to_dict()["index"]                                      # doctest: +SKIP
    """
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    estimator = make_estimator(
        method, scheme=scheme, raw=raw, index_weights=index_weights, tol=tol, max_iter=max_iter,
        objective=objective, std_lv=std_lv,
    )
    return estimator.fit(spec, data, scale=scale, missing=missing)


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
) -> Estimator:
    """The estimator object of ``method`` with the settings of :func:`fit` (for a bootstrap, a study)."""
    if method not in METHODS:
        raise ParameterError(f"Unknown method {method!r}; expected one of {', '.join(METHODS)}.")
    if raw and method != "pls":
        raise ParameterError(f"raw=True (centred, unscaled indicators) is only offered by method='pls'; got method={method!r}.")
    if method == "pls":
        return PLSPM(scheme=scheme, standardized=not raw, tol=tol, max_iter=max_iter, index_weights=index_weights)
    if method == "plsc":
        from acsi.estimators.plsc import PLSc

        return PLSc(scheme=scheme, tol=tol, max_iter=max_iter, index_weights=index_weights)
    if method == "cbsem":
        from acsi.estimators.cbsem import CBSEM

        return CBSEM(objective=objective, std_lv=std_lv, index_weights=index_weights)
    from acsi.estimators.gsca import GSCA

    return GSCA(tol=tol, max_iter=max_iter, index_weights=index_weights)
