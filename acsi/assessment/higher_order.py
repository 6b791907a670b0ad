"""Reliability and validity of higher-order constructs (HOCs), as Sarstedt et al. (2019) assess them.

Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., & Ringle, C. M. (2019). How to specify,
estimate, and validate higher-order constructs in PLS-SEM. *Australasian Marketing Journal*
27(3), 197-211: the lower-order components (LOCs) are assessed as any first-order construct;
the HOC's "indicators" are its LOCs, so

* reflective-reflective: its loadings on its LOCs give rho_C = (sum l)² / ((sum l)² + sum(1 - l²))
  (:func:`acsi.core.reliability.composite_reliability`) and AVE = mean(l²). In a two-stage fit
  the loadings are those of stage 2 (the HOC measured by the LOCs' scores), where rho_A is
  defined too; with repeated indicators (and CB-SEM's second-order factor) they are the paths
  ``HOC -> LOC`` (standardised), and rho_A is not defined (the HOC is not a weighted sum of its
  LOCs' scores): ``None``;
* reflective-formative: the LOCs' weights (stage 2, or the paths ``LOC -> HOC``) and their VIF;
  reliability and AVE are not measures of a composite: ``None``.

The HOC's discriminant validity (HTMT with the other constructs) is in the assessment's HTMT
table; for a two-stage fit the first-order measurement models are assessed on stage 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.core.reliability import composite_reliability

if TYPE_CHECKING:
    import pandas as pd

    from acsi.results import FitResult

#: The thresholds note of the summary's table.
HOC_NOTE = (
    "rho_C 0.7-0.95 and AVE > 0.5 on the loadings of a reflective HOC on its components; VIF < 5 of a formative HOC's weights"
)
#: Approaches whose HOC is measured in stage 2 by its components' scores.
TWO_STAGE = ("two-stage-embedded", "two-stage-disjoint")


def hoc_measures(result: FitResult, tables: dict[str, pd.Series], inner_vif: dict[str, pd.Series]) -> dict[str, Any] | None:
    """``{approach, constructs: {HOC: {type, components: {LOC: loading or weight}, rho_a, rho_c, ave, vif}}}``
    of a fit with higher-order constructs (``result.settings["higher_order"]``), else None.

    ``tables``: the assessment's ``rho_a``, ``rho_c``, ``ave`` and ``outer_vif`` series of ``result``.
    """
    info = result.settings.get("higher_order")
    if info is None:
        return None
    approach = str(info["approach"])
    constructs = {
        name: _one(result, name, str(hoc["type"]), list(hoc["components"]), approach, tables, inner_vif)
        for name, hoc in info["constructs"].items()
    }
    return {"approach": approach, "constructs": constructs}


def _one(
    result: FitResult,
    name: str,
    kind: str,
    components: list[str],
    approach: str,
    tables: dict[str, pd.Series],
    inner_vif: dict[str, pd.Series],
) -> dict[str, Any]:
    reflective = kind == "reflective-reflective"
    if approach in TWO_STAGE:
        values = result.loadings if reflective else result.weights
        by_component = {c: float(values[(name, f"{c}.score")]) for c in components}
        vif = {c: float(tables["outer_vif"][(name, f"{c}.score")]) for c in components}
    else:
        by_component = {c: _path(result, name, c) if reflective else _path(result, c, name) for c in components}
        vif = {c: float(inner_vif[name][c]) for c in components} if not reflective else {}
    out: dict[str, Any] = {"type": kind, "loadings" if reflective else "weights": by_component}
    out["vif"] = None if reflective else vif
    loadings = np.array(list(by_component.values()))
    out["rho_a"] = float(tables["rho_a"][name]) if reflective and approach in TWO_STAGE else None
    out["rho_c"] = composite_reliability(loadings) if reflective else None
    out["ave"] = float(np.mean(loadings**2)) if reflective else None
    return out


def _path(result: FitResult, source: str, target: str) -> float:
    """The standardised path ``source -> target`` (CB-SEM: completely standardised)."""
    standardized = (result.standardized or {}).get("paths")
    if standardized is not None:
        return float(standardized[f"{source} -> {target}"])
    position = {c: j for j, c in enumerate(result.constructs)}
    return float(result.path_matrix[position[source], position[target]])


def overlapping(result: FitResult, stage_one: bool = False) -> frozenset[tuple[str, str]]:
    """The (HOC, component) pairs whose indicators overlap by construction: repeated indicators, a
    second-order factor, stage 1 of the embedded approach (``stage_one``: ``result`` is a two-stage fit
    and the pairs are those of its stage 1). The HOC's own block there is made of copies, so its
    alpha, rho, AVE and loadings, and its HTMT, Fornell-Larcker and cross-loadings with its
    components, say nothing about its reliability or validity (see :func:`hoc_measures`)."""
    info = result.settings.get("higher_order")
    if info is None or (info["approach"] in TWO_STAGE) != stage_one:
        return frozenset()
    return frozenset((hoc, c) for hoc, values in info["constructs"].items() for c in values["components"])


def hoc_table(measures: dict[str, Any]) -> pd.DataFrame:
    """One row per (HOC, component): the loading or weight, VIF, and the HOC's rho_A, rho_C, AVE (for the summary)."""
    import pandas as pd

    rows = []
    for name, hoc in measures["constructs"].items():
        kind = "loading" if "loadings" in hoc else "weight"
        for component, value in hoc.get("loadings", hoc.get("weights", {})).items():
            vif = (hoc["vif"] or {}).get(component, float("nan"))
            rows.append({"construct": name, "component": component, kind: value, "vif": vif} | _reliability(hoc))
    return pd.DataFrame(rows).set_index(["construct", "component"])


def _reliability(hoc: dict[str, Any]) -> dict[str, float]:
    return {key: float("nan") if hoc[key] is None else hoc[key] for key in ("rho_a", "rho_c", "ave")}
