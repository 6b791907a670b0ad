"""Immutable results of a fit: arrays with labels, tidy pandas views, the JSON contract.

:class:`FitResult` (:mod:`~acsi.results.fit_result`) holds the estimates of one fit and
:class:`IndexResult` (:mod:`~acsi.results.index_result`) its 0-100 indices; both keep the
result contract (:mod:`acsi.result_contract`).
"""

from __future__ import annotations

from acsi.results.fit_result import FitResult
from acsi.results.index_result import IndexResult, IndicatorMap

__all__ = ["FitResult", "IndexResult", "IndicatorMap"]
