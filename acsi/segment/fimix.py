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

import html
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.errors import ConvergenceWarning, DataError, EstimationError, ParameterError
from acsi.segment.criteria import CRITERIA, ENTROPY_THRESHOLD, RULE, information_criteria, normed_entropy, recommend
from acsi.segment.mixture_regression import mixture_regression
from acsi.strict_json import strict
from acsi.validate import check_bool, check_int

if TYPE_CHECKING:
    import pandas as pd

    from acsi.data import IndicatorData
    from acsi.results import FitResult
    from acsi.segment.explain import Explanation
    from acsi.spec.model import ModelSpec

__all__ = ["FimixResult", "SegmentSolution", "fimix", "parse_k"]


@dataclass(frozen=True, repr=False)
class SegmentSolution:
    """The best K-segment solution; segments ordered by size, largest first.

    Attributes
    ----------
    k : int
    log_likelihood : float
    n_parameters : int
    criteria : dict of str -> float
        AIC, AIC3, AIC4, BIC, CAIC, HQ, MDL5 (lower is better).
    entropy : float
        Normed entropy EN (NaN for K = 1).
    sizes : ndarray (K,)
        Mixing proportions rho_k.
    paths : ndarray (K, n_paths)
        Segment path coefficients in spec path order, on the scale of the pooled unit-variance scores.
    intercepts : ndarray (K, Q) or None
    variances, r_squared : ndarray (K, Q)
        Residual variance and R² of each endogenous construct in each segment.
    posterior : ndarray (n, K)
        Membership probabilities of each respondent.
    n_iter : int
    converged : bool
    start_log_likelihoods : ndarray (S,)
        lnL of every start (-inf: degenerate, discarded).
    """

    k: int
    log_likelihood: float
    n_parameters: int
    criteria: dict[str, float]
    entropy: float
    sizes: np.ndarray
    paths: np.ndarray
    intercepts: np.ndarray | None
    variances: np.ndarray
    r_squared: np.ndarray
    posterior: np.ndarray = field(repr=False)
    n_iter: int
    converged: bool
    start_log_likelihoods: np.ndarray
    at_bound: bool = False

    @property
    def assignment(self) -> np.ndarray:
        """Each respondent's most probable segment (0-based), shape (n,)."""
        return np.argmax(self.posterior, axis=1)

    @property
    def n_degenerate(self) -> int:
        return int(np.sum(~np.isfinite(self.start_log_likelihoods)))

    @property
    def n_best(self) -> int:
        """Starts that reached the best log-likelihood (within 1e-6 of it): how often the optimum was found."""
        return int(np.sum(np.abs(self.start_log_likelihoods - self.log_likelihood) <= 1e-6 * (1 + abs(self.log_likelihood))))

    def __repr__(self) -> str:
        return f"SegmentSolution(k={self.k}, log_likelihood={self.log_likelihood:.2f}, sizes={np.round(self.sizes, 3).tolist()})"


@dataclass(frozen=True, repr=False)
class FimixResult:
    """FIMIX-PLS for several numbers of segments, with the recommended one.

    Attributes
    ----------
    spec : ModelSpec
    fit : FitResult
        The pooled PLS fit whose construct scores were segmented.
    solutions : dict of int -> SegmentSolution
    k : int
        The recommended number of segments (:attr:`basis` says by which step of :attr:`rule`).
    basis : str
    choices : dict of str -> int
        The K each criterion chooses.
    settings : dict
        starts, seed, tol, max_iter, intercepts, scheme.
    notes : tuple of str
    """

    spec: ModelSpec
    fit: FitResult = field(repr=False)
    solutions: dict[int, SegmentSolution]
    k: int
    basis: str
    choices: dict[str, int]
    settings: dict[str, Any]
    notes: tuple[str, ...] = ()
    rule: str = RULE

    # ------------------------------------------------------------------ views
    @property
    def best(self) -> SegmentSolution:
        """The solution with the recommended number of segments."""
        return self.solutions[self.k]

    @property
    def path_names(self) -> list[str]:
        return [p.key for p in self.spec.paths]

    def to_frame(self) -> pd.DataFrame:
        """The criteria table: one row per K (log_likelihood, n_parameters, the criteria, entropy, smallest segment)."""
        import pandas as pd

        rows = [
            {
                "k": s.k,
                "log_likelihood": s.log_likelihood,
                "n_parameters": s.n_parameters,
                **s.criteria,
                "entropy": s.entropy,
                "smallest_segment": float(np.min(s.sizes)),
                "starts_degenerate": s.n_degenerate,
            }
            for s in self.solutions.values()
        ]
        return pd.DataFrame(rows).set_index("k")

    def membership(self, k: int | None = None) -> pd.DataFrame:
        """Membership probabilities (columns ``segment_1`` ...) and the most probable ``segment`` (1-based) per respondent."""
        import pandas as pd

        solution = self._solution(k)
        frame = pd.DataFrame(
            solution.posterior,
            index=self.fit.row_labels,
            columns=[f"segment_{j + 1}" for j in range(solution.k)],
        )
        frame["segment"] = solution.assignment + 1
        return frame

    def paths(self, k: int | None = None) -> pd.DataFrame:
        """Segment path coefficients: rows = paths, columns ``segment_1`` ... (and the pooled PLS estimate)."""
        import pandas as pd

        solution = self._solution(k)
        frame = pd.DataFrame(
            solution.paths.T,
            index=pd.Index(self.path_names, name="path"),
            columns=[f"segment_{j + 1}" for j in range(solution.k)],
        )
        frame["pooled"] = self.fit.path_coefficients.to_numpy()
        return frame

    def explain(self, frame: pd.DataFrame, columns: Sequence[str], *, k: int | None = None) -> Explanation:
        """Which observed variables of ``frame`` (rows labelled like the data) go with segment membership.

        See :func:`acsi.segment.explain.explain_membership`.
        """
        from acsi.segment.explain import explain_membership

        solution = self._solution(k)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(
                f"Column(s) {', '.join(map(repr, missing))} to explain segment membership are not in the data; "
                f"columns: {', '.join(map(str, frame.columns[:30]))}."
            )
        rows = frame.loc[self.fit.row_labels, list(columns)]
        return explain_membership(solution.posterior, rows)

    def _solution(self, k: int | None) -> SegmentSolution:
        if k is None:
            return self.best
        if k not in self.solutions:
            raise ParameterError(f"No solution with k={k!r}; fitted: {', '.join(map(str, self.solutions))}.")
        return self.solutions[k]

    # ------------------------------------------------------------------ output
    @strict
    def to_dict(self, *, membership: bool = True) -> dict[str, Any]:
        """Strict JSON: method, settings, n_obs, k (recommended), basis, rule, choices, criteria {K: {...}},
        solutions {K: {sizes, paths {path: [per segment]}, intercepts, residual_variances, r_squared, n_iter,
        converged, starts_degenerate, starts_at_best}}, membership (recommended K: rows, probabilities, segment), notes."""
        endogenous = list(self.spec.endogenous)
        out: dict[str, Any] = {
            "method": "fimix-pls",
            "settings": dict(self.settings),
            "n_obs": int(self.fit.n_obs),
            "k": self.k,
            "basis": self.basis,
            "rule": self.rule,
            "choices": dict(self.choices),
            "criteria": {
                str(s.k): {"log_likelihood": s.log_likelihood, "n_parameters": s.n_parameters, **s.criteria, "entropy": s.entropy}
                for s in self.solutions.values()
            },
            "solutions": {str(s.k): _solution_dict(s, self.path_names, endogenous) for s in self.solutions.values()},
            "notes": list(self.notes),
        }
        if membership:
            best = self.best
            out["membership"] = {
                "rows": [_plain(label) for label in self.fit.row_labels],
                "probabilities": best.posterior.tolist(),
                "segment": (best.assignment + 1).tolist(),
            }
        return out

    def summary(self) -> str:
        """The criteria table, the recommendation, the recommended solution's sizes and paths, the notes."""
        table = self.to_frame()
        shown = table[[*CRITERIA, "entropy", "smallest_segment"]].rename(columns=str.upper)
        lines = [
            f"FIMIX-PLS on {self.fit.n_obs} respondents, {self.settings['starts']} starts per K, seed {self.settings['seed']}",
            shown.to_string(float_format=lambda v: f"{v:.3f}", na_rep="-"),
            "",
            f"recommended K = {self.k} ({self.basis}); criteria choose "
            + ", ".join(f"{name.upper()} {k}" for name, k in self.choices.items()),
            f"rule: {self.rule}",
        ]
        best = self.best
        if best.k > 1:
            lines += [
                "",
                "segment sizes: " + ", ".join(f"{j + 1}: {size:.3f}" for j, size in enumerate(best.sizes)),
                self.paths().to_string(float_format=lambda v: f"{v:.3f}"),
            ]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"FimixResult(k={self.k}, fitted={list(self.solutions)}, n_obs={self.fit.n_obs}, basis={self.basis!r})"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _solution_dict(s: SegmentSolution, path_names: list[str], endogenous: list[str]) -> dict[str, Any]:
    return {
        "sizes": s.sizes.tolist(),
        "log_likelihood": s.log_likelihood,
        "paths": {name: s.paths[:, j].tolist() for j, name in enumerate(path_names)},
        "intercepts": None if s.intercepts is None else {c: s.intercepts[:, m].tolist() for m, c in enumerate(endogenous)},
        "residual_variances": {c: s.variances[:, m].tolist() for m, c in enumerate(endogenous)},
        "r_squared": {c: s.r_squared[:, m].tolist() for m, c in enumerate(endogenous)},
        "entropy": s.entropy,
        "n_iter": s.n_iter,
        "converged": s.converged,
        "starts_degenerate": s.n_degenerate,
        "starts_at_best": s.n_best,
    }


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
    check_int("starts", starts, 1)
    check_int("max_iter", max_iter, 1)
    check_bool("intercepts", intercepts)
    if seed is not None:
        check_int("seed", seed, 0)
    if not (isinstance(tol, (int, float)) and not isinstance(tol, bool) and 0 < tol < 1):
        raise ParameterError(f"tol must be a number between 0 and 1; got {tol!r}.")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    if not spec.paths:
        raise SpecError("FIMIX-PLS segments the structural model, but the spec declares no paths.")
    pooled = fit_model(spec, data, method="pls", scheme=scheme, missing=missing, scale=scale)  # type: ignore[arg-type]
    n = pooled.n_obs
    if ks[-1] > 1 and n < 2 * ks[-1]:
        raise DataError(f"FIMIX-PLS with K = {ks[-1]} segments needs more respondents than {n}.")
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
        order = np.argsort(-em.proportions, kind="stable")
        n_parameters = (n_segments - 1) + n_segments * n_coefficients + n_segments * len(endogenous)
        posterior = em.posterior[:, order]
        coefficients = [beta[order] for beta in em.coefficients]
        variances = em.variances[:, order].T
        weights = posterior.sum(axis=0)
        outcome_var = np.stack(
            [
                (posterior * (outcomes[:, [m]] - (posterior * outcomes[:, [m]]).sum(0) / weights) ** 2).sum(0) / weights
                for m in range(len(endogenous))
            ],
            axis=1,
        )
        solutions[n_segments] = SegmentSolution(
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
    if not solutions:
        raise EstimationError(
            f"FIMIX-PLS: every start of every K ({', '.join(map(str, ks))}) ended with a segment of fewer respondents "
            "than a regression has coefficients; fit fewer segments or more respondents."
        )
    recommendation = recommend({s.k: s.criteria for s in solutions.values()})
    notes = _notes(solutions, recommendation.k, recommendation.agreement, ks)
    notes += [
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
