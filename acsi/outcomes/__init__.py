"""Satisfaction to outcomes: outcome rates by index band and rating, isotonic and logistic curves,
the effect of one index point, revenue at risk per group.

* :func:`outcomes` -> :class:`OutcomeResult` (:mod:`acsi.outcomes.analysis`), the index from a model fit
  of the survey; :func:`event_outcomes` (:mod:`acsi.outcomes.events`), the index from evaluator-device
  scores joined to a customer file; both share :mod:`acsi.outcomes.tables`;
* kernels (pure numpy): :mod:`acsi.outcomes.rates` (Wilson intervals), :mod:`acsi.outcomes.isotonic`
  (pool-adjacent-violators), :mod:`acsi.outcomes.logistic` (Newton-Raphson, marginal effects);
* :mod:`acsi.outcomes.plots`: the chart as a matplotlib Figure.
"""

from __future__ import annotations

from acsi.outcomes.analysis import outcomes
from acsi.outcomes.events import event_outcomes
from acsi.outcomes.outcome_result import OutcomeResult

__all__ = ["OutcomeResult", "event_outcomes", "outcomes"]
