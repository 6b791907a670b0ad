"""Warnings of the estimators that a worker thread can collect without touching global state.

``warnings.catch_warnings`` swaps the process-wide filter list, so two threads that record
warnings at once lose or leak each other's (and a seeded bootstrap with several workers
then drops different resamples run to run). Estimator code therefore warns through
:func:`issue`: normally that is ``warnings.warn``; inside :func:`recorded` on the same
thread the warning's class and message are appended to a thread-local list instead, which
the bootstrap and group-refit engines turn into failure reasons per resample.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator

import numpy as np

_local = threading.local()

#: What :func:`recorded` yields: (warning class, message) in the order issued.
Issued = list[tuple[type[Warning], str]]


def issue(message: str, category: type[Warning], stacklevel: int = 2) -> None:
    """``warnings.warn(message, category)``, or record it when this thread is inside :func:`recorded`.

    ``stacklevel`` counts as for ``warnings.warn`` from the caller's frame.
    """
    sink = getattr(_local, "sink", None)
    if sink is not None:
        sink.append((category, message))
        return
    warnings.warn(message, category, stacklevel=stacklevel + 1)


@contextlib.contextmanager
def recorded() -> Iterator[Issued]:
    """Collect this thread's :func:`issue` calls instead of warning; numpy floating-point errors ignored.

    Thread-local (and nestable): other threads keep warning normally. ``np.errstate`` is
    thread-local too, so no global state changes.
    """
    previous = getattr(_local, "sink", None)
    sink: Issued = []
    _local.sink = sink
    try:
        with np.errstate(all="ignore"):
            yield sink
    finally:
        _local.sink = previous
