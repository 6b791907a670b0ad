"""Bootstrap inference: standard errors, t and p values and confidence intervals.

:func:`bootstrap` resamples the respondents with replacement and re-estimates the model on
every resample. For the PLS estimator (:class:`~acsi.estimators.pls.PLSPM`) this is done in
batches without refitting: resamples are rows of counts, one matrix product gives every
resample's correlation matrix and the PLS kernel iterates them all at once
(:mod:`~acsi.inference.batched_pls`, :mod:`acsi.core.stack`). Any other estimator with
``fit(spec, data) -> FitResult`` is bootstrapped by the refit engine shared with the group
comparisons (:mod:`~acsi.inference.refit_engine`, :mod:`acsi.refit`) over the very same
resamples (``engine="refit"``). A result is bootstrapped with the estimator it keeps
(``result.estimator``).

Modules: :mod:`~acsi.inference.driver` (:func:`bootstrap`, :func:`resample_indices`: chunks,
seeds, workers, intervals), :mod:`~acsi.inference.inputs` (checked options, the full-sample fit
and its data), :mod:`~acsi.inference.layout` (which statistics, in what order), the two
engines, and :mod:`~acsi.inference.result` (:class:`BootstrapResult`).

Failures (a constant indicator in a resample, a singular block or predictor set, no
convergence, a non-finite estimate, an index whose weights cannot be normalised) are counted
per reason, reported in ``BootstrapResult.failures`` and as a :class:`BootstrapWarning`, and
left out of the standard errors and intervals: never dropped silently.

References: Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*;
Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path modeling.
*Computational Statistics & Data Analysis* 48, 159-205 (section 2.6, sign changes).
"""

from __future__ import annotations

from acsi.inference.driver import CHUNK, CIMethod, Engine, bootstrap, resample_indices
from acsi.inference.inputs import BCA_MIN_RESAMPLES, CI_METHODS, TREATED_MISSING
from acsi.inference.result import BootstrapResult

__all__ = [
    "BCA_MIN_RESAMPLES",
    "CHUNK",
    "CI_METHODS",
    "TREATED_MISSING",
    "BootstrapResult",
    "CIMethod",
    "Engine",
    "bootstrap",
    "resample_indices",
]
