"""The result of :func:`acsi.segment.fimix.fimix`: the best solution for each number of segments, the criteria and the chosen K."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.errors import DataError, ParameterError
from acsi.segment.criteria import CRITERIA, RULE
from acsi.strict_json import strict

if TYPE_CHECKING:
    import pandas as pd

    from acsi.results import FitResult
    from acsi.segment.explain import Explanation
    from acsi.spec.model import ModelSpec

__all__ = ["FimixResult", "SegmentSolution"]


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
