"""``acsi bench estimators``: its settings, mapped onto the shipped study file ``models/studies/acsi.yaml``.

:class:`StudySettings` names what the command's flags choose (sample sizes, replications, DGPs,
distributions, estimators, the misspecified model, bootstrap resamples, seed);
:meth:`StudySettings.design` is the shipped ACSI study file with those levels kept, and
:func:`run_study` runs it through :func:`acsi.study.run_design`, the one study runner.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from acsi.errors import ParameterError
from acsi.estimators.registry import METHODS
from acsi.study.checkpoint import DesignResult, run_design
from acsi.study.design import StudyDesign

DGPS: tuple[str, ...] = ("factor", "composite")
DISTRIBUTIONS: tuple[str, ...] = ("normal", "skewed", "discrete")
#: The registered methods, then ``"equal"``: the item-mean index baseline (:mod:`acsi.baselines`).
ESTIMATORS: tuple[str, ...] = (*METHODS, "equal")
#: The shipped study file the command runs.
STUDY_FILE = "models/studies/acsi.yaml"


@dataclass(frozen=True)
class StudySettings:
    """What ``acsi bench estimators`` runs: levels of the shipped ACSI study file.

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
        ``(False,)`` by default (the correct model); ``True`` adds the study file's misspecified
        model (``perceived_value -> customer_satisfaction`` left out).
    n_boot : int
        Bootstrap resamples per fit for the SEs and intervals of PLS, PLSc and GSCA (0: none).
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
        if not self.misspecified:
            raise ParameterError("misspecified must name at least one of False (the correct model) and True.")

    def design(self) -> StudyDesign:
        """The shipped study file (:data:`STUDY_FILE`) with these levels, in the file's order."""
        from acsi.resources import bundled
        from acsi.study.studyfile import load_study

        shipped = load_study(bundled(STUDY_FILE))
        correct, wrong = shipped.misspecifications
        wanted = {False: correct, True: wrong}
        return replace(
            shipped,
            ns=tuple(int(n) for n in self.ns),
            replications=self.replications,
            seed=self.seed,
            dgps=tuple(d for d in shipped.dgps if d in self.dgps),
            distributions=tuple(d for d in shipped.distributions if d.name in self.distributions),
            estimators=tuple(e for e in shipped.estimators if e.name in self.estimators),
            misspecifications=tuple(wanted[m] for m in (False, True) if m in {bool(v) for v in self.misspecified}),
            n_boot=self.n_boot,
        )


def run_study(
    settings: StudySettings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DesignResult:
    """Run :meth:`StudySettings.design` with :func:`acsi.study.run_design` (into ``out``, else a temporary folder).

    ``workers`` defaults to the CPU count; ``scheduler`` is a Dask scheduler's address. Results
    do not depend on either.
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    if out is not None:
        return run_design(settings.design(), out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    with tempfile.TemporaryDirectory(prefix="acsi-study-") as folder:
        return run_design(settings.design(), folder, workers=workers, scheduler=scheduler, progress=progress)
