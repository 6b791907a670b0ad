"""The estimator benchmark study: PLS, PLSc, CB-SEM, GSCA and the item-mean index on data with known truth.

:func:`run_study` draws many samples from the ACSI population under every condition
(data-generating process x indicator distribution x sample size x specification), fits
each estimator to each sample and compares the estimates with the population values:

* **DGP** ``"factor"``: the common-factor population of :func:`acsi.simulate.acsi_population`
  (loadings 0.85, complaints measured without error); ``"composite"``: the same structural
  model with composites (:class:`acsi.simulate.CompositePopulationModel`, within-block
  correlation 0.5, unequal weights 1 : 1.5 : 2 within each block).
* **Distribution** of the indicators, all on the 1-10 scale: ``"normal"``,
  ``clip(5.5 + 1.5 z, 1, 10)``; ``"skewed"``, ``clip(6.5 + 1.5 s(z), 1, 10)`` with ``s`` a
  standardised, reflected lognormal (sigma 0.6, skewness about -2.3: the long left tail of
  satisfaction ratings; the transformation also lowers the indicator correlations, which is
  part of what the condition tests); ``"discrete"``, integer ratings ``clip(round(7.5 + 1.7 z),
  1, 10)`` (complaints around 2.5), as :meth:`PopulationModel.draw`.
* **Specification**: correct, or ``misspecified`` (the path ``perceived_value ->
  customer_satisfaction``, 0.30 in the population, left out of the fitted model).

The truth of a path is its standardised population value; CB-SEM is scored on its
completely standardised paths. The true 0-100 index of a construct is
``100 (E[x] - 1) / 9`` with ``E[x]`` the population mean of its indicators (all indicators
of a block share one marginal distribution, so every convex weighting has the same
population index), computed by numerical integration over the standard normal.

Per estimator and condition the tidy table has, for each path and each index: truth, mean
estimate, bias, RMSE, 95% interval coverage (CB-SEM: Wald intervals of the unstandardised
paths against their population values in its marker metric, for the common-factor DGP with
normal indicators only, where that metric is known; PLS, PLSc and GSCA: bootstrap
percentile intervals when ``n_boot > 0``; NaN elsewhere), the replications used, and the
condition's non-convergence, inadmissible-solution and error rates and mean time per fit.

Reproducibility: replication r of condition c draws from
``numpy.random.SeedSequence(seed, spawn_key=(c, r))``, so results do not depend on the number
of worker processes or the order in which they finish.

**Any model, any design** (:func:`run_design`): a :class:`StudyDesign` (or a study file read by
:func:`load_study`, see :mod:`~acsi.study.studyfile`) names the population (a spec plus
population values, or lavaan-style text with fixed values), the design factors (n, DGP,
loading size, number of indicators, distribution, misspecification, missing data), the
estimators with their settings and the replications. Each finished condition is written to
Parquet, with a manifest; ``resume=True`` continues an interrupted run to identical results.
:func:`summarise_design` gives bias, relative bias, RMSE, empirical vs model SE, coverage and
power with Monte-Carlo SEs (Morris, White & Crowther 2019) on admissible replications;
:func:`plot_performance` draws them. The ACSI study above is the shipped study file
``models/studies/acsi.yaml``. Modules: :mod:`~acsi.study.design`, :mod:`~acsi.study.studyfile`,
:mod:`~acsi.study.generate`, :mod:`~acsi.study.analyse`, :mod:`~acsi.study.checkpoint`,
:mod:`~acsi.study.performance`.

Modules of the built-in study, one job each: :mod:`~acsi.study.settings` (what runs), :mod:`~acsi.study.samples`
(populations, indicator distributions, truth), :mod:`~acsi.study.replication` (one sample,
every estimator), :mod:`~acsi.study.run` (the loop over conditions and the tidy summary) and
:mod:`~acsi.study.plots` (bias and RMSE charts).
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
from acsi.study.plots import plot_performance, plot_study
from acsi.study.run import StudyResult, run_study, summarise
from acsi.study.samples import draw_sample, true_cbsem_paths, true_indices
from acsi.study.settings import DGPS, DISTRIBUTIONS, ESTIMATORS, OMITTED_PATH, StudySettings
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
    "OMITTED_PATH",
    "StudyResult",
    "StudySettings",
    "draw_sample",
    "plot_study",
    "run_study",
    "summarise",
    "true_cbsem_paths",
    "true_indices",
]
