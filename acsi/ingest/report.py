"""The validation report of an ingested survey: collected here, rendered as text.

:func:`validation_report` collects per-column facts from a :class:`Survey` (and, after a
mapping, from the :class:`~acsi.data.IndicatorData` that validation produced); the
report's :meth:`IngestReport.as_text` renders them. Nothing is computed while rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from acsi.ingest.mapping import SurveyMapping
from acsi.ingest.survey import Survey
from acsi.result_contract import ResultContract
from acsi.summary import Section, Summary


class ValidatedData(Protocol):
    """What the report reads of :class:`acsi.data.IndicatorData` (a layer above ingest): the missing-data report."""

    @property
    def missing_report(self) -> Any: ...


@dataclass(frozen=True)
class IngestReport(ResultContract):
    """What was read, what was changed, what is missing.

    Attributes
    ----------
    header : tuple of str
        Source, format, row numbering, mapping, mode.
    columns : pandas.DataFrame
        One row per column (or per mapped indicator).
    totals : tuple of str
        Row and cell counts, the missing-data treatment.
    """

    header: tuple[str, ...]
    columns: pd.DataFrame
    totals: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """``{header: [str], columns: [{column: value}], totals: [str]}`` (strict JSON)."""
        return {"header": list(self.header), "columns": self.columns.to_dict("records"), "totals": list(self.totals)}

    def to_frame(self) -> pd.DataFrame:
        """One row per column (or per mapped indicator)."""
        return self.columns

    def summary(self) -> Summary:
        """Header, the per-column table, the totals."""
        columns = self.columns
        table = Section("", columns, ("", *self.totals), digits=None, na_rep="", index=False)
        if not len(columns):
            table = Section("", lines=("(no columns)", "", *self.totals))
        return Summary((*self.header, ""), (table,))

    def as_text(self) -> str:
        return self.summary().as_text()

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        source = self.header[0] if self.header else ""
        shown = source if len(source) <= 80 else source[:77] + "..."
        return f"IngestReport(columns={len(self.columns)}, {shown!r})"


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date/time"
    return "text"


def validation_report(
    original: Survey,
    survey: Survey,
    *,
    mapping: SurveyMapping | None = None,
    data: ValidatedData | None = None,
    strict: bool = True,
    treatment: str = "keep",
) -> IngestReport:
    """Collect the report of an ingest run.

    Parameters
    ----------
    original : Survey
        As read from the file.
    survey : Survey
        After the mapping (the same object without one).
    mapping : SurveyMapping, optional
    data : acsi.data.IndicatorData, optional
        The validated indicators (with a mapping).
    strict : bool
    treatment : str
        Missing-data treatment applied to the output (``"keep"``: missing cells stay empty).
    """
    meta = original.metadata
    frame = original.frame
    header = [
        f"Survey: {meta.source} ({meta.format}; {len(frame)} rows, {frame.shape[1]} columns; row numbers: {meta.row_numbers})",
    ]
    if mapping is None:
        return _unmapped_report(original, header)

    extras = []
    if mapping.weight:
        extras.append(f"case weight '{mapping.weight}' (weights the estimates)")
    if mapping.groups:
        extras.append(f"groups {', '.join(mapping.groups)}")
    header.append(
        f"Mapping: {mapping.source or '(in memory)'} ({len(mapping.rules)} indicators"
        + (f"; {'; '.join(extras)}" if extras else "")
        + ")"
    )
    header.append(
        "Mode: strict (values outside a scale are errors)"
        if strict
        else "Mode: lenient (values outside a scale or a recoding table become missing)"
    )
    by = data.missing_report.by_indicator if data is not None and data.missing_report is not None else {}
    counts = survey.metadata.counts
    rows = []
    for rule in mapping.rules:
        column = survey.frame[rule.indicator]
        target = rule.target_scale
        tally = counts.get(rule.indicator, {})
        recode = rule.recode if isinstance(rule.recode, str) or rule.recode is None else "table"
        rows.append(
            {
                "indicator": rule.indicator,
                "column": rule.column,
                "scale": f"{rule.scale.min:g}-{rule.scale.max:g}" if rule.scale else "",
                "reverse": "yes" if rule.reverse else "",
                "recode": recode or "",
                "to_scale": f"{target.min:g}-{target.max:g}" if target and recode else "",
                "missing": int(by[rule.indicator]["missing"]) if rule.indicator in by else int(column.isna().sum()),
                "codes": int(tally.get("missing_codes", 0)),
                "out_of_scale": int((by.get(rule.indicator) or tally).get("out_of_scale", 0)),
                "unmapped": int(tally.get("unmapped", 0)),
                "mean": float(column.mean()) if column.notna().any() else None,
            }
        )
    table = pd.DataFrame(rows)
    return IngestReport(header=tuple(header), columns=table, totals=_totals(data, treatment))


def _unmapped_report(original: Survey, header: list[str]) -> IngestReport:
    """The report without a mapping: every column with its type, missing cells, range and label."""
    meta = original.metadata
    frame = original.frame
    header.append("Mapping: none (columns pass through by name and type)")
    rows = []
    for name in frame.columns:
        column = frame[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        suggested = meta.suggested_scales.get(name)
        rows.append(
            {
                "column": name,
                "type": _kind(column),
                "missing": int(column.isna().sum()),
                "missing_codes": int(meta.counts.get(name, {}).get("missing_codes", 0)),
                "min": column.min() if numeric and column.notna().any() else None,
                "max": column.max() if numeric and column.notna().any() else None,
                "labelled_scale": f"{suggested.min:g}-{suggested.max:g}" if suggested else "",
                "label": meta.column_labels.get(name, ""),
            }
        )
    totals = [f"Rows: {len(frame)}; complete rows: {int(frame.notna().all(axis=1).sum())}."]
    return IngestReport(header=tuple(header), columns=pd.DataFrame(rows), totals=tuple(totals))


def _totals(data: ValidatedData | None, treatment: str) -> tuple[str, ...]:
    """Rows, incomplete rows and missing cells by cause, and the missing-data treatment applied."""
    totals = []
    if data is not None and data.missing_report is not None:
        report = data.missing_report
        totals.append(
            f"Rows: {report.n_rows}; incomplete rows: {report.n_incomplete_rows}; missing cells: {report.n_cells_missing} "
            f"(missing codes {report.n_missing_codes}, out of scale {report.n_out_of_scale}, "
            f"not in a recoding table {report.n_unmapped})."
        )
        if treatment == "keep":
            totals.append("Missing-data treatment: keep (missing cells are written empty; choose one when fitting).")
        elif treatment == "listwise":
            totals.append(f"Missing-data treatment: listwise, {report.n_rows_dropped} row(s) dropped.")
        elif treatment == "mean":
            totals.append(f"Missing-data treatment: mean replacement, {report.n_cells_imputed} cell(s) imputed.")
        else:
            totals.append(f"Missing-data treatment: {treatment}.")
    return tuple(totals)
