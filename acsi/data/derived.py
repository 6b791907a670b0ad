"""The spec's derived indicators (:class:`~acsi.spec.model.DerivedIndicator`) added to a survey's columns."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from acsi.core.disconfirmation import disconfirmation
from acsi.errors import DataError
from acsi.ingest.survey import Survey
from acsi.spec.model import ModelSpec


def with_derived(spec: ModelSpec, survey: Survey) -> Survey:
    """``survey`` with a column per derived indicator of ``spec`` that it lacks.

    The column is :func:`acsi.core.disconfirmation.disconfirmation` of the perceived and the
    expected column; a missing or non-numeric answer in either gives a missing value, which the
    missing-data treatment then handles. A column already present is kept as delivered.

    Raises
    ------
    DataError
        Source columns absent from the data, all named at once.
    """
    wanted = [item for item in spec.derived if item.name not in survey.frame.columns]
    if not wanted:
        return survey
    frame = survey.frame
    absent = sorted({c for item in wanted for c in (item.perceived, item.expected) if c not in frame.columns})
    if absent:
        raise DataError(
            f"The derived indicators need the column(s) {', '.join(absent)}, which the data lack "
            f"(derived: {', '.join(i.name for i in wanted)}). Add them or correct 'derived' in the spec."
        )
    columns = {
        item.name: disconfirmation(
            pd.to_numeric(frame[item.perceived], errors="coerce").to_numpy(),
            pd.to_numeric(frame[item.expected], errors="coerce").to_numpy(),
            item.kind,
        )
        for item in wanted
    }
    return replace(survey, frame=frame.assign(**columns))
