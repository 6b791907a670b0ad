"""Readable summary of a :class:`~acsi.inference.BootstrapResult` (renders, computes nothing new)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acsi.inference import BootstrapResult

_KIND_TITLES = {
    "paths": "Path coefficients",
    "r_squared": "R-squared",
    "indirect": "Indirect effects",
    "total": "Total effects",
    "index": "Index (0-100)",
    "weights": "Outer weights",
    "loadings": "Loadings",
}


@dataclass(frozen=True)
class BootstrapSummary:
    """Sections of a bootstrap summary; ``str(summary)`` is the text form.

    Undefined numbers are left blank, notably t and p of the statistics that have no test
    (:attr:`acsi.inference.BootstrapResult.untested`: fixed by construction, or 0-100 indices).
    """

    result: BootstrapResult

    def as_text(self) -> str:
        r = self.result
        lines = [
            f"Bootstrap: {r.used} of {r.requested} resamples used ({r.failed} failed), seed {r.seed}, "
            f"{r.ci_method} {100 * r.level:g}% intervals, sign change: {r.sign_change}, engine: {r.engine}",
        ]
        if r.failures:
            lines.append("Failed resamples by reason: " + ", ".join(f"{k} {v}" for k, v in r.failures.items()))
        table = r.table
        for kind, title in _KIND_TITLES.items():
            part = table[table.kind == kind].drop(columns="kind").set_index("key")
            if part.empty:
                continue
            lines += ["", title, "-" * len(title), part.to_string(float_format="{:.4f}".format, na_rep="")]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()
