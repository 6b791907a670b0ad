"""Higher-order constructs in PLS and PLSc: the repeated-indicators and the two two-stage approaches.

A spec with higher-order constructs (:class:`~acsi.spec.model.HigherOrder`) is turned into
first-order specs that every composite-based estimator fits (Sarstedt, Hair, Cheah, Becker &
Ringle 2019, "How to specify, estimate, and validate higher-order constructs in PLS-SEM",
Australasian Marketing Journal 27(3), 197-211; Becker, Klein & Wetzels 2012, "Hierarchical
latent variable models in PLS-SEM", Long Range Planning 45, 359-394):

``repeated-indicators``
    The higher-order construct (HOC) is measured by all indicators of its lower-order
    components (LOCs), copied as ``HOC.indicator``; reflective-reflective adds the paths
    ``HOC -> LOC``, reflective-formative the paths ``LOC -> HOC`` (HOC in Mode B, as Becker et
    al. 2012 recommend). One fit.
``two-stage-embedded``
    Stage 1 is the repeated-indicators model; stage 2 replaces the components by the HOC,
    measured by the components' stage-1 scores.
``two-stage-disjoint``
    Stage 1 leaves the HOC out and joins each component to the HOC's antecedents and outcomes;
    stage 2 as in the embedded approach.

Stage-2 indicators are the components' 0-100 respondent indices when the components have an
index (scale ``0-100``, so that the HOC gets a 0-100 index that is the weighted mean of its
components' indices), else their unit-variance scores. With Fornell index weights a
component's respondent index is an increasing affine function of its PLS score, so the stage-2
estimates are those on the scores themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from acsi import notices
from acsi.data import IndicatorData
from acsi.errors import DataError, InadmissibleSolutionWarning, ParameterError
from acsi.spec.model import Construct, HigherOrder, Mode, ModelSpec, Path, Scale

if TYPE_CHECKING:
    from acsi.data import MissingPolicy
    from acsi.estimators.base import Estimator
    from acsi.results import FitResult

APPROACHES: tuple[str, ...] = ("repeated-indicators", "two-stage-embedded", "two-stage-disjoint")
#: The approach used when none is chosen. cSEM's default ``"2stage"`` is a disjoint two-stage approach
#: too (its first stage saturates the inner model among the first-order constructs; ``R/csem_model.R``).
DEFAULT_APPROACH = "two-stage-disjoint"
#: The 0-100 scale of the stage-2 indicators (the components' respondent indices).
INDEX_SCALE = Scale(0.0, 100.0)

__all__ = [
    "APPROACHES",
    "DEFAULT_APPROACH",
    "TwoStageHigherOrder",
    "fit_higher_order",
    "fit_second_order",
    "repeated_indicators_spec",
    "two_stage_specs",
]


def copy_name(hoc: str, indicator: str) -> str:
    """The name of the repeated indicator ``indicator`` in the block of ``hoc``: ``hoc.indicator``."""
    return f"{hoc}.{indicator}"


def score_name(component: str) -> str:
    """The name of a component's stage-2 indicator (its stage-1 score): ``component.score``."""
    return f"{component}.score"


def _hoc_construct(hoc: HigherOrder, indicators: tuple[str, ...]) -> Construct:
    return Construct(hoc.name, indicators, hoc.mode, hoc.label)


def _component_paths(hoc: HigherOrder) -> tuple[Path, ...]:
    """``HOC -> LOC`` for the reflective-reflective type, ``LOC -> HOC`` for reflective-formative."""
    if hoc.mode is Mode.REFLECTIVE:
        return tuple(Path(hoc.name, c) for c in hoc.components)
    return tuple(Path(c, hoc.name) for c in hoc.components)


def repeated_indicators_spec(spec: ModelSpec) -> ModelSpec:
    """The first-order spec of the repeated-indicators approach.

    Each HOC becomes a construct measured by copies ``HOC.indicator`` of all its components'
    indicators (same scales), placed after its last component; the component paths
    (:func:`_component_paths`) come before the spec's own paths.
    """
    blocks = {c.name: c for c in spec.constructs}
    scales = dict(spec.scales)
    added: dict[str, Construct] = {}
    for hoc in spec.higher_order:
        originals = [i for c in hoc.components for i in blocks[c].indicators]
        added[hoc.components[-1]] = _hoc_construct(hoc, tuple(copy_name(hoc.name, i) for i in originals))
        scales |= {copy_name(hoc.name, i): spec.scales[i] for i in originals if i in spec.scales}
    constructs = [x for c in spec.constructs for x in ((c, added[c.name]) if c.name in added else (c,))]
    paths = [p for hoc in spec.higher_order for p in _component_paths(hoc)] + list(spec.paths)
    return _first_order(spec, constructs, paths, scales)


def _first_order(spec: ModelSpec, constructs: list[Construct], paths: list[Path], scales: dict[str, Scale]) -> ModelSpec:
    return ModelSpec(
        constructs=tuple(constructs),
        paths=tuple(dict.fromkeys(paths)),
        scales=scales,
        name=spec.name,
        description=spec.description,
    )


def disjoint_first_stage_spec(spec: ModelSpec) -> ModelSpec:
    """Stage 1 of the disjoint two-stage approach: no HOC; every path into or out of a HOC is
    drawn into or out of each of its components instead."""
    components = {hoc.name: hoc.components for hoc in spec.higher_order}
    paths = [
        Path(s, t)
        for p in spec.paths
        for s in components.get(p.source, (p.source,))
        for t in components.get(p.target, (p.target,))
    ]
    return _first_order(spec, list(spec.constructs), paths, dict(spec.scales))


def second_stage_spec(spec: ModelSpec, scaled: bool) -> ModelSpec:
    """Stage 2 of both two-stage approaches: each HOC, measured by its components' scores
    (:func:`score_name`, scale 0-100 when ``scaled``), takes the place of its components."""
    owner = {c: hoc for hoc in spec.higher_order for c in hoc.components}
    constructs: list[Construct] = []
    scales = {i: s for i, s in spec.scales.items()}
    for construct in spec.constructs:
        hoc = owner.get(construct.name)
        if hoc is None:
            constructs.append(construct)
        elif construct.name == hoc.components[0]:
            constructs.append(_hoc_construct(hoc, tuple(score_name(c) for c in hoc.components)))
            if scaled:
                scales |= {score_name(c): INDEX_SCALE for c in hoc.components}
    for hoc in spec.higher_order:
        for component in hoc.components:
            for indicator in spec.construct(component).indicators:
                scales.pop(indicator, None)
    return _first_order(spec, constructs, list(spec.paths), scales)


def two_stage_specs(spec: ModelSpec, approach: str) -> tuple[ModelSpec, ModelSpec, ModelSpec]:
    """``(stage 1, stage 2 with 0-100 score indicators, stage 2 with unit-variance scores)`` of a two-stage approach."""
    first = repeated_indicators_spec(spec) if approach == "two-stage-embedded" else disjoint_first_stage_spec(spec)
    return first, second_stage_spec(spec, scaled=True), second_stage_spec(spec, scaled=False)


def _with_copies(spec: ModelSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the repeated indicators ``HOC.indicator`` added as copies of their columns."""
    copies: dict[str, pd.Series] = {}
    for hoc in spec.higher_order:
        for component in hoc.components:
            for indicator in spec.construct(component).indicators:
                if indicator in frame.columns:
                    copies[copy_name(hoc.name, indicator)] = frame[indicator]
    return frame.assign(**copies)


def _stage_two_frame(spec: ModelSpec, frame: pd.DataFrame, first: FitResult) -> tuple[pd.DataFrame, bool]:
    """The stage-2 data: the rows stage 1 used, the other constructs' indicators and each component's
    respondent index (or score when a component has no index, or respondent indices outside 0-100,
    which negative index weights give); True when indices were used."""
    components = [c for hoc in spec.higher_order for c in hoc.components]
    indexed = first.index is not None and all(c in first.index.constructs for c in components)
    if indexed and first.index is not None:
        indices = first.index.respondent_scores[components]
        indexed = bool(((indices >= INDEX_SCALE.min - 1e-9) & (indices <= INDEX_SCALE.max + 1e-9)).to_numpy().all())
    values = (
        first.index.respondent_scores.clip(INDEX_SCALE.min, INDEX_SCALE.max)
        if indexed and first.index is not None
        else first.scores
    )
    clash = [score_name(c) for c in components if score_name(c) in frame.columns]
    if clash:
        raise DataError(
            f"The data already have a column '{clash[0]}', the name the two-stage approach gives the stage-1 score of "
            f"'{clash[0].rsplit('.', 1)[0]}'. Rename that column."
        )
    rows = frame.loc[first.row_labels]
    return rows.assign(**{score_name(c): values[c].to_numpy() for c in components}), indexed


def fit_higher_order(
    estimator: Estimator,
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    approach: str,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> FitResult:
    """Fit a spec with higher-order constructs by ``approach`` (see the module documentation).

    Returns
    -------
    FitResult
        Of the repeated-indicators model, or of stage 2; ``settings["higher_order"]`` holds the
        approach, each HOC's type and components and, for two-stage approaches, stage 1's
        weights, loadings, paths, index and warnings (JSON key ``higher_order``). A two-stage
        result also keeps stage 1 (``first_stage``), the spec given (``source_spec``) and, as its
        estimator, :class:`TwoStageHigherOrder`, so that a bootstrap refits both stages.

    Warns
    -----
    Warning
        Stage 1's warnings are re-issued, except :class:`~acsi.errors.InadmissibleSolutionWarning`:
        stage 1 only supplies the component scores, which an inadmissible corrected
        correlation matrix (PLSc on repeated indicators) does not touch; its message stays in
        ``first_stage["warnings"]``.

    Raises
    ------
    ParameterError
        An unknown approach, or prepared data the approaches cannot take (see :func:`_from_prepared`).
    """
    if approach not in APPROACHES:
        raise ParameterError(f"higher_order must be one of {', '.join(APPROACHES)}; got {approach!r}.")
    if not isinstance(data, pd.DataFrame):
        spec, data = _from_prepared(spec, data)
    if approach == "repeated-indicators":
        result = estimator.fit(repeated_indicators_spec(spec), _with_copies(spec, data), scale=scale, missing=missing)
        return _annotated(result, spec, approach, None)
    first_spec, second_scaled, second_plain = two_stage_specs(spec, approach)
    source = _with_copies(spec, data) if approach == "two-stage-embedded" else data
    with notices.recorded() as caught:
        first = estimator.fit(first_spec, source, scale=scale, missing=missing)
    for category, message in caught:
        if not issubclass(category, InadmissibleSolutionWarning):
            notices.issue(message, category, stacklevel=3)
    frame, indexed = _stage_two_frame(spec, data, first)
    second = estimator.fit(second_scaled if indexed else second_plain, frame, scale=scale, missing=missing)
    refits = TwoStageHigherOrder(base=estimator, approach=approach)
    return replace(_annotated(second, spec, approach, first), estimator=refits, first_stage=first, source_spec=spec)


@dataclass(frozen=True, kw_only=True)
class TwoStageHigherOrder:
    """The estimator a two-stage fit keeps (``result.estimator``): both stages, refitted together.

    Given the spec with higher-order constructs (``result.source_spec``) and rows of the stage-1
    data, :meth:`fit` repeats stage 1, rebuilds the stage-2 data from those rows' stage-1 scores
    and fits stage 2 (:func:`fit_higher_order`): a bootstrap through :mod:`acsi.refit` thus carries
    the uncertainty of the component scores into the higher-order paths. Given a first-order spec
    (the stage-2 spec, as blindfolding and PLSpredict pass), it fits that spec with ``base``: those
    measures assess the stage-2 model on the stage-1 scores.
    """

    base: Estimator
    approach: str

    @property
    def method(self) -> str:
        return str(getattr(self.base, "method", type(self.base).__name__))

    @property
    def index_weights(self) -> str:
        return str(getattr(self.base, "index_weights", "fornell"))

    def fit(
        self,
        spec: ModelSpec,
        data: pd.DataFrame | IndicatorData,
        *,
        scale: tuple[float, float] | Scale | None = None,
        missing: MissingPolicy = "error",
    ) -> FitResult:
        """Both stages for a spec with higher-order constructs, else ``base.fit``."""
        if spec.higher_order:
            return fit_higher_order(self.base, spec, data, self.approach, scale=scale, missing=missing)
        return self.base.fit(spec, data, scale=scale, missing=missing)


def fit_second_order(
    estimator: Estimator,
    spec: ModelSpec,
    data: pd.DataFrame | IndicatorData,
    *,
    scale: tuple[float, float] | Scale | None = None,
    missing: MissingPolicy = "error",
) -> FitResult:
    """``method="cbsem"``: the higher-order constructs as second-order factors
    (:class:`~acsi.estimators.cbsem_second_order.SecondOrderCBSEM`, laid out like the
    repeated-indicators model; ``settings["higher_order"]["approach"]`` is ``"second-order-factor"``)."""
    from acsi.estimators.cbsem import CBSEM
    from acsi.estimators.cbsem_second_order import SecondOrderCBSEM

    if not isinstance(estimator, CBSEM):
        raise ParameterError(f"Second-order factors are fitted by method='cbsem'; got {type(estimator).__name__}.")
    if estimator.objective == "DWLS" or estimator.ordinal == "auto" or (estimator.ordinal == "declared" and spec.ordinal):
        raise NotImplementedError(
            "CB-SEM second-order factors are fitted on the covariance matrix of interval indicators (objective "
            f"'MLW', 'GLS' or 'ULS'); objective={estimator.objective!r} with ordinal={estimator.ordinal!r} "
            "(WLSMV / ULSMV on polychoric correlations) is not implemented for second-order models yet. Fit them "
            "with ordinal='none', or use method='plsc' with ordinal=... (OrdPLSc, two-stage approaches)."
        )
    if not isinstance(data, pd.DataFrame):
        spec, data = _from_prepared(spec, data)
    second = SecondOrderCBSEM(base=estimator, higher_order_spec=spec, index_weights=estimator.index_weights)
    result = second.fit(repeated_indicators_spec(spec), _with_copies(spec, data), scale=scale, missing=missing)
    return _annotated(result, spec, "second-order-factor", None)


def _from_prepared(spec: ModelSpec, data: IndicatorData) -> tuple[ModelSpec, pd.DataFrame]:
    """Prepared data (complete rows: missing values refused, dropped or filled) as a frame, and the spec
    with the data's scales; the approaches copy and add columns, so they work on frames.

    Raises
    ------
    ParameterError
        Pairwise / EM moments (no complete rows to copy), case weights (not carried to stage 2), or
        another kind of data (a Dask frame).
    """
    if not isinstance(data, IndicatorData):
        raise ParameterError(
            f"Higher-order constructs are fitted from a pandas DataFrame or IndicatorData; got {type(data).__name__}."
        )
    if data.moments is not None or data.case_weights is not None:
        what = "case weights" if data.case_weights is not None else f"the {data.missing} missing-data treatment"
        raise ParameterError(
            f"Higher-order constructs are fitted from complete rows; {what} cannot be carried through the approach. "
            "Use missing='listwise' or 'mean', without case weights."
        )
    # A resample repeats rows: positions then label them, so that stage 2 can pick stage 1's rows by label.
    labels = data.row_labels if data.row_labels.is_unique else pd.RangeIndex(data.n_obs)
    frame = pd.DataFrame(np.asarray(data.values), index=labels, columns=list(data.indicators))
    return spec.with_scales(data.scales), frame


def _annotated(result: FitResult, spec: ModelSpec, approach: str, first: FitResult | None) -> FitResult:
    """``result`` with ``settings["higher_order"]`` describing the approach (and stage 1)."""
    info: dict[str, Any] = {
        "approach": approach,
        "constructs": {
            hoc.name: {
                "type": "reflective-reflective" if hoc.mode is Mode.REFLECTIVE else "reflective-formative",
                "components": list(hoc.components),
            }
            for hoc in spec.higher_order
        },
    }
    if first is not None:
        stage = first.to_dict()
        info["first_stage"] = {key: stage[key] for key in ("weights", "loadings", "paths", "converged", "warnings")}
        if "index" in stage:
            info["first_stage"]["index"] = stage["index"]
    named = replace(result.spec, name=f"{spec.name or 'model'} [higher-order: {approach}]")  # shown in the summary
    return replace(result, spec=named, settings=dict(result.settings) | {"higher_order": info})
