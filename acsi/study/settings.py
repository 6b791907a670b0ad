"""What the estimator study runs: its conditions (DGP x distribution x n x specification) and settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

from acsi.errors import ParameterError
from acsi.estimators.registry import METHODS

DGPS: tuple[str, ...] = ("factor", "composite")
DISTRIBUTIONS: tuple[str, ...] = ("normal", "skewed", "discrete")
#: The registered methods, then ``"equal"``: the item-mean index baseline (:mod:`acsi.baselines`).
ESTIMATORS: tuple[str, ...] = (*METHODS, "equal")
OMITTED_PATH = "perceived_value -> customer_satisfaction"


@dataclass(frozen=True)
class StudySettings:
    """What :func:`run_study` runs.

    Parameters
    ----------
    ns : sequence of int
        Sample sizes.
    replications : int
        Samples per condition.
    dgps, distributions, estimators : sequences of str
        Subsets of :data:`DGPS`, :data:`DISTRIBUTIONS`, :data:`ESTIMATORS` (``"equal"`` is the
        item-mean index baseline: an index, no paths).
    misspecified : sequence of bool
        ``(False,)`` by default; ``(False, True)`` adds the misspecified model.
    n_boot : int
        Bootstrap resamples per fit for the coverage of PLS, PLSc and GSCA (0: no bootstrap).
    seed : int
    """

    ns: Sequence[int] = (50, 100, 250, 1000, 5000)
    replications: int = 200
    dgps: Sequence[str] = DGPS
    distributions: Sequence[str] = DISTRIBUTIONS
    estimators: Sequence[str] = ESTIMATORS
    misspecified: Sequence[bool] = (False,)
    n_boot: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        for name, values, allowed in (
            ("dgps", self.dgps, DGPS),
            ("distributions", self.distributions, DISTRIBUTIONS),
            ("estimators", self.estimators, ESTIMATORS),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown or not values:
                raise ParameterError(f"{name} must be a non-empty subset of {', '.join(allowed)}; got {list(values)!r}.")
        if not self.ns or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 30 for n in self.ns):
            raise ParameterError(f"ns must be sample sizes of at least 30; got {list(self.ns)!r}.")
        if isinstance(self.replications, bool) or not isinstance(self.replications, int) or self.replications < 1:
            raise ParameterError(f"replications must be a positive integer; got {self.replications!r}.")
        if isinstance(self.n_boot, bool) or not isinstance(self.n_boot, int) or self.n_boot < 0:
            raise ParameterError(f"n_boot must be a non-negative integer; got {self.n_boot!r}.")

    def conditions(self) -> list[tuple[str, str, int, bool]]:
        """Every (dgp, distribution, n, misspecified), in a fixed order."""
        return list(product(self.dgps, self.distributions, [int(n) for n in self.ns], [bool(m) for m in self.misspecified]))
