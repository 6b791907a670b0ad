"""Measurement invariance of composites (MICOM, steps 1-3) for a pair of groups.

Before comparing the means (indices) of two groups, MICOM (Henseler, Ringle & Sarstedt
2016) checks that the composites mean the same thing in both:

1. **Configural invariance**: the same indicators, model and data treatment in both groups,
   and the model estimable in each (true by construction here when both groups are
   reported; otherwise not established).
2. **Compositional invariance**: for each construct, the correlation
   ``c = w_a' S w_b / sqrt(w_a' S w_a  w_b' S w_b)`` of the composites formed with each
   group's weights on the pooled standardised data (S the pair's pooled correlation
   matrix). Established when c is not below the 5% quantile of c under ``n_perm``
   permutations of the group labels (p = share of permuted c <= observed c).
3. **Equal means (3a) and variances (3b)**: composites formed with the pooled weights on the
   pooled standardised data; the difference of group means and the log ratio of group
   variances must lie inside the central ``1 - alpha`` range of their permutation
   distributions.

Verdict per construct and pair: ``"full"`` (1, 2, 3a and 3b), ``"partial"`` (1 and 2: the
paths may be compared, pooled index comparisons are doubtful) or ``"none"``.

Reference: Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing measurement
invariance of composites using partial least squares. *International Marketing Review*
33(3), 405-431.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from acsi.compare.differences import _pair_moments, _pairs
from acsi.compare.group_estimates import GroupEstimates
from acsi.compare.group_pls import fit_correlations
from acsi.core.intervals import percentile_interval
from acsi.core.moments import correlation_and_sd
from acsi.core.pls import Structure
from acsi.errors import ParameterError
from acsi.structure import model_structure

_COLUMNS = (
    "group_a",
    "group_b",
    "construct",
    "configural",
    "c",
    "c_quantile",
    "p_c",
    "compositional",
    "mean_diff",
    "mean_lower",
    "mean_upper",
    "equal_means",
    "log_var_ratio",
    "var_lower",
    "var_upper",
    "equal_variances",
    "verdict",
)


def micom(
    est: GroupEstimates,
    *,
    pairs: str | Iterable[tuple[Any, Any]] = "all",
    n_perm: int = 1000,
    alpha: float = 0.05,
    seed: int | None = None,
) -> pd.DataFrame:
    """MICOM steps 1-3 for pairs of groups.

    Returns
    -------
    pandas.DataFrame
        One row per pair and construct: ``group_a, group_b, construct, configural,
        c`` (step 2 correlation), ``c_quantile`` (its permutation 5% quantile), ``p_c``,
        ``compositional``, ``mean_diff``, ``mean_lower``, ``mean_upper``, ``equal_means``,
        ``log_var_ratio``, ``var_lower``, ``var_upper``, ``equal_variances``, ``verdict``.
        Single-indicator constructs have c = 1 by definition.
    """
    if isinstance(n_perm, bool) or not isinstance(n_perm, (int, np.integer)) or n_perm < 19:
        raise ParameterError(f"n_perm must be an integer of at least 19; got {n_perm!r}.")
    method = getattr(est, "method", "pls")
    if method != "pls":
        raise NotImplementedError(
            f"MICOM tests the invariance of PLS composites (their weights, means and variances) and is built for "
            f"method 'pls' only; these groups were estimated with method {method!r}. Run MICOM on a PLS estimate "
            "of the same groups (CLI: --method pls); for common factors (cbsem, plsc) a multigroup CFA with "
            "equality constraints is the invariance test, which acsi does not build yet."
        )
    structure = model_structure(est.spec)
    rng = np.random.default_rng(seed)
    if isinstance(pairs, str) and pairs == "all":
        chosen = list(itertools.combinations(range(len(est.labels)), 2))
    else:
        chosen = [(est.position(a), est.position(b)) for a, b in pairs]  # type: ignore[union-attr]
    rows: list[tuple[Any, ...]] = []
    for ga, gb in chosen:
        if not (est.reported[ga] and est.reported[gb]):  # not configural: a group is not estimated
            rows.extend(
                (est.labels[ga], est.labels[gb], name, False)
                + (np.nan,) * 3
                + (False,)
                + (np.nan,) * 3
                + (False,)
                + (np.nan,) * 3
                + (False, "none")
                for name in est.constructs
            )
            continue
        _pairs(est, [(est.labels[ga], est.labels[gb])])  # checks
        m = _pair_moments(est, ga, gb, n_perm, rng)
        rows.extend(_pair_rows(est, ga, gb, m, structure, alpha))
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def _pair_rows(
    est: GroupEstimates, ga: int, gb: int, m: dict[str, np.ndarray], structure: Structure, alpha: float
) -> list[tuple[Any, ...]]:
    """MICOM steps 2 and 3 for the configural pair (ga, gb) from its observed and permuted moments ``m``."""
    estimator = est.estimator
    rows: list[tuple[Any, ...]] = []
    # Step 2: group weights (for standardised indicators) from each half, observed and permuted.
    S_a, sd_a = correlation_and_sd(m["C_a"])
    S_b, sd_b = correlation_and_sd(m["C_b"])
    fit_a = fit_correlations(S_a, structure, estimator)
    fit_b = fit_correlations(S_b, structure, estimator)
    S, sd = correlation_and_sd(m["C"])
    Wa, Wb = fit_a.W, fit_b.W  # (1 + R, p, k), unit variance within each half
    cross = ((S @ Wb) * Wa).sum(axis=-2)
    c = cross / np.sqrt(((S @ Wa) * Wa).sum(axis=-2) * ((S @ Wb) * Wb).sum(axis=-2))
    c_obs, c_perm = c[0], c[1:]
    with np.errstate(invalid="ignore"):
        p_c = (1.0 + (c_perm <= c_obs + 1e-12).sum(axis=0)) / (1.0 + np.isfinite(c_perm).sum(axis=0))
    c_quantile = np.nanquantile(c_perm, alpha, axis=0)
    # Step 3: pooled weights on the pooled standardised data.
    pooled = fit_correlations(S, structure, estimator)
    Wp = pooled.W / sd[:, None]  # raw-scale weights: score = (x - mean)' Wp has unit variance
    mean_diff = (m["mean_a"] - m["mean_b"]) @ Wp  # (1 + R, k)
    var_a = ((m["C_a"] @ Wp) * Wp).sum(axis=-2)
    var_b = ((m["C_b"] @ Wp) * Wp).sum(axis=-2)
    log_ratio = np.log(var_a / var_b)
    lo_m, hi_m = percentile_interval(mean_diff[1:], 1.0 - alpha, axis=0)
    lo_v, hi_v = percentile_interval(log_ratio[1:], 1.0 - alpha, axis=0)
    for j, name in enumerate(est.constructs):
        single = int((structure.block == j).sum()) == 1
        comp = True if single else bool(c_obs[j] >= c_quantile[j] - 1e-12)
        eq_m = bool(lo_m[j] <= mean_diff[0, j] <= hi_m[j])
        eq_v = bool(lo_v[j] <= log_ratio[0, j] <= hi_v[j])
        verdict = "full" if comp and eq_m and eq_v else ("partial" if comp else "none")
        rows.append(
            (
                est.labels[ga],
                est.labels[gb],
                name,
                True,
                1.0 if single else float(c_obs[j]),
                1.0 if single else float(c_quantile[j]),
                1.0 if single else float(p_c[j]),
                comp,
                float(mean_diff[0, j]),
                float(lo_m[j]),
                float(hi_m[j]),
                eq_m,
                float(log_ratio[0, j]),
                float(lo_v[j]),
                float(hi_v[j]),
                eq_v,
                verdict,
            )
        )
    return rows


def pair_verdicts(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Summarise :func:`micom` per pair: ``{"a vs b": {verdict, constructs {name: verdict}}}``.

    The pair's verdict is the weakest of its constructs' (``none`` < ``partial`` < ``full``).
    """
    order = {"none": 0, "partial": 1, "full": 2}
    out: dict[str, dict[str, Any]] = {}
    for (a, b), rows in table.groupby(["group_a", "group_b"], sort=False):
        verdicts = dict(zip(rows["construct"], rows["verdict"]))
        worst = min(verdicts.values(), key=order.__getitem__)
        out[f"{a} vs {b}"] = {"group_a": str(a), "group_b": str(b), "verdict": worst, "constructs": verdicts}
    return out
