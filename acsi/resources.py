"""Locate the model specs and demo data shipped with acsi.

An installed wheel carries them under ``acsi/_bundled/`` (hatch force-include); an editable
install or a source checkout finds them in the repository's ``models/`` and ``datasets/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(relative: str) -> Path:
    """Path of a shipped file, e.g. ``bundled("models/acsi.yaml")``.

    Raises
    ------
    FileNotFoundError
        Naming both places that were searched.
    """
    candidates = (_PACKAGE / "_bundled" / relative, _PACKAGE.parent / relative)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"Shipped file '{relative}' not found; looked in {', '.join(str(c) for c in candidates)}. "
        "Reinstall acsi (pip install .) from a complete checkout."
    )
