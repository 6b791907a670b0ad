"""The convenience entry point ``acsi.fit``: one call from a spec and a data frame to a result."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Literal

import pandas as pd

from acsi.data import IndicatorData, MissingPolicy
from acsi.estimators.pls import PLSPM
from acsi.index import IndexWeights
from acsi.results import FitResult
from acsi.spec.load import load_spec
from acsi.spec.model import ModelSpec, Scale

Method = Literal["pls", "plsc", "cbsem", "gsca"]
_PLANNED = {
    "plsc": "consistent PLS (PLSc)",
    "cbsem": "covariance-based SEM through semopy",
    "gsca": "generalized structured component analysis (GSCA)",
}


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
) -> FitResult:
    """Fit a model to data and compute its 0-100 indices.

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame or IndicatorData
        Respondents in rows, indicator columns named as in the spec; never modified.
    method : {"pls"}
        Estimator. ``"plsc"``, ``"cbsem"`` and ``"gsca"`` are planned and raise
        ``NotImplementedError`` for now.
    scheme : {"path", "centroid", "factorial"}
        PLS inner weighting scheme.
    raw : bool
        Work on centred raw indicators instead of standardised ones (R plspm ``scaled = FALSE``).
    scale : (min, max), optional
        Theoretical bounds of every indicator whose scale the spec does not give.
    index_weights : {"fornell", "standardized", "equal"}
    tol, max_iter : float, int
        Convergence tolerance (largest weight change) and iteration limit.
    missing : {"error", "listwise", "mean", "pairwise", "em"}
        Missing-data treatment (see :mod:`acsi.data`).

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
    if method in _PLANNED:
        raise NotImplementedError(
            f"method={method!r} ({_PLANNED[method]}) is not implemented yet; only method='pls' is available."
        )
    if method != "pls":
        raise ValueError(f"Unknown method {method!r}; expected 'pls' (planned: {', '.join(_PLANNED)}).")
    estimator = PLSPM(scheme=scheme, standardized=not raw, tol=tol, max_iter=max_iter, index_weights=index_weights)
    return estimator.fit(spec, data, scale=scale, missing=missing)
