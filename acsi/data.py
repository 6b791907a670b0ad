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
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi import notices
from acsi.core.missing import conditional_means, em_moments, pairwise_moments
from acsi.core.moments import correlation
from acsi.errors import ConvergenceWarning, DataError, MissingDataWarning, SmallSampleWarning, shorten
from acsi.ingest.mapping import SurveyMapping, apply_mapping, load_mapping
from acsi.ingest.survey import Survey, SurveyMetadata
from acsi.spec.model import ModelSpec, Scale

MissingPolicy = Literal["error", "listwise", "mean", "pairwise", "em"]
MISSING_POLICIES: tuple[str, ...] = ("error", "listwise", "mean", "pairwise", "em")
_SHOW = 5  # rows or values quoted in an error message


def _plain_number(dtype: object) -> bool:
    """A NumPy integer, unsigned or float dtype (not bool, object or a pandas extension type)."""
    return isinstance(dtype, np.dtype) and dtype.kind in "iuf"


def _rows(labels: pd.Index) -> str:
    shown = ", ".join(str(r) for r in labels[:_SHOW])
    more = f" and {len(labels) - _SHOW} more" if len(labels) > _SHOW else ""
    return f"{shown}{more}"


@dataclass(frozen=True)
class MissingReport:
    """What the missing-data treatment did, with counts.

    Attributes
    ----------
    treatment : str
        ``"error"``, ``"listwise"``, ``"mean"``, ``"pairwise"`` or ``"em"``.
    n_rows : int
        Rows given (before any was dropped).
    n_rows_dropped : int
        Rows dropped: incomplete rows (listwise) or rows without any observed indicator.
    n_incomplete_rows : int
        Rows with at least one missing indicator cell.
    n_cells_missing : int
        Missing indicator cells, after missing codes and (lenient) out-of-scale values.
    n_cells_imputed : int
        Cells filled: by the mean (``"mean"``) or the conditional expectation (``"pairwise"``, ``"em"``).
    n_missing_codes, n_out_of_scale, n_unmapped : int
        Cells made missing because they held a declared missing code, lay outside the scale
        (lenient mode), or were absent from a recoding table (lenient mode).
    em_iterations : int or None
        EM iterations (``"em"`` only).
    by_indicator : mapping indicator -> mapping str -> int
        ``missing``, ``missing_codes``, ``out_of_scale``, ``unmapped`` per indicator.
    """

    treatment: str
    n_rows: int
    n_rows_dropped: int = 0
    n_incomplete_rows: int = 0
    n_cells_missing: int = 0
    n_cells_imputed: int = 0
    n_missing_codes: int = 0
    n_out_of_scale: int = 0
    n_unmapped: int = 0
    em_iterations: int | None = None
    by_indicator: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``missing`` object of ``FitResult.to_dict()`` (a public contract).

        Keys: ``treatment``, ``rows``, ``rows_dropped``, ``incomplete_rows``,
        ``cells_missing``, ``cells_imputed``, ``missing_codes``, ``out_of_scale``,
        ``unmapped``, ``em_iterations`` (null unless EM), ``by_indicator``.
        """
        return {
            "treatment": self.treatment,
            "rows": self.n_rows,
            "rows_dropped": self.n_rows_dropped,
            "incomplete_rows": self.n_incomplete_rows,
            "cells_missing": self.n_cells_missing,
            "cells_imputed": self.n_cells_imputed,
            "missing_codes": self.n_missing_codes,
            "out_of_scale": self.n_out_of_scale,
            "unmapped": self.n_unmapped,
            "em_iterations": self.em_iterations,
            "by_indicator": {k: dict(v) for k, v in self.by_indicator.items()},
        }


@dataclass(frozen=True)
class IndicatorData:
    """Validated indicator values in spec order.

    Attributes
    ----------
    values : ndarray, shape (n, p)
        Read-only float array, columns in ``indicators`` order, without missing cells
        (after ``"mean"``, ``"pairwise"`` or ``"em"`` the filled values; see the module notes).
    indicators : tuple of str
    row_labels : pandas.Index
        Labels of the rows kept (from the source frame: source row numbers for a Survey).
    scales : mapping indicator -> Scale
        Theoretical bounds known for each indicator (mapping, spec, then defaults).
    n_dropped : int
        Rows dropped by the missing-value policy.
    missing : str
        The missing-data treatment.
    source : str or None
        Where the data came from (a file name), for messages and provenance.
    moments : (mean, covariance) or None
        Means (p,) and covariance (p, p, divisor n) estimated by ``"pairwise"`` or ``"em"``;
        estimators use them instead of the moments of ``values``. None otherwise.
    missing_report : MissingReport or None
    case_weights : ndarray, shape (n,), or None
        The mapping's case-weight column for the rows kept; the estimators weight their moments by it.
    groups : pandas.DataFrame or None
        The mapping's grouping columns for the rows kept, indexed like ``row_labels``.
    metadata : SurveyMetadata or None
        Labels, missing codes and counts of the survey the data came from.
    warnings : tuple of str
        Messages of the warnings :func:`prepare` issued about these data for the spec (a small
        sample, :func:`check_sample_size`); every fit of them carries these messages too.
    """

    values: np.ndarray
    indicators: tuple[str, ...]
    row_labels: pd.Index
    scales: Mapping[str, Scale] = field(default_factory=dict)
    n_dropped: int = 0
    missing: str = "error"
    source: str | None = None
    moments: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    missing_report: MissingReport | None = None
    case_weights: np.ndarray | None = field(default=None, repr=False)
    groups: pd.DataFrame | None = field(default=None, repr=False)
    metadata: SurveyMetadata | None = field(default=None, repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def n_obs(self) -> int:
        return int(self.values.shape[0])


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


#: The ten-times rule: at least ten observations per predictor of the model's largest regression
#: (Barclay, Higgins & Thompson 1995; Hair, Hult, Ringle & Sarstedt 2017, *A Primer on PLS-SEM*,
#: 2nd ed., ch. 1). A floor, not a power analysis: it is known to be too lenient for small effects
#: (Marcoulides & Saunders 2006; Kock & Hadaya 2018 give the inverse square root method).
TEN_TIMES = 10


def largest_regression(spec: ModelSpec) -> tuple[int, str]:
    """The largest number of predictors in one regression the estimators run, and which it is.

    The regressions are the structural equations (an endogenous construct on its predecessors)
    and the outer regressions of Mode B blocks (the construct proxy on its indicators).
    """
    sources: dict[str, list[str]] = {}
    for path in spec.paths:
        sources.setdefault(path.target, []).append(path.source)
    largest, label = 0, "no regression"
    for construct in spec.constructs:  # spec order, so ties name the first construct
        preds = sources.get(construct.name, ())
        if len(preds) > largest:
            largest, label = len(preds), f"'{construct.name}' on {', '.join(preds)}"
    for construct in spec.constructs:
        if len(construct.indicators) > largest and construct.mode.weighting == "B":
            largest = len(construct.indicators)
            label = f"Mode B construct '{construct.name}' on its indicators {', '.join(construct.indicators)}"
    return largest, label


def check_sample_size(spec: ModelSpec, n: int, *, where: str = "") -> str | None:
    """Refuse a sample too small for the model; describe one that is merely small.

    Rules, with p the number of indicators and m the largest number of predictors in one
    regression (:func:`largest_regression`):

    * **refused** when ``n <= p``: the indicator correlation matrix is then singular (rank at most
      n - 1), so CB-SEM's likelihood, consistent PLS, Mode B weights and the d_G fit measure do
      not exist, and PLS estimates rest on fewer dimensions than the model has. Since every
      construct has an indicator, ``n > p`` also gives the largest regression a residual degree
      of freedom (``p >= m + 1``): with fewer, a regression fits perfectly and reports R² = 1 up
      to rounding (1.0000000000000053 with n = 3) with no standard error;
    * **warned** (the returned message, issued by :func:`prepare` as
      :class:`~acsi.errors.SmallSampleWarning`) when ``n < 10 m``: the ten-times rule
      (:data:`TEN_TIMES`).

    Returns
    -------
    str or None
        The warning message, or None when the sample meets both rules.

    Raises
    ------
    DataError
        ``n <= p``, saying how many observations are needed and how many were found.
    """
    largest, label = largest_regression(spec)
    p = len(spec.indicators)
    if n <= p:
        rule = f"; the ten-times rule asks for {TEN_TIMES * largest}" if TEN_TIMES * largest > p + 1 else ""
        raise DataError(
            f"Only {n} observation(s){where} for {p} indicators: at least {p + 1} are needed (more observations than "
            "indicators), or the indicator correlation matrix is singular and the regressions of the model fit "
            f"perfectly (R² = 1){rule}. Collect more responses or simplify the model."
        )
    if n >= TEN_TIMES * largest:
        return None
    return (
        f"Only {n} observations{where}, fewer than the {TEN_TIMES * largest} that the ten-times rule asks for "
        f"({TEN_TIMES} per predictor of the largest regression, {label}; Hair et al. 2017). Estimates, indices and "
        "their standard errors are unstable at this size; collect more responses or simplify the model."
    )


def _numeric_frame(frame: pd.DataFrame, where: str, problems: list[str]) -> pd.DataFrame:
    suspicious = [
        name
        for name, dtype in frame.dtypes.items()
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype)
    ]
    for name in suspicious:
        column = frame[name]
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any() or pd.api.types.is_bool_dtype(column):
            rows = column.index[bad] if bad.any() else column.index
            examples = ", ".join(shorten(v) for v in column[rows[:_SHOW]])
            problems.append(
                f"Indicator column '{name}'{where} is not numeric: rows {_rows(rows)} hold {examples}. "
                "Recode these answers to numbers or declare them missing."
            )
            continue
        frame = frame.assign(**{name: converted})
    return frame


def _refuse_infinite(
    values: np.ndarray, lowest: np.ndarray, highest: np.ndarray, indicators: Sequence[str], labels: pd.Index, where: str
) -> None:
    """Refuse +-inf cells as non-numeric text is refused: they would turn every estimate into NaN.

    ``lowest``/``highest`` are the column minima and maxima; a column holding NaN hides an infinity
    from them, so such columns are scanned cell by cell.
    """
    suspect = np.isinf(lowest) | np.isinf(highest) | np.isnan(lowest)
    if not suspect.any():
        return
    problems = []
    for j in np.flatnonzero(suspect):
        rows = labels[np.isinf(values[:, j])]
        if len(rows):
            problems.append(
                f"Indicator column '{indicators[j]}'{where} holds infinite values in rows {_rows(rows)}. "
                "Replace them with valid answers or declare them missing."
            )
    if problems:
        _raise(problems, where)


def _raise(problems: list[str], where: str) -> None:
    if len(problems) == 1:
        raise DataError(problems[0])
    raise DataError(f"{len(problems)} problems with the data{where}:\n  - " + "\n  - ".join(problems))


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
    position: dict[object, int] = {}
    for i, column in enumerate(frame.columns):
        position.setdefault(column, i)
    absent = [name for name in indicators if name not in position]
    if absent:
        raise DataError(
            f"The data{where} lack {len(absent)} indicator column(s) of the model: {', '.join(absent)}. "
            f"Columns found: {', '.join(map(str, frame.columns[:30]))}"
            f"{' ...' if len(frame.columns) > 30 else ''}. Rename the columns (a mapping file does this) "
            "or correct the spec."
        )
    if len(position) < frame.shape[1]:
        doubled = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]} & set(indicators))
        if doubled:
            raise DataError(f"Indicator column(s) {', '.join(doubled)} appear more than once{where}. Keep one of each.")
    columns = [position[name] for name in indicators]
    dtypes = frame.dtypes.to_numpy()
    problems: list[str] = []
    if all(_plain_number(dtypes[i]) for i in columns):
        # Fast path: plain numeric columns; one conversion of the whole frame when it is not much wider.
        if frame.shape[1] <= 2 * len(columns) and all(_plain_number(d) for d in dtypes):
            values = frame.to_numpy(dtype=float)[:, columns]
        else:
            values = frame.iloc[:, columns].to_numpy(dtype=float)
    else:
        selected = _numeric_frame(frame.iloc[:, columns], where, problems)
        if problems:
            _raise(problems, where)
        values = selected.to_numpy(dtype=float, na_value=np.nan)
    # Range and NaN check in one pass per column (min propagates NaN). The array keeps the layout
    # pandas hands over (often column-major): a transposing copy costs more than it saves, since
    # the estimators use X'X and products with the data are lazy. Only float64 columns can come
    # back as a view of the caller's frame; then copy, so that the data never alias the frame.
    lowest, highest = values.min(axis=0, initial=np.inf), values.max(axis=0, initial=-np.inf)
    has_nan = bool(np.isnan(lowest).any())
    if values.shape[0]:
        _refuse_infinite(values, lowest, highest, indicators, frame.index, where)
    if not values.flags.owndata and any(dtypes[i] == np.float64 for i in columns):
        values = values.copy(order="K")
    copied = False
    labels = frame.index
    by_indicator = {
        name: {
            "missing": 0,
            **{k: int(v) for k, v in meta.counts.get(name, {}).items() if k in ("missing_codes", "out_of_scale", "unmapped")},
        }
        for name in indicators
    }
    if has_nan and values.size:
        with warnings.catch_warnings():  # an all-missing column: nanmin warns and gives NaN (refused below)
            warnings.simplefilter("ignore", RuntimeWarning)
            lowest, highest = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    for j, name in enumerate(indicators):
        bounds = scales.get(name)
        if bounds is None or bounds.min <= lowest[j] and highest[j] <= bounds.max:
            continue
        outside = (values[:, j] < bounds.min) | (values[:, j] > bounds.max)
        if strict:
            rows = labels[outside]
            examples = ", ".join(f"{v:g}" for v in values[outside, j][:_SHOW])
            problems.append(
                f"Indicator '{name}'{where} has {int(outside.sum())} value(s) outside its scale "
                f"{bounds.min:g}-{bounds.max:g}: rows {_rows(rows)} hold {examples}. Correct the scale "
                "(spec, mapping or --scale), declare these codes missing, or use lenient mode (strict=False, "
                "--lenient) to treat them as missing."
            )
        else:
            if not copied:  # never write into the caller's frame
                values, copied = values.copy(), True
            values[outside, j] = np.nan
            by_indicator[name]["out_of_scale"] = by_indicator[name].get("out_of_scale", 0) + int(outside.sum())
            has_nan = True
    if problems:
        _raise(problems, where)

    n_rows = values.shape[0]
    report: dict[str, Any] = {"treatment": missing, "n_rows": n_rows}
    moments = None
    keep = None
    if has_nan:
        holes = np.isnan(values)
        per_column = holes.sum(axis=0)
        for j, name in enumerate(indicators):
            by_indicator[name]["missing"] = int(per_column[j])
        incomplete = holes.any(axis=1)
        report["n_incomplete_rows"] = int(incomplete.sum())
        report["n_cells_missing"] = int(per_column.sum())
        if missing == "error":
            rows = labels[incomplete]
            hole_names = [name for j, name in enumerate(indicators) if per_column[j]]
            made = sum(by_indicator[n].get("out_of_scale", 0) for n in indicators)
            extra = f" ({made} of the cells were outside their scale, set missing in lenient mode)" if made else ""
            raise DataError(
                f"{int(incomplete.sum())} row(s){where} have missing indicator values (rows {_rows(rows)}; "
                f"columns {', '.join(hole_names)}){extra}. Drop them with missing='listwise' (CLI: --missing listwise), "
                "estimate around them with missing='em' (or 'pairwise'), or impute them first."
            )
        thin = [name for j, name in enumerate(indicators) if n_rows - per_column[j] < 3]
        if thin:  # before listwise deletion too, which would otherwise only say that no row is complete
            raise DataError(
                f"Indicator(s) {', '.join(thin)}{where} have fewer than 3 observed values; no missing-data "
                "treatment can estimate their moments. Remove them from the model."
            )
        if missing == "listwise":
            keep = ~incomplete
            values = values[keep]
        else:
            empty = holes.all(axis=1)
            if empty.any():
                keep = ~empty
                values, holes = values[keep], holes[keep]
            lowest, highest = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
            _check_constant(indicators, lowest, highest, where)
            if missing == "mean":
                means = np.nanmean(values, axis=0)
                values = np.where(holes, means, values)
            else:
                moments = _moments(values, indicators, missing, where, report)
                values = conditional_means(values, *moments)
            report["n_cells_imputed"] = int(holes.sum())
        report["n_rows_dropped"] = n_rows - values.shape[0]
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
        _check_constant(indicators, lowest, highest, where)
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


def _check_constant(indicators: Sequence[str], lowest: np.ndarray, highest: np.ndarray, where: str) -> None:
    constant = [name for j, name in enumerate(indicators) if lowest[j] == highest[j]]
    if constant:
        raise DataError(
            f"Indicator(s) {', '.join(constant)}{where} are constant (every respondent gave the same value); "
            "a constant indicator carries no information and cannot be standardised. Remove it from the spec."
        )


def _moments(
    values: np.ndarray, indicators: Sequence[str], method: str, where: str, report: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    if method == "pairwise":
        mean, covariance, pairs = pairwise_moments(values)
        thin = np.argwhere(np.triu(pairs < 3, 1))
        if thin.size:
            names = ", ".join(f"{indicators[i]}/{indicators[j]}" for i, j in thin[:_SHOW])
            raise DataError(
                f"Indicator pair(s) {names}{where} are observed together in fewer than 3 rows, so their "
                "correlation cannot be estimated pairwise. Use missing='em' or collect more data."
            )
        smallest = float(np.linalg.eigvalsh(correlation(covariance)).min())
        if smallest < -1e-10:
            notices.issue(
                f"The pairwise correlation matrix{where} is not positive semidefinite (smallest eigenvalue "
                f"{smallest:.3g}): pairwise deletion combined rows that disagree. Prefer missing='em'.",
                MissingDataWarning,
                stacklevel=4,
            )
    else:
        result = em_moments(values)
        report["em_iterations"] = result.n_iter
        if not result.converged:
            notices.issue(
                f"EM for the missing indicator values{where} did not converge within {result.n_iter} iterations; "
                "the moments are unreliable. Check for indicators that are almost never observed together.",
                ConvergenceWarning,
                stacklevel=4,
            )
        mean, covariance = result.mean, result.covariance
    mean.setflags(write=False)
    covariance.setflags(write=False)
    return mean, covariance
