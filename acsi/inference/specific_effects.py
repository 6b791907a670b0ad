"""Specific indirect effects of a bootstrap, with their intervals and the type of mediation (Zhao, Lynch & Chen 2010).

A specific indirect effect (:mod:`acsi.core.mediation`) is the product of the path coefficients
along one chain ``A -> M1 -> ... -> B``; the bootstrap carries it as its own statistic (kind
``specific_indirect``), recomputed in every resample and in every jackknife fit, so it has the
bootstrap's standard error, t, p and percentile, basic or BCa interval like any other estimate
(seminr ``specific_effect_significance``: the product of the bootstrapped paths of each resample,
percentile interval). An effect is significant when its interval excludes 0.

The type of mediation compares an indirect effect with the direct effect of its source on its
target (:func:`acsi.core.mediation.mediation_type`): per chain (that chain's specific indirect
effect) and per mediated pair (the total indirect effect of the pair).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acsi.core.mediation import excludes_zero, mediation_type

if TYPE_CHECKING:
    from acsi.inference.result import BootstrapResult

#: Columns of :func:`specific_indirect_table`, in order.
COLUMNS = (
    "path",
    "source",
    "through",
    "target",
    "estimate",
    "boot_mean",
    "std_error",
    "t",
    "p",
    "ci_lower",
    "ci_upper",
    "direct",
    "direct_ci_lower",
    "direct_ci_upper",
    "mediation",
)


def _direct(boot: BootstrapResult, source: str, target: str) -> tuple[float, float, float]:
    """Estimate and interval of the path ``source -> target``; ``(0, 0, 0)`` when the model has no such path."""
    for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)):
        if kind == "paths" and key[0] == f"{source} -> {target}":
            return float(boot.estimates[j]), float(boot.intervals[j, 0]), float(boot.intervals[j, 1])
    return 0.0, 0.0, 0.0


def _classify(estimate: float, lower: float, upper: float, direct: tuple[float, float, float]) -> str:
    """Zhao-Lynch-Chen type of an indirect effect (estimate, interval) beside its direct effect."""
    indirect_exists = bool(excludes_zero(lower, upper))
    direct_exists = bool(excludes_zero(direct[1], direct[2]))
    return mediation_type(indirect_exists, direct_exists, estimate * direct[0] > 0)


def specific_indirect_table(boot: BootstrapResult) -> pd.DataFrame:
    """One row per chain of two or more paths: the specific indirect effect and its bootstrap statistics.

    Columns (:data:`COLUMNS`): ``path`` ("A -> M -> B"), ``source``, ``through`` (the mediators,
    "M1, M2"), ``target``, ``estimate`` (the product of the full-sample paths), ``boot_mean``,
    ``std_error``, ``t``, ``p``, ``ci_lower``, ``ci_upper`` (the bootstrap's ``ci_method`` and
    ``level``), the ``direct`` effect of source on target with its interval (0 and [0, 0] when
    the model has no such path) and the ``mediation`` type of Zhao, Lynch & Chen (2010).
    """
    table = boot.table
    rows: list[dict[str, Any]] = []
    for j in np.flatnonzero(np.array(boot.kinds) == "specific_indirect"):
        route = boot.keys[j][0].split(" -> ")
        direct = _direct(boot, route[0], route[-1])
        row = table.iloc[j]
        rows.append(
            {
                "path": boot.keys[j][0],
                "source": route[0],
                "through": ", ".join(route[1:-1]),
                "target": route[-1],
                **{name: float(row[name]) for name in COLUMNS[4:11]},
                "direct": direct[0],
                "direct_ci_lower": direct[1],
                "direct_ci_upper": direct[2],
                "mediation": _classify(float(row["estimate"]), float(row["ci_lower"]), float(row["ci_upper"]), direct),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def mediation_by_pair(boot: BootstrapResult) -> pd.DataFrame:
    """The type of mediation of every pair linked by a chain: its total indirect effect beside its direct effect.

    Indexed by "A -> B"; columns ``indirect``, ``indirect_ci_lower``, ``indirect_ci_upper``,
    ``direct``, ``direct_ci_lower``, ``direct_ci_upper``, ``mediation``.
    """
    rows: dict[str, dict[str, Any]] = {}
    chained = {
        (k[0].split(" -> ")[0], k[0].split(" -> ")[-1]) for kind, k in zip(boot.kinds, boot.keys) if kind == "specific_indirect"
    }
    for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)):
        source, _, target = key[0].partition(" -> ")
        if kind != "indirect" or (source, target) not in chained:
            continue
        estimate, lower, upper = (float(v) for v in (boot.estimates[j], *boot.intervals[j]))
        direct = _direct(boot, source, target)
        rows[key[0]] = {
            "indirect": estimate,
            "indirect_ci_lower": lower,
            "indirect_ci_upper": upper,
            "direct": direct[0],
            "direct_ci_lower": direct[1],
            "direct_ci_upper": direct[2],
            "mediation": _classify(estimate, lower, upper, direct),
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("effect")


def specific_indirect_json(boot: BootstrapResult) -> dict[str, Any]:
    """The keys ``specific_indirect_effects`` (a list of rows of :func:`specific_indirect_table`)
    and ``mediation`` ({"A -> B": row of :func:`mediation_by_pair`}); undefined numbers are null."""
    table = specific_indirect_table(boot)
    pairs = mediation_by_pair(boot)
    return {
        "specific_indirect_effects": [{k: _plain(v) for k, v in row.items()} for row in table.to_dict(orient="records")],
        "mediation": {key: {k: _plain(v) for k, v in row.items()} for key, row in pairs.to_dict(orient="index").items()},
    }


def _plain(value: Any) -> Any:
    """A JSON value: strings as they are, finite floats, None for NaN and infinities."""
    if isinstance(value, str):
        return value
    number = float(value)
    return number if np.isfinite(number) else None
