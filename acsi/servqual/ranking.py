"""The SERVQUAL dimensions ranked by their effect on an outcome (satisfaction) in a fitted model.

The effect of a dimension is its total effect on the target construct (direct plus indirect
paths, :attr:`acsi.results.FitResult.effects`) in the spec's structural model. For SERVPERF the
spec is refitted with each gap indicator replaced by its perception item (:func:`servperf_spec`);
a dimension that is a component of a higher-order construct is joined to the construct's
antecedents and outcomes directly, as in stage 1 of the disjoint two-stage approach
(:func:`acsi.estimators.higher_order.disjoint_first_stage_spec`).
"""

from __future__ import annotations

import pandas as pd

from acsi.api import fit
from acsi.errors import SpecError
from acsi.estimators.higher_order import disjoint_first_stage_spec
from acsi.spec.model import Construct, ModelSpec
from acsi.validate import check_choice

#: Methods whose effects rank the dimensions: those with standardised paths (CB-SEM's effects are
#: in the marker metric of each factor, so its totals are not comparable across dimensions).
RANKING_METHODS: tuple[str, ...] = ("pls", "plsc", "gsca", "sumscore")


def servperf_spec(spec: ModelSpec) -> ModelSpec:
    """``spec`` with every difference-kind derived indicator replaced by its perception item (scale: the
    item's ``source_scale``), and no derived indicators left."""
    perceived = {d.name: d for d in spec.derived if d.kind == "difference"}
    constructs = tuple(
        Construct(
            c.name,
            tuple(perceived[i].perceived if i in perceived else i for i in c.indicators),
            c.mode,
            c.label,
            c.lower_is_better,
        )
        for c in spec.constructs
    )
    scales = {i: s for i, s in spec.scales.items() if i not in perceived}
    scales |= {d.perceived: d.source_scale for d in perceived.values() if d.source_scale is not None}
    return ModelSpec(
        constructs=constructs,
        paths=spec.paths,
        scales=scales,
        name=spec.name,
        description=spec.description,
        higher_order=spec.higher_order,
        derived=tuple(d for d in spec.derived if d.name not in perceived),
    )


def default_target(spec: ModelSpec) -> str:
    """``customer_satisfaction`` when the spec has it, else its last endogenous construct."""
    names = spec.construct_names + tuple(h.name for h in spec.higher_order)
    if "customer_satisfaction" in names:
        return "customer_satisfaction"
    targets = [p.target for p in spec.paths]
    if not targets:
        raise SpecError("The spec has no structural path, so no dimension has an effect to rank.", culprit="paths")
    return targets[-1]


def dimension_effects(spec: ModelSpec, frame: pd.DataFrame, dimensions: list[str], target: str, method: str) -> pd.DataFrame:
    """Total and direct effect of each dimension on ``target``, ranked (1 = largest total effect).

    Raises
    ------
    SpecError
        ``target`` is not a construct of the model fitted.
    """
    check_choice("method", method, RANKING_METHODS)
    model = disjoint_first_stage_spec(spec) if spec.higher_order else spec
    if target not in model.construct_names:
        raise SpecError(
            f"--target '{target}' is not a construct of the model; constructs: {', '.join(model.construct_names)}.",
            culprit=target,
        )
    effects = fit(model, frame, method=method).effects  # type: ignore[arg-type]
    rows = []
    for dimension in dimensions:
        key = f"{dimension} -> {target}"
        total = float(effects.loc[key, "total"]) if key in effects.index else 0.0
        direct = float(effects.loc[key, "direct"]) if key in effects.index else 0.0
        rows.append((dimension, total, direct))
    table = pd.DataFrame(rows, columns=["dimension", "total_effect", "direct_effect"]).set_index("dimension")
    table["rank"] = table["total_effect"].rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank")
