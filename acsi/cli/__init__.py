"""The ``acsi`` command line: a thin layer over the Python API.

Each command lives in its own module of this package with a ``register(commands)``
function that adds its sub-parser and sets ``run`` (a function of the parsed arguments
returning the exit status). Building the parsers imports no numeric library (choices are
plain data in :mod:`acsi.cli.options`); each ``run`` imports what it uses, so ``acsi --help``
starts at once.

Errors of acsi, and the operating system's refusals (a file not found, not writable), are
printed as one readable ``error: ...`` line with exit status 2; warnings as
``warning (Category): ...`` lines on stderr. Anything else is a bug of acsi: one line
``error: internal error: <type>: <message>; please report ...`` and exit status 3, with the
traceback only when the environment variable ``ACSI_DEBUG`` is set (to anything but 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence

from acsi.cli import (
    assess,
    bench,
    compare,
    compare_methods,
    cvpat,
    device,
    fit,
    ingest,
    ipma,
    outcomes,
    plot,
    report,
    segment,
    serve,
    server_admin,
    servqual,
)
from acsi.errors import AcsiError, AcsiWarning

#: Longest error message printed whole; longer ones are cut (a message never echoes a 100 MB cell).
MAX_MESSAGE = 4000
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

COMMANDS = (
    fit,
    ingest,
    device,
    assess,
    compare,
    ipma,
    segment,
    outcomes,
    cvpat,
    plot,
    report,
    bench,
    compare_methods,
    serve,
    server_admin,
    servqual,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="acsi",
        description=(
            "Customer satisfaction index models (ACSI, ECSI): declarative specs, PLS, consistent PLS, CB-SEM and "
            "GSCA, 0-100 indices, bootstrap and assessment, survey and evaluator-device ingest, branch comparisons."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for module in COMMANDS:
        module.register(commands)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    print(f"warning ({category.__name__}): {message}", file=sys.stderr)


def _cut(text: str) -> str:
    if len(text) <= MAX_MESSAGE:
        return text
    return f"{text[:MAX_MESSAGE]}... (message cut: {len(text)} characters)"


def _os_message(err: OSError) -> str:
    """``PermissionError(13, 'Permission denied', 'out.json')`` -> ``Permission denied: 'out.json'``."""
    if err.strerror and err.filename is not None:
        return f"{err.strerror}: '{err.filename}'"
    return str(err) or type(err).__name__


def _report_address() -> str:
    """Where to report a bug: the package's issue tracker as its metadata gives it."""
    try:
        from importlib.metadata import metadata

        urls = metadata("acsi").get_all("Project-URL") or []
    except Exception:  # noqa: BLE001 - metadata is optional here
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"issues", "bug tracker", "tracker"}:
            return url.strip()
    return "the acsi issue tracker"


def _debug() -> bool:
    return os.environ.get("ACSI_DEBUG", "") not in ("", "0")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``acsi`` command."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("always", AcsiWarning)
        warnings.showwarning = _show_warning
        try:
            return args.run(args)
        except (AcsiError, NotImplementedError) as err:
            print(f"error: {_cut(str(err))}", file=sys.stderr)
            return EXIT_ERROR
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stderr.close()
            return 0
        except OSError as err:  # a file not found, a directory, no permission, a full disk
            print(f"error: {_cut(_os_message(err))}", file=sys.stderr)
            return EXIT_ERROR
        except KeyboardInterrupt:
            print("error: interrupted (Ctrl-C); nothing more was written", file=sys.stderr)
            return EXIT_INTERRUPTED
        except MemoryError:
            print("error: out of memory; use fewer resamples, permutations or rows", file=sys.stderr)
            return EXIT_ERROR
        except Exception as err:  # noqa: BLE001 - the last resort: a bug of acsi, one line and where to report it
            if _debug():
                raise
            print(
                f"error: internal error: {type(err).__name__}: {_cut(str(err))}; please report at {_report_address()} "
                "with the command you ran (ACSI_DEBUG=1 shows the traceback)",
                file=sys.stderr,
            )
            return EXIT_INTERNAL
