"""Ex-post explanation of segments: which observed variables (branch, age group, channel ...) go with membership.

For each variable, on the respondents where it is not missing:

* **categorical** (text, category, boolean, or at most :data:`MAX_LEVELS` distinct values):
  the cross-table of the most probable segment by category, Pearson's chi-square test of
  independence ``X2 = sum (O - E)^2 / E``, ``df = (r - 1)(c - 1)``, and Cramér's
  ``V = sqrt(X2 / (n (min(r, c) - 1)))``; the profile is each category's expected segment
  shares ``sum_i P_ik / n_category`` (posterior-weighted). A note flags tables where more than
  20% of the expected counts are below 5 (Cochran 1954), when the chi-square p-value is rough;
* **numeric**: the one-way analysis of variance of the variable over the most probable
  segments, ``F = (SSB / (K - 1)) / (SSW / (n - K))``, and ``eta^2 = SSB / SST``; the profile
  is each segment's posterior-weighted mean.

p-values are Holm-adjusted over the variables tested (Holm 1979).

Read the result as description, not proof: the tests use the most probable segment and so
ignore the uncertainty of the assignment (they overstate significance when the normed entropy
is low), and the segments were found on the same respondents.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.strict_json import strict

if TYPE_CHECKING:
    import pandas as pd

#: A numeric variable with at most this many distinct values is treated as categorical.
MAX_LEVELS = 12


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries are left out and stay NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def chi_square_test(segment: np.ndarray, category: np.ndarray, k: int) -> tuple[float, int, float, float, float]:
    """Pearson's chi-square of independence of ``segment`` (0..k-1) and ``category`` codes: (X2, df, p, V, share of E < 5)."""
    from scipy.stats import chi2

    levels = int(category.max()) + 1
    table = np.zeros((k, levels))
    np.add.at(table, (segment, category), 1.0)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, c = table.shape
    n = table.sum()
    if r < 2 or c < 2:
        return float("nan"), 0, float("nan"), float("nan"), 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    statistic = float(np.sum((table - expected) ** 2 / expected))
    df = (r - 1) * (c - 1)
    v = math.sqrt(statistic / (n * (min(r, c) - 1)))
    return statistic, df, float(chi2.sf(statistic, df)), v, float(np.mean(expected < 5))


def anova_test(segment: np.ndarray, values: np.ndarray, k: int) -> tuple[float, tuple[int, int], float, float]:
    """One-way ANOVA of ``values`` over ``segment``: (F, (df1, df2), p, eta^2)."""
    from scipy.stats import f as f_dist

    present = np.unique(segment)
    g = len(present)
    n = len(values)
    if g < 2 or n <= g:
        return float("nan"), (0, 0), float("nan"), float("nan")
    grand = values.mean()
    between = sum(np.sum(segment == s) * (values[segment == s].mean() - grand) ** 2 for s in present)
    total = float(np.sum((values - grand) ** 2))
    within = total - between
    if within <= 0:
        return float("inf"), (g - 1, n - g), 0.0, 1.0
    statistic = (between / (g - 1)) / (within / (n - g))
    return float(statistic), (g - 1, n - g), float(f_dist.sf(statistic, g - 1, n - g)), float(between / total)


@dataclass(frozen=True, repr=False)
class Explanation:
    """Tests and profiles of the variables against segment membership.

    Attributes
    ----------
    tests : pandas.DataFrame
        One row per variable: kind, n, statistic, df, p_value, p_holm, effect (Cramér's V or eta²), note.
    profiles : dict of str -> pandas.DataFrame
        Categorical: rows = categories, columns = segments, expected shares (rows sum to 1), plus ``n``;
        numeric: one row ``mean`` of posterior-weighted segment means.
    """

    tests: pd.DataFrame
    profiles: dict[str, pd.DataFrame] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.tests.copy()

    @strict
    def to_dict(self) -> dict[str, Any]:
        """{variables: {name: {kind, n, statistic, df, p_value, p_holm, effect, note, profile}}, caveat}."""
        out = {}
        for name, row in self.tests.iterrows():
            profile = self.profiles[name]
            out[str(name)] = {
                "kind": row["kind"],
                "n": int(row["n"]),
                "statistic": float(row["statistic"]),
                "df": row["df"],
                "p_value": float(row["p_value"]),
                "p_holm": float(row["p_holm"]),
                "effect": float(row["effect"]),
                "effect_name": "cramers_v" if row["kind"] == "categorical" else "eta_squared",
                "note": row["note"],
                "profile": {str(i): {str(c): float(v) for c, v in r.items()} for i, r in profile.iterrows()},
            }
        return {"variables": out, "caveat": CAVEAT}

    def summary(self) -> str:
        lines = [self.tests.to_string(float_format=lambda v: f"{v:.4g}")]
        for name, profile in self.profiles.items():
            lines += ["", f"{name}:", profile.to_string(float_format=lambda v: f"{v:.3f}")]
        lines += ["", f"caveat: {CAVEAT}"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Explanation(variables={list(self.tests.index)})"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.summary())}</pre>"


CAVEAT = (
    "tests use each respondent's most probable segment and ignore the uncertainty of that assignment; "
    "they describe the segments found, they do not establish why respondents belong to them"
)


def explain_membership(posterior: np.ndarray, frame: pd.DataFrame) -> Explanation:
    """Test and profile every column of ``frame`` (rows aligned with ``posterior`` (n, K)) against segment membership."""
    import pandas as pd

    k = posterior.shape[1]
    segment_names = [f"segment_{j + 1}" for j in range(k)]
    hard = np.argmax(posterior, axis=1)
    rows, profiles = [], {}
    for name in frame.columns:
        column = frame[name]
        present = column.notna().to_numpy()
        values = column[present]
        seg, post = hard[present], posterior[present]
        categorical = not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        categorical = categorical or values.nunique() <= MAX_LEVELS
        note = "" if present.all() else f"{int((~present).sum())} missing values left out"
        if categorical:
            codes, levels = pd.factorize(values, sort=True)
            statistic, df, p, effect, sparse = chi_square_test(seg, codes, k)
            if sparse > 0.2:
                note = "; ".join(
                    filter(None, [note, f"{sparse:.0%} of expected counts below 5: the chi-square p-value is rough"])
                )
            shares = np.zeros((len(levels), k))
            np.add.at(shares, codes, post)
            counts = np.bincount(codes, minlength=len(levels))
            profile = pd.DataFrame(shares / counts[:, None], index=pd.Index(levels, name=name), columns=segment_names)
            profile["n"] = counts
            kind: str = "categorical"
            df_value: Any = df
        else:
            x = values.to_numpy(dtype=float)
            statistic, (df1, df2), p, effect = anova_test(seg, x, k)
            means = (post * x[:, None]).sum(axis=0) / post.sum(axis=0)
            profile = pd.DataFrame([means], index=pd.Index(["mean"], name=name), columns=segment_names)
            kind, df_value = "numeric", [df1, df2]
        rows.append(
            {
                "variable": name,
                "kind": kind,
                "n": int(present.sum()),
                "statistic": statistic,
                "df": df_value,
                "p_value": p,
                "effect": effect,
                "note": note,
            }
        )
        profiles[str(name)] = profile
    tests = pd.DataFrame(rows).set_index("variable")
    tests.insert(tests.columns.get_loc("p_value") + 1, "p_holm", holm(tests["p_value"].to_numpy()))
    return Explanation(tests=tests, profiles=profiles)
