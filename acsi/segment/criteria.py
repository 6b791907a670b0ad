"""Segment-retention criteria of a finite mixture: information criteria, normed entropy, the recommendation rule.

With ``lnL`` the maximised log-likelihood, ``N`` the number of free parameters and ``n`` the
number of respondents (Sarstedt, Becker, Ringle & Schwaiger 2011, table 1):

* AIC  = -2 lnL + 2 N                    (Akaike 1973)
* AIC3 = -2 lnL + 3 N                    (Bozdogan 1994)
* AIC4 = -2 lnL + 4 N                    (Bozdogan 1994)
* BIC  = -2 lnL + ln(n) N                (Schwarz 1978)
* CAIC = -2 lnL + (ln(n) + 1) N          (Bozdogan 1987)
* HQ   = -2 lnL + 2 ln(ln(n)) N          (Hannan & Quinn 1979)
* MDL5 = -2 lnL + 5 ln(n) N              (Liang, Jaszczak & Coleman 1992)

and the normed entropy of the posterior membership probabilities ``P`` (n x K; Ramaswamy,
DeSarbo, Reibstein & Robinson 1993)

    EN = 1 - sum_i sum_k (-P_ik ln P_ik) / (n ln K),

1 for a crisp partition, 0 when every respondent is equally likely in every segment; undefined
for K = 1. Values above 0.5 are read as a partition that can be interpreted (Ringle, Wende &
Will 2010; Hair, Sarstedt, Matthews & Ringle 2016).

Recommendation rule (Sarstedt et al. 2011, who found AIC3 and CAIC jointly the most reliable
pair across their simulation conditions, with AIC4 and BIC next): the K that AIC3 and CAIC both
choose; if they disagree, the K that AIC4 and BIC both choose; if those disagree too, CAIC's K
(the criterion least prone to over-segmenting), flagged as a disagreement.

References: Sarstedt, M., Becker, J.-M., Ringle, C. M. & Schwaiger, M. (2011), Uncovering and
treating unobserved heterogeneity with FIMIX-PLS: which model selection criterion provides an
appropriate number of segments?, *Schmalenbach Business Review* 63, 34-62; Ramaswamy, V.,
DeSarbo, W. S., Reibstein, D. J. & Robinson, W. T. (1993), *Marketing Science* 12(1), 103-124.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from acsi.errors import EstimationError

#: The criteria in the order they are reported; each is minimised.
CRITERIA: tuple[str, ...] = ("aic", "aic3", "aic4", "bic", "caic", "hq", "mdl5")

#: Normed entropy above which segments count as well separated (Ringle, Wende & Will 2010).
ENTROPY_THRESHOLD = 0.5

RULE = (
    "Sarstedt et al. (2011): the K chosen by both AIC3 and CAIC; if they disagree, the K chosen by both AIC4 "
    "and BIC; if those disagree too, CAIC's K (least prone to over-segmenting), flagged as a disagreement"
)


def penalty(name: str, n: int) -> float:
    """The weight of the parameter count in criterion ``name`` for ``n`` respondents (see the module notes)."""
    log_n = math.log(n)
    return {
        "aic": 2.0,
        "aic3": 3.0,
        "aic4": 4.0,
        "bic": log_n,
        "caic": log_n + 1.0,
        "hq": 2.0 * math.log(log_n),
        "mdl5": 5.0 * log_n,
    }[name]


def information_criteria(log_likelihood: float, n_parameters: int, n: int) -> dict[str, float]:
    """``{criterion: -2 lnL + penalty * N}`` for every criterion of :data:`CRITERIA`."""
    return {name: -2.0 * log_likelihood + penalty(name, n) * n_parameters for name in CRITERIA}


def normed_entropy(posterior: np.ndarray) -> float:
    """EN = 1 - sum(-P ln P) / (n ln K) of posterior probabilities ``posterior`` (n, K); NaN for K = 1."""
    n, k = posterior.shape
    if k < 2:
        return float("nan")
    p = np.clip(posterior, 1e-300, 1.0)
    return float(1.0 - np.sum(-posterior * np.log(p)) / (n * math.log(k)))


@dataclass(frozen=True)
class Recommendation:
    """The recommended number of segments, the step of the rule that chose it and each criterion's choice."""

    k: int
    basis: str
    choices: dict[str, int]
    agreement: bool


def recommend(table: dict[int, dict[str, float]]) -> Recommendation:
    """Apply :data:`RULE` to ``{K: {criterion: value}}`` (missing or NaN values are skipped)."""
    choices = {}
    for name in CRITERIA:
        finite = {k: v[name] for k, v in table.items() if v.get(name) is not None and math.isfinite(v[name])}
        if finite:
            choices[name] = min(finite, key=lambda k: (finite[k], k))
    if not choices:
        raise EstimationError("No finite information criterion: every number of segments failed.")
    if choices.get("aic3") is not None and choices.get("aic3") == choices.get("caic"):
        return Recommendation(choices["aic3"], "AIC3 and CAIC agree", choices, True)
    if choices.get("aic4") is not None and choices.get("aic4") == choices.get("bic"):
        return Recommendation(choices["aic4"], "AIC3 and CAIC disagree; AIC4 and BIC agree", choices, True)
    fallback = choices.get("caic", min(choices.values()))
    return Recommendation(fallback, "the criteria disagree; CAIC's choice (least prone to over-segmenting)", choices, False)
