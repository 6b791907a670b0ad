"""A simulation study as data: population, design factors, estimators, replications (pure Python).

The study file (:mod:`acsi.study.studyfile`) and Python users build the same
:class:`StudyDesign`. Its conditions are the full factorial of the design factors, in the fixed
order ``dgp x loading x indicators x distribution x n x misspecification x missing`` (the
first varying slowest); condition ``c`` and replication ``r`` draw from
``numpy.random.SeedSequence(seed, spawn_key=(c, r))``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING, Any

from acsi.errors import ParameterError
from acsi.estimators.registry import METHODS

if TYPE_CHECKING:
    from acsi.study.published import PublishedTable

#: Kinds of indicator distribution (see :mod:`acsi.study.generate`).
DISTRIBUTION_KINDS: tuple[str, ...] = ("normal", "skewed", "heavy_tailed", "ordinal", "chi_square")
#: Missing-data patterns: none, missing completely at random, missing at random (see :mod:`acsi.study.generate`).
MISSING_PATTERNS: tuple[str, ...] = ("none", "mcar", "mar")
#: Data-generating processes: common factors or composites.
DGP_KINDS: tuple[str, ...] = ("factor", "composite")
#: Interval methods scored by the study: Wald (estimate +- z SE), bootstrap percentile, basic and BCa.
INTERVAL_METHODS: tuple[str, ...] = ("wald", "percentile", "basic", "bca")
#: The bootstrap interval methods a design may ask for (``StudyDesign.intervals``).
BOOTSTRAP_INTERVALS: tuple[str, ...] = ("percentile", "basic", "bca")
#: BCa needs this many resamples (:data:`acsi.inference.BCA_MIN_RESAMPLES`, mirrored to keep this module light).
BCA_MIN_RESAMPLES = 200
#: Estimators: the registered methods and ``"equal"``, the item-mean index baseline.
ESTIMATOR_METHODS: tuple[str, ...] = (*METHODS, "equal")


@dataclass(frozen=True)
class Ratings:
    """Map a standardised indicator ``z`` to ratings ``clip(location + spread z, min, max)``, rounded when ``round``.

    ``location`` and ``spread`` are a number or a mapping keyed by indicator or construct (as
    :meth:`acsi.simulate.PopulationModel.draw_array`); unnamed indicators get ``default_location``.
    """

    min: float = 1.0
    max: float = 10.0
    location: float | Mapping[str, float] = 5.5
    spread: float | Mapping[str, float] = 1.5
    round: bool = False
    default_location: float = 5.5


@dataclass(frozen=True)
class Distribution:
    """One level of the distribution factor.

    ``kind``: ``normal`` (the multivariate normal draw), ``skewed`` (each indicator a
    standardised, reflected lognormal of its normal draw, shape ``sigma``: long left tail),
    ``heavy_tailed`` (multivariate t with ``df`` degrees of freedom, rescaled to the population
    covariance), ``ordinal`` (``categories`` ordered categories 1..k cut at ``thresholds`` on the
    standardised scale; default equally spaced on (-2, 2)), ``chi_square`` (common factors whose
    exogenous constructs, structural residuals and indicator errors are independent standardised
    chi-square innovations with ``df`` degrees of freedom: skewness ``sqrt(8/df)``, excess
    kurtosis ``12/df``; the population covariance is kept). ``ratings`` maps continuous kinds to an
    answer scale (None: the standardised values).
    """

    name: str
    kind: str = "normal"
    sigma: float = 0.6
    df: float = 5.0
    categories: int = 5
    thresholds: tuple[float, ...] | None = None
    ratings: Ratings | None = None


@dataclass(frozen=True)
class Misspecification:
    """One level of the specification factor: the fitted model leaves out ``omit_paths`` (``"From -> To"``)."""

    name: str
    omit_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Missingness:
    """One level of the missing-data factor: ``pattern`` (``none``, ``mcar``, ``mar``) at ``rate``."""

    name: str
    pattern: str = "none"
    rate: float = 0.0


@dataclass(frozen=True)
class EstimatorSetting:
    """An estimator of the study: a ``method`` of :data:`ESTIMATOR_METHODS` with its :func:`acsi.fit` options.

    ``name`` labels it in the results (several settings of one method may run side by side);
    ``missing`` is the missing-data policy of :func:`acsi.fit` used when the data have gaps.
    """

    name: str
    method: str
    options: Mapping[str, Any] = field(default_factory=dict)
    missing: str = "listwise"


@dataclass(frozen=True)
class Population:
    """The population: a spec plus standardised values (see :class:`acsi.simulate.PopulationModel`).

    ``spec`` is a :class:`~acsi.spec.model.ModelSpec` (build one with :func:`acsi.load_spec`;
    lavaan-style text with fixed values ``y ~ 0.4*x``, ``F =~ 0.8*x1``, ``A ~~ 0.3*B`` gives the
    values through :func:`population_values_from_fixed`). ``within`` and ``composite_weights``
    define the composite DGP. A spec with higher-order constructs needs ``second_order_loadings``
    (``"HOC -> component"``: standardised second-order loadings; drawn by
    :class:`acsi.simulate.higher_order.SecondOrderPopulation`); one with interaction terms takes
    their values among ``paths`` (``"A:B -> C"``: the effect of the standardised latent product;
    drawn by :class:`acsi.simulate.interaction.InteractionPopulation`). Both are common-factor
    populations only.
    """

    spec: Any
    paths: Mapping[str, float]
    loadings: float | Mapping[str, float] = 0.85
    exogenous_correlations: float | Mapping[str, float] | None = None
    within: float = 0.5
    composite_weights: float | Mapping[str, float] | None = None
    second_order_loadings: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Condition:
    """One cell of the design (its factor levels)."""

    index: int
    dgp: str
    loading: float | None
    indicators: int | None
    distribution: Distribution
    n: int
    misspecification: Misspecification
    missing: Missingness

    def labels(self) -> dict[str, Any]:
        """The factor levels as plain values: the condition's columns in every table."""
        return {
            "condition": self.index,
            "dgp": self.dgp,
            "loading": float("nan") if self.loading is None else float(self.loading),
            "indicators": -1 if self.indicators is None else int(self.indicators),
            "distribution": self.distribution.name,
            "n": int(self.n),
            "misspecification": self.misspecification.name,
            "missing": self.missing.name,
        }


@dataclass(frozen=True)
class StudyDesign:
    """A whole study: what :func:`acsi.study.run_design` runs.

    ``loadings`` (a level replaces the population's ``"*"`` loading) and ``indicators`` (every
    construct with two or more indicators gets that many) are optional factors: ``(None,)``
    keeps the population as given. ``n_boot`` bootstrap resamples per fit give the estimated SE
    of PLS, PLSc and GSCA and the bootstrap intervals named in ``intervals`` (percentile, basic,
    and BCa, whose jackknife acceleration costs n more fits per replication and which needs
    ``n_boot >= 200``); CB-SEM has Wald intervals. ``reference``, a published table of the same
    population (:mod:`acsi.study.published`), is compared with the summary after the run; like
    ``source`` it is not part of the design's fingerprint.
    """

    name: str
    population: Population
    ns: tuple[int, ...]
    estimators: tuple[EstimatorSetting, ...]
    replications: int = 100
    seed: int = 0
    dgps: tuple[str, ...] = ("factor",)
    loadings: tuple[float | None, ...] = (None,)
    indicators: tuple[int | None, ...] = (None,)
    distributions: tuple[Distribution, ...] = (Distribution("normal"),)
    misspecifications: tuple[Misspecification, ...] = (Misspecification("correct"),)
    missing: tuple[Missingness, ...] = (Missingness("complete"),)
    n_boot: int = 0
    level: float = 0.95
    intervals: tuple[str, ...] = ("percentile", "basic")
    source: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    reference: PublishedTable | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        unknown = [m for m in self.intervals if m not in BOOTSTRAP_INTERVALS]
        if unknown or not self.intervals:
            raise ParameterError(
                f"intervals: expected a non-empty subset of {', '.join(BOOTSTRAP_INTERVALS)}; found {list(self.intervals)!r}."
            )
        if "bca" in self.intervals and 0 < self.n_boot < BCA_MIN_RESAMPLES:
            raise ParameterError(
                f"intervals: BCa needs n_boot of at least {BCA_MIN_RESAMPLES} (found {self.n_boot}); "
                "raise n_boot or leave bca out."
            )

    def conditions(self) -> list[Condition]:
        """Every condition, in the fixed order of the module notes."""
        cells = product(
            self.dgps, self.loadings, self.indicators, self.distributions, self.ns, self.misspecifications, self.missing
        )
        return [Condition(c, *cell) for c, cell in enumerate(cells)]
