"""SERVQUAL as users work with it: gap scores, SERVPERF, importance weights and the dimensions' effects.

- :func:`servqual` builds a :class:`ServqualResult` from a spec that pairs perception and
  expectation items (``derived`` difference indicators, as ``models/servqual.yaml``);
- :mod:`acsi.servqual.gaps` computes the per-respondent scores, :mod:`acsi.servqual.ranking`
  the dimensions' effects on satisfaction.
"""

from acsi.servqual.analysis import servqual
from acsi.servqual.ranking import servperf_spec
from acsi.servqual.result import ServqualResult

__all__ = ["ServqualResult", "servperf_spec", "servqual"]
