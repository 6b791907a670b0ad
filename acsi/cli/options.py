"""Plain-data choices of the command line, so that building the parsers imports no numeric library.

Each tuple mirrors a constant of the library module named beside it; ``tests/test_startup.py``
checks that they agree.
"""

from __future__ import annotations

METHODS: tuple[str, ...] = ("pls", "plsc", "cbsem", "gsca", "sumscore")  # acsi.estimators.registry.METHODS
COMPARED_METHODS: tuple[str, ...] = ("pls", "plsc", "cbsem", "gsca")  # acsi.compare.methods.compare_methods' default
SCHEMES: tuple[str, ...] = ("path", "centroid", "factorial")
RANKING_METHODS: tuple[str, ...] = ("pls", "plsc", "gsca", "sumscore")  # acsi.servqual.ranking.RANKING_METHODS
PREDICTING_METHODS: tuple[str, ...] = ("pls", "plsc")  # acsi.assessment.prediction.PREDICTING_METHODS
# acsi.estimators.higher_order.APPROACHES
HIGHER_ORDER_APPROACHES: tuple[str, ...] = ("repeated-indicators", "two-stage-embedded", "two-stage-disjoint")
OBJECTIVES: tuple[str, ...] = ("MLW", "GLS", "ULS", "DWLS")
ORDINAL_MODES: tuple[str, ...] = ("declared", "auto", "none")  # acsi.estimators.ordinal.ORDINAL_MODES
#: The flags of ``add_fit_options`` passed to acsi.api.make_estimator, by keyword.
ESTIMATOR_OPTIONS: tuple[str, ...] = ("scheme", "raw", "index_weights", "tol", "max_iter", "objective", "std_lv", "ordinal")
INDEX_WEIGHTS: tuple[str, ...] = ("fornell", "standardized", "equal")  # acsi.index.INDEX_WEIGHTS
MISSING_POLICIES: tuple[str, ...] = ("error", "listwise", "mean", "pairwise", "em")  # acsi.data.MISSING_POLICIES
CI_METHODS: tuple[str, ...] = ("percentile", "bca", "basic")  # acsi.inference.CI_METHODS
BCA_MIN_RESAMPLES = 200  # acsi.inference.BCA_MIN_RESAMPLES
SIGN_CHANGES: tuple[str, ...] = ("none", "individual", "construct")  # acsi.core.resample.SIGN_CHANGES
TESTS: tuple[str, ...] = ("parametric", "henseler", "permutation")  # acsi.compare.differences.TESTS
ADJUSTMENTS: tuple[str, ...] = ("holm", "bh", "none")  # acsi.compare.differences.ADJUSTMENTS
DEFAULT_MIN_N = 30  # acsi.compare.group_estimates.DEFAULT_MIN_N
MIN_GROUP_BOOT = 20  # acsi.compare.group_estimates.MIN_BOOT
DGPS: tuple[str, ...] = ("factor", "composite")  # acsi.study.DGPS
DISTRIBUTIONS: tuple[str, ...] = ("normal", "skewed", "discrete")  # acsi.study.DISTRIBUTIONS
ESTIMATORS: tuple[str, ...] = (
    "pls",
    "plsc",
    "cbsem",
    "gsca",
    "sumscore",
    "equal",
)  # acsi.study.ESTIMATORS (the registry, then "equal")
