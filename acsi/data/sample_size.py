"""How many observations a model needs: the largest regression and the ten-times rule."""

from __future__ import annotations

from acsi.errors import DataError
from acsi.spec.model import ModelSpec

#: The ten-times rule: at least ten observations per predictor of the model's largest regression
#: (Barclay, Higgins & Thompson 1995; Hair, Hult, Ringle & Sarstedt 2017, *A Primer on PLS-SEM*,
#: 2nd ed., ch. 1). A floor, not a power analysis: it is known to be too lenient for small effects
#: (Marcoulides & Saunders 2006; Kock & Hadaya 2018 give the inverse square root method).
TEN_TIMES = 10


def largest_regression(spec: ModelSpec) -> tuple[int, str]:
    """The largest number of predictors in one regression the estimators run, and which it is.

    The regressions are the structural equations (an endogenous construct on its predecessors)
    and the outer regressions of Mode B blocks (the construct proxy on its indicators).
    """
    sources: dict[str, list[str]] = {}
    for path in spec.paths:
        sources.setdefault(path.target, []).append(path.source)
    largest, label = 0, "no regression"
    for construct in spec.constructs:  # spec order, so ties name the first construct
        preds = sources.get(construct.name, ())
        if len(preds) > largest:
            largest, label = len(preds), f"'{construct.name}' on {', '.join(preds)}"
    for construct in spec.constructs:
        if len(construct.indicators) > largest and construct.mode.weighting == "B":
            largest = len(construct.indicators)
            label = f"Mode B construct '{construct.name}' on its indicators {', '.join(construct.indicators)}"
    return largest, label


def check_sample_size(spec: ModelSpec, n: int, *, where: str = "") -> str | None:
    """Refuse a sample too small for the model; describe one that is merely small.

    Rules, with p the number of indicators and m the largest number of predictors in one
    regression (:func:`largest_regression`):

    * **refused** when ``n <= p``: the indicator correlation matrix is then singular (rank at most
      n - 1), so CB-SEM's likelihood, consistent PLS, Mode B weights and the d_G fit measure do
      not exist, and PLS estimates rest on fewer dimensions than the model has. Since every
      construct has an indicator, ``n > p`` also gives the largest regression a residual degree
      of freedom (``p >= m + 1``): with fewer, a regression fits perfectly and reports R² = 1 up
      to rounding (1.0000000000000053 with n = 3) with no standard error;
    * **warned** (the returned message, issued by :func:`prepare` as
      :class:`~acsi.errors.SmallSampleWarning`) when ``n < 10 m``: the ten-times rule
      (:data:`TEN_TIMES`).

    Returns
    -------
    str or None
        The warning message, or None when the sample meets both rules.

    Raises
    ------
    DataError
        ``n <= p``, saying how many observations are needed and how many were found.
    """
    largest, label = largest_regression(spec)
    p = len(spec.indicators)
    if n <= p:
        rule = f"; the ten-times rule asks for {TEN_TIMES * largest}" if TEN_TIMES * largest > p + 1 else ""
        raise DataError(
            f"Only {n} observation(s){where} for {p} indicators: at least {p + 1} are needed (more observations than "
            "indicators), or the indicator correlation matrix is singular and the regressions of the model fit "
            f"perfectly (R² = 1){rule}. Collect more responses or simplify the model."
        )
    if n >= TEN_TIMES * largest:
        return None
    return (
        f"Only {n} observations{where}, fewer than the {TEN_TIMES * largest} that the ten-times rule asks for "
        f"({TEN_TIMES} per predictor of the largest regression, {label}; Hair et al. 2017). Estimates, indices and "
        "their standard errors are unstable at this size; collect more responses or simplify the model."
    )
