"""Checks of a command line before any work starts: output paths, names, resample counts.

Every command calls these right after reading what it needs to name-check (the spec, the
data's header), so that a mistyped ``--construct``, an output path that is a directory or an
absurd ``--bootstrap`` is refused in a second, not after the estimation and bootstrap ran.
Each failure is a :class:`~acsi.errors.ParameterError` naming the flag and the value.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable
from pathlib import Path

from acsi.errors import ParameterError, shorten

#: Bytes per resample and per stored number: the replicate matrix, its sorted copy for the
#: quantiles and the summary arrays (an upper bound, float64).
_BYTES_PER_NUMBER = 8 * 3


def suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest known name, or an empty string."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_name(flag: str, value: str | None, known: Iterable[str], what: str) -> None:
    """Refuse ``value`` of ``flag`` unless it is one of ``known`` (constructs, columns, groups)."""
    if value is None:
        return
    known = list(known)
    if value not in known:
        shown = ", ".join(map(str, known[:20])) + (f", ... ({len(known)} in all)" if len(known) > 20 else "")
        raise ParameterError(f"{flag} {shorten(value)} is not {what}{suggest(value, known)}; choose from: {shown}.")


def check_output_file(flag: str, target: str | None) -> None:
    """Refuse an output file that cannot be written: a directory, a missing or read-only folder,
    a read-only file. ``-`` (standard output) and ``None`` pass."""
    if target is None or target == "-":
        return
    file = Path(target)
    if file.is_dir():
        raise ParameterError(f"{flag} '{target}' is a directory; give a file name such as '{file / 'out.json'}'.")
    folder = file.parent if str(file.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a directory" if folder.exists() else "does not exist"
        raise ParameterError(f"{flag} '{target}': the folder '{folder}' {what}; create it first or choose another path.")
    if file.exists() and not os.access(file, os.W_OK):
        raise ParameterError(f"{flag} '{target}' exists and is not writable.")
    if not file.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError(f"{flag} '{target}': the folder '{folder}' is not writable.")


def check_output_dir(flag: str, target: str | None) -> None:
    """Refuse an output folder that is a file or cannot be created or written."""
    if target is None:
        return
    folder = Path(target)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"{flag} '{target}' is a file, not a folder; give a folder name.")
    existing = folder
    while not existing.exists():  # the first existing ancestor must be a writable folder
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ParameterError(f"{flag} '{target}': '{existing}' is not a writable folder.")


def check_suffix(flag: str, target: str, allowed: tuple[str, ...]) -> None:
    """Refuse an output file whose extension is not one of ``allowed`` (``.csv``, ``.parquet``)."""
    if target != "-" and Path(target).suffix.lower() not in allowed:
        raise ParameterError(f"{flag} '{target}' must end in {' or '.join(allowed)}; got '{Path(target).suffix}'.")


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux MemAvailable, else physical free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def bootstrap_memory(n_boot: int, n_numbers: int, n_obs: int = 0) -> int:
    """Upper bound of the bytes a bootstrap of ``n_boot`` resamples keeps: ``n_numbers`` estimates per
    resample (weights, loadings, paths, R², indices) stored three times in float64, plus one row of
    ``n_obs`` resampled row indices (int64) for refitting estimators."""
    return n_boot * (n_numbers * _BYTES_PER_NUMBER + 8 * n_obs)


def human_bytes(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"  # pragma: no cover - the loop returns


def check_bootstrap(flag: str, n_boot: int, n_numbers: int, n_obs: int = 0, *, groups: int = 1) -> int:
    """Refuse ``--bootstrap N`` whose stored replicates would not fit in the available memory.

    Returns the estimated bytes. ``n_numbers`` counts the estimates of one fit, ``groups`` the
    separate fits per resample (group comparisons).
    """
    need = bootstrap_memory(n_boot, n_numbers, n_obs) * groups
    free = available_memory()
    if free is not None and need > free:
        raise ParameterError(
            f"{flag} {n_boot} would keep about {human_bytes(need)} of resampled estimates ({n_numbers} numbers per "
            f"resample{f' x {groups} groups' if groups > 1 else ''}), more than the {human_bytes(free)} of memory "
            f"available; use fewer resamples (1,000-10,000 are usual)."
        )
    return need


def percentile_minimum(level: float) -> int:
    """Fewest resamples whose percentile interval at ``level`` does not end at the extreme resamples:
    each tail must hold at least one resample, ``N >= 2 / (1 - level)`` (40 at 95%)."""
    return math.ceil(2.0 / (1.0 - level) - 1e-9) if 0 < level < 1 else 2
