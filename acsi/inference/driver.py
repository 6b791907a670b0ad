"""The bootstrap driver: draw the resamples chunk by chunk, run them through an engine, count failures, build the intervals.

Reproducibility: the B resamples are cut into chunks of :data:`CHUNK` resamples, whatever the
number of workers; chunk c draws its resamples from the c-th child of
``numpy.random.SeedSequence(seed)``. The same seed therefore gives identical results with one
worker or many, and with either engine.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi import refit
from acsi.blas import one_blas_thread
from acsi.core import intervals as confidence
from acsi.core import resample
from acsi.core.poisson import poisson_counts, poisson_key
from acsi.data import IndicatorData, MissingPolicy
from acsi.distributed.frames import dask_rows
from acsi.errors import BootstrapWarning, EstimationError, ParameterError
from acsi.estimators.ordinal import may_use_ordinal
from acsi.estimators.pls import PLSPM
from acsi.inference import distributed
from acsi.inference.batched_pls import BatchedPLS
from acsi.inference.inputs import BootstrapInputs, check_int, check_options, resolve_inputs, seed_sequence
from acsi.inference.layout import StatisticLayout
from acsi.inference.refit_engine import RefitEngine
from acsi.inference.result import BootstrapResult
from acsi.spec.model import ModelSpec, Scale
from acsi.validate import check_choice

CIMethod = Literal["percentile", "bca", "basic"]
Engine = Literal["auto", "batched", "refit"]
Resampling = Literal["multinomial", "poisson"]

#: Resamples per chunk. Chunk boundaries (and so the random streams) depend only on this and
#: n_boot, never on the number of workers. Changing it changes the draws of a given seed.
CHUNK = 500


def bootstrap(
    estimator: Any,
    spec: ModelSpec | None = None,
    data: pd.DataFrame | IndicatorData | None = None,
    *,
    n_boot: int = 1000,
    seed: int | None = None,
    ci: CIMethod = "percentile",
    level: float = 0.95,
    sign_change: resample.SignChange = "none",
    workers: int | None = None,
    engine: Engine = "auto",
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
    strict: bool = True,
    mapping: Any = None,
    progress: Callable[[int], None] | None = None,
    resampling: Resampling = "multinomial",
) -> BootstrapResult:
    """Nonparametric bootstrap of a fit: standard errors, t and p values, confidence intervals.

    Parameters
    ----------
    estimator : Estimator or FitResult
        An estimator (``fit(spec, data) -> FitResult``), then ``spec`` and ``data`` are
        required; or a :class:`~acsi.results.FitResult` of any method, whose spec, data and
        estimator (``result.estimator``) are reused.
    spec : ModelSpec, optional
    data : pandas.DataFrame, IndicatorData, dask.dataframe.DataFrame or DaskRows, optional
        A Dask DataFrame (or :class:`acsi.distributed.frames.DaskRows`, one with a case-weight
        column) stays on the active Dask scheduler: with ``resampling="poisson"`` and the PLS
        estimator the resample moments are summed on the cluster and equal the in-memory Poisson
        bootstrap's (:mod:`acsi.inference.distributed`, which lists what it refuses).
    n_boot : int
        Resamples (at least 1; at least :data:`~acsi.inference.BCA_MIN_RESAMPLES` for BCa).
    seed : int, optional
        Seed of the ``numpy.random.SeedSequence`` the resamples are drawn from; None draws
        fresh entropy, reported in ``BootstrapResult.seed`` so the run can be repeated.
    ci : {"percentile", "bca", "basic"}
        Interval: percentile, bias-corrected and accelerated (acceleration from the
        jackknife), or basic (reverse percentile).
    level : float
        Confidence level, default 0.95.
    sign_change : {"none", "individual", "construct"}
        ``"none"``: every resample is oriented as the estimator orients (positive sum of
        loadings per construct). ``"construct"``: a construct's weights are also flipped where
        that brings its loadings closer to the original ones, and the estimates recomputed.
        ``"individual"``: every weight, loading, path and effect takes the sign of its
        original estimate. (Tenenhaus et al. 2005; cSEM ``.sign_change_option``.)
    workers : int, optional
        Threads working on chunks of resamples (default: the number of CPUs). Results do not
        depend on it.
    engine : {"auto", "batched", "refit"}
        ``"batched"`` (PLS only): all resamples through the batched kernel; ``"refit"``: a loop
        of ``estimator.fit`` calls on the same resamples; ``"auto"``: batched for PLSPM.
    scale, missing, strict, mapping
        Passed to :func:`acsi.data.prepare` when ``data`` is a DataFrame or Survey. With a
        treatment that fills or models missing values (``"mean"``, ``"pairwise"``, ``"em"``)
        each resample draws raw rows and repeats the treatment (refit loop), so the intervals
        include the imputation's uncertainty; a fit made with such a treatment can therefore
        only be bootstrapped from the raw data, not from its FitResult.
    progress : callable, optional
        Called with the number of resamples just finished, after each chunk.
    resampling : {"multinomial", "poisson"}
        ``"multinomial"`` (default): each resample draws n rows with replacement.
        ``"poisson"``: each row enters each resample Poisson(1) times, drawn by a counter-based
        generator keyed by the seed and the row's position (:mod:`acsi.core.poisson`), the
        bootstrap the distributed engine runs (:mod:`acsi.distributed`), which it equals.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ParameterError
        n_boot < 2 (one resample has no spread: zero-width intervals), a seed that is not a non-negative integer, BCa with fewer than
        :data:`~acsi.inference.BCA_MIN_RESAMPLES` resamples, an unknown option.
    EstimationError
        Every resample failed.

    Warns
    -----
    BootstrapWarning
        Some resamples failed (counted by reason) or BCa jackknife fits failed.

    Notes
    -----
    Standard errors are the standard deviations of the replicates (divisor B - 1); t is the
    estimate over its standard error and p is two-sided from Student's t with n - 1 degrees of
    freedom. The intervals and standard errors use only the resamples that succeeded. In the
    refit loop, warnings other than non-convergence raised inside a resample (for example a
    negative index weight) are not re-issued; the full-sample fit issues its own.

    Examples
    --------
    >>> import acsi
    >>> result = acsi.fit(spec, frame)                                   # doctest: +SKIP
    >>> boot = acsi.bootstrap(result, n_boot=5000, seed=1)               # doctest: +SKIP
    >>> boot.to_dict()["ci"]["paths"]                                    # doctest: +SKIP
    """
    n_boot, sequence, workers = check_options(n_boot, seed, ci, level, sign_change, workers, engine)
    check_choice("resampling", resampling, ("multinomial", "poisson"))
    prepare_options: dict[str, Any] = {"scale": scale, "missing": missing, "strict": strict, "mapping": mapping}
    if dask_rows(data) is not None:
        distributed.check_request(estimator, resampling=resampling, engine=engine, ci=ci, missing=missing)
    inputs = resolve_inputs(estimator, spec, data, prepare_options)
    if inputs.raw is not None and engine == "batched":
        raise ParameterError(
            f"missing={missing!r} is repeated in every resample by the refit engine; use engine='auto' or 'refit'."
        )
    pearson = not may_use_ordinal(inputs.estimator, inputs.spec)  # polychoric correlations: refit every resample
    batched = type(inputs.estimator) is PLSPM and engine != "refit" and inputs.raw is None and pearson
    if engine == "batched" and not (type(inputs.estimator) is PLSPM and pearson):
        raise ParameterError(
            f"engine='batched' works for PLSPM only, on Pearson correlations; got {type(inputs.estimator).__name__} "
            f"(ordinal={getattr(inputs.estimator, 'ordinal', 'none')!r}). Use engine='refit'."
        )
    layout = StatisticLayout.of(inputs.base)
    estimates = layout.from_result(inputs.base)
    work = _engine(inputs, layout, sign_change, batched)
    moments = None if inputs.rows is None else distributed.resample_moments(inputs, n_boot, int(sequence.entropy))  # type: ignore[arg-type]
    theta, code = _resample(work, inputs.n, n_boot, sequence, workers, progress, resampling, moments)
    if sign_change == "individual":
        theta = resample.individual_sign_change(theta, estimates, layout.signed)
    failures = refit.count_failures(code)
    replicates = theta[code == refit.OK]
    _report_failures(n_boot, replicates.shape[0], failures)
    acceleration = None
    if ci == "bca":
        acceleration = _acceleration(work, inputs.n, workers, estimates, sign_change, layout)
    intervals = _intervals(ci, replicates, estimates, acceleration, level)
    for array in (replicates, estimates, intervals):
        array.setflags(write=False)
    return BootstrapResult(
        fit=inputs.base,
        kinds=layout.kinds,
        keys=layout.keys,
        estimates=estimates,
        replicates=replicates,
        intervals=intervals,
        requested=n_boot,
        failed=n_boot - replicates.shape[0],
        failures=failures,
        seed=int(sequence.entropy),  # type: ignore[arg-type]
        ci_method=ci,
        level=float(level),
        sign_change=sign_change,
        engine="batched" if batched else "refit",
        acceleration=acceleration,
        resampling=resampling,
    )


def _engine(inputs: BootstrapInputs, layout: StatisticLayout, sign_change: str, batched: bool) -> BatchedPLS | RefitEngine:
    """The engine that estimates the resamples: batched PLS on stacks of moments, or refits."""
    if batched:
        moments = inputs.data.moments if inputs.rows is not None else None  # a Dask fit: moments, no rows
        return BatchedPLS.build(inputs.estimator, inputs.base, layout, sign_change, moments)
    return RefitEngine(inputs.estimator, inputs.spec, inputs.data, layout, raw=inputs.raw, prepare_options=inputs.prepare_options)


def _resample(
    work: BatchedPLS | RefitEngine,
    n: int,
    n_boot: int,
    sequence: np.random.SeedSequence,
    workers: int,
    progress: Callable[[int], None] | None,
    resampling: Resampling,
    moments: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Statistics (B, P) and failure codes (B,) of the ``n_boot`` resamples, drawn chunk by chunk.

    ``moments``: the resamples' means and covariances, computed on a Dask cluster
    (:mod:`acsi.inference.distributed`); the batched engine estimates them in the same chunks.
    """
    chunks = [(start, min(start + CHUNK, n_boot)) for start in range(0, n_boot, CHUNK)]
    streams = sequence.spawn(len(chunks))

    def run_chunk(c: int) -> tuple[np.ndarray, np.ndarray]:
        start, stop = chunks[c]
        if moments is not None:
            assert isinstance(work, BatchedPLS)  # Dask inputs are estimated by the batched engine only
            return work.run_moments(moments[0][start:stop], moments[1][start:stop])
        if resampling == "poisson":
            counts = poisson_counts(poisson_key(sequence.entropy), range(start, stop), 0, n)
            if isinstance(work, BatchedPLS):
                return work.run(counts)
            return work.run_rows([np.repeat(np.arange(n), row) for row in counts])
        rng = np.random.default_rng(streams[c])
        indices = resample.draw_indices(rng, stop - start, n)
        if isinstance(work, BatchedPLS):
            return work.run(resample.counts_from_indices(indices, n))
        return work.run(indices)

    thetas, codes = _map_chunks(run_chunk, len(chunks), workers, progress, [stop - start for start, stop in chunks])
    return np.concatenate(thetas), np.concatenate(codes)


def _report_failures(n_boot: int, used: int, failures: dict[str, int]) -> None:
    """Refuse a bootstrap whose every resample failed; warn, by reason, about the resamples left out."""
    if used == 0:
        raise EstimationError(
            f"All {n_boot} bootstrap resamples failed ({refit.describe(failures)}); no standard errors or intervals "
            "can be computed. Check the data for near-constant indicators or collinear blocks."
        )
    if used < n_boot:
        warnings.warn(
            f"{n_boot - used} of {n_boot} bootstrap resamples failed ({refit.describe(failures)}) and are left out of the "
            f"standard errors and intervals, which use the {used} that succeeded.",
            BootstrapWarning,
            stacklevel=3,
        )


def _intervals(
    ci: str, replicates: np.ndarray, estimates: np.ndarray, acceleration: np.ndarray | None, level: float
) -> np.ndarray:
    """The (P, 2) interval ends of ``ci`` (:mod:`acsi.core.intervals`): BCa, basic or percentile."""
    if ci == "bca":
        assert acceleration is not None  # computed for every BCa run
        return confidence.bca_interval(replicates, estimates, acceleration, level)
    if ci == "basic":
        return confidence.basic_interval(replicates, estimates, level)
    return confidence.percentile_bounds(replicates, level)


def resample_indices(n_boot: int, n: int, seed: int) -> np.ndarray:
    """The row indices (n_boot, n) that :func:`bootstrap` draws for ``seed``, for refits elsewhere.

    Feeding them to another implementation (a refit loop, a peer's bootstrap) reproduces the
    same resamples, so estimates can be compared resample by resample.
    """
    n_boot = check_int("n_boot", n_boot, 1)
    sequence = seed_sequence(seed)
    starts = range(0, n_boot, CHUNK)
    streams = sequence.spawn(len(starts))
    return np.concatenate(
        [resample.draw_indices(np.random.default_rng(s), min(CHUNK, n_boot - a), n) for a, s in zip(starts, streams)]
    )


def _map_chunks(
    run: Callable[[int], tuple[np.ndarray, np.ndarray]],
    n_chunks: int,
    workers: int,
    progress: Callable[[int], None] | None,
    sizes: list[int],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run the chunks (in threads when workers > 1, BLAS pinned to one thread) in chunk order."""
    thetas: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    with one_blas_thread():
        if workers == 1 or n_chunks == 1:
            outputs = map(run, range(n_chunks))
            for c, (theta, code) in enumerate(outputs):
                thetas.append(theta)
                codes.append(code)
                if progress is not None:
                    progress(sizes[c])
        else:
            with ThreadPoolExecutor(max_workers=min(workers, n_chunks)) as pool:
                for c, (theta, code) in enumerate(pool.map(run, range(n_chunks))):
                    thetas.append(theta)
                    codes.append(code)
                    if progress is not None:
                        progress(sizes[c])
    return thetas, codes


def _acceleration(
    work: BatchedPLS | RefitEngine, n: int, workers: int, estimates: np.ndarray, sign_change: str, layout: StatisticLayout
) -> np.ndarray:
    """BCa acceleration from the n leave-one-out fits (same engine as the bootstrap)."""
    starts = list(range(0, n, CHUNK))

    def run_chunk(c: int) -> tuple[np.ndarray, np.ndarray]:
        left_out = np.arange(starts[c], min(starts[c] + CHUNK, n))
        if isinstance(work, BatchedPLS):
            counts = np.ones((left_out.size, n))
            counts[np.arange(left_out.size), left_out] = 0.0
            return work.run(counts)
        return work.run_rows([np.delete(np.arange(n), i) for i in left_out])

    thetas, codes = _map_chunks(run_chunk, len(starts), workers, None, [])
    theta = np.concatenate(thetas)
    code = np.concatenate(codes)
    if sign_change == "individual":
        theta = resample.individual_sign_change(theta, estimates, layout.signed)
    if (code != refit.OK).any():
        warnings.warn(
            f"{int((code != refit.OK).sum())} of {n} jackknife fits for the BCa acceleration failed and are left out.",
            BootstrapWarning,
            stacklevel=3,
        )
    return confidence.jackknife_acceleration(theta[code == refit.OK])
