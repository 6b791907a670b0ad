"""semopy's log records and warnings during a fit, captured so that acsi can reissue them as its own.

semopy logs through the root logger and lets numpy and scipy warn; both channels are process-wide.
One thread at a time captures them (:data:`SEMOPY_LOCK`): CB-SEM refits in bootstrap worker
threads run semopy in turn. The capture keeps what concerns the fit and nothing else: log records
of the thread that runs semopy (other threads' records go to the root logger's own handlers), and
warnings other than :data:`NOT_ABOUT_THE_FIT` (those are warned again after the fit, except
deprecation notices, which come from semopy's use of ``logging.warn``). A garbage-collected
``unclosed file`` or another thread's log line during a fit once made a seeded bootstrap count
different non-converged resamples run to run.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from collections.abc import Iterator

#: Serialises the process-wide logging/warning capture around semopy calls between threads.
SEMOPY_LOCK = threading.RLock()

#: Warning classes that never concern a fit: API notices (semopy's use of ``logging.warn``,
#: pandas' future changes) and the garbage collector's ``unclosed file`` notices, which Python
#: raises in whatever code runs when it collects (a semopy fit included).
NOT_ABOUT_THE_FIT: tuple[type[Warning], ...] = (
    DeprecationWarning,
    PendingDeprecationWarning,
    FutureWarning,
    ResourceWarning,
    ImportWarning,
)


class SemopyCapture(logging.Handler):
    """Keep the log records of the thread that runs semopy; pass other threads' records to ``forward``."""

    def __init__(self, forward: list[logging.Handler]) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.owner = threading.get_ident()
        self.forward = forward

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.owner:
            self.records.append(record)
            return
        for handler in self.forward:
            if record.levelno >= handler.level:
                handler.handle(record)


@contextlib.contextmanager
def captured_semopy_logging() -> Iterator[SemopyCapture]:
    """Route semopy's log records into ``capture.records``, its warnings too as WARNING records (module notes)."""
    with SEMOPY_LOCK:
        root = logging.getLogger()
        saved_handlers, saved_level = root.handlers[:], root.level
        capture = SemopyCapture(saved_handlers)
        root.handlers = [capture]
        root.setLevel(logging.WARNING)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield capture
        finally:
            root.handlers = saved_handlers
            root.setLevel(saved_level)
        for item in caught:
            if not issubclass(item.category, NOT_ABOUT_THE_FIT):
                capture.records.append(
                    logging.LogRecord("semopy", logging.WARNING, str(item.filename), item.lineno, str(item.message), None, None)
                )
            elif not issubclass(item.category, (DeprecationWarning, PendingDeprecationWarning)):
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno, source=item.source)
