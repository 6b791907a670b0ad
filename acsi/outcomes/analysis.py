"""Satisfaction to outcomes: what a point of the satisfaction index is worth in retention and revenue.

:func:`outcomes` fits the model (PLS by default), takes each respondent's 0-100 index of a
construct (satisfaction by default) and relates it to a customer-level binary outcome
(retained after 12 months, repurchased, complained):

* the outcome rate per index band and per level of a rating column (a 5-level device rating, a
  1-10 item), with Wilson intervals (:mod:`acsi.outcomes.rates`);
* a monotone curve (isotonic regression, :mod:`acsi.outcomes.isotonic`) with a percentile
  bootstrap band over respondents, and a logistic curve with Wald intervals
  (:mod:`acsi.outcomes.logistic`);
* the average marginal effect of one index point on the outcome rate and the average
  elasticity, with delta-method intervals;
* per group (branch, firm): the outcome rate, the customers below the ``threshold`` index, and
  the expected customers lost and **revenue at risk**,

      at_risk_g = sum over customers i of g with index x_i < T of  revenue_i (p(T) - p(x_i)),

  with ``p`` the logistic curve: the revenue that would be kept if those customers were as
  satisfied as the threshold (without a revenue column, the expected customers lost
  ``sum (p(T) - p(x_i))``).

The outcome comes with the survey (an outcome column) or from a customer file joined on a key.
The curves describe association in these data: satisfaction is not randomised, so a causal
reading needs the usual caution.

The bootstrap band of the isotonic curve is a rough guide: the bootstrap is not consistent for an
isotonic estimate at a fixed point (Abrevaya & Huang 2005); the logistic intervals are the ones
to quote.

Reference: Abrevaya, J. & Huang, J. (2005), On the bootstrap of the maximum score estimator,
*Econometrica* 73(4), 1175-1204.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from acsi.errors import DataError, ParameterError
from acsi.outcomes.outcome_result import OutcomeResult
from acsi.outcomes.tables import DEFAULT_BANDS, Question, analyse, checked_edges

if TYPE_CHECKING:
    import pandas as pd

    from acsi.ingest.mapping import SurveyMapping
    from acsi.spec.model import ModelSpec

__all__ = ["DEFAULT_BANDS", "outcomes", "survey_frame"]


def outcomes(
    spec: ModelSpec | str | FilePath,
    data: pd.DataFrame,
    outcome: str,
    *,
    construct: str | None = None,
    group: str | None = None,
    revenue: str | None = None,
    rating: str | None = None,
    customers: pd.DataFrame | None = None,
    key: str | None = None,
    threshold: float = 70.0,
    bands: Sequence[float] = DEFAULT_BANDS,
    level: float = 0.95,
    n_boot: int = 200,
    seed: int | None = None,
    method: str = "pls",
    index_weights: str = "fornell",
    missing: str = "error",
    scale: tuple[float, float] | None = None,
    mapping: SurveyMapping | str | FilePath | None = None,
) -> OutcomeResult:
    """Relate a construct's 0-100 index to a binary customer outcome (see the module notes).

    Parameters
    ----------
    spec : ModelSpec, or anything :func:`acsi.load_spec` reads
    data : pandas.DataFrame
        Survey respondents: the spec's indicators, and the outcome, group, revenue and rating
        columns unless ``customers`` brings them.
    outcome : str
        Binary column (0/1 or boolean): retained, repurchased, complained.
    construct : str, optional
        Whose index (default: the satisfaction construct, else the last endogenous one).
    group, revenue, rating : str, optional
        Group column (branch, firm), revenue per customer, a rating column tabulated per level.
    customers, key : DataFrame and column name, optional
        A customer file joined to ``data`` on ``key`` (one row per customer); respondents without
        a customer record are left out with a note.
    threshold : float
        Index below which a customer counts as at risk (default 70).
    bands : sequence of float
        Inner edges of the index bands (default 50, 60, 70, 80, 90).
    level : float
        Confidence level of every interval (default 0.95).
    n_boot : int
        Bootstrap resamples of the isotonic band (default 200; 0 for none).
    seed : int, optional
        Seeds that bootstrap.
    method, index_weights, missing, scale
        Of the model fit (see :func:`acsi.fit`).
    mapping : SurveyMapping or path, optional
        A survey mapping (:func:`acsi.ingest.load_mapping`) from the survey's columns to the
        spec's indicators (renames, scales, missing codes, reverse coding, recodes), applied
        before the fit (:func:`acsi.data.prepare`); the outcome, group, revenue, rating and key
        columns are read from the survey (or the customer file) as they are.

    Raises
    ------
    DataError
        A column is missing, the outcome is not binary, the revenue not numeric and non-negative,
        the rating has too many levels, the key is not unique in the customer file, or fewer than
        10 customers (or only one outcome value) remain.
    ParameterError
        Bad ``level``, ``n_boot``, ``bands`` or ``threshold``.
    SpecError
        ``construct`` is not a construct with an index.
    """

    from acsi.spec.load import load_spec
    from acsi.spec.model import ModelSpec

    edges = checked_edges(level, n_boot, bands, threshold)
    if not isinstance(spec, ModelSpec):
        spec = load_spec(spec)
    notes: list[str] = []
    frame = survey_frame(data, customers, key, [outcome, group, revenue, rating], notes)
    construct, index = _index_scores(
        spec, frame, construct, mapping, method=method, index_weights=index_weights, missing=missing, scale=scale
    )
    question = Question(outcome, group, revenue, rating, threshold, edges, level, n_boot, seed)
    return analyse(frame, index, construct, question, {"method": method, "index_weights": index_weights}, notes)


def survey_frame(
    data: pd.DataFrame, customers: pd.DataFrame | None, key: str | None, columns: list[str | None], notes: list[str]
) -> pd.DataFrame:
    """The survey, joined to the customer file when there is one (noting respondents left out); DataError
    naming the ``columns`` it lacks."""
    frame = data
    if customers is not None:
        frame, dropped = _join(data, customers, key)
        if dropped:
            notes.append(f"{dropped} respondent(s) without a customer record (key {key!r}) left out.")
    wanted = [c for c in columns if c is not None]
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise DataError(
            f"Column(s) {', '.join(map(repr, absent))} not in the data; columns: {', '.join(map(str, frame.columns[:40]))}."
        )
    return frame


def _index_scores(
    spec: ModelSpec,
    frame: pd.DataFrame,
    construct: str | None,
    mapping: SurveyMapping | str | FilePath | None,
    **fit_options: Any,
) -> tuple[str, pd.Series]:
    """The construct (default: :func:`acsi.compare.branches.default_construct`) and its respondents' 0-100 index
    from the model fit (of the survey through ``mapping`` when given); SpecError without indices or for a
    construct without one."""
    from acsi.api import fit as fit_model
    from acsi.compare.branches import default_construct
    from acsi.errors import SpecError

    if mapping is None:
        result = fit_model(spec, frame, **fit_options)
    else:
        from acsi.data import prepare

        prepared = prepare(spec, frame, scale=fit_options.pop("scale"), missing=fit_options.pop("missing"), mapping=mapping)
        result = fit_model(spec, prepared, **fit_options)
    if result.index is None:
        raise SpecError(
            "The outcome analysis needs 0-100 indices: give the indicator scales in the spec or with scale=(min, max)."
        )
    construct = construct or default_construct(result.index.constructs, spec.endogenous)
    if construct not in result.index.constructs:
        raise SpecError(
            f"Construct {construct!r} has no 0-100 index; constructs with an index: {', '.join(result.index.constructs)}.",
            culprit=construct,
        )
    return construct, result.index.respondent_scores[construct]


def _join(data: pd.DataFrame, customers: pd.DataFrame, key: str | None) -> tuple[pd.DataFrame, int]:
    """``data`` with the customer file's columns joined on ``key`` (index kept); the rows without a match are dropped."""
    if key is None:
        raise ParameterError("A customer file needs key=<column> naming the customer id in both files.")
    for name, table in (("survey", data), ("customer file", customers)):
        if key not in table.columns:
            raise DataError(f"Key column {key!r} is not in the {name}; columns: {', '.join(map(str, table.columns[:40]))}.")
    duplicated = customers[key][customers[key].duplicated()]
    if len(duplicated):
        raise DataError(
            f"Key {key!r} repeats in the customer file ({len(duplicated)} repeats, e.g. {duplicated.iloc[0]!r}); one row per customer is needed."
        )
    extra = [c for c in customers.columns if c != key and c not in data.columns]
    lookup = customers.set_index(key)[extra]
    joined = data.join(lookup, on=key, how="inner")
    return joined, len(data) - len(joined)
