"""Importing device logs: the vendor PC software's CSV export, and our own event exports.

A vendor log row becomes the same :class:`~acsi.ingest.device.events.EvaluationEvent` row as a
live capture: its code is mapped by the same profile (unknown codes become ``unmapped`` with the
raw text, never dropped), its window is placed by the same site file, its local time is read in
the site's time zone. Event ids are deterministic (a BLAKE2b digest of the branch, device,
window and the vendor's record id, or of the row's content and its occurrence number when the
log has no record id), so importing the same log twice, or two overlapping logs, adds each
event once.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from acsi.errors import IngestError
from acsi.ingest.device.events import EVENT_COLUMNS, OUTCOMES, SCHEMA_VERSION
from acsi.ingest.device.profile import Profile
from acsi.ingest.device.site import Site

__all__ = ["import_vendor_log", "read_event_export", "read_vendor_log"]

_SHOW = 5


def _event_ids(keys: pd.Series) -> list[str]:
    """128-bit BLAKE2b digests in hex: stable across versions and machines (unlike pandas hashing)."""
    blake = hashlib.blake2b
    return [blake(k.encode(), digest_size=16).hexdigest() for k in keys.tolist()]


def _rows(mask: np.ndarray) -> str:
    rows = (np.flatnonzero(mask) + 2).tolist()  # 1-based, after the header line
    more = f" and {len(rows) - _SHOW} more" if len(rows) > _SHOW else ""
    return ", ".join(map(str, rows[:_SHOW])) + more


def read_vendor_log(path: str | os.PathLike[str], profile: Profile, site: Site) -> pd.DataFrame:
    """Read a vendor CSV log into event rows (columns :data:`EVENT_COLUMNS`).

    Raises
    ------
    IngestError
        The profile has no ``export`` section, required columns are missing, or times cannot be
        read (naming the rows, 1-based counting the header as line 1).
    """
    file = Path(path)
    fmt = profile.export
    if fmt is None:
        raise IngestError(f"Profile '{profile.id}' has no 'export' section describing the vendor's CSV columns; "
                          "add one (see acsi/ingest/device/profiles/framed-5level.yaml).", source=profile.source, key="export")
    if not file.is_file():
        raise FileNotFoundError(f"Device log '{path}' not found.")
    try:
        raw = pd.read_csv(file, dtype=str, encoding=fmt.encoding, keep_default_na=False, skipinitialspace=True)
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise IngestError(f"Device log '{file}' cannot be read as CSV ({fmt.encoding}): {err}", source=str(file)) from err
    cols = fmt.columns
    missing = [f"{ours} ('{theirs}')" for ours, theirs in cols.items() if theirs not in raw.columns]
    if missing:
        raise IngestError(f"Device log '{file}' lacks the columns {', '.join(missing)} named in profile '{profile.id}'. "
                          f"Columns found: {', '.join(raw.columns)}.", source=str(file), key=missing[0])
    n = len(raw)

    def col(name: str) -> pd.Series:
        return raw[cols[name]].str.strip() if name in cols else pd.Series([""] * n, dtype=str)

    times = pd.to_datetime(col("time"), format=fmt.time_format, errors="coerce")
    bad = times.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise IngestError(f"Device log '{file}', column '{cols['time']}': {int(bad.sum())} time(s) cannot be read "
                          f"(rows {_rows(bad)}; first {raw[cols['time']].iloc[first]!r}); expected format {fmt.time_format or 'ISO 8601'}.",
                          source=str(file), key=cols["time"], record=first + 2, raw_value=raw[cols["time"]].iloc[first])
    local = times.dt.tz_localize(site.zone, ambiguous="NaT", nonexistent="NaT")
    bad = local.isna().to_numpy()
    if bad.any():
        raise IngestError(f"Device log '{file}': local times on rows {_rows(bad)} do not exist or are ambiguous in {site.tz} "
                          "(a daylight-saving change).", source=str(file), key=cols["time"])
    utc = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    captured = np.char.add(np.datetime_as_string(utc, unit="ms"), "Z")
    local_text = np.datetime_as_string(times.to_numpy(), unit="s")  # YYYY-MM-DDTHH:MM:SS
    local_date = local_text.astype("U10")
    local_time = np.array([t[11:] for t in local_text.tolist()]) if n else np.array([], dtype="U8")

    code_text = col("code")
    if fmt.code_base == 10 and not code_text.str.lower().str.startswith("0x").any():
        codes = pd.to_numeric(code_text, errors="coerce")  # vectorised common case
    else:
        codes = pd.to_numeric(code_text.map(lambda t: _parse_code(t, fmt.code_base)), errors="coerce")
    table = pd.DataFrame({"code": list(profile.codes), "outcome_m": [m.outcome for m in profile.codes.values()],
                          "level_m": [m.level for m in profile.codes.values()], "label_m": [m.label for m in profile.codes.values()]})
    table = table.set_index("code")
    outcome = codes.map(table["outcome_m"]).fillna("unmapped")
    keep = (outcome != "ignore").to_numpy()
    level = codes.map(table["level_m"])
    label = codes.map(table["label_m"])
    k = profile.scale.levels
    window = col("window").replace("", None)
    places = {w: site.place_of_window(w) for w in window.dropna().unique()}
    default = site.place_of_window(None)
    branch = window.map({w: p.branch_id for w, p in places.items()}).where(window.notna(), default.branch_id)
    bank = window.map({w: p.bank_id for w, p in places.items()}).where(window.notna(), default.bank_id)
    staff = col("staff").replace("", None)
    device = col("device").replace("", None)
    record = col("record_id")
    local_naive = times
    flags = pd.Series(["[]"] * n, dtype=object)
    no_staff = staff.isna().to_numpy()
    off = np.zeros(n, bool)
    if site.business_hours is not None:
        t = local_naive.dt.time
        off = ~((t >= site.business_hours[0]) & (t < site.business_hours[1])).to_numpy()
    unknown_window = window.isna().to_numpy() | ~window.isin([w.window_id for w in site.windows]).to_numpy()
    if not site.windows:
        unknown_window = window.isna().to_numpy()
    if no_staff.any() or off.any() or unknown_window.any():
        flags = pd.Series([json.dumps([f for f, on in (("no_staff", a), ("off_hours", b), ("unknown_window", c)) if on])
                           for a, b, c in zip(no_staff, off, unknown_window)], dtype=object)
    if "reasons" in cols:
        mapping = profile.reasons
        sep = fmt.reasons_separator

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

        reasons = col("reasons").map(reasons_of)
    else:
        reasons = pd.Series(["[]"] * n, dtype=object)
    base = f"{profile.id}|{site.bank_id}|{site.branch_id}"
    if "record_id" in cols:
        keys = base + "|" + device.fillna("") + "|" + window.fillna("") + "|" + record
    else:
        content = base + "|" + window.fillna("") + "|" + col("time") + "|" + code_text + "|" + staff.fillna("")
        occurrence = content.groupby(content).cumcount().astype(str)
        keys = content + "|" + occurrence
    score = (level.astype(float) - 1) / (k - 1) * 100
    frame = pd.DataFrame({
        "event_id": _event_ids(keys),
        "captured_at_utc": captured,
        "captured_mono_ns": None,
        "tz": site.tz,
        "local_date": local_date,
        "local_time": local_time,
        "host_id": None,
        "device_uid": device,
        "profile_id": profile.id,
        "profile_version": profile.version,
        "profile_sha256": profile.sha256,
        "bank_id": bank,
        "branch_id": branch,
        "window_id": window,
        "staff_id": staff,
        "service_ref": col("service_ref").replace("", None),
        "prompt_id": None,
        "prompted_at_utc": None,
        "outcome": outcome,
        "scale_levels": k,
        "level": level,
        "label": label,
        "score_0_100": score,
        "satisfied_min_level": profile.scale.satisfied_min_level,
        "bad_max_level": profile.scale.bad_max_level,
        "reason_codes": reasons,
        "flags": flags,
        "raw_code": code_text,
        "raw_report_id": None,
        "source": f"import:{file.name}",
        "app_version": _version(),
        "schema_version": SCHEMA_VERSION,
    }, columns=list(EVENT_COLUMNS))
    return frame[keep].reset_index(drop=True)


def _parse_code(text: str, base: int) -> int | None:
    try:
        return int(text, 0) if text.lower().startswith("0x") else int(text, base)
    except (ValueError, AttributeError):
        return None


def _version() -> str:
    from acsi import __version__

    return __version__


def sql_rows(frame: pd.DataFrame):
    """Rows for SQLite as tuples of Python values. NaN needs no conversion: SQLite stores a NaN
    bound as a REAL as NULL; pandas' NA and NaT become None."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype) or str(col.dtype).startswith(("Int", "datetime")):
            values = col.astype(object).where(col.notna(), None).tolist()
        else:
            values = col.tolist()
        columns.append(values)
    return zip(*columns)


def import_vendor_log(store, path: str | os.PathLike[str], profile: Profile, site: Site) -> tuple[int, int]:
    """Import a vendor CSV log into ``store``; returns (events new to the store, events in the log)."""
    frame = read_vendor_log(path, profile, site)
    return store.add_rows(sql_rows(frame)), len(frame)


def read_event_export(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an export written by :meth:`EventStore.export` (Parquet or CSV), validated.

    Raises
    ------
    IngestError
        Missing columns, empty event ids, or outcomes outside the vocabulary.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Event export '{path}' not found.")
    if file.suffix.lower() == ".parquet":
        frame = pd.read_parquet(file)
    elif file.suffix.lower() == ".csv":
        text_cols = [c for c in EVENT_COLUMNS if c not in ("captured_mono_ns", "profile_version", "scale_levels", "level",
                                                          "score_0_100", "satisfied_min_level", "bad_max_level",
                                                          "raw_report_id", "schema_version")]
        frame = pd.read_csv(file, dtype={c: str for c in text_cols}, keep_default_na=False, na_values=[r"\N"])
    else:
        raise IngestError(f"Event export '{file}' must be .parquet or .csv.", source=str(file))
    missing = [c for c in EVENT_COLUMNS if c not in frame.columns]
    if missing:
        raise IngestError(f"Event export '{file}' lacks the columns {', '.join(missing)}; is it an acsi event export?",
                          source=str(file), key=missing[0])
    frame = frame[list(EVENT_COLUMNS)]
    bad = frame["event_id"].isna().to_numpy()
    if bad.any():
        raise IngestError(f"Event export '{file}': empty event_id on rows {_rows(bad)}.", source=str(file), key="event_id")
    bad = ~frame["outcome"].isin(OUTCOMES).to_numpy()
    if bad.any():
        first = frame["outcome"].to_numpy()[bad][0]
        raise IngestError(f"Event export '{file}': outcome {first!r} on rows {_rows(bad)} is not one of {', '.join(OUTCOMES)}.",
                          source=str(file), key="outcome", raw_value=first)
    return frame
