"""Indicator data: the spec's indicators as a validated numeric array.

:func:`prepare` is the one boundary where a data frame (or a :class:`~acsi.ingest.Survey`
read from a file) meets a spec. It selects the spec's indicators, checks columns, types,
theoretical scales and constant indicators, applies the missing-data treatment, and returns
an :class:`IndicatorData` that the estimators trust without checking again (linearmodels'
``_validate_inputs`` once, then pure estimation).

Missing-data treatments (``missing=``)
--------------------------------------
``"error"`` (default)
    Refuse missing cells; the message names rows and columns.
``"listwise"``
    Drop every row with a missing indicator.
``"mean"``
    Replace each missing cell by its indicator's available-case mean. Keeps n but shrinks
    variances and correlations (biased); offered because practice uses it, not recommended.
``"pairwise"``
    Moments by pairwise deletion (:func:`acsi.core.missing.pairwise_moments`): every
    correlation from the rows observing both indicators. Consistent under MCAR only; the
    matrix may be indefinite (:class:`~acsi.errors.MissingDataWarning`).
``"em"``
    Maximum-likelihood means and covariance under MAR by EM (FIML for the saturated
    model, :func:`acsi.core.missing.em_moments`).

With ``"pairwise"`` and ``"em"`` the estimators work on the estimated moments
(``IndicatorData.moments``), so weights, loadings, paths and the 0-100 index use every
observed cell. **Rule for scores of incomplete rows**: their missing cells are filled with
the conditional expectation given the row's observed cells under those moments
(``mu_m + S_mo S_oo^-1 (x_o - mu_o)``); ``IndicatorData.values`` holds these filled values,
and construct scores and respondent indices are computed from them. Rows with no observed
indicator are dropped (counted in ``n_dropped``). Treatment and counts are recorded in
``IndicatorData.missing_report`` and reach ``FitResult.to_dict()["missing"]``.

Row numbers in messages are the frame's index labels; :func:`acsi.ingest.read_survey`
sets them to source row numbers (file line, spreadsheet row, case number).

The package: :mod:`acsi.data.preparation` (:func:`prepare`), :mod:`acsi.data.values` (columns,
types, scales), :mod:`acsi.data.missing_treatment`, :mod:`acsi.data.sample_size` and
:mod:`acsi.data.indicator_data` (:class:`IndicatorData`).
"""

from acsi.data.indicator_data import MISSING_POLICIES, IndicatorData, MissingPolicy, MissingReport
from acsi.data.preparation import prepare, prepare_indicators
from acsi.data.sample_size import TEN_TIMES, check_sample_size, largest_regression

__all__ = [
    "MISSING_POLICIES",
    "TEN_TIMES",
    "IndicatorData",
    "MissingPolicy",
    "MissingReport",
    "check_sample_size",
    "largest_regression",
    "prepare",
    "prepare_indicators",
]
