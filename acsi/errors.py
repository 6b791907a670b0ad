"""Exceptions and warnings of acsi.

Every error derives from :class:`AcsiError` and from the built-in class a caller would
naturally catch (``ValueError`` for bad input, ``RuntimeError`` for estimation failures),
so code that does not import acsi can still handle them. Every warning derives from
:class:`AcsiWarning`, so ``warnings.filterwarnings("ignore", category=AcsiWarning)``
silences exactly ours (the pattern of statsmodels' ``ModelWarning``).
"""

from __future__ import annotations


class AcsiError(Exception):
    """Base class of every error raised by acsi."""


class SpecError(AcsiError, ValueError):
    """A model specification is malformed or does not suit the chosen estimator.

    Attributes
    ----------
    culprit : str or None
        The construct, indicator, path or key at fault.
    line, column : int or None
        1-based position in lavaan-style text, when the spec came from text.
    """

    def __init__(
        self,
        message: str,
        *,
        culprit: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
    ) -> None:
        self.culprit = culprit
        self.line = line
        self.column = column
        self.source_line = source_line
        text = message
        if line is not None:
            where = f"line {line}" + (f", column {column}" if column is not None else "")
            text = f"{message} (at {where})"
            if source_line is not None:
                caret = " " * max((column or 1) - 1, 0) + "^"
                text = f"{text}\n    {source_line}\n    {caret}"
        super().__init__(text)


class DataError(AcsiError, ValueError):
    """Indicator data cannot be used: missing columns, non-numeric or out-of-scale values,
    constant indicators, missing values, too few observations."""


class EstimationError(AcsiError, RuntimeError):
    """An estimator failed: a singular matrix, a degenerate block, a backend error."""


class AcsiWarning(UserWarning):
    """Base class of every warning issued by acsi."""


class ConvergenceWarning(AcsiWarning):
    """An iterative algorithm stopped at ``max_iter`` before meeting its tolerance."""


class NegativeWeightWarning(AcsiWarning):
    """An index weight is negative: the index is no longer a convex combination of its
    indicators and may leave the 0-100 range for some respondents."""


class MissingDataWarning(AcsiWarning):
    """A missing-data treatment produced something to watch: a pairwise covariance matrix that
    is not positive semidefinite, case weights carried along but not used by the estimator."""


class InadmissibleSolutionWarning(AcsiWarning):
    """An estimate is outside its admissible range (a correlation above 1, a negative variance)."""


class OrdinalCorrelationWarning(AcsiWarning):
    """A polychoric or polyserial correlation is doubtful: its search did not converge or ended at
    +-1, a level inside an ordinal item's range was never chosen, or the matrix of such
    correlations is not positive definite."""


class IngestError(AcsiError, ValueError):
    """An input cannot be read: a survey or mapping file (unknown format, corrupt file, missing
    sheet, duplicate column names, a malformed mapping), a device profile, site file or log.
    The message names the source; the optional attributes locate the fault.

    Attributes
    ----------
    source : str or None
        The file (or device) the bad input came from.
    key : str or None
        The key, column or field at fault (``"codes.0x1E.level"``).
    record : int or None
        1-based record (row) number, for logs.
    raw_value : object
        The offending value as read.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        key: str | None = None,
        record: int | None = None,
        raw_value: object = None,
    ) -> None:
        self.source = source
        self.key = key
        self.record = record
        self.raw_value = raw_value
        super().__init__(message)


class BootstrapWarning(AcsiWarning):
    """Some bootstrap resamples (or BCa jackknife fits) failed; they are counted and left out."""


class InconsistentJudgementWarning(AcsiWarning):
    """An AHP pairwise-comparison matrix has a consistency ratio above 0.1 (Saaty)."""


class ParameterError(AcsiError, ValueError):
    """A function argument or command-line value is outside what it accepts: an unknown name
    (method, construct, group, option), a count below its minimum, a level outside (0, 1)."""


def shorten(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters with the full length said.

    A 100 MB cell is shown as ``'aaaa...' (104857600 characters)``, never echoed whole.
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    length = len(value) if isinstance(value, (str, bytes)) else len(text)
    unit = "bytes" if isinstance(value, bytes) else "characters"
    return f"{text[:limit]}... ({length} {unit})"


class SmallSampleWarning(AcsiWarning):
    """The sample is small for the model: below the ten-times rule for its largest regression, or
    not more observations than indicators (a singular correlation matrix). See
    :func:`acsi.data.check_sample_size` for the rules."""


class CollinearityWarning(AcsiWarning):
    """Indicators are perfectly collinear (a singular block correlation matrix): VIFs are infinite."""


class BlindfoldingWarning(AcsiWarning):
    """A blindfolding round could not refit the model (an indicator became constant); that Q² is not reported."""


class StoreError(IngestError):
    """An event store cannot be used as asked: missing (for a command that only reads), not an
    SQLite file, or damaged (a failed integrity check, a file cut mid-page). ``source`` is the
    store's path."""


class EventConflictError(IngestError):
    """Two rows carry the same event id but differ in what the press was (time, device, code,
    reasons): neither is a duplicate of the other, so the import is refused. The message shows
    both rows and where they came from."""


class MultipleOptimaWarning(AcsiWarning):
    """CB-SEM: the optimiser ended at a boundary or improper point, further starts were tried and
    found more than one optimum; the message lists every optimum and which one is reported."""


class StoreRecoveredWarning(AcsiWarning):
    """The store failed its integrity check at start-up; a fresh file was started, the old kept."""


class DeviceError(AcsiError, RuntimeError):
    """A USB device cannot be used. ``kind``: ``no-backend``, ``busy``, ``permission``,
    ``unsupported``, ``disconnected`` or ``io``."""

    def __init__(self, message: str, *, kind: str, device_uid: str | None = None) -> None:
        self.kind = kind
        self.device_uid = device_uid
        super().__init__(message)


# ---- the bank server (acsi.server): request, ingest and push failures


class ServerError(AcsiError):
    """A server command or request could not be carried out (bad database URL, unknown branch ...)."""


class PayloadTooLarge(AcsiError):
    """A request body or an uploaded file is larger than the server accepts (HTTP 413)."""


class LoginRequired(AcsiError):
    """No valid session: pages redirect to /login, the API answers 401."""


class CsrfRejected(AcsiError):
    """A state-changing form came without the session's CSRF token (HTTP 403)."""


class EventError(AcsiError):
    """An event of a pushed batch is malformed (position, key, what was expected and found)."""

    def __init__(self, index: int, key: str, message: str) -> None:
        super().__init__(f"event {index}: '{key}' {message}")
        self.index, self.key = index, key


class BranchRefused(AcsiError):
    """A batch holds events of another branch than the collector token's."""

    def __init__(self, token_branch: str, wrong: list[tuple[int, str, object]]) -> None:
        shown = ", ".join(f"event {i} ({event_id}: branch {branch!r})" for i, event_id, branch in wrong[:5])
        super().__init__(
            f"this token is bound to branch {token_branch!r}; refused the batch: {shown}"
            + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        )
        self.wrong = wrong


class PushError(AcsiError):
    """A batch was not accepted (network error, or an HTTP status other than 200)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Forbidden(AcsiError):
    """The viewer may not see the requested node (HTTP 403)."""


class NotFound(AcsiError):
    """The node does not exist, and the viewer could have seen it if it did (HTTP 404)."""
