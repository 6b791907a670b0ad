"""The usual thresholds of model assessment: one table read by the flags, the summaries and the JSON.

Each :class:`Threshold` row names a measure, the bound(s) the flags compare with, the text the
summaries print (and ``acsi assess --json`` writes under ``thresholds``) and its source.
A flag reads its numbers from here (:func:`bound`), never from a literal of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from acsi.errors import ParameterError


@dataclass(frozen=True)
class Threshold:
    """One measure's rule of thumb: ``bound`` in the order the ``text`` states them."""

    measure: str
    bound: tuple[float, ...]
    text: str
    source: str


TABLE: tuple[Threshold, ...] = (
    Threshold(
        "cronbach_alpha",
        (0.75, 0.8, 0.9),
        ">= 0.9 high, 0.8-0.9 acceptable, 0.75-0.8 marginal, < 0.75 not acceptable (customer satisfaction measurement practice)",
        "customer satisfaction measurement practice",
    ),
    Threshold(
        "rho_a",
        (0.7, 0.95),
        "0.7-0.95 (Dijkstra & Henseler 2015; above 0.95 suggests redundant items)",
        "Dijkstra & Henseler 2015",
    ),
    Threshold(
        "rho_c",
        (0.7, 0.95),
        "0.7-0.95 (Hair et al. 2017; above 0.95 suggests redundant items)",
        "Hair et al. 2017",
    ),
    Threshold(
        "dillon_goldstein_rho",
        (0.7,),
        ">= 0.7 (unidimensional block; Tenenhaus et al. 2005)",
        "Tenenhaus et al. 2005",
    ),
    Threshold(
        "eigenvalue",
        (1.0,),
        "first eigenvalue > 1 and second < 1 (unidimensional block)",
        "Kaiser criterion",
    ),
    Threshold("ave", (0.5,), ">= 0.5 (Fornell & Larcker 1981)", "Fornell & Larcker 1981"),
    Threshold(
        "loadings",
        (0.708,),
        ">= 0.708 (Hair et al. 2017), and above every cross-loading",
        "Hair et al. 2017",
    ),
    Threshold(
        "htmt",
        (0.85, 0.90),
        "< 0.85 for conceptually distinct constructs, < 0.90 for similar ones (Henseler et al. 2015); "
        'from absolute indicator correlations unless assess(..., htmt="signed")',
        "Henseler et al. 2015",
    ),
    Threshold(
        "fornell_larcker",
        (),
        "sqrt(AVE) of a construct above its correlations with every other construct",
        "Fornell & Larcker 1981",
    ),
    Threshold("vif", (5.0, 3.0), "< 5, ideally < 3 (Hair et al. 2019)", "Hair et al. 2019"),
    Threshold("f_squared", (0.02, 0.15, 0.35), "0.02 small, 0.15 medium, 0.35 large (Cohen 1988)", "Cohen 1988"),
    Threshold(
        "r_squared",
        (0.75, 0.50, 0.25),
        "0.75 substantial, 0.50 moderate, 0.25 weak (Hair et al. 2011)",
        "Hair et al. 2011",
    ),
    Threshold(
        "gof",
        (),
        "no accepted cut-off; not a test of model validity (Henseler & Sarstedt 2013)",
        "Henseler & Sarstedt 2013",
    ),
    Threshold("srmr", (0.08,), "< 0.08 (Hu & Bentler 1999; Henseler et al. 2014)", "Hu & Bentler 1999; Henseler et al. 2014"),
    Threshold("q_squared", (0.0,), "> 0: predictive relevance (Stone 1974; Geisser 1974)", "Stone 1974; Geisser 1974"),
)

#: The measures of :data:`TABLE` that ``acsi assess --json`` lists (``{measure: text}``).
THRESHOLDS: dict[str, str] = {row.measure: row.text for row in TABLE}

#: Test-retest reliability (:func:`acsi.assessment.retest_reliability`), listed in its own JSON.
RETEST: tuple[Threshold, ...] = (
    Threshold(
        "correlation",
        (0.7,),
        ">= 0.7 acceptable test-retest reliability (Nunnally & Bernstein 1994)",
        "Nunnally & Bernstein 1994",
    ),
    Threshold(
        "p",
        (0.05,),
        ">= 0.05: no significant change of the mean between the two administrations",
        "paired t test",
    ),
)

_BY_MEASURE = {row.measure: row for row in (*TABLE, *RETEST)}


def bound(measure: str) -> tuple[float, ...]:
    """The bound(s) of ``measure`` as :data:`TABLE` states them."""
    try:
        return _BY_MEASURE[measure].bound
    except KeyError:
        raise ParameterError(f"No threshold for measure {measure!r}; known: {', '.join(_BY_MEASURE)}.") from None
