"""The estimator study: PLS, PLSc, CB-SEM, GSCA and the item-mean index on data with known truth.

One runner, :func:`run_design`: a :class:`StudyDesign` (or a study file read by
:func:`load_study`, see :mod:`~acsi.study.studyfile`) names the population (a spec plus
population values, or lavaan-style text with fixed values), the design factors (n, DGP,
loading size, number of indicators, distribution, misspecification, missing data), the
estimators with their settings, the replications and the bootstrap (percentile, basic and BCa
intervals). Replication ``r`` of condition ``c`` draws from ``numpy.random.SeedSequence(seed,
spawn_key=(c, r))``, so results do not depend on the number of worker processes, on a Dask
cluster (``scheduler``) or on interruptions. Each finished condition is written to Parquet,
with a manifest; ``resume=True`` continues an interrupted run to identical results.
:func:`summarise_design` gives bias, relative bias, RMSE, empirical vs model SE, coverage and
power with Monte-Carlo SEs (Morris, White & Crowther 2019) on admissible replications;
:func:`plot_performance` draws them.

``acsi bench estimators`` is the shipped study file ``models/studies/acsi.yaml`` (the ACSI
population as common factors or composites, indicators normal, skewed or discrete on 1-10):
:class:`StudySettings` holds its flags and :func:`run_study` runs
:meth:`StudySettings.design` through :func:`run_design`.

Modules, one job each: :mod:`~acsi.study.design` (the study as data), :mod:`~acsi.study.studyfile`
(reading and validating a study file), :mod:`~acsi.study.generate` (populations, samples,
truth), :mod:`~acsi.study.populations` (second-order and interaction generators seen by the
study), :mod:`~acsi.study.analyse` (one replication, every estimator), :mod:`~acsi.study.checkpoint`
(the run: checkpoints, manifest, resume, workers or Dask), :mod:`~acsi.study.performance` (the
measures with their MCSEs), :mod:`~acsi.study.plots` and :mod:`~acsi.study.settings` (the
built-in study's flags).
"""

from acsi.study.checkpoint import DesignResult, run_design
from acsi.study.design import (
    Distribution,
    EstimatorSetting,
    Missingness,
    Misspecification,
    Population,
    Ratings,
    StudyDesign,
)
from acsi.study.performance import summarise_design
from acsi.study.plots import plot_performance
from acsi.study.settings import DGPS, DISTRIBUTIONS, ESTIMATORS, StudySettings, run_study
from acsi.study.studyfile import design_from_dict, load_study

__all__ = [
    "DGPS",
    "DesignResult",
    "Distribution",
    "EstimatorSetting",
    "Missingness",
    "Misspecification",
    "Population",
    "Ratings",
    "StudyDesign",
    "design_from_dict",
    "load_study",
    "plot_performance",
    "run_design",
    "summarise_design",
    "DISTRIBUTIONS",
    "ESTIMATORS",
    "StudySettings",
    "run_study",
]
