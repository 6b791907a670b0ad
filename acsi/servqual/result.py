""":class:`ServqualResult`: the gap table, its intervals and the ranked dimensions (JSON of ``acsi servqual --json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from acsi.result_contract import ResultContract
from acsi.summary import Section, Summary


def _records(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(k): {c: (v.item() if hasattr(v, "item") else v) for c, v in row.items()} for k, row in table.iterrows()}


@dataclass(frozen=True)
class ServqualResult(ResultContract):
    """Gap scores (or SERVPERF perception scores) with intervals, and the dimensions' effects.

    Attributes
    ----------
    form : {"servqual", "servperf"}
    interval : {"t", "bootstrap"}
        How the intervals were computed; ``level`` their confidence level, ``n_boot`` and
        ``seed`` the bootstrap's resamples.
    items, dimensions, overall : DataFrame
        ``mean``, ``lower``, ``upper``, ``n`` per item (with its ``dimension``, ``perceived`` and
        ``expected`` columns), per dimension (with ``weighted_mean``, ``weighted_lower``,
        ``weighted_upper`` and mean ``importance`` share when weighted) and overall
        (``unweighted``, and ``weighted`` with importance points).
    effects : DataFrame
        Per dimension: ``total_effect`` and ``direct_effect`` on ``target`` and their ``rank``.
    """

    form: str
    interval: str
    level: float
    n_boot: int | None
    seed: int | None
    n_obs: int
    items: pd.DataFrame = field(repr=False)
    dimensions: pd.DataFrame = field(repr=False)
    overall: pd.DataFrame = field(repr=False)
    effects: pd.DataFrame = field(repr=False)
    target: str = "customer_satisfaction"
    method: str = "pls"

    def to_dict(self) -> dict[str, Any]:
        """``form``, ``interval`` {method, level, n_boot, seed}, ``n_obs``, ``items``, ``dimensions``, ``overall``
        ({name: {mean, lower, upper, n, ...}}) and ``effects`` {target, method, ranking: [{dimension,
        total_effect, direct_effect, rank}]} (ranked, largest total effect first)."""
        return {
            "form": self.form,
            "interval": {"method": self.interval, "level": self.level, "n_boot": self.n_boot, "seed": self.seed},
            "n_obs": self.n_obs,
            "items": _records(self.items),
            "dimensions": _records(self.dimensions),
            "overall": _records(self.overall),
            "effects": {
                "target": self.target,
                "method": self.method,
                "ranking": [{"dimension": k, **v} for k, v in _records(self.effects).items()],
            },
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per item, dimension and overall score (``level``, ``name``, ``mean``, ``lower``, ``upper``, ``n``)."""
        parts = [
            table[["mean", "lower", "upper", "n"]].rename_axis("name").reset_index().assign(level=level)
            for level, table in (("item", self.items), ("dimension", self.dimensions), ("overall", self.overall))
        ]
        return pd.concat(parts, ignore_index=True)[["level", "name", "mean", "lower", "upper", "n"]]

    def summary(self) -> Summary:
        """Gap table by dimension, the overall score and the ranking, with how the intervals were made."""
        what = "perception score (SERVPERF)" if self.form == "servperf" else "gap P - E (SERVQUAL)"
        how = (
            f"{self.level:.0%} Student t intervals"
            if self.interval == "t"
            else f"{self.level:.0%} bootstrap percentile intervals ({self.n_boot} resamples, seed {self.seed})"
        )
        item_table = self.items[["dimension", "mean", "lower", "upper", "n"]]
        return Summary(
            header=(f"SERVQUAL analysis: {self.n_obs} respondents; {what}; {how}.",),
            sections=(
                Section("Items", item_table),
                Section("Dimensions", self.dimensions, lines=("A dimension's score is the mean of its items' scores.",)),
                Section("Overall", self.overall),
                Section(
                    f"Dimensions ranked by their total effect on {self.target} ({self.method})",
                    self.effects,
                ),
            ),
        )

    def __repr__(self) -> str:
        return f"ServqualResult(form={self.form!r}, n_obs={self.n_obs}, dimensions={len(self.dimensions)})"
