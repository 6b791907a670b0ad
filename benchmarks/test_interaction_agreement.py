"""PLS interaction terms against the PyPI peer seminr (``interaction_term``), on the same data.

Runs only where the peer is installed (the benchmark-only environment; skipped otherwise).
Data with known truth: ``C ~ A + B + A:B``, three indicators of loading 0.8 per construct,
correlation 0.3 between A and B, interaction 0.25, n = 300
(:class:`acsi.simulate.interaction.InteractionPopulation`, as ``tests/test_interaction_pls.py``).
Each acsi approach is fitted against seminr's method of the same name (path weighting, Mode A
everywhere, weights stopping at a change of 1e-10 on both sides).

How the definitions differ (``seminr/estimate/simple_pls.py``, ``adjust_interaction``, after R
seminr's ``library.R``): the indicators are the same (seminr's ``scale()``d item products,
residualised on both item sets with an intercept, or the product of the stage-1 scores), and so
are the weights, every main path and R², but seminr multiplies the interaction's score by
``s = sum_i |l_i| sd(x_i) / sum_i |l_i|``, the loading-weighted mean of the standard deviations of
the interaction's indicators ``x_i`` before standardisation (Henseler & Chin 2010), and regresses
on that score. acsi keeps the score at unit variance, so seminr's interaction path is
``acsi_path / s``, its score ``s * acsi_score`` and its loadings of the interaction's indicators
``s * acsi_loading``; ``s`` is recomputed here from the data and acsi's loadings. With the
two-stage method ``s = sd(A B)``, the standard deviation of the product of the stage-1 scores.
seminr's two-stage stage 1 runs with its default stopping rule (a weight change of 1e-7; the
option is not forwarded), which bounds the agreement of that method at about 1e-6.

Run: ``.venv-peers/bin/python -m pytest benchmarks/test_interaction_agreement.py -s --benchmark-disable``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

STOP = 10  # seminr's stop_criterion (10**-STOP), acsi's tol 1e-10
TOLERANCE = {"product-indicator": 1e-8, "orthogonal": 1e-8, "two-stage": 1e-6}  # two-stage: seminr's stage 1 at 1e-7
METHODS = {"product-indicator": "product_indicator", "orthogonal": "orthogonal", "two-stage": "two_stage"}


@pytest.fixture(scope="module")
def sample() -> tuple[Any, pd.DataFrame]:
    from acsi.simulate.interaction import InteractionPopulation
    from acsi.spec import parse_syntax

    spec = parse_syntax("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nC ~ A + B + A:B")
    population = InteractionPopulation(
        spec, {"A -> C": 0.4, "B -> C": 0.3}, {"A:B -> C": 0.25}, loadings=0.8, exogenous_correlations=0.3
    )
    return spec, population.draw(300, seed=5)


def _seminr_fit(seminr: Any, spec: Any, frame: pd.DataFrame, method: str) -> Any:
    mm = seminr.constructs(
        *(seminr.composite(c.name, list(c.indicators)) for c in spec.constructs),
        seminr.interaction_term(iv="A", moderator="B", method=getattr(seminr, method)),
    )
    sm = seminr.relationships(seminr.paths(from_=["A", "B", "A*B"], to="C"))
    return seminr.estimate_pls(frame[list(spec.indicators)], mm, sm, max_it=1000, stop_criterion=STOP)


def _seminr_indicators(result: Any, frame: pd.DataFrame, approach: str) -> np.ndarray:
    """The interaction's indicators as seminr builds them, before standardisation (columns in acsi's order)."""
    if approach == "two-stage":
        return result.indicator_values[:, [result.indicators.index("A*B")]]
    z = (frame - frame.mean()) / frame.std(ddof=1)  # R's scale()
    products = np.column_stack([z[f"a{i}"] * z[f"b{j}"] for i in (1, 2, 3) for j in (1, 2, 3)])
    if approach == "product-indicator":
        return products
    design = np.column_stack([np.ones(len(frame)), frame[["a1", "a2", "a3", "b1", "b2", "b3"]].to_numpy()])
    return products - design @ np.linalg.lstsq(design, products, rcond=None)[0]


def _scale(result: Any, frame: pd.DataFrame, approach: str) -> float:
    """seminr's factor ``s``: the loading-weighted mean of the standard deviations of the interaction's indicators."""
    loadings = np.abs(result.loadings["A:B"].to_numpy())
    sds = _seminr_indicators(result, frame, approach).std(axis=0, ddof=1)
    return float(loadings @ sds / loadings.sum())


@pytest.mark.parametrize("approach", list(METHODS))
def test_interaction_approach_agrees_with_seminr_after_converting_the_interaction_scale(
    import_peer: Callable[..., Any], sample: tuple[Any, pd.DataFrame], approach: str
) -> None:
    seminr = import_peer("seminr", "seminr (PyPI peer) is installed only in .venv-peers")
    import acsi

    spec, frame = sample
    peer = _seminr_fit(seminr, spec, frame, METHODS[approach])
    ours = acsi.fit(spec, frame, interactions=approach, tol=1e-10, max_iter=1000)
    s = _scale(ours, frame, approach)
    paths = ours.path_coefficients
    theirs = {key: peer.path_coef.get(key.split(" -> ")[0].replace(":", "*"), "C") for key in paths.index}
    rows = {
        "A -> C": (paths["A -> C"], theirs["A -> C"]),
        "B -> C": (paths["B -> C"], theirs["B -> C"]),
        "A:B -> C (acsi / s)": (paths["A:B -> C"] / s, theirs["A:B -> C"]),
        "R² of C": (ours.r_squared["C"], peer.r_squared.get("Rsq", "C")),
    }
    weights = pd.Series(ours.standardized_weights, index=ours.weights.index)
    items = [(c, i) for c, i in weights.index if c != "A:B"]
    weight_diff = max(abs(weights[k] - peer.outer_weights.get(k[1], k[0])) for k in items)
    loading_diff = max(abs(ours.loadings[k] - peer.outer_loadings.get(k[1], k[0])) for k in items)
    peer_item = {item: "A*B_intxn" if item == "A*B" else item.replace(":", "*") for item in weights["A:B"].index}
    ab_weight_diff = max(abs(w - peer.outer_weights.get(peer_item[i], "A*B")) for i, w in weights["A:B"].items())
    ab_loading_diff = max(
        abs(s * value - peer.outer_loadings.get(peer_item[i], "A*B")) for i, value in ours.loadings["A:B"].items()
    )
    print(f"\n{approach} vs seminr 0.2.1 {METHODS[approach]} (s = {s:.6f}; raw acsi A:B -> C {paths['A:B -> C']:.6f}):")
    for name, (a, b) in rows.items():
        print(f"  {name:22s} acsi {a:.9f}  seminr {b:.9f}  diff {abs(a - b):.2e}")
    print(
        f"  largest difference: weights {weight_diff:.2e}, loadings {loading_diff:.2e}, A:B weights {ab_weight_diff:.2e}, "
        f"A:B loadings (s x acsi) {ab_loading_diff:.2e}"
    )
    tolerance = TOLERANCE[approach]
    assert [a for a, _ in rows.values()] == pytest.approx([b for _, b in rows.values()], abs=tolerance)
    assert max(weight_diff, loading_diff, ab_weight_diff, ab_loading_diff) < tolerance
    assert abs(paths["A:B -> C"] - theirs["A:B -> C"]) > 10 * tolerance or s == pytest.approx(1.0, abs=tolerance)
