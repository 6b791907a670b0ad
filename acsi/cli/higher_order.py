"""``--higher-order`` of ``acsi fit``: the approach for higher-order constructs, and the fit that honours it."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

from acsi.cli.options import HIGHER_ORDER_APPROACHES

if TYPE_CHECKING:
    from acsi.data import IndicatorData
    from acsi.results import FitResult
    from acsi.spec.model import ModelSpec


def add_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--higher-order repeated-indicators|two-stage-embedded|two-stage-disjoint``."""
    parser.add_argument(
        "--higher-order",
        choices=HIGHER_ORDER_APPROACHES,
        help="how pls, plsc and gsca fit the spec's higher-order constructs (default: two-stage-disjoint); "
        "cbsem fits second-order factors and takes none",
    )


def fit(
    estimator: Any, spec: ModelSpec, data: IndicatorData, args: argparse.Namespace
) -> tuple[FitResult, ModelSpec | None, float]:
    """Fit prepared DATA (:func:`acsi.api.fit_higher_order_spec` when the spec has higher-order constructs).

    Returns
    -------
    (FitResult, spec for a bootstrap from the raw survey or None, seconds the fit took)
        A two-stage fit is refitted from SPEC (both stages in every resample); a repeated-indicators
        or second-order-factor fit is bootstrapped on its own data (the copies resampled with their
        originals), never refitted from the survey with SPEC.
    """
    started = time.perf_counter()
    approach = getattr(args, "higher_order", None)
    if not spec.higher_order and approach is None:
        return estimator.fit(spec, data), spec, time.perf_counter() - started
    from acsi.api import fit_higher_order_spec

    result = fit_higher_order_spec(estimator, spec, data, args.method, approach)
    return result, spec if result.source_spec is not None else None, time.perf_counter() - started
