"""FIMIX-PLS: finite-mixture segmentation of the structural model on PLS construct scores.

:func:`fimix` fits the model by PLS path modelling on all respondents, takes the construct
scores (unit variance) and fits, for each requested number of segments K, a finite mixture of
the structural regressions (one per endogenous construct, on its predictors in the spec) by EM
from many seeded random starts (:mod:`acsi.segment.mixture_regression`, Hahn et al. 2002).
For every K it reports the log-likelihood, the information criteria and the normed entropy
(:mod:`acsi.segment.criteria`), the segment sizes, the segment-specific path coefficients,
residual variances and R², and each respondent's membership probabilities; the recommended K
follows the rule of Sarstedt et al. (2011) stated in :data:`acsi.segment.criteria.RULE`.

The number of free parameters of a K-segment solution is
``N = (K - 1) + K * (number of paths [+ Q intercepts]) + K * Q`` (mixing proportions,
coefficients, residual variances; Hahn et al. 2002), Q the number of endogenous constructs.

Without intercepts (the default, as in Hahn et al. 2002 and SmartPLS) the segments differ in
their slopes and residual variances only; ``intercepts=True`` lets their levels differ too.

Seeding: the starts of each K are drawn from ``numpy.random.SeedSequence([seed, K])``, so a
K's solution does not depend on which other K are fitted in the same call.

References: Hahn, C., Johnson, M. D., Herrmann, A. & Huber, F. (2002), *Schmalenbach Business
Review* 54, 243-269; Sarstedt, M., Becker, J.-M., Ringle, C. M. & Schwaiger, M. (2011),
*Schmalenbach Business Review* 63, 34-62; Hair, J. F., Sarstedt, M., Matthews, L. M. & Ringle,
C. M. (2016), Identifying and treating unobserved heterogeneity with FIMIX-PLS: part I -
method, *European Business Review* 28(1), 63-76.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from pathlib import Path as FilePath
from typing import TYPE_CHECKING

import numpy as np

from acsi.errors import ConvergenceWarning, DataError, EstimationError, ParameterError
from acsi.segment.criteria import ENTROPY_THRESHOLD, information_criteria, normed_entropy, recommend
from acsi.segment.fimix_result import FimixResult, SegmentSolution
from acsi.segment.mixture_regression import MixtureFit, mixture_regression
from acsi.validate import check_bool, check_int

if TYPE_CHECKING:
    import pandas as pd

    from acsi.data import IndicatorData
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec

__all__ = ["fimix", "parse_k"]


def parse_k(k: int | Iterable[int] | str) -> tuple[int, ...]:
    """The numbers of segments asked for: an int, an iterable of ints, or text ``"1-6"`` / ``"2,3,4"``."""
    if isinstance(k, str):
        text = k.strip()
        try:
            if "-" in text:
                low, high = (int(part) for part in text.split("-", 1))
                values: tuple[int, ...] = tuple(range(low, high + 1))
            else:
                values = tuple(int(part) for part in text.split(","))
        except ValueError:
            raise ParameterError(f"k must be a number of segments or a range such as 1-6 or 2,3,4; got {k!r}.") from None
    elif isinstance(k, Iterable):
        values = tuple(k)
    else:
        values = (k,)
    if not values:
        raise ParameterError(f"k must name at least one number of segments; got {k!r}.")
    for value in values:
        check_int("k", value, 1)
    return tuple(sorted({int(v) for v in values}))


def fimix(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame | IndicatorData,
    k: int | Iterable[int] | str = range(1, 7),
    *,
    starts: int = 10,
    seed: int | None = None,
    tol: float = 1e-7,
    max_iter: int = 5000,
    intercepts: bool = False,
    scheme: str = "path",
    missing: str = "error",
    scale: tuple[float, float] | None = None,
) -> FimixResult:
    """FIMIX-PLS segmentation of ``spec``'s structural model for each number of segments in ``k``.

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame or IndicatorData
        Respondents in rows; other columns are ignored.
    k : int, iterable of int, or text such as ``"1-6"``
        The numbers of segments to fit (default 1 to 6). Include K = 1 so that the criteria can
        say whether there are segments at all.
    starts : int
        Random starting partitions per K (default 10); the best log-likelihood is kept.
    seed : int, optional
        Seeds the starts (``SeedSequence([seed, K])``); None draws one, recorded in ``settings``.
    tol, max_iter : float, int
        EM convergence: relative change of the log-likelihood below ``tol``, at most ``max_iter`` iterations.
    intercepts : bool
        Segment-specific intercepts in the structural regressions (default False, as Hahn et al. 2002).
    scheme, missing, scale
        Of the pooled PLS fit (see :func:`acsi.fit`).

    Returns
    -------
    FimixResult

    Raises
    ------
    ParameterError
        A bad ``k``, ``starts``, ``seed``, ``tol`` or ``max_iter``.
    SpecError
        The model has no structural paths.
    EstimationError
        Every start of every K was degenerate (a K whose starts all fail is left out with a note).

    Warns
    -----
    ConvergenceWarning
        The best start of a K stopped at ``max_iter``.
    """
    from acsi.api import fit as fit_model
    from acsi.errors import SpecError
    from acsi.spec.load import load_spec
    from acsi.spec.model import ModelSpec

    ks = parse_k(k)
    seed = _checked_seed(starts, seed, tol, max_iter, intercepts)
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    if not spec.paths:
        raise SpecError("FIMIX-PLS segments the structural model, but the spec declares no paths.")
    pooled = fit_model(spec, data, method="pls", scheme=scheme, missing=missing, scale=scale)  # type: ignore[arg-type]
    n = pooled.n_obs
    if ks[-1] > 1 and n < 2 * ks[-1]:
        raise DataError(f"FIMIX-PLS with K = {ks[-1]} segments needs more respondents than {n}.")
    outcomes, designs, path_slot = _regressions(spec, pooled, intercepts)
    n_coefficients = sum(x.shape[1] for x in designs)
    solutions: dict[int, SegmentSolution] = {}
    skipped: list[int] = []
    for n_segments in ks:
        rng = np.random.default_rng(np.random.SeedSequence([seed, n_segments]))
        em = mixture_regression(outcomes, designs, n_segments, starts=starts, rng=rng, tol=tol, max_iter=max_iter)
        if not math.isfinite(em.log_likelihood):
            skipped.append(n_segments)
            continue
        if not em.converged:
            warnings.warn(
                f"FIMIX-PLS with K = {n_segments}: the best start stopped at max_iter={max_iter} before the "
                f"log-likelihood changed by less than tol={tol}.",
                ConvergenceWarning,
                stacklevel=2,
            )
        solutions[n_segments] = _solution(em, n_segments, outcomes, path_slot, n_coefficients, intercepts, n)
    if not solutions:
        raise EstimationError(
            f"FIMIX-PLS: every start of every K ({', '.join(map(str, ks))}) ended with a segment of fewer respondents "
            "than a regression has coefficients; fit fewer segments or more respondents."
        )
    recommendation = recommend({s.k: s.criteria for s in solutions.values()})
    notes = _notes(solutions, recommendation.k, recommendation.agreement, ks) + _left_out(solutions, skipped, starts)
    return FimixResult(
        spec=spec,
        fit=pooled,
        solutions=solutions,
        k=recommendation.k,
        basis=recommendation.basis,
        choices=recommendation.choices,
        settings={
            "starts": starts,
            "seed": seed,
            "tol": tol,
            "max_iter": max_iter,
            "intercepts": intercepts,
            "scheme": scheme,
            "k": list(ks),
        },
        notes=tuple(notes),
    )


def _notes(solutions: dict[int, SegmentSolution], k: int, agreement: bool, ks: tuple[int, ...]) -> list[str]:
    notes = []
    if len(ks) == 1:
        notes.append(f"Only K = {ks[0]} was fitted: the criteria cannot choose; fit a range such as 1-6.")
    elif ks[0] != 1:
        notes.append("K = 1 was not fitted: the criteria cannot say whether there are segments at all.")
    if not agreement:
        notes.append("The information criteria disagree on K: read the criteria table, and the segments' sizes and paths.")
    best = solutions[k]
    if k > 1 and best.entropy < ENTROPY_THRESHOLD:
        notes.append(
            f"Normed entropy of K = {k} is {best.entropy:.3f} (< {ENTROPY_THRESHOLD}): the segments overlap, "
            "and the assignment of many respondents is uncertain."
        )
    if k == ks[-1] and len(ks) > 1:
        notes.append(f"The recommended K = {k} is the largest fitted: fit larger K to see whether the criteria turn.")
    return notes


def _solution(
    em: MixtureFit,
    n_segments: int,
    outcomes: np.ndarray,
    path_slot: list[tuple[int, int]],
    n_coefficients: int,
    intercepts: bool,
    n: int,
) -> SegmentSolution:
    """The K-segment solution of one EM run, segments ordered by size (largest first): paths, intercepts, residual
    variances, R² (1 - residual variance / segment variance of the outcome), criteria (``n_parameters`` = K - 1
    proportions + K x (coefficients + residual variances)) and the normed entropy."""
    order = np.argsort(-em.proportions, kind="stable")
    n_parameters = (n_segments - 1) + n_segments * n_coefficients + n_segments * outcomes.shape[1]
    posterior = em.posterior[:, order]
    coefficients = [beta[order] for beta in em.coefficients]
    variances = em.variances[:, order].T
    weights = posterior.sum(axis=0)
    outcome_var = np.stack(
        [
            (posterior * (outcomes[:, [m]] - (posterior * outcomes[:, [m]]).sum(0) / weights) ** 2).sum(0) / weights
            for m in range(outcomes.shape[1])
        ],
        axis=1,
    )
    return SegmentSolution(
        k=n_segments,
        log_likelihood=em.log_likelihood,
        n_parameters=n_parameters,
        criteria=information_criteria(em.log_likelihood, n_parameters, n),
        entropy=normed_entropy(posterior),
        sizes=em.proportions[order],
        paths=np.array([[coefficients[m][j, c] for m, c in path_slot] for j in range(n_segments)]),
        intercepts=np.stack([beta[:, 0] for beta in coefficients], axis=1) if intercepts else None,
        variances=variances,
        r_squared=1.0 - variances / outcome_var,
        posterior=posterior,
        n_iter=em.n_iter,
        converged=em.converged,
        start_log_likelihoods=em.start_log_likelihoods,
        at_bound=em.at_bound,
    )


def _left_out(solutions: dict[int, SegmentSolution], skipped: list[int], starts: int) -> list[str]:
    """Notes on the K left out (every start degenerate) and on solutions with a variance at its lower bound."""
    notes = [
        f"K = {k} left out: all {starts} starts ended with a segment of fewer respondents than a regression has "
        "coefficients (too many segments for these data)."
        for k in skipped
    ]
    notes += [
        f"K = {s.k}: a segment's residual variance sits on its lower bound (1% of the one-segment residual variance): "
        "the segment gathers respondents with (nearly) identical scores, a spike of the likelihood rather than a "
        "customer group."
        for s in solutions.values()
        if s.at_bound
    ]
    return notes


def _checked_seed(starts: int, seed: int | None, tol: float, max_iter: int, intercepts: bool) -> int:
    """The seed of the starts (drawn when None) after checking the EM options; :class:`ParameterError` otherwise."""
    check_int("starts", starts, 1)
    check_int("max_iter", max_iter, 1)
    check_bool("intercepts", intercepts)
    if seed is not None:
        check_int("seed", seed, 0)
    if not (isinstance(tol, (int, float)) and not isinstance(tol, bool) and 0 < tol < 1):
        raise ParameterError(f"tol must be a number between 0 and 1; got {tol!r}.")
    return int(np.random.SeedSequence().entropy % (2**63)) if seed is None else seed


def _regressions(spec: ModelSpec, pooled: FitResult, intercepts: bool) -> tuple[np.ndarray, tuple[np.ndarray, ...], list]:
    """The structural regressions on the pooled construct scores: outcomes (n x endogenous), one design per
    endogenous construct (its predictors, after a column of ones with ``intercepts``), and the
    (regression, design column) of each spec path."""
    n = pooled.n_obs
    scores = np.asarray(pooled.score_matrix, dtype=float)
    position = {name: j for j, name in enumerate(pooled.constructs)}
    endogenous = list(spec.endogenous)
    predictors = [[position[p.source] for p in spec.paths if p.target == target] for target in endogenous]
    outcomes = scores[:, [position[c] for c in endogenous]]
    designs = tuple(
        np.column_stack([np.ones(n), scores[:, cols]]) if intercepts else scores[:, cols].copy() for cols in predictors
    )
    path_slot = []  # (regression m, column in its design) of each spec path
    for p in spec.paths:
        m = endogenous.index(p.target)
        path_slot.append((m, int(intercepts) + predictors[m].index(position[p.source])))
    return outcomes, designs, path_slot
