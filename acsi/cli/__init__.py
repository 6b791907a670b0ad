"""The ``acsi`` command line: a thin layer over the Python API.

Each command lives in its own module of this package with a ``register(commands)``
function that adds its sub-parser and sets ``run`` (a function of the parsed arguments
returning the exit status). Errors of acsi are printed as one readable ``error: ...``
message with exit status 2; warnings as ``warning (Category): ...`` lines on stderr.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Sequence

from acsi.cli import assess, bench, compare, compare_methods, device, fit, ingest, ipma, serve, server_admin
from acsi.errors import AcsiError, AcsiWarning

COMMANDS = (fit, ingest, device, assess, compare, ipma, bench, compare_methods, serve, server_admin)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``acsi`` command."""
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("always", AcsiWarning)
        warnings.showwarning = _show_warning
        try:
            return args.run(args)
        except (AcsiError, NotImplementedError, FileNotFoundError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stderr.close()
            return 0
