"""The bootstrap of a Dask DataFrame: Poisson resample moments summed on the cluster, estimates in memory.

The rows stay on the cluster. :func:`acsi.distributed.resample.poisson_resample_moments` draws
every row's Poisson(1) count in each resample from the seed and the row's position
(:mod:`acsi.core.poisson`) and sums the rows' contributions to every resample's means and
covariance matrix; the batched PLS engine then estimates the stack of resample moments
(:meth:`acsi.inference.batched_pls.BatchedPLS.run_moments`), the very step the in-memory
``resampling="poisson"`` bootstrap takes after computing the same moments from the rows. The two
therefore give the same :class:`~acsi.inference.BootstrapResult` (up to summation order), for any
partitioning and number of workers.

What needs the rows is refused: multinomial resampling (each resample draws n rows from all
of them), the refit engine and the methods other than PLS (they refit rows), BCa (n jackknife
fits) and pairwise deletion (its moments per resample are not sums of row contributions).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from acsi.errors import ParameterError
from acsi.estimators.pls import PLSPM
from acsi.inference.inputs import BootstrapInputs
from acsi.results import FitResult


def check_request(estimator: Any, *, resampling: str, engine: str, ci: str, missing: str) -> None:
    """ParameterError, naming the option, for a bootstrap of a Dask DataFrame that needs the rows in memory."""
    if isinstance(estimator, FitResult):
        raise ParameterError(
            "A FitResult is bootstrapped from the rows it kept; with a Dask DataFrame pass the estimator: "
            "acsi.bootstrap(result.estimator, result.spec, dask_frame, resampling='poisson')."
        )
    if resampling != "poisson":
        raise ParameterError(
            f"resampling={resampling!r}: a Dask DataFrame is bootstrapped by Poisson resampling (each row's count "
            "drawn from the seed and its position, whatever the partitioning); pass resampling='poisson'."
        )
    if type(estimator) is not PLSPM or engine == "refit":
        name = "engine='refit'" if engine == "refit" else type(estimator).__name__
        raise ParameterError(
            f"{name}: the bootstrap of a Dask DataFrame estimates the resample moments with the batched PLS "
            "engine, so it takes the PLS estimator (method 'pls'); bootstrap other methods in memory."
        )
    if ci == "bca":
        raise ParameterError(
            "ci='bca' needs n leave-one-out fits of the rows (the jackknife acceleration); with a Dask DataFrame "
            "use ci='percentile' or 'basic'."
        )
    if missing == "pairwise":
        raise ParameterError(
            "missing='pairwise': the distributed bootstrap resamples complete rows; use missing='listwise' "
            "(or the in-memory engine, which repeats the pairwise treatment in every resample)."
        )


def resample_moments(inputs: BootstrapInputs, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Means (B, p) and covariances (B, p, p) of the ``n_boot`` Poisson resamples of ``inputs.rows``, on the cluster.

    ``seed`` is the entropy of the bootstrap's ``SeedSequence``, keyed as the in-memory Poisson
    bootstrap keys it (:func:`acsi.core.poisson.poisson_key`); the rows kept are those of the
    fit (all, or the complete ones under ``missing="listwise"``), weighted by ``rows.weight``.
    """
    from acsi.distributed.resample import poisson_resample_moments

    rows = inputs.rows
    assert rows is not None  # called for Dask inputs only
    return poisson_resample_moments(
        rows.frame,
        inputs.spec.indicators,
        n_resamples=n_boot,
        seed=seed,
        weight=rows.weight,
        listwise=inputs.data.missing == "listwise",
        parts=inputs.parts,
    )
