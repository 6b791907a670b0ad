"""Simple slopes of a moderated path: the effect of A on C at chosen levels of the moderator B.

With the structural equation ``C = b_A A + b_B B + b_AB (A:B) + ...`` of standardised scores, the
effect of A on C when B is ``w`` standard deviations from its mean is the simple slope
``b_A + b_AB w`` (Aiken & West 1991, ch. 2; the slope analysis of SmartPLS and seminr). It reads
the interaction score as the product of the standardised scores of A and B; acsi's interaction
score is that product restandardised (unit variance), so the formula is exact when
``sd(A B) = 1`` (uncorrelated normal scores) and otherwise scales ``b_AB`` by ``1 / sd(A B)``.

With a bootstrap of the fit, every resample gives its own slope from its own path
coefficients, and the interval is the bootstrap's (percentile or basic over those slopes;
a BCa bootstrap reports percentile slopes).

Reference: Aiken, L. S., & West, S. G. (1991). *Multiple Regression: Testing and Interpreting
Interactions*. Sage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acsi.core.intervals import basic_interval, percentile_bounds
from acsi.errors import ParameterError
from acsi.results import FitResult

if TYPE_CHECKING:
    from acsi.inference.result import BootstrapResult

#: The moderator levels of the usual table: one standard deviation below the mean, the mean, one above.
LEVELS = (-1.0, 0.0, 1.0)


def simple_slopes(
    result: FitResult,
    interaction: str,
    target: str,
    *,
    bootstrap: BootstrapResult | None = None,
    levels: Sequence[float] = LEVELS,
    focal: str | None = None,
) -> pd.DataFrame:
    """The effect of the focal construct on ``target`` at each moderator level, with bootstrap intervals.

    Parameters
    ----------
    result : FitResult
        A fit with interaction terms (``acsi.fit(..., interactions=...)``).
    interaction : str
        ``"A:B"``; the focal construct is A and the moderator B unless ``focal`` names B.
    target : str
        The construct the interaction has a path into.
    bootstrap : BootstrapResult, optional
        A bootstrap of ``result``: adds ``std_error``, ``ci_lower`` and ``ci_upper``.
    levels : sequence of float
        Moderator levels in standard deviations (default -1, 0, +1).

    Returns
    -------
    pandas.DataFrame
        Columns ``focal``, ``moderator``, ``target``, ``moderator_sd``, ``slope`` (and the
        bootstrap columns), one row per level.

    Raises
    ------
    ParameterError
        ``interaction -> target`` is not a path of the fit, or ``focal`` is not one of its terms.
    NotImplementedError
        A ``cbsem`` fit: its paths are unstandardised (see the message).
    """
    if result.method == "cbsem":
        raise NotImplementedError(
            "Simple slopes of a CB-SEM fit are not built: its paths are unstandardised, so the slope of A at the moderator "
            "B = w SD is b_A + b_AB * w * sd(B), with sd(B) the square root of B's variance in result.parameter_table "
            "(and its bootstrap needs each resample's variance). Use method='pls' or 'plsc' for simple-slope tables."
        )
    terms = interaction.split(":")
    keys = {path.key for path in result.spec.paths}
    if len(terms) != 2 or f"{interaction} -> {target}" not in keys:
        raise ParameterError(
            f"'{interaction} -> {target}' is not an interaction path of this fit; its paths: {', '.join(sorted(keys))}."
        )
    if focal is not None and focal not in terms:
        raise ParameterError(f"focal={focal!r} is not a term of '{interaction}'; expected {terms[0]!r} or {terms[1]!r}.")
    a, b = (terms[1], terms[0]) if focal == terms[1] else (terms[0], terms[1])
    main, product = f"{a} -> {target}", f"{interaction} -> {target}"
    paths = result.path_coefficients
    w = np.asarray(levels, dtype=float)
    table = pd.DataFrame({"focal": a, "moderator": b, "target": target, "moderator_sd": w})
    table["slope"] = (paths.get(main, 0.0) + paths[product] * w).astype(float)
    if bootstrap is not None:
        _add_intervals(table, bootstrap, main, product, w)
    return table


def _add_intervals(table: pd.DataFrame, boot: BootstrapResult, main: str, product: str, w: np.ndarray) -> None:
    """Bootstrap standard errors and intervals of the slopes, from each resample's own paths."""
    column = {key[0]: j for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)) if kind == "paths"}
    b_main = boot.replicates[:, column[main]] if main in column else np.zeros(boot.used)
    slopes = b_main[:, None] + boot.replicates[:, column[product]][:, None] * w[None, :]
    estimates = table["slope"].to_numpy()
    bounds = basic_interval(slopes, estimates, boot.level) if boot.ci_method == "basic" else percentile_bounds(slopes, boot.level)
    table["std_error"] = slopes.std(axis=0, ddof=1) if boot.used > 1 else np.nan
    table["ci_lower"], table["ci_upper"] = bounds[:, 0], bounds[:, 1]
