"""One entry point for specs: :func:`load_spec` accepts a spec, a file or text, YAML or lavaan."""

from __future__ import annotations

import os
import re
from pathlib import Path as FilePath

import yaml

from acsi.errors import SpecError
from acsi.spec.lavaan import parse_syntax
from acsi.spec.model import ModelSpec
from acsi.spec.yaml_io import spec_from_text

__all__ = ["load_spec"]

_LAVAAN_OPERATOR = re.compile(r"=~|<~|~")
#: A top-level ``key:`` line (``constructs:``, ``name: ACSI``, a misspelt ``construct:``). Lavaan
#: text has none: its operators are ``=~ <~ ~ ~~ :=``, and a colon there is never followed by a blank.
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:(\s|$)", re.MULTILINE)


def _is_yaml(text: str) -> bool:
    """YAML if the text parses to a mapping (whatever its keys: a missing or misspelt key is then
    reported as YAML, naming it), or, when it does not parse, if it has a top-level ``key:`` line
    (so that the YAML syntax error is reported). Anything else is lavaan text."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # ValueError: a timestamp such as 0000-00-00 that is no date
        return bool(_YAML_KEY.search(text))
    return isinstance(data, dict)


def _expanded(text: str) -> FilePath:
    """``text`` as a path with ``~`` expanded; as given when ``~user`` names no known user."""
    try:
        return FilePath(text).expanduser()
    except (RuntimeError, ValueError):  # no home directory for "~user", or a null byte: no file name of ours
        return FilePath(text)


def _from_text(text: str, source: str | None) -> ModelSpec:
    if _is_yaml(text):
        return spec_from_text(text, source=source)
    return parse_syntax(text, source=source)


def load_spec(source: ModelSpec | str | os.PathLike[str]) -> ModelSpec:
    """Load a model specification from whatever form it comes in.

    Parameters
    ----------
    source : ModelSpec, str or path-like
        - a :class:`ModelSpec`: returned as is;
        - a path (``pathlib.Path`` or ``os.PathLike``) to a YAML or lavaan-text file of any
          extension: the content decides (YAML if it is a mapping, or has top-level ``key:``
          lines but does not parse; otherwise lavaan text);
        - a ``str``: a file name when it is a single line naming an existing file (``~`` is
          expanded), or a single line without a lavaan operator (``=~``, ``<~``, ``~``) that
          does not start with ``{`` (then a missing file is an error); otherwise YAML or lavaan
          text, detected the same way as file contents.

    Returns
    -------
    ModelSpec

    Raises
    ------
    SpecError
        If a file name does not exist ("file not found"), or the content is not a valid spec;
        errors from files name the file.

    Examples
    --------
    >>> load_spec("Q =~ q1 + q2; S =~ s1; S ~ Q").construct_names
    ('Q', 'S')
    """
    if isinstance(source, ModelSpec):
        return source
    if isinstance(source, str):
        if not source.strip():
            raise SpecError("Empty spec source. Give a file name, model text or YAML.", culprit="source")
        single_line = "\n" not in source.strip()
        if single_line and _expanded(source.strip()).is_file():
            source = _expanded(source.strip())
        elif single_line and not _LAVAAN_OPERATOR.search(source) and not source.lstrip().startswith("{"):
            source = _expanded(source.strip())  # a file name that does not exist: reported below
        else:
            return _from_text(source, None)
    if not isinstance(source, os.PathLike):
        raise SpecError(
            f"Cannot load a spec from {type(source).__name__}. Give a ModelSpec, a file path, lavaan text or YAML.",
            culprit=type(source).__name__,
        )
    file = FilePath(source)
    if not file.is_file():
        what = "is a directory, not a file" if file.is_dir() else "file not found"
        raise SpecError(
            f"Cannot load spec '{file}': {what}. Check the path, or pass lavaan text or YAML directly.",
            culprit=str(file),
        )
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"Cannot read spec file '{file}': {err}.", culprit=str(file)) from err
    return _from_text(text, str(file))
