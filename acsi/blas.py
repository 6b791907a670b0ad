"""BLAS pinned to one thread while small matrices are worked on.

For the 10 x 10 to 30 x 30 matrices of a path model a second BLAS thread only adds start-up and
contention (a CB-SEM fit once spent most of its time starting threads inside 24 x 24 inversions;
``../shared/design/peers.md``): parallelism comes from acsi's own workers instead.

The limit is process-wide (``threadpoolctl``), and BLAS results can differ in the last bit with
the number of threads, which decides a borderline convergence test. Nested or concurrent uses
therefore share one limit, counted: the first to enter sets one thread, the last to leave
restores the original setting, so no thread's exit lifts the limit while another still works.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_LOCK = threading.Lock()
_holders = 0
_limiter: Any = None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Every BLAS library of the process on one thread while any caller is inside (module notes)."""
    global _holders, _limiter
    with _LOCK:
        if _holders == 0:
            from threadpoolctl import threadpool_limits

            _limiter = threadpool_limits(limits=1, user_api="blas")
        _holders += 1
    try:
        yield
    finally:
        with _LOCK:
            _holders -= 1
            if _holders == 0:
                _limiter.restore_original_limits()
                _limiter = None
