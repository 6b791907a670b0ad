"""Importing the vendor PC software's CSV logs (our own exports: :mod:`~acsi.ingest.device.event_export`).

A vendor log row becomes the same :class:`~acsi.ingest.device.events.EvaluationEvent` row as a
live capture: its code is mapped by the same profile (unknown codes become ``unmapped`` with the
raw text, never dropped), its window is placed by the same site file, its local time is read in
the site's time zone.

Event ids are deterministic, so importing the same log twice, or two overlapping logs, adds each
press once; and they identify the *press*, so nothing else is dropped:

- with a record id: a BLAKE2b digest of profile, bank, branch, device, window, the vendor's record
  id, the press's time (UTC, ms) and its raw code. A counter that restarts (the next day's log
  numbered 1-50 again) or a number repeated in one file gives new events, not "already stored".
- without one: a digest of the row's content and its occurrence number among identical rows.

Two rows of one log with the same id are the same press only if the whole rows are equal;
otherwise the import is refused (:class:`~acsi.errors.EventConflictError`, naming the file,
both lines and both contents), as is a row whose id is stored with a different press
(:data:`~acsi.ingest.device.store.PRESS_COLUMNS`). Stores written before these ids (schema 2)
keep their ids; imports into them also skip rows stored under the old id with the same time,
device and code (:meth:`~acsi.ingest.device.store.EventStore.has_legacy_vendor_ids`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import EventConflictError, IngestError
from acsi.ingest.device.csv_text import iso_text, line_list
from acsi.ingest.device.events import EVENT_COLUMNS, SCHEMA_VERSION
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site

__all__ = ["import_vendor_log", "read_vendor_log", "vendor_log_columns"]


def _event_ids(keys) -> np.ndarray:
    """128-bit BLAKE2b digests in hex: stable across versions and machines (unlike pandas hashing)."""
    blake = hashlib.blake2b
    return np.array([blake(k.encode(), digest_size=16).hexdigest() for k in keys.tolist()], dtype=object)


def read_vendor_log(path: str | os.PathLike[str], profile: Profile, site: Site) -> pd.DataFrame:
    """Read a vendor CSV log into event rows (columns :data:`EVENT_COLUMNS`).

    Raises
    ------
    IngestError
        The profile has no ``export`` section, required columns are missing, or times cannot be
        read (naming the rows, 1-based counting the header as line 1).
    """
    columns, n = vendor_log_columns(path, profile, site)
    return pd.DataFrame({name: _broadcast(columns[name], n) for name in EVENT_COLUMNS}, columns=list(EVENT_COLUMNS))


def _broadcast(value, n: int):
    return value if isinstance(value, (np.ndarray, list)) else [value] * n


def _read_csv_text(file: Path, encoding: str):
    """Every column of a CSV as Arrow text (Arrow's multi-threaded reader), names stripped, a
    UTF-8 byte-order mark dropped. Text throughout: staff ``007`` stays ``007``."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        with open(file, encoding=encoding, newline="") as handle:
            names = next(csv.reader([handle.readline()]), [])
        names = [name.lstrip("\ufeff").strip() for name in names]
        if len(set(names)) != len(names):
            raise IngestError(f"Device log '{file}' repeats column names: {', '.join(names)}.", source=str(file))
        table = pacsv.read_csv(
            file,
            read_options=pacsv.ReadOptions(encoding=encoding, column_names=names, skip_rows=1, block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (UnicodeDecodeError, LookupError, pa.ArrowInvalid) as err:
        raise IngestError(f"Device log '{file}' cannot be read as CSV ({encoding}): {err}", source=str(file)) from err
    return table


def vendor_log_columns(path: str | os.PathLike[str], profile: Profile, site: Site) -> tuple[dict, int]:
    """A vendor CSV log as event columns: ``{name: array, list or one shared value}`` and the
    number of events; the input of :meth:`EventStore.add_columns` (see :func:`read_vendor_log`).

    Columns are computed with Arrow and numpy, and per distinct value rather than per row where
    a value repeats (codes, reasons, windows): a million-row log takes about 2.5 s on two shared cores.

    Raises
    ------
    EventConflictError
        Two rows share an event id (same device, window, record id, time and code) but differ
        elsewhere (staff, reasons ...): both lines are named and shown.
    """
    columns, n, _, _ = _vendor_columns(path, profile, site)
    return columns, n


def _vendor_columns(path, profile: Profile, site: Site) -> tuple[dict, int, np.ndarray, Any]:
    """:func:`vendor_log_columns` plus each event's line in the file and the legacy (schema 2)
    ids, computed only on demand: ``legacy()`` (None for logs without a record id)."""
    file = Path(path)
    fmt = profile.export
    if fmt is None:
        raise IngestError(
            f"Profile '{profile.id}' has no 'export' section describing the vendor's CSV columns; "
            "add one (see acsi/ingest/device/profiles/framed-5level.yaml).",
            source=profile.source,
            key="export",
        )
    if not file.is_file():
        raise FileNotFoundError(f"Device log '{path}' not found.")
    log = _Log(file, _read_csv_text(file, fmt.encoding), fmt.columns)
    missing = [f"{ours} ('{theirs}')" for ours, theirs in log.cols.items() if theirs not in log.raw.column_names]
    if missing:
        raise IngestError(
            f"Device log '{file}' lacks the columns {', '.join(missing)} named in profile '{profile.id}'. "
            f"Columns found: {', '.join(log.raw.column_names)}.",
            source=str(file),
            key=missing[0],
        )
    times, captured, local_date, local_time = _times(log, fmt.time_format, site)
    outcome, level, label = _meanings(log.col("code"), profile)
    keep = outcome != "ignore"
    k = profile.scale.levels
    window, bank, branch, unknown_window = _places(log.col("window"), site, log.n)
    keys, legacy = _event_keys(log, f"{profile.id}|{site.bank_id}|{site.branch_id}", captured)
    columns = {
        "event_id": _event_ids(keys.to_numpy(zero_copy_only=False)),
        "captured_at_utc": captured,
        "captured_mono_ns": None,
        "tz": site.tz,
        "local_date": local_date,
        "local_time": local_time,
        "host_id": None,
        "device_uid": _shared(_text(log.col("device"))),
        "profile_id": profile.id,
        "profile_version": profile.version,
        "profile_sha256": profile.sha256,
        "bank_id": bank,
        "branch_id": branch,
        "window_id": window,
        "staff_id": _text(log.col("staff")),
        "service_ref": _shared(_text(log.col("service_ref"))),
        "prompt_id": None,
        "prompted_at_utc": None,
        "outcome": outcome,
        "scale_levels": k,
        "level": level,
        "label": label,
        "score_0_100": (level - 1) / (k - 1) * 100,
        "satisfied_min_level": profile.scale.satisfied_min_level,
        "bad_max_level": profile.scale.bad_max_level,
        "reason_codes": _reasons(log, profile) if "reasons" in log.cols else "[]",
        "flags": _flags(log, times, site, unknown_window),
        "raw_code": log.col("code").to_numpy(zero_copy_only=False).astype(object),
        "raw_report_id": None,
        "source": f"import:{file.name}",
        "app_version": _version(),
        "schema_version": SCHEMA_VERSION,
    }
    lines = np.arange(2, log.n + 2)
    if not keep.all():
        columns = {name: v[keep] if isinstance(v, np.ndarray) else v for name, v in columns.items()}
        lines = lines[keep]
        if legacy is not None:
            full = legacy
            legacy = lambda: full()[keep]  # noqa: E731
    return columns, int(keep.sum()), lines, legacy


class _Log:
    """A vendor log read as Arrow text: the table, the profile's column names, the row count."""

    def __init__(self, file: Path, raw: Any, cols: dict[str, str]) -> None:
        self.file, self.raw, self.cols, self.n = file, raw, cols, raw.num_rows
        self._trimmed: dict[str, Any] = {}

    def col(self, name: str) -> Any:
        """Our column ``name`` (time, code, window, staff ...) trimmed, once; empty text when the log has none."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if name not in self._trimmed:
            if name not in self.cols:
                self._trimmed[name] = pa.array([""] * self.n, pa.string())
            else:
                self._trimmed[name] = pc.utf8_trim_whitespace(self.raw[self.cols[name]].combine_chunks())
        return self._trimmed[name]


def _text(array: Any) -> np.ndarray:
    """Object array of str, NaN for empty text (NaN binds as NULL, faster than None)."""
    import pyarrow.compute as pc

    out = array.to_numpy(zero_copy_only=False).astype(object)
    out[(pc.equal(array, "")).to_numpy(zero_copy_only=False)] = np.nan
    return out


def _per_value(array: Any, fn: Callable[[Any], Any]) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` applied once per distinct value: (indices into the distinct values, results)."""
    encoded = array.dictionary_encode()
    return encoded.indices.to_numpy(zero_copy_only=False), np.array(
        [fn(v) for v in encoded.dictionary.to_pylist()] or [None], dtype=object
    )


def _times(log: _Log, time_format: str | None, site: Site) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Local times read in the site's zone: (times, UTC text with ms, local date, local time);
    unreadable, nonexistent or ambiguous times are an :class:`IngestError` naming the lines."""
    file, cols = log.file, log.cols
    time_text = log.col("time")
    times = pd.to_datetime(pd.Series(time_text.to_numpy(zero_copy_only=False), dtype=object), format=time_format, errors="coerce")
    bad = times.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        shown = log.raw[cols["time"]][first].as_py()
        raise IngestError(
            f"Device log '{file}', column '{cols['time']}': {int(bad.sum())} time(s) cannot be read "
            f"(rows {line_list(bad)}; first {shown!r}); expected format {time_format or 'ISO 8601'}.",
            source=str(file),
            key=cols["time"],
            record=first + 2,
            raw_value=shown,
        )
    local = times.dt.tz_localize(site.zone, ambiguous="NaT", nonexistent="NaT")
    bad = local.isna().to_numpy()
    if bad.any():
        raise IngestError(
            f"Device log '{file}': local times on rows {line_list(bad)} do not exist or are ambiguous in {site.tz} "
            "(a daylight-saving change).",
            source=str(file),
            key=cols["time"],
        )
    utc = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    (captured,) = iso_text(utc, "utc_ms")  # 2024-03-05T01:02:03.456Z
    local_date, local_time = iso_text(times.to_numpy(), "date", "time")  # 2024-03-05, 09:02:03
    return times, captured, local_date, local_time


def _meanings(code_text: Any, profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's outcome, level and label from the profile's code table (``unmapped`` when unknown)."""
    table = {code: m for code, m in profile.codes.items()}
    base = profile.export.code_base  # type: ignore[union-attr]
    index, meanings = _per_value(code_text, lambda t: table.get(_parse_code(t, base)))
    outcome = np.array([m.outcome if m is not None else "unmapped" for m in meanings], dtype=object)[index]
    level = np.array([m.level if m is not None and m.level is not None else np.nan for m in meanings], dtype=float)[index]
    label = np.array([m.label if m is not None and m.label is not None else np.nan for m in meanings], dtype=object)[index]
    return outcome, level, label


def _places(window_arr: Any, site: Site, n: int) -> tuple[np.ndarray, Any, Any, np.ndarray]:
    """Each row's window (text), bank and branch (one shared value where possible) from the
    site file, and whether its window is unknown to the site."""
    window = _text(window_arr)
    window_values = window_arr.dictionary_encode()
    places = {w: site.place_of_window(w or None) for w in window_values.dictionary.to_pylist()}
    w_index = window_values.indices.to_numpy(zero_copy_only=False)
    w_names = window_values.dictionary.to_pylist()
    branch = _shared(np.array([places[w].branch_id for w in w_names] or [None], dtype=object)[w_index])
    bank = _shared(np.array([places[w].bank_id for w in w_names] or [None], dtype=object)[w_index])
    known = [w.window_id for w in site.windows]
    unknown_of = np.array([(not w) or (bool(site.windows) and w not in known) for w in w_names] or [True])
    unknown_window = unknown_of[w_index] if n else np.zeros(0, bool)
    return window, bank, branch, unknown_window


def _flags(log: _Log, times: pd.Series, site: Site, unknown_window: np.ndarray) -> Any:
    """Quality flags per row as JSON text (``no_staff``, ``off_hours``, ``unknown_window``); ``"[]"`` for all when none."""
    import pyarrow.compute as pc

    no_staff = pc.equal(log.col("staff"), "").to_numpy(zero_copy_only=False)
    off = np.zeros(log.n, bool)
    if site.business_hours is not None:
        t = times.dt.time
        off = ~((t >= site.business_hours[0]) & (t < site.business_hours[1])).to_numpy()
    if not (no_staff.any() or off.any() or unknown_window.any()):
        return "[]"
    return np.array(
        [
            json.dumps([f for f, on in (("no_staff", a), ("off_hours", b), ("unknown_window", c)) if on])
            for a, b, c in zip(no_staff, off, unknown_window)
        ],
        dtype=object,
    )


def _reasons(log: _Log, profile: Profile) -> Any:
    """Reason codes per row as JSON text, mapped by the profile (``raw:<code>`` when unknown)."""
    mapping = profile.reasons
    sep = profile.export.reasons_separator  # type: ignore[union-attr]

    def reasons_of(text: str) -> str:
        if not text:
            return "[]"
        out = []
        for part in text.split(sep):
            part = part.strip()
            if not part:
                continue
            code = _parse_code(part, 10)
            out.append(mapping.get(code, f"raw:{part}") if code is not None else part)
        return json.dumps(out)

    r_index, r_values = _per_value(log.col("reasons"), reasons_of)
    return _shared(r_values[r_index]) if log.n else "[]"


def _event_keys(log: _Log, base: str, captured: np.ndarray) -> tuple[Any, Callable[[], np.ndarray] | None]:
    """The text each event id digests (see the module notes) and, with a record id, the legacy
    ids on demand; rows sharing a key but differing elsewhere are refused."""
    import pyarrow as pa
    import pyarrow.compute as pc

    device_arr, window_arr, code_text = log.col("device"), log.col("window"), log.col("code")
    legacy = None
    if "record_id" in log.cols:
        record = log.col("record_id")
        keys = pc.binary_join_element_wise(base, device_arr, window_arr, record, pa.array(captured, pa.string()), code_text, "|")

        def legacy() -> np.ndarray:
            return _event_ids(
                pc.binary_join_element_wise(base, device_arr, window_arr, record, "|").to_numpy(zero_copy_only=False)
            )
    else:
        content = pc.binary_join_element_wise(base, window_arr, log.col("time"), code_text, log.col("staff"), "|")
        content_np = pd.Series(content.to_numpy(zero_copy_only=False), dtype=object)
        occurrence = content_np.groupby(content_np, sort=False).cumcount().astype(str).to_numpy(object)
        keys = pc.binary_join_element_wise(content, pa.array(occurrence, pa.string()), "|")
    if len(pc.unique(keys)) != log.n:
        _refuse_conflicting_rows(log.file, log.raw, keys)
    return keys, legacy


def _refuse_conflicting_rows(file: Path, raw, keys) -> None:
    """Raise :class:`EventConflictError` for the first two rows with one key but different text;
    rows equal in every column are the same press (kept once by the store)."""
    import pyarrow.compute as pc

    whole = pc.binary_join_element_wise(*[pc.fill_null(raw[c].combine_chunks(), "") for c in raw.column_names], "\x1f")
    frame = pd.DataFrame({"key": keys.to_numpy(zero_copy_only=False), "row": whole.to_numpy(zero_copy_only=False)})
    dup = frame[frame["key"].duplicated(keep=False)]
    first_text = dup.groupby("key", sort=False)["row"].transform("first")
    differ = dup[dup["row"] != first_text]
    if differ.empty:
        return
    later = int(differ.index[0])
    earlier = int(dup.index[(dup["key"] == differ["key"].iloc[0]).to_numpy()][0])
    show = lambda i: ", ".join(f"{c}={raw[c][i].as_py()!r}" for c in raw.column_names)  # noqa: E731
    raise EventConflictError(
        f"Device log '{file}': lines {earlier + 2} and {later + 2} are the same press by device, window, record id, "
        f"time and code but differ elsewhere; line {earlier + 2}: {show(earlier)}; line {later + 2}: {show(later)}. "
        "Nothing was imported; correct the log (or drop one line) and import again.",
        source=str(file),
        record=later + 2,
        key="record_id",
    )


def _shared(values: np.ndarray):
    """The one value shared by every row (NaN counts as missing: None), or the array itself."""
    if len(values) == 0:
        return values
    first = values[0]
    if isinstance(first, float) and np.isnan(first):
        return None if pd.isna(values).all() else values
    return first if (values == first).all() else values


def _parse_code(text: str, base: int) -> int | None:
    try:
        return int(text, 0) if text.lower().startswith("0x") else int(text, base)
    except (ValueError, AttributeError):
        return None


def _version() -> str:
    from acsi import __version__

    return __version__


def import_vendor_log(
    store, path: str | os.PathLike[str], profile: Profile, site: Site, *, batch: int = 200_000
) -> tuple[int, int]:
    """Import a vendor CSV log into ``store`` column-wise (:meth:`EventStore.add_columns`, durable
    transactions of ``batch`` events); returns (events new to the store, events in the log).
    Interrupted at any point (even SIGKILL), the store holds whole batches only; importing the
    log again completes it.

    Raises
    ------
    EventConflictError
        A row has the id of a stored event but is a different press; the message names the
        file and line and shows both. Batches before the one holding it stay committed.
    """
    columns, n, lines, legacy = _vendor_columns(path, profile, site)
    if legacy is not None and n and store.has_legacy_vendor_ids():
        old = store.stored_presses(legacy(), _broadcast(columns["captured_at_utc"], n), _broadcast(columns["raw_code"], n))
        if old.any():  # stored by an earlier version under the record-number id: the same press
            new = ~old
            columns = {k: v[new] if isinstance(v, np.ndarray) else v for k, v in columns.items()}
            lines = lines[new]
            return _add(store, columns, int(new.sum()), lines, path, batch), n
    return _add(store, columns, n, lines, path, batch), n


def _add(store, columns: dict, n: int, lines: np.ndarray, path, batch: int) -> int:
    try:
        return store.add_columns(columns, n, batch=batch)
    except EventConflictError as err:
        index = getattr(err, "index", None)
        if index is None:
            raise
        line = int(lines[index])
        stored, incoming = getattr(err, "stored", {}), getattr(err, "incoming", {})
        raise EventConflictError(
            f"Device log '{path}', line {line}: event '{err.raw_value}' is stored already as a different press "
            f"(stored {stored}; this line {incoming}). Nothing of its batch was stored.",
            source=str(path),
            record=line,
            key="event_id",
            raw_value=err.raw_value,
        ) from err
