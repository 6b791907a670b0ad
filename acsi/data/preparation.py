"""Where a data frame meets a spec: :func:`prepare` and :func:`prepare_indicators` (see :mod:`acsi.data`)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from acsi.data.derived import with_derived
from acsi.data.indicator_data import MISSING_POLICIES, IndicatorData, MissingPolicy, MissingReport
from acsi.data.missing_treatment import check_constant, treat_missing
from acsi.data.sample_size import check_sample_size
from acsi.data.values import apply_scales, select_values
from acsi.errors import DataError, SmallSampleWarning
from acsi.ingest.mapping import SurveyMapping, apply_mapping, load_mapping
from acsi.ingest.survey import Survey, SurveyMetadata
from acsi.spec.model import ModelSpec, Scale


def _as_survey(data: Any, source: str | None) -> Survey:
    if isinstance(data, Survey):
        return data
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"Data must be a pandas DataFrame or an acsi.ingest.Survey; got {type(data).__name__}.")
    return Survey(frame=data, metadata=SurveyMetadata(source=source))


def prepare(
    spec: ModelSpec,
    data: pd.DataFrame | Survey,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
    source: str | None = None,
    strict: bool = True,
    mapping: SurveyMapping | str | Path | None = None,
) -> IndicatorData:
    """Check data against a spec, extract its indicators and treat missing values.

    Parameters
    ----------
    spec : ModelSpec
    data : pandas.DataFrame or Survey
        One row per respondent; other columns are ignored. Never modified. A
        :class:`~acsi.ingest.Survey` (from :func:`acsi.ingest.read_survey`) brings its
        source name, source row numbers, declared scales and counts.
    scale : (min, max), optional
        Theoretical bounds for every indicator whose scale neither the mapping nor the spec gives.
    missing : {"error", "listwise", "mean", "pairwise", "em"}
        Missing-data treatment (see the module notes).
    source : str, optional
        File name used in error messages (a Survey brings its own).
    strict : bool
        True (default): values outside an indicator's scale are errors. False (lenient):
        they become missing, are counted, and the missing-data treatment handles them.
    mapping : SurveyMapping or path, optional
        Applied first (:func:`acsi.ingest.apply_mapping`); its scales take precedence over
        the spec's, since they describe the data as delivered (after recoding).

    Returns
    -------
    IndicatorData

    Raises
    ------
    DataError
        Missing columns (all listed), non-numeric cells, values outside a declared scale
        (strict), missing values (``missing="error"``), constant indicators or too few
        observations; every problem found is listed at once, naming the columns, the first
        offending rows and values.

    Warns
    -----
    MissingDataWarning
        A pairwise covariance matrix is not positive semidefinite.
    ConvergenceWarning
        EM did not converge.
    """
    survey = _as_survey(data, source)
    if mapping is not None:
        if not isinstance(mapping, SurveyMapping):
            mapping = load_mapping(mapping)
        survey = apply_mapping(survey, mapping, strict=strict)
    survey = with_derived(spec, survey)  # disconfirmation indicators, after the mapping's renames
    indicators = spec.indicators
    scales: dict[str, Scale] = dict(spec.scales)
    if scale is not None:
        default = scale if isinstance(scale, Scale) else Scale(*scale)
        scales = {name: scales.get(name, default) for name in indicators}
    scales.update({k: v for k, v in survey.metadata.scales.items() if k in indicators})
    prepared = prepare_indicators(survey, indicators, scales=scales, missing=missing, strict=strict)
    where = f" in {prepared.source}" if prepared.source else ""
    message = check_sample_size(spec, prepared.n_obs, where=where)
    if message is None:
        return prepared
    warnings.warn(message, SmallSampleWarning, stacklevel=2)
    return replace(prepared, warnings=(*prepared.warnings, message))


def prepare_indicators(
    data: pd.DataFrame | Survey,
    indicators: Sequence[str],
    *,
    scales: Mapping[str, Scale] | None = None,
    missing: MissingPolicy = "error",
    strict: bool = True,
    source: str | None = None,
) -> IndicatorData:
    """:func:`prepare` for a list of indicator columns instead of a spec.

    Used by ``acsi ingest survey`` to validate a mapping's indicators without a model.
    Parameters and errors as in :func:`prepare`; ``scales`` gives the bounds to enforce.
    """
    survey = _as_survey(data, source)
    meta = survey.metadata
    source = meta.source
    where = f" in {source}" if source else ""
    frame = survey.frame
    indicators = tuple(indicators)
    scales = dict(scales or {})
    if missing not in MISSING_POLICIES:
        raise DataError(f"Unknown missing-value policy {missing!r}; expected one of {', '.join(map(repr, MISSING_POLICIES))}.")
    values, lowest, highest, has_nan = select_values(frame, indicators, where)
    labels = frame.index
    by_indicator = {
        name: {
            "missing": 0,
            **{k: int(v) for k, v in meta.counts.get(name, {}).items() if k in ("missing_codes", "out_of_scale", "unmapped")},
        }
        for name in indicators
    }
    values, lowest, highest, has_nan = apply_scales(
        values, lowest, highest, has_nan, indicators, scales, strict, labels, by_indicator, where
    )
    n_rows = values.shape[0]
    report: dict[str, Any] = {"treatment": missing, "n_rows": n_rows}
    moments = None
    keep = None
    if has_nan:
        values, keep, moments, report = treat_missing(values, labels, indicators, missing, where, by_indicator)
    n_dropped = n_rows - values.shape[0]
    if keep is not None:
        labels = labels[keep]
    n, p = values.shape
    if n < 3:
        raise DataError(
            f"Only {n} complete observation(s){where}; PLS needs at least 3 (and many more to be useful)."
            + (" Too many rows have missing values for listwise deletion: try missing='em'." if missing == "listwise" else "")
        )
    if moments is None:
        if n_dropped or has_nan:
            lowest, highest = values.min(axis=0), values.max(axis=0)
        check_constant(indicators, lowest, highest, where)
    values.setflags(write=False)
    for key in ("n_missing_codes", "n_out_of_scale", "n_unmapped"):
        field_name = key[2:]
        report[key] = int(sum(by_indicator[name].get(field_name, 0) for name in indicators))
    weights = None
    if meta.weight is not None and meta.weight in frame.columns:
        weights = pd.to_numeric(frame[meta.weight], errors="coerce").to_numpy(dtype=float)
        weights = weights[keep] if keep is not None else weights
        weights.setflags(write=False)
    groups = None
    if meta.groups:
        groups = frame.loc[labels, list(meta.groups)] if keep is not None else frame[list(meta.groups)]
    return IndicatorData(
        values=values,
        indicators=indicators,
        row_labels=labels,
        scales=MappingProxyType({k: v for k, v in scales.items() if k in indicators}),
        n_dropped=n_dropped,
        missing=missing,
        source=source,
        moments=moments,
        missing_report=MissingReport(**report, by_indicator=MappingProxyType(by_indicator)),
        case_weights=weights,
        groups=groups,
        metadata=meta,
    )
