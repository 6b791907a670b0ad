"""Satisfaction to outcomes from evaluator-device events joined to a customer file.

A device event (:mod:`acsi.ingest.device`, its export read by
:func:`acsi.ingest.device.read_event_export`) carries a rating on the device's 1..k scale and its
0-100 score ``score_0_100 = 100 (level - 1) / (k - 1)``, but no customer id; it does carry the
reference of the service it rated (``service_ref``: ticket, transaction), which a bank can link
to the customer file. :func:`event_outcomes` keeps the rated events with a reference, gives each
reference (customer) the mean score of its events as its 0-100 index, its latest level as its
rating and the branch of its latest event, joins the customer file on the reference and runs
the analysis of :func:`acsi.outcomes.outcomes` (:func:`acsi.outcomes.tables.analyse`): rates by
score band and by level with Wilson intervals, the isotonic and logistic curves, the effect of one
score point, revenue at risk per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from acsi.errors import DataError
from acsi.outcomes.outcome_result import OutcomeResult
from acsi.outcomes.tables import DEFAULT_BANDS, Question, analyse, checked_edges

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EVENT_INDEX", "event_outcomes"]

#: The name of the index in the result: each customer's mean device score.
EVENT_INDEX = "device_score"
_NEEDED = ("outcome", "score_0_100", "level", "captured_at_utc", "branch_id")


def event_outcomes(
    events: pd.DataFrame,
    customers: pd.DataFrame,
    outcome: str,
    *,
    key: str = "service_ref",
    group: str | None = None,
    revenue: str | None = None,
    threshold: float = 70.0,
    bands: Sequence[float] = DEFAULT_BANDS,
    level: float = 0.95,
    n_boot: int = 200,
    seed: int | None = None,
) -> OutcomeResult:
    """Relate each customer's mean device score (0-100) to a binary outcome of the customer file.

    Parameters
    ----------
    events : pandas.DataFrame
        Device events as exported (:data:`acsi.ingest.device.events.EVENT_COLUMNS`); only those
        with ``outcome == "rated"``, a score and a ``key`` value count.
    customers : pandas.DataFrame
        One row per customer: ``key``, the ``outcome`` and optionally ``group`` and ``revenue``.
    outcome : str
        Binary column of the customer file (retained, repurchased, complained).
    key : str
        The column linking events and customers (default ``service_ref``).
    group : str, optional
        A column of the customer file, or ``branch_id`` (the branch of the customer's latest event).
    revenue, threshold, bands, level, n_boot, seed
        As :func:`acsi.outcomes.outcomes`; ``threshold`` and ``bands`` on the 0-100 device score.

    Returns
    -------
    OutcomeResult
        ``construct`` is ``"device_score"``; ``ratings`` tabulates the customers' latest level.

    Raises
    ------
    DataError
        The events lack a needed column or ``key``, no rated event has a ``key`` value, or as
        :func:`acsi.outcomes.outcomes` (customer file, outcome, revenue, too few customers).
    ParameterError
        Bad ``level``, ``n_boot``, ``bands`` or ``threshold``.
    """
    from acsi.outcomes.analysis import survey_frame

    edges = checked_edges(level, n_boot, bands, threshold)
    notes: list[str] = []
    per_customer = _per_customer(events, key, notes)
    frame = survey_frame(per_customer, customers, key, [outcome, group, revenue], notes)
    question = Question(outcome, group, revenue, "level", threshold, edges, level, n_boot, seed)
    settings = {"index": "mean score_0_100 of each customer's rated events", "key": key}
    return analyse(frame, frame[EVENT_INDEX], EVENT_INDEX, question, settings, notes)


def _per_customer(events: pd.DataFrame, key: str, notes: list[str]) -> pd.DataFrame:
    """One row per ``key`` value: mean score (``device_score``), number of events, latest level and branch."""
    absent = [c for c in (*_NEEDED, key) if c not in events.columns]
    if absent:
        raise DataError(
            f"The device events lack column(s) {', '.join(map(repr, absent))}; an event export "
            f"(acsi device export) has them. Columns found: {', '.join(map(str, events.columns[:40]))}."
        )
    rated = events[(events["outcome"] == "rated") & events["score_0_100"].notna()]
    linked = rated[rated[key].notna() & (rated[key].astype(str).str.strip() != "")]  # a CSV export keeps "" as text
    if linked.empty:
        raise DataError(f"No rated device event has a value of {key!r}: the events cannot be joined to customers.")
    if len(linked) < len(rated):
        notes.append(f"{len(rated) - len(linked)} rated event(s) without a {key!r} left out.")
    ordered = linked.sort_values("captured_at_utc", kind="stable").groupby(key, sort=True)
    per_customer = ordered.agg(
        device_score=("score_0_100", "mean"),
        events=("score_0_100", "size"),
        level=("level", "last"),
        branch_id=("branch_id", "last"),
    ).reset_index()
    if (per_customer["events"] > 1).any():
        notes.append(
            f"{int((per_customer['events'] > 1).sum())} customer(s) rated more than once: the index is their mean "
            "score, the level table their latest level."
        )
    return per_customer
