"""A :class:`~acsi.spec.model.ModelSpec` in semopy's lavaan-like syntax (text only; semopy itself is
imported in :mod:`acsi.estimators.cbsem` alone).

:func:`to_semopy_syntax` renders the measurement model, regressions, covariances and fixed values;
:func:`starting_values` adds semopy ``START`` lines for the free loadings of ``std_lv`` fits.
"""

from __future__ import annotations

import numpy as np

from acsi.errors import SpecError
from acsi.spec.model import Mode, ModelSpec


def to_semopy_syntax(spec: ModelSpec, *, std_lv: bool = False) -> str:
    """Render ``spec`` in semopy's lavaan-like syntax.

    Parameters
    ----------
    spec : ModelSpec
        Reflective constructs only (covariance-based SEM estimates common factors).
    std_lv : bool
        False: semopy fixes each factor's first loading to 1 (lavaan's default). True: every
        loading is free (labelled) and every construct's variance, or residual variance for
        endogenous constructs, is fixed to 1 (lavaan ``std.lv = TRUE``).

    Returns
    -------
    str
        One statement a line: ``=~`` measurement, ``~`` regressions, ``~~`` covariances and
        fixed values (``0*x``); a single-indicator construct gets its indicator's error
        variance fixed to 0 (the indicator measures it without error) unless the spec says
        otherwise.

    Raises
    ------
    SpecError
        For a composite (``<~`` or ``composite_a``) construct.
    """
    if spec.higher_order:
        raise SpecError(
            f"The spec has the higher-order construct '{spec.higher_order[0].name}'; fit it through acsi.fit(..., "
            "method='cbsem'), which estimates it as a second-order factor.",
            culprit=spec.higher_order[0].name,
        )
    for construct in spec.constructs:
        if construct.mode is not Mode.REFLECTIVE:
            raise SpecError(
                f"Construct '{construct.name}' is a composite ('{construct.mode.value}'); covariance-based SEM "
                "estimates common factors only. Declare it reflective ('=~') or use method='pls' or 'plsc'.",
                culprit=construct.name,
            )
    fixed = {(f.lhs, f.op, f.rhs): f.value for f in spec.fixed}

    def term(lhs: str, op: str, rhs: str, label: str | None = None) -> str:
        if (lhs, op, rhs) in fixed:
            return f"{fixed[(lhs, op, rhs)]!r}*{rhs}"
        return f"{label}*{rhs}" if label else rhs

    lines = []
    for construct in spec.constructs:
        terms = [
            term(construct.name, "=~", i, loading_label(construct.name, i) if std_lv else None) for i in construct.indicators
        ]
        lines.append(f"{construct.name} =~ " + " + ".join(terms))
    for target in spec.endogenous:
        terms = [term(target, "~", source) for source in spec.predecessors(target)]
        lines.append(f"{target} ~ " + " + ".join(terms))
    covariances = {(c.left, c.right) for c in spec.covariances} | {(c.right, c.left) for c in spec.covariances}
    for cov in spec.covariances:
        lines.append(f"{cov.left} ~~ {term(cov.left, '~~', cov.right)}")
    if std_lv:
        for construct in spec.constructs:
            if (construct.name, construct.name) not in covariances:
                lines.append(f"{construct.name} ~~ 1.0*{construct.name}")
    for construct in spec.constructs:
        if len(construct.indicators) == 1:
            indicator = construct.indicators[0]
            if (indicator, indicator) not in covariances:
                lines.append(f"{indicator} ~~ 0.0*{indicator}")
    return "\n".join(lines) + "\n"


def loading_label(construct: str, indicator: str) -> str:
    """The semopy label of a free loading (``std_lv``): ``acsi_l_<construct>_<indicator>``."""
    return f"acsi_l_{construct}_{indicator}".replace(".", "_")


def starting_values(spec: ModelSpec, S: np.ndarray, indicators: tuple[str, ...]) -> str:
    """semopy START lines for the free loadings of ``std_lv``: 0.7 indicator standard deviations
    (semopy starts labelled loadings at 0, a saddle point of the likelihood it does not leave)."""
    sd = dict(zip(indicators, np.sqrt(np.diag(S))))
    fixed = {(f.lhs, f.op, f.rhs) for f in spec.fixed}
    lines = [
        f"START({float(0.7 * sd[i])!r}) {loading_label(c.name, i)}"
        for c in spec.constructs
        for i in c.indicators
        if (c.name, "=~", i) not in fixed
    ]
    return "\n".join(lines) + "\n"
