"""Drawing data from implied moments: multivariate normal, optionally exact, optionally rated (numpy).

An *exact* draw has a sample covariance (divisor n - 1) equal to the population matrix, the
analogue of R's ``MASS::mvrnorm(empirical = TRUE)`` (GUIDE.md section 5.2): the standard normal
draws are centred, whitened with the inverse Cholesky factor of their own sample covariance,
then coloured with the Cholesky factor ``L`` of Sigma, so ``cov(X) = L I L^T = Sigma``.
A *rated* draw maps each standardised value ``z`` to ``clip(round(location + spread z), min, max)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from acsi.errors import ParameterError
from acsi.simulate.values import is_number
from acsi.spec.model import Scale

#: Default location of the discretised ratings, as a fraction of the scale range above its
#: minimum: 13/18 puts the mean answer at 7.5 on a 1-10 scale (left-skewed satisfaction data).
DEFAULT_LOCATION_FRACTION: float = 13 / 18
#: Default spread (standard deviation before rounding and clipping) as a fraction of the
#: scale range: 17/90 gives 1.7 on a 1-10 scale.
DEFAULT_SPREAD_FRACTION: float = 17 / 90


def check_sample_size(n: object, p: int, exact: object) -> int:
    """``n`` as an int of at least 2 (more than ``p`` for an exact draw); ``exact`` a bool."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ParameterError(f"The sample size n must be an integer of at least 2; got {n!r}.")
    n = int(n)
    if exact and n <= p:
        raise ParameterError(
            f"An exact draw needs more observations than indicators (n > {p}) so that the sample "
            f"covariance can be non-singular; got n={n}."
        )
    if not isinstance(exact, (bool, np.bool_)):
        raise ParameterError(f"exact must be True or False; got {exact!r}.")
    return n


def check_scale(scale: object) -> tuple[int, int] | None:
    """Integer bounds ``(min, max)`` with ``min < max`` from a Scale or a pair; None for None."""
    if scale is None:
        return None
    if isinstance(scale, Scale):
        bounds: tuple[object, ...] = (scale.min, scale.max)
    elif isinstance(scale, (tuple, list)) and len(scale) == 2:
        bounds = tuple(scale)
    else:
        raise ParameterError(f"scale must be None, a Scale or a pair (min, max); got {scale!r}.")
    integral = (is_number(b) and math.isfinite(float(b)) and float(b).is_integer() for b in bounds)  # type: ignore[arg-type]
    if not all(integral):
        raise ParameterError(f"scale bounds must be integers, such as (1, 10); got {scale!r}.")
    low, high = (int(b) for b in bounds)  # type: ignore[call-overload]
    if not low < high:
        raise ParameterError(f"scale minimum must be below its maximum; got {scale!r}.")
    return low, high


def per_indicator(value: object, default: float, what: str, names: tuple[str, ...], owner: Mapping[str, str]) -> np.ndarray:
    """One number per indicator of ``names``: ``value`` for all, or a mapping keyed by indicator or
    construct (``owner[indicator]``; an indicator key wins), ``default`` for the unnamed."""
    if value is None:
        return np.full(len(names), default)
    if is_number(value) and math.isfinite(float(value)):  # type: ignore[arg-type]
        return np.full(len(names), float(value))  # type: ignore[arg-type]
    if isinstance(value, Mapping):
        constructs = set(owner.values())
        unknown = [key for key in value if key not in names and key not in constructs]
        if unknown:
            raise ParameterError(f"{what} names {unknown[0]!r}, which is neither an indicator nor a construct of the model.")
        raw = [value.get(name, value.get(owner[name], default)) for name in names]
        if not all(is_number(v) and math.isfinite(float(v)) for v in raw):
            raise ParameterError(f"{what} values must be finite numbers; got {dict(value)!r}.")
        return np.array(raw, dtype=float)
    raise ParameterError(f"{what} must be a finite number or a mapping indicator -> number; got {value!r}.")


def normal_draws(chol: np.ndarray, n: int, rng: np.random.Generator, exact: bool) -> np.ndarray:
    """``n`` rows of ``N(0, L L^T)`` with ``L = chol``; with ``exact``, sample covariance exactly ``L L^T``."""
    z = rng.standard_normal((n, chol.shape[0]))
    if exact:
        z -= z.mean(axis=0)
        z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T
    return z @ chol.T


def ratings(x: np.ndarray, bounds: tuple[int, int], location: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """``clip(round(location + spread x), min, max)`` as int64 (numpy rounds half to even; ties
    have probability zero for continuous ``x``)."""
    low, high = bounds
    return np.clip(np.rint(location + spread * x), low, high).astype(np.int64)
