"""PLS-POS: prediction-oriented segmentation (after Becker, Rai, Ringle & Völckner 2013).

Unlike FIMIX-PLS, every segment gets its own complete PLS model (outer weights and paths), and
the segments are chosen to make the structural model explain as much as possible:

    objective = sum_k (n_k / n) sum_m R2_mk,

the size-weighted sum of the endogenous constructs' R² over the segments.

The algorithm here (a hill climber, seeded, from several random starts):

1. Start from a random partition into K segments of at least ``min_size`` respondents each;
   fit PLS in every segment.
2. Distance of respondent i to segment k: score i's indicators with segment k's weights (its
   standardisation included) and sum the squared structural residuals scaled by the segment's
   residual variances, ``d_ik = sum_m e_imk^2 / (1 - R2_mk)``.
3. Candidate moves: every respondent whose nearest segment is not its own, ordered by the
   distance gained. Try moving all of them; refit; keep the new partition if the objective
   rises (and no segment falls below ``min_size``); otherwise try the half with the largest
   gains, then a quarter, ... A round in which no move improves the objective ends the start.
4. The start with the highest objective wins; its objective after every accepted round is the trace.

Becker et al. move respondents one at a time in order of their distance; moving them in
halving batches keeps the hill-climbing (every accepted step raises the objective) at a
fraction of the refits. Their distance also uses the structural residuals.

Reference: Becker, J.-M., Rai, A., Ringle, C. M. & Völckner, F. (2013), Discovering unobserved
heterogeneity in structural equation models to avert validity threats, *MIS Quarterly* 37(3), 665-694.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.errors import AcsiError, AcsiWarning, DataError, ParameterError
from acsi.strict_json import strict
from acsi.validate import check_int

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from acsi.data import IndicatorData
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec

__all__ = ["POSResult", "pls_pos"]


@dataclass(frozen=True, repr=False)
class POSResult:
    """The best PLS-POS partition.

    Attributes
    ----------
    k : int
    assignment : ndarray (n,)
        Segment of each respondent (0-based; segments ordered by size, largest first).
    row_labels : pandas.Index
    objective : float
    trace : tuple of float
        Objective after the start and after every accepted round of the best start.
    start_objectives : tuple of float
        Final objective of every start.
    fits : tuple of FitResult
        The PLS fit of each segment.
    settings : dict
    """

    k: int
    assignment: np.ndarray
    row_labels: Any = field(repr=False)
    objective: float
    trace: tuple[float, ...]
    start_objectives: tuple[float, ...]
    fits: tuple[FitResult, ...] = field(repr=False)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.assignment, minlength=self.k) / self.assignment.size

    def paths(self) -> pd.DataFrame:
        """Path coefficients per segment (rows: paths; columns segment_1 ...)."""
        import pandas as pd

        return pd.concat({f"segment_{j + 1}": fit.path_coefficients for j, fit in enumerate(self.fits)}, axis=1)

    def r_squared(self) -> pd.DataFrame:
        import pandas as pd

        return pd.concat({f"segment_{j + 1}": fit.r_squared for j, fit in enumerate(self.fits)}, axis=1)

    def to_frame(self) -> pd.DataFrame:
        """Respondent -> segment (1-based)."""
        import pandas as pd

        return pd.DataFrame({"segment": self.assignment + 1}, index=self.row_labels)

    @strict
    def to_dict(self) -> dict[str, Any]:
        """Strict JSON: method, k, settings, objective, trace, start_objectives, sizes, paths {path: [per segment]},
        r_squared {construct: [per segment]}, segment (per respondent, 1-based), rows."""
        paths, r2 = self.paths(), self.r_squared()
        return {
            "method": "pls-pos",
            "k": self.k,
            "settings": dict(self.settings),
            "objective": self.objective,
            "trace": list(self.trace),
            "start_objectives": list(self.start_objectives),
            "sizes": self.sizes.tolist(),
            "paths": {str(name): row.tolist() for name, row in paths.iterrows()},
            "r_squared": {str(name): row.tolist() for name, row in r2.iterrows()},
            "segment": (self.assignment + 1).tolist(),
            "rows": [v.item() if hasattr(v, "item") else v for v in self.row_labels],
        }

    def summary(self) -> str:
        lines = [
            f"PLS-POS, K = {self.k}: objective (size-weighted sum of R²) {self.objective:.4f} after {len(self.trace) - 1} "
            f"accepted rounds; best of {len(self.start_objectives)} starts (seed {self.settings.get('seed')})",
            "segment sizes: " + ", ".join(f"{j + 1}: {s:.3f}" for j, s in enumerate(self.sizes)),
            self.paths().to_string(float_format=lambda v: f"{v:.3f}"),
            self.r_squared().to_string(float_format=lambda v: f"{v:.3f}"),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"POSResult(k={self.k}, objective={self.objective:.4f}, sizes={np.round(self.sizes, 3).tolist()})"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


def _objective(fits: list[FitResult], sizes: np.ndarray) -> float:
    return float(sum(size * float(np.sum(fit.r_squared.to_numpy())) for fit, size in zip(fits, sizes / sizes.sum())))


def _distances(fits: list[FitResult], values: np.ndarray, endogenous: list[int]) -> np.ndarray:
    """d_ik = sum_m e_imk^2 / (1 - R2_mk) for every respondent i and segment k (module notes, step 2)."""
    out = np.empty((values.shape[0], len(fits)))
    for k, fit in enumerate(fits):
        scores = values @ fit.score_weights - fit.score_offset
        residual = scores[:, endogenous] - scores @ fit.path_matrix[:, endogenous]
        unexplained = np.maximum(1.0 - fit.r_squared_vector[endogenous], 1e-12)
        out[:, k] = np.sum(residual**2 / unexplained, axis=1)
    return out


def pls_pos(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame | IndicatorData,
    k: int = 2,
    *,
    starts: int = 5,
    seed: int | None = None,
    max_rounds: int = 100,
    min_size: int | None = None,
    scheme: str = "path",
    missing: str = "error",
) -> POSResult:
    """PLS-POS segmentation into ``k`` segments (see the module notes).

    Parameters
    ----------
    k : int
        Number of segments (at least 2).
    starts : int
        Random starting partitions (default 5); the highest objective wins.
    seed : int, optional
        Seeds the starts (``SeedSequence([seed, start])``); None draws one, recorded in ``settings``.
    max_rounds : int
        Most accepted rounds per start (default 100).
    min_size : int, optional
        Smallest segment (default: 3 x the number of indicators, at least 30).

    Raises
    ------
    ParameterError
        Bad settings, or ``k x min_size`` exceeds the respondents.
    """
    from acsi.api import fit as fit_model
    from acsi.spec.load import load_spec
    from acsi.spec.model import ModelSpec

    check_int("k", k, 2)
    check_int("starts", starts, 1)
    check_int("max_rounds", max_rounds, 1)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    check_int("seed", seed, 0)
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    pooled = fit_model(spec, data, method="pls", scheme=scheme, missing=missing)  # type: ignore[arg-type]
    values = np.asarray(pooled.indicator_values, dtype=float)
    n, p = values.shape
    min_size = max(30, 3 * p) if min_size is None else min_size
    check_int("min_size", min_size, p + 2)
    if k * min_size > n:
        raise ParameterError(
            f"k={k} segments of at least min_size={min_size} respondents need {k * min_size}; the data have {n}."
        )
    import pandas as pd

    frame = pd.DataFrame(values, columns=list(pooled.indicators))
    endogenous = [pooled.constructs.index(c) for c in spec.endogenous]

    def fit_all(assignment: np.ndarray) -> list[FitResult] | None:
        fits = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AcsiWarning)
            for j in range(k):
                try:
                    fits.append(fit_model(spec, frame[assignment == j], method="pls", scheme=scheme))
                except AcsiError:  # a segment left an indicator constant: not a usable partition
                    return None
        return fits

    best: tuple[float, np.ndarray, list[FitResult], list[float]] | None = None
    finals = []
    for start in range(starts):
        rng = np.random.default_rng(np.random.SeedSequence([seed, start]))
        assignment = rng.permutation(np.arange(n) % k)
        fits = fit_all(assignment)
        if fits is None:
            finals.append(float("nan"))
            continue
        current, assignment, fits, trace = _climb(assignment, fits, values, endogenous, min_size, max_rounds, fit_all)
        finals.append(current)
        if best is None or current > best[0]:
            best = (current, assignment, fits, trace)
    if best is None:
        raise DataError(
            f"PLS-POS: no start gave {k} segments in which the model can be fitted (an indicator constant in a segment)."
        )
    objective, assignment, fits, trace = best
    order = np.argsort(-np.bincount(assignment, minlength=k), kind="stable")
    relabel = np.empty(k, dtype=int)
    relabel[order] = np.arange(k)
    return POSResult(
        k=k,
        assignment=relabel[assignment],
        row_labels=pooled.row_labels,
        objective=objective,
        trace=tuple(trace),
        start_objectives=tuple(finals),
        fits=tuple(fits[j] for j in order),
        settings={"starts": starts, "seed": seed, "max_rounds": max_rounds, "min_size": min_size, "scheme": scheme},
    )


def _climb(
    assignment: np.ndarray,
    fits: list[FitResult],
    values: np.ndarray,
    endogenous: list[int],
    min_size: int,
    max_rounds: int,
    fit_all: Callable[[np.ndarray], list[FitResult] | None],
) -> tuple[float, np.ndarray, list[FitResult], list[float]]:
    """One start's hill climb: each round moves the respondents nearer another segment's model (largest gain
    first, halving the movers until the objective rises with every segment at least ``min_size``); stops when no
    move is accepted or after ``max_rounds``. Returns the objective, the assignment, the fits and the trace."""
    n = values.shape[0]
    k = len(fits)
    sizes = np.bincount(assignment, minlength=k).astype(float)
    current = _objective(fits, sizes)
    trace = [current]
    for _ in range(max_rounds):
        distance = _distances(fits, values, endogenous)
        nearest = np.argmin(distance, axis=1)
        gain = distance[np.arange(n), assignment] - distance[np.arange(n), nearest]
        movers = np.flatnonzero(nearest != assignment)
        movers = movers[np.argsort(-gain[movers], kind="stable")]
        accepted = False
        while movers.size:
            trial = assignment.copy()
            trial[movers] = nearest[movers]
            trial_sizes = np.bincount(trial, minlength=k).astype(float)
            if trial_sizes.min() >= min_size:
                trial_fits = fit_all(trial)
                if trial_fits is not None:
                    value = _objective(trial_fits, trial_sizes)
                    if value > current + 1e-12:
                        assignment, fits, current, accepted = trial, trial_fits, value, True
                        trace.append(current)
                        break
            movers = movers[: movers.size // 2]
        if not accepted:
            break
    return current, assignment, fits, trace
