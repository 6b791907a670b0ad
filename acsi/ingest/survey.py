"""Survey files in, one frame plus metadata out: CSV/TSV, Excel, SPSS and Parquet.

:func:`read_survey` reads a file by its extension and returns a :class:`Survey`: the
respondents as a pandas DataFrame and a :class:`SurveyMetadata` with the source, the
variable and value labels, the declared missing codes and, where the file states them,
the theoretical scales. Nothing is validated against a model here; that is
:func:`acsi.data.prepare`'s job, and a mapping (:mod:`acsi.ingest.mapping`) sits between.

Row numbers
-----------
The frame's index holds the **source row number** of each respondent, so every later
message ("rows 7, 12 hold 11") points into the file the user has open:

* CSV/TSV: the line number in the file, header = line 1, first respondent = line 2
  (``index + 2`` for a 0-based position; assumes one record per line, i.e. no line breaks
  inside quoted cells);
* Excel: the spreadsheet row, header = row 1, first respondent = row 2;
* SPSS and Parquet: the case (record) number, first respondent = 1.

Empty cells
-----------
CSV/TSV and Excel cells that are empty or hold one of pandas' default NA strings (``NA``,
``N/A``, ``n/a``, ``NaN``, ``null``, ``#N/A`` and the like) are read as missing. Any other
text in an indicator column is reported by validation (or declared a missing code in a
mapping, e.g. ``missing: ["don't know", 98]``).

Declared missing codes
----------------------
SPSS user-missing values (``MISSING VALUES q1 (98, 99)``, discrete codes or a range) are
missing by definition of the file: :func:`read_survey` turns them into NaN, records the
codes in ``metadata.missing_codes`` and the number of cells per column in
``metadata.counts[column]["missing_codes"]``. (pandas' ``read_spss`` drops value labels
and missing codes, ``pandas-dev/pandas#54264``; pyreadstat keeps them.)
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from acsi.errors import IngestError
from acsi.spec.model import Scale

SurveyFormat = Literal["csv", "tsv", "excel", "spss", "parquet", "frame"]

#: File extensions and the format each is read as.
EXTENSIONS: Mapping[str, SurveyFormat] = MappingProxyType(
    {
        ".csv": "csv",
        ".txt": "csv",
        ".tsv": "tsv",
        ".tab": "tsv",
        ".xlsx": "excel",
        ".xlsm": "excel",
        ".sav": "spss",
        ".zsav": "spss",
        ".parquet": "parquet",
        ".pq": "parquet",
    }
)
#: First source row number of each format (see the module notes).
FIRST_ROW: Mapping[str, int] = MappingProxyType({"csv": 2, "tsv": 2, "excel": 2, "spss": 1, "parquet": 1, "frame": 0})
ROW_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "csv": "file line (header = line 1)",
        "tsv": "file line (header = line 1)",
        "excel": "spreadsheet row (header = row 1)",
        "spss": "case number (first case = 1)",
        "parquet": "record number (first record = 1)",
        "frame": "frame index label",
    }
)
#: Key of the acsi metadata (JSON) in the schema of Parquet files written by :func:`write_survey`.
PARQUET_KEY = b"acsi"


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class SurveyMetadata:
    """What a survey file says about its data besides the values.

    Attributes
    ----------
    source : str or None
        File name (``None`` for a frame built in memory).
    format : {"csv", "tsv", "excel", "spss", "parquet", "frame"}
    row_numbers : str
        What the frame's index counts (see the module notes).
    column_labels : mapping column -> str
        Variable labels (SPSS), e.g. ``{"q1": "Overall satisfaction"}``.
    value_labels : mapping column -> mapping value -> str
        Value labels (SPSS), e.g. ``{"q1": {1: "very dissatisfied", 5: "very satisfied"}}``.
    missing_codes : mapping column -> tuple
        Codes declared missing (by the file or a mapping); a range is a ``(lo, hi)`` tuple.
    measures : mapping column -> str
        SPSS measurement level (``"nominal"``, ``"ordinal"``, ``"scale"``, ``"unknown"``).
    scales : mapping column -> Scale
        Theoretical scales *declared* for columns: by a mapping, or stored by
        :func:`write_survey` in a Parquet file. Validation enforces them.
    suggested_scales : mapping column -> Scale
        Range of the labelled (non-missing) values of an SPSS column; shown in reports,
        never enforced (labels may cover only the end points).
    weight : str or None
        Case-weight column (from a mapping).
    groups : tuple of str
        Grouping columns carried along (branch, firm, period).
    counts : mapping column -> mapping str -> int
        Cells changed on the way in, per column: ``missing_codes``, ``out_of_scale`` (set
        missing in lenient mode), ``unmapped`` (values absent from a recoding table, lenient),
        ``recoded``, ``reversed``.
    """

    source: str | None = None
    format: SurveyFormat = "frame"
    row_numbers: str = ROW_NAMES["frame"]
    column_labels: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    missing_codes: Mapping[str, tuple] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, Scale] = field(default_factory=dict)
    suggested_scales: Mapping[str, Scale] = field(default_factory=dict)
    weight: str | None = None
    groups: tuple[str, ...] = ()
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("column_labels", "value_labels", "missing_codes", "measures", "scales", "suggested_scales", "counts"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


@dataclass(frozen=True)
class Survey:
    """Respondents and what the file says about them.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per respondent, index = source row number (see the module notes).
    metadata : SurveyMetadata
    """

    frame: pd.DataFrame
    metadata: SurveyMetadata = field(default_factory=SurveyMetadata)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str | None = None) -> Survey:
        """Wrap an in-memory frame (index kept as the row labels)."""
        if not isinstance(frame, pd.DataFrame):
            raise IngestError(f"Survey data must be a pandas DataFrame; got {type(frame).__name__}.")
        return cls(frame=frame, metadata=SurveyMetadata(source=source))

    @property
    def source(self) -> str | None:
        return self.metadata.source

    def with_metadata(self, **changes: Any) -> Survey:
        return replace(self, metadata=replace(self.metadata, **changes))


def _number_rows(frame: pd.DataFrame, fmt: SurveyFormat) -> pd.DataFrame:
    frame.index = pd.RangeIndex(FIRST_ROW[fmt], FIRST_ROW[fmt] + len(frame), name="row")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _check_header(path: Path, sep: str, encoding: str | None) -> None:
    """Duplicate or empty column names in the header line (pandas would rename them silently)."""
    with path.open(newline="", encoding=encoding or "utf-8", errors="replace") as handle:
        header = next(csv.reader(handle, delimiter=sep), None)
    if not header:
        raise IngestError(f"Survey file '{path}' is empty: no header line with column names.")
    seen: dict[str, int] = {}
    duplicates = []
    for position, name in enumerate(header, start=1):
        name = name.strip()
        if name in seen:
            duplicates.append(f"'{name}' (columns {seen[name]} and {position})")
        seen.setdefault(name, position)
    if duplicates:
        raise IngestError(
            f"Survey file '{path}' repeats column name(s) in its header (line 1): {', '.join(duplicates)}. "
            "Give every column a unique name."
        )


def _read_text(path: Path, sep: str, encoding: str | None) -> pd.DataFrame:
    _check_header(path, sep, encoding)
    try:
        return pd.read_csv(path, sep=sep, encoding=encoding)
    except pd.errors.EmptyDataError as err:
        raise IngestError(f"Survey file '{path}' has no data: {err}.") from err
    except pd.errors.ParserError as err:
        raise IngestError(
            f"Survey file '{path}' is not a well-formed {'CSV' if sep == ',' else 'delimited'} file: {err}. "
            "Every line needs as many fields as the header (quote cells that contain the separator)."
        ) from err
    except UnicodeDecodeError as err:
        raise IngestError(
            f"Survey file '{path}' is not valid {encoding or 'UTF-8'} text ({err.reason} at byte {err.start}). "
            "Pass the file's encoding (read_survey(..., encoding='latin-1')) or re-save it as UTF-8."
        ) from err


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    import openpyxl  # noqa: F401  (a clear ImportError here rather than deep in pandas)

    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as err:
        raise IngestError(f"Survey file '{path}' is not a readable .xlsx workbook: {err}.") from err
    with book:
        names = book.sheet_names
        if sheet is None:
            sheet = names[0]
        elif isinstance(sheet, int) and not 0 <= sheet < len(names) or isinstance(sheet, str) and sheet not in names:
            raise IngestError(f"Survey file '{path}' has no worksheet {sheet!r}; its sheets are: {', '.join(map(repr, names))}.")
        frame = pd.read_excel(book, sheet_name=sheet)
    if frame.shape[1] == 0:
        raise IngestError(f"Worksheet {sheet!r} of '{path}' is empty: no header row with column names.")
    mangled = [
        c
        for c in map(str, frame.columns)
        if "." in c and c.rsplit(".", 1)[0] in map(str, frame.columns) and c.rsplit(".", 1)[1].isdigit()
    ]
    if mangled:
        raise IngestError(
            f"Worksheet {sheet!r} of '{path}' repeats column name(s) in its header row: "
            f"{', '.join(sorted({c.rsplit('.', 1)[0] for c in mangled}))}. Give every column a unique name."
        )
    return frame


def _read_spss(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except pyreadstat.ReadstatError as err:
        raise IngestError(f"Survey file '{path}' is not a readable SPSS .sav file: {err}.") from err
    codes: dict[str, tuple] = {}
    counts: dict[str, dict[str, int]] = {}
    for column, ranges in (meta.missing_ranges or {}).items():
        declared = tuple(r["lo"] if r["lo"] == r["hi"] else (r["lo"], r["hi"]) for r in ranges)
        codes[column] = declared
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            hit = np.zeros(len(values), dtype=bool)
            for r in ranges:
                hit |= (values >= r["lo"]).to_numpy() & (values <= r["hi"]).to_numpy()
        else:
            hit = values.isin([r["lo"] for r in ranges]).to_numpy()
        if hit.any():
            frame[column] = values.mask(hit)
        counts[column] = {"missing_codes": int(hit.sum())}
    labels = {k: v for k, v in (meta.column_names_to_labels or {}).items() if v}
    value_labels = dict(meta.variable_value_labels or {})
    suggested: dict[str, Scale] = {}
    for column, table in value_labels.items():
        numeric = [v for v in table if isinstance(v, (int, float)) and not _is_code(v, codes.get(column, ()))]
        if len(numeric) >= 2 and min(numeric) < max(numeric):
            suggested[column] = Scale(float(min(numeric)), float(max(numeric)))
    info = {
        "column_labels": labels,
        "value_labels": {k: dict(v) for k, v in value_labels.items()},
        "missing_codes": codes,
        "measures": {k: v for k, v in (meta.variable_measure or {}).items() if v != "unknown"},
        "suggested_scales": suggested,
        "counts": counts,
    }
    return frame, info


def _is_code(value: float, codes: tuple) -> bool:
    return any(value == c if not isinstance(c, tuple) else c[0] <= value <= c[1] for c in codes)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError and others for bad files
        raise IngestError(f"Survey file '{path}' is not a readable Parquet file: {err}.") from err
    info: dict[str, Any] = {}
    stored = (table.schema.metadata or {}).get(PARQUET_KEY)
    if stored:
        saved = json.loads(stored)
        info = {
            "scales": {k: Scale(*v) for k, v in saved.get("scales", {}).items()},
            "column_labels": saved.get("column_labels", {}),
            "weight": saved.get("weight"),
            "groups": tuple(saved.get("groups", ())),
        }
    frame = table.to_pandas()
    return frame.reset_index(drop=True), info


def read_survey(
    path: str | Path,
    *,
    format: SurveyFormat | None = None,  # noqa: A002 - the natural name
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> Survey:
    """Read a survey file into a :class:`Survey` (frame plus metadata).

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt`` (comma), ``.tsv``/``.tab`` (tab), ``.xlsx``/``.xlsm`` (openpyxl),
        ``.sav``/``.zsav`` (SPSS, pyreadstat), ``.parquet``/``.pq`` (pyarrow).
    format : {"csv", "tsv", "excel", "spss", "parquet"}, optional
        Overrides the extension.
    sheet : str or int, optional
        Excel worksheet (name or 0-based position); default the first.
    encoding : str, optional
        Text encoding of CSV/TSV files (default UTF-8).

    Returns
    -------
    Survey
        ``frame`` indexed by source row number (file line, spreadsheet row, case number);
        ``metadata`` with labels, declared missing codes (already set to NaN and counted)
        and scales.

    Raises
    ------
    IngestError
        The file does not exist, has an unknown extension, is corrupt or empty, lacks the
        requested sheet, or repeats a column name.

    Examples
    --------
    >>> survey = read_survey("wave1.sav")                     # doctest: +SKIP
    >>> survey.metadata.value_labels["q1"][5]                 # doctest: +SKIP
    'very satisfied'
    """
    file = Path(path)
    if not file.is_file():
        what = "is a directory, not a file" if file.is_dir() else "not found"
        raise IngestError(f"Survey file '{path}' {what}.", source=str(path))
    fmt = format or EXTENSIONS.get(file.suffix.lower())
    if fmt is None:
        hint = " Old .xls workbooks: save them as .xlsx." if file.suffix.lower() == ".xls" else ""
        raise IngestError(
            f"Survey file '{path}' has extension '{file.suffix}', which acsi does not read. Supported: "
            f"{', '.join(EXTENSIONS)} (or pass format=...).{hint}"
        )
    info: dict[str, Any] = {}
    if fmt == "csv":
        frame = _read_text(file, ",", encoding)
    elif fmt == "tsv":
        frame = _read_text(file, "\t", encoding)
    elif fmt == "excel":
        frame = _read_excel(file, sheet)
    elif fmt == "spss":
        frame, info = _read_spss(file)
    elif fmt == "parquet":
        frame, info = _read_parquet(file)
    else:
        raise IngestError(f"Unknown survey format {fmt!r}; expected one of csv, tsv, excel, spss, parquet.")
    frame = _number_rows(frame, fmt)
    return Survey(frame=frame, metadata=SurveyMetadata(source=str(path), format=fmt, row_numbers=ROW_NAMES[fmt], **info))


def write_survey(survey: Survey, path: str | Path) -> None:
    """Write a survey's frame as CSV (``.csv``) or Parquet (``.parquet``).

    Parquet keeps the declared scales, variable labels, weight and grouping columns in the
    schema metadata (key ``acsi``), so :func:`read_survey` restores them; CSV keeps values only.
    The source row numbers are not written (a re-read numbers rows afresh).
    """
    file = Path(path)
    suffix = file.suffix.lower()
    frame = survey.frame.reset_index(drop=True)
    if suffix in (".csv", ".txt"):
        frame.to_csv(file, index=False)
        return
    if suffix not in (".parquet", ".pq"):
        raise IngestError(f"Output file '{path}' must end in .csv or .parquet; got '{file.suffix}'.")
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = survey.metadata
    table = pa.Table.from_pandas(frame, preserve_index=False)
    stored = {
        "source": meta.source,
        "scales": {k: [v.min, v.max] for k, v in meta.scales.items() if k in frame.columns},
        "column_labels": {k: v for k, v in meta.column_labels.items() if k in frame.columns},
        "weight": meta.weight,
        "groups": list(meta.groups),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), PARQUET_KEY: json.dumps(stored).encode()})
    pq.write_table(table, file)
