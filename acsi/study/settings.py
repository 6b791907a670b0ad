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
from dataclasses import dataclass
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
    intervals : sequence of str
        Bootstrap interval methods (:data:`~acsi.study.design.BOOTSTRAP_INTERVALS`; BCa needs
        ``n_boot >= 200``).
    seed : int
    """

    ns: Sequence[int] = (50, 100, 250, 1000, 5000)
    replications: int = 200
    dgps: Sequence[str] = DGPS
    distributions: Sequence[str] = DISTRIBUTIONS
    estimators: Sequence[str] = ESTIMATORS
    misspecified: Sequence[bool] = (False,)
    n_boot: int = 0
    intervals: Sequence[str] = ("percentile", "basic")
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
        """The shipped study file (:data:`STUDY_FILE`) with these levels, in the file's order.

        The levels are written into the file's content before it is read, so the design's
        ``source`` (the manifest's ``study_file``) is the study that actually runs.
        """
        import yaml

        from acsi.resources import bundled
        from acsi.study.studyfile import design_from_dict

        path = Path(bundled(STUDY_FILE))
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        factors = content["design"]
        keep = {bool(m) for m in self.misspecified}
        factors["n"] = [int(n) for n in self.ns]
        factors["dgp"] = [d for d in factors["dgp"] if d in self.dgps]
        factors["distribution"] = [d for d in factors["distribution"] if _name(d) in self.distributions]
        factors["misspecification"] = [m for j, m in enumerate(factors["misspecification"]) if bool(j) in keep]
        content["estimators"] = [e for e in content["estimators"] if _name(e) in self.estimators]
        content["bootstrap"] = {**content.get("bootstrap", {}), "n_boot": self.n_boot, "intervals": list(self.intervals)}
        content |= {"seed": self.seed, "replications": self.replications}
        return design_from_dict(content, source=str(path), folder=path.parent)


def _name(level: str | dict) -> str:
    """The name of a study-file level: the string itself or its ``name`` key."""
    return level if isinstance(level, str) else str(level["name"])


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
