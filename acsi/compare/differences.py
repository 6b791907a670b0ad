"""Are the differences between groups real? Pairwise and omnibus tests, corrections, ranks.

Three pairwise tests of a difference theta_a - theta_b (an index or a path coefficient):

* **parametric** (Keil et al. 2000): ``t = (a - b) / (s_p sqrt(1/n_a + 1/n_b))`` with
  ``s_p^2 = ((n_a - 1)^2 se_a^2 + (n_b - 1)^2 se_b^2) / (n_a + n_b - 2)``, the bootstrap
  standard errors se, and n_a + n_b - 2 degrees of freedom; two-sided.
* **henseler** (PLS-MGA, Henseler, Ringle & Sinkovics 2009): from the two bootstrap
  distributions (:func:`acsi.core.corrections.henseler_p`); two-sided ``2 min(P, 1 - P)``.
* **permutation** (Chin & Dibbern 2010): the group labels of the two groups' rows are
  permuted ``n_perm`` times, the model re-estimated in both halves each time, and
  ``p = (1 + #{|d*| >= |d|}) / (1 + n_perm)``.

p-values of a family of pairs are adjusted by Holm (family-wise error) or Benjamini-Hochberg
(false discovery rate). The omnibus index test permutes group labels across all reported
groups with the pooled index weights (a permutation one-way ANOVA of respondent indices).

References: Keil, M. et al. (2000), *MIS Quarterly* 24(2), 299-325; Chin, W. W. & Dibbern, J.
(2010), in *Handbook of Partial Least Squares*, 171-193, Springer; Holm, S. (1979),
*Scandinavian Journal of Statistics* 6, 65-70; Benjamini, Y. & Hochberg, Y. (1995),
*JRSS B* 57, 289-300.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from acsi.compare.group_estimates import GroupEstimates, json_number
from acsi.compare.group_pls import fit_moments
from acsi.core import corrections, resample, stack
from acsi.core.index import index_values
from acsi.core.intervals import percentile_interval
from acsi.core.moments import MomentBasis
from acsi.errors import ParameterError
from acsi.structure import model_structure

Test = Literal["parametric", "henseler", "permutation"]
Adjust = Literal["holm", "bh", "none"]
TESTS: tuple[str, ...] = ("parametric", "henseler", "permutation")
ADJUSTMENTS: tuple[str, ...] = ("holm", "bh", "none")


def adjust_pvalues(p: Sequence[float] | np.ndarray, method: Adjust = "holm") -> np.ndarray:
    """Adjust a family of p-values: ``"holm"``, ``"bh"`` (Benjamini-Hochberg) or ``"none"``."""
    if method == "holm":
        return corrections.holm(np.asarray(p, dtype=float))
    if method == "bh":
        return corrections.benjamini_hochberg(np.asarray(p, dtype=float))
    if method == "none":
        return np.asarray(p, dtype=float).copy()
    raise ParameterError(f"Unknown adjustment {method!r}; expected one of {', '.join(ADJUSTMENTS)}.")


def parametric_p(a: np.ndarray, b: np.ndarray, se_a: np.ndarray, se_b: np.ndarray, n_a: int, n_b: int) -> np.ndarray:
    """Two-sided p-value of the parametric (pooled standard error) test of Keil et al. (2000)."""
    df = n_a + n_b - 2
    pooled = np.sqrt(((n_a - 1) ** 2 * se_a**2 + (n_b - 1) ** 2 * se_b**2) / df)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (a - b) / (pooled * np.sqrt(1.0 / n_a + 1.0 / n_b))
    return 2.0 * stats.t.sf(np.abs(t), df)


def two_sided_henseler(draws_a: np.ndarray, draws_b: np.ndarray) -> np.ndarray:
    """``2 min(P, 1 - P)`` of :func:`acsi.core.corrections.henseler_p`, capped at 1."""
    one_sided = corrections.henseler_p(draws_a, draws_b)
    return np.minimum(1.0, 2.0 * np.minimum(one_sided, 1.0 - one_sided))


def _pairs(est: GroupEstimates, pairs: str | Iterable[tuple[Any, Any]]) -> list[tuple[int, int]]:
    reported = [g for g in range(len(est.labels)) if est.reported[g]]
    if isinstance(pairs, str):
        if pairs != "all":
            raise ParameterError(f"pairs must be 'all' or a list of (group, group); got {pairs!r}.")
        return list(itertools.combinations(reported, 2))
    chosen = []
    for a, b in pairs:
        ga, gb = est.position(a), est.position(b)
        for g in (ga, gb):
            if not est.reported[g]:
                raise ParameterError(f"Group {est.labels[g]!r} is not reported ({est.notes[g]}); it cannot be compared.")
        chosen.append((ga, gb))
    return chosen


def _pair_moments(est: GroupEstimates, ga: int, gb: int, n_perm: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Moments of groups a and b for the observed split (row 0) and ``n_perm`` permuted splits."""
    data = est.data
    rows = np.concatenate([data.rows(ga), data.rows(gb)])
    X = data.values[rows]
    w = data.case_weights[rows] if data.case_weights is not None else np.ones(rows.size)
    n_a = int((data.codes[rows] == ga).sum())
    basis = MomentBasis.from_data(X)
    M = np.zeros((1, rows.size))
    M[0, :n_a] = 1.0
    if n_perm:
        M = np.concatenate([M, resample.permutation_memberships(rows.size, n_a, n_perm, rng)])
    mean_a, C_a = basis.moments(M * w)
    mean_b, C_b = basis.moments((1.0 - M) * w)
    mean_all, C_all = basis.moments(w[None, :])
    return {
        "mean_a": mean_a,
        "C_a": C_a,
        "mean_b": mean_b,
        "C_b": C_b,
        "mean": mean_all[0],
        "C": C_all[0],
        "n_a": np.array(n_a),
        "n_b": np.array(rows.size - n_a),
    }


def _split_statistics(est: GroupEstimates, mean: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices (..., m) and paths (..., n_paths) of a stack of group moments, as :func:`estimate_groups` computes them."""
    structure = model_structure(est.spec)
    lower = np.where(np.isfinite(est.lower), est.lower, 0.0)
    upper = np.where(np.isfinite(est.upper), est.upper, 1.0)
    indexed = [est.constructs.index(c) for c in est.index_constructs]
    if est.mode == "pooled":
        index = index_values(est.overall["index_weights"], mean, lower, upper, structure.block, structure.n_constructs)
        return index[..., indexed], np.full(mean.shape[:-1] + (len(est.spec.paths),), np.nan)
    fit, _, index = fit_moments(mean, C, structure, est.estimator, lower, upper)
    index = index[..., indexed]
    ok = (fit.valid & fit.converged)[..., None]
    return np.where(ok, index, np.nan), np.where(ok, stack.path_values(fit.B, est.path_pairs), np.nan)


def require_pls(est: GroupEstimates, what: str) -> None:
    """Raise ``NotImplementedError`` unless ``est`` was estimated with PLS (whose moment-based re-estimation ``what`` uses)."""
    method = getattr(est, "method", "pls")
    if method != "pls":
        raise NotImplementedError(
            f"{what} re-estimates the PLS model on permuted groups from moments and is built for method 'pls' only; "
            f"these groups were estimated with method {method!r}. Use the bootstrap tests (test='henseler' or "
            "'parametric'), or estimate the groups with PLS."
        )


def permutation_test(est: GroupEstimates, a: Any, b: Any, *, n_perm: int = 1000, seed: int | None = None) -> dict[str, Any]:
    """Permutation MGA for one pair of groups: p-values of every index and path difference.

    Returns
    -------
    dict
        ``index`` {construct: (difference, p)}, ``paths`` {path: (difference, p)}, ``n_perm``.
        In pooled mode only the indices are tested (paths are common).
    """
    if isinstance(n_perm, bool) or not isinstance(n_perm, (int, np.integer)) or n_perm < 19:
        raise ParameterError(f"n_perm must be an integer of at least 19; got {n_perm!r}.")
    require_pls(est, "The permutation test")
    ga, gb = _pairs(est, [(a, b)])[0]
    moments = _pair_moments(est, ga, gb, n_perm, np.random.default_rng(seed))
    index_a, paths_a = _split_statistics(est, moments["mean_a"], moments["C_a"])
    index_b, paths_b = _split_statistics(est, moments["mean_b"], moments["C_b"])
    out: dict[str, Any] = {"n_perm": int(n_perm)}
    for key, names, d in (("index", est.index_constructs, index_a - index_b), ("paths", est.path_keys, paths_a - paths_b)):
        observed = d[0]
        with np.errstate(invalid="ignore"):
            exceed = (np.abs(d[1:]) >= np.abs(observed) - 1e-12).sum(axis=0)
        valid = (~np.isnan(d[1:])).sum(axis=0)
        p = np.where(np.isnan(observed) | (valid == 0), np.nan, (1.0 + exceed) / (1.0 + np.maximum(valid, 1)))
        out[key] = {name: (float(observed[j]), float(p[j])) for j, name in enumerate(names)}
    return out


def compare_groups(
    est: GroupEstimates,
    *,
    quantity: Literal["index", "paths"] = "index",
    parameters: Sequence[str] | None = None,
    pairs: str | Iterable[tuple[Any, Any]] = "all",
    test: Test = "henseler",
    adjust: Adjust = "holm",
    alpha: float = 0.05,
    n_perm: int = 0,
    seed: int | None = None,
) -> pd.DataFrame:
    """Pairwise tests of group differences with a multiple-comparison correction.

    Parameters
    ----------
    est : GroupEstimates
        With a bootstrap (``n_boot > 0``) for the parametric and Henseler tests.
    quantity : {"index", "paths"}
    parameters : list of str, optional
        Constructs (``index``) or path keys (``paths``) to test; default all.
    pairs : "all" or list of (group, group)
    test : {"parametric", "henseler", "permutation"}
        The test behind ``p_value`` and ``p_adjusted``; every available test is reported.
    adjust : {"holm", "bh", "none"}
        Correction over the whole family (all pairs x parameters).
    alpha : float
        Level for ``significant`` (on the adjusted p-value).
    n_perm : int
        Permutations per pair (0: no permutation test); required for ``test="permutation"``.

    Returns
    -------
    pandas.DataFrame
        One row per pair and parameter: ``group_a, group_b, parameter, estimate`` (a - b),
        ``ci_lower, ci_upper`` (percentile interval of the bootstrap differences),
        ``p_parametric, p_henseler, p_permutation, p_value, p_adjusted, significant``.
    """
    if test not in TESTS:
        raise ParameterError(f"Unknown test {test!r}; expected one of {', '.join(TESTS)}.")
    if adjust not in ADJUSTMENTS:
        raise ParameterError(f"Unknown adjustment {adjust!r}; expected one of {', '.join(ADJUSTMENTS)}.")
    if quantity not in ("index", "paths"):
        raise ParameterError(f"quantity must be 'index' or 'paths'; got {quantity!r}.")
    if test == "permutation" and not n_perm:
        raise ParameterError("test='permutation' needs n_perm > 0 (CLI: --permutations N).")
    if test != "permutation" and est.n_boot == 0:
        raise ParameterError(f"test={test!r} needs bootstrap draws; estimate the groups with n_boot > 0 (CLI: --bootstrap N).")
    if quantity == "paths" and est.mode == "pooled":
        raise ParameterError("In mode='pooled' every group shares the pooled paths; compare paths with mode='separate'.")
    names = est.index_constructs if quantity == "index" else est.path_keys
    chosen = list(names) if parameters is None else list(parameters)
    unknown = [c for c in chosen if c not in names]
    if unknown:
        raise ParameterError(f"Unknown {quantity} parameter(s) {', '.join(unknown)}; available: {', '.join(names)}.")
    cols = [names.index(c) for c in chosen]
    values = est.index if quantity == "index" else est.paths
    draws = est.index_draws if quantity == "index" else est.path_draws
    se = est.index_se if quantity == "index" else est.path_se
    rng = np.random.default_rng(seed)
    rows = []
    for ga, gb in _pairs(est, pairs):
        d = values[ga, cols] - values[gb, cols]
        if draws is not None:
            lo, hi = percentile_interval(draws[ga][:, cols] - draws[gb][:, cols], est.level, axis=0)
            p_par = parametric_p(
                values[ga, cols], values[gb, cols], se[ga, cols], se[gb, cols], int(est.n_obs[ga]), int(est.n_obs[gb])
            )
            p_hen = two_sided_henseler(draws[ga][:, cols], draws[gb][:, cols])
        else:
            lo = hi = p_par = p_hen = np.full(len(cols), np.nan)
        p_perm = np.full(len(cols), np.nan)
        if n_perm:
            result = permutation_test(est, est.labels[ga], est.labels[gb], n_perm=n_perm, seed=rng.integers(2**63))
            p_perm = np.array([result[quantity][c][1] for c in chosen])
        for j, name in enumerate(chosen):
            rows.append((est.labels[ga], est.labels[gb], name, d[j], lo[j], hi[j], p_par[j], p_hen[j], p_perm[j]))
    frame = pd.DataFrame(
        rows,
        columns=[
            "group_a",
            "group_b",
            "parameter",
            "estimate",
            "ci_lower",
            "ci_upper",
            "p_parametric",
            "p_henseler",
            "p_permutation",
        ],
    )
    frame["p_value"] = frame[f"p_{test}"]
    frame["p_adjusted"] = adjust_pvalues(frame["p_value"].to_numpy(), adjust)
    frame["significant"] = frame["p_adjusted"] < alpha
    frame.attrs.update(test=test, adjust=adjust, alpha=alpha, quantity=quantity)
    return frame


def omnibus_index_test(est: GroupEstimates, construct: str, *, n_perm: int = 1000, seed: int | None = None) -> dict[str, float]:
    """Do the reported groups differ at all in ``construct``'s index? A permutation test.

    Statistic ``F = sum_g N_g (I_g - I)^2`` with ``I_g`` the (weighted) mean respondent index
    of group g under the pooled index weights, ``N_g`` its weight total and ``I`` the overall
    mean; group labels are permuted over the rows of the reported groups.
    ``p = (1 + #{F* >= F}) / (1 + n_perm)``.
    """
    if isinstance(n_perm, bool) or not isinstance(n_perm, (int, np.integer)) or n_perm < 19:
        raise ParameterError(f"n_perm must be an integer of at least 19; got {n_perm!r}.")
    j = est.constructs.index(est.index_constructs[est.construct_position(construct)])
    structure = model_structure(est.spec)
    member = structure.block == j
    w_tilde = est.overall["index_weights"][member]
    lower, upper = est.lower[member], est.upper[member]
    data = est.data
    keep = est.reported[data.codes]
    respondent = 100.0 * ((data.values[keep][:, member] - lower) / (upper - lower)) @ w_tilde
    codes = np.unique(data.codes[keep], return_inverse=True)[1]
    w = data.case_weights[keep] if data.case_weights is not None else np.ones(codes.size)
    G = int(codes.max()) + 1 if codes.size else 0
    if G < 2:
        raise ParameterError("The omnibus test needs at least two reported groups.")

    def statistic(labels: np.ndarray) -> np.ndarray:
        # labels (R, n) -> F (R,)
        offset = (np.arange(labels.shape[0]) * G)[:, None]
        flat = (labels + offset).ravel()
        totals = np.bincount(flat, weights=np.tile(w, labels.shape[0]), minlength=G * labels.shape[0]).reshape(-1, G)
        sums = np.bincount(flat, weights=np.tile(w * respondent, labels.shape[0]), minlength=G * labels.shape[0]).reshape(-1, G)
        grand = (w * respondent).sum() / w.sum()
        return (totals * (sums / totals - grand) ** 2).sum(axis=1)

    observed = statistic(codes[None, :])[0]
    rng = np.random.default_rng(seed)
    exceed = 0
    for start in range(0, n_perm, 100):
        size = min(100, n_perm - start)
        permuted = rng.permuted(np.broadcast_to(codes, (size, codes.size)), axis=1)
        exceed += int((statistic(permuted) >= observed * (1 - 1e-12)).sum())
    return {"statistic": float(observed), "p_value": (1.0 + exceed) / (1.0 + n_perm), "n_perm": int(n_perm), "n_groups": G}


def ranking(est: GroupEstimates, construct: str, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Groups ranked by ``construct``'s index, with the bootstrap distribution of each rank.

    Returns the tidy table of :meth:`GroupEstimates.table` for the construct, sorted, with
    ``rank`` (1 = best), ``rank_lower``/``rank_upper`` (percentile interval of the rank over
    the resamples, in which every reported group is re-ranked), ``rank_median``,
    ``p_best`` (share of resamples in which the group ranks first) and ``flag``:
    ``"above"``/``"below"`` when the group's interval excludes the overall index,
    ``"small"`` or ``"not estimated"`` for groups not reported.
    """
    from acsi.compare.tables import rank_table

    table = est.table(construct)
    draws = est.draws(construct)
    ranked = rank_table(table, draws=draws, level=est.level, higher_is_better=higher_is_better)
    overall = float(est.overall["index"][est.construct_position(construct)])
    flag = np.where(ranked["ci_lower"] > overall, "above", np.where(ranked["ci_upper"] < overall, "below", ""))
    small = ranked["n"] < est.min_n
    flag = np.where(~ranked["reported"], np.where(small, "small", "not estimated"), flag)
    ranked["flag"] = flag
    ranked.attrs["overall"] = overall
    return ranked


def differences_to_dict(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of :func:`compare_groups` as JSON objects (NaN as null)."""
    out = []
    for row in frame.itertuples(index=False):
        out.append(
            {
                "group_a": str(row.group_a),
                "group_b": str(row.group_b),
                "parameter": row.parameter,
                "estimate": json_number(row.estimate),
                "ci": [json_number(row.ci_lower), json_number(row.ci_upper)],
                "p_parametric": json_number(row.p_parametric),
                "p_henseler": json_number(row.p_henseler),
                "p_permutation": json_number(row.p_permutation),
                "p_value": json_number(row.p_value),
                "p_adjusted": json_number(row.p_adjusted),
                "significant": bool(row.significant),
            }
        )
    return out
