"""Write the bundled SERVQUAL demo data and their population truth.

Usage::

    python datasets/make_servqual_demo.py

Writes ``datasets/servqual_demo.csv`` (600 respondents) and ``datasets/servqual_demo.truth.json``.
The columns serve both shipped models: ``models/servqual.yaml`` (22 SERVQUAL items asked as
expectation ``<item>_e`` and perception ``<item>_p`` on 1-7, and the ACSI satisfaction items) and
``models/acsi_servqual.yaml`` (the ACSI items on 1-10, perceived quality a second-order factor of
the five dimensions measured by the perception items), plus the 1991 importance question
(``imp_<dimension>``: 100 points over the five dimensions).

Population (:class:`acsi.simulate.higher_order.SecondOrderPopulation`): the ACSI structure and
paths of :data:`acsi.simulate.ACSI_PATHS`, perceived quality a second-order factor with the
loadings :data:`SECOND_ORDER`, each dimension's expectation items indicators of an expectation
factor ``expected_<dimension>`` caused by customer expectations (path :data:`EXPECTATION_PATH`).
Continuous draws are discretised by ``clip(round(location + spread * z), min, max)``; the truth
file gives each item's exact expected rating under that discretisation, hence the exact
population gap of every item and dimension. Running the script again rewrites identical files.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a source checkout without installing

import acsi  # noqa: E402
from acsi.simulate import ACSI_PATHS, DEFAULT_SPREAD_FRACTION  # noqa: E402
from acsi.simulate.higher_order import SecondOrderPopulation  # noqa: E402
from acsi.simulate.sampling import ratings  # noqa: E402
from acsi.spec.model import Construct, ModelSpec  # noqa: E402
from acsi.spec.model import Path as SpecPath  # noqa: E402

N = 600
SEED = 20261206
CSV = HERE / "servqual_demo.csv"
TRUTH = HERE / "servqual_demo.truth.json"
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
SECOND_ORDER = {"tangibles": 0.60, "reliability": 0.85, "responsiveness": 0.80, "assurance": 0.75, "empathy": 0.70}
EXPECTATION_PATH = 0.60
PERCEPTION_LOCATION = {"tangibles": 5.6, "reliability": 4.9, "responsiveness": 5.0, "assurance": 5.4, "empathy": 5.1}
EXPECTATION_LOCATION = {"tangibles": 5.7, "reliability": 6.1, "responsiveness": 5.8, "assurance": 5.9, "empathy": 5.6}
IMPORTANCE_SHARES = {"tangibles": 0.11, "reliability": 0.32, "responsiveness": 0.22, "assurance": 0.19, "empathy": 0.16}
IMPORTANCE_CONCENTRATION = 20.0
ACSI_SCALE, SQ_SCALE = (1, 10), (1, 7)
STEMS = {"tang": "tangibles", "rel": "reliability", "resp": "responsiveness", "assu": "assurance", "emp": "empathy"}
ITEM = re.compile(r"(?P<stem>tang|rel|resp|assu|emp)\d+_(?P<side>[pe])")


def population_spec() -> ModelSpec:
    """models/acsi_servqual.yaml plus the expectation factors ``expected_<dimension>`` of the SERVQUAL expectation items."""
    spec = acsi.load_spec(HERE.parent / "models" / "acsi_servqual.yaml")
    expectations = tuple(
        Construct(f"expected_{d}", tuple(i.replace("_p", "_e") for i in spec.construct(d).indicators)) for d in DIMENSIONS
    )
    paths = tuple(SpecPath("customer_expectations", f"expected_{d}") for d in DIMENSIONS)
    return ModelSpec(
        constructs=spec.constructs + expectations, paths=spec.paths + paths, higher_order=spec.higher_order, name=spec.name
    )


def population() -> SecondOrderPopulation:
    return SecondOrderPopulation(
        population_spec(),
        paths=dict(ACSI_PATHS) | {f"customer_expectations -> expected_{d}": EXPECTATION_PATH for d in DIMENSIONS},
        second_order_loadings={f"perceived_quality -> {d}": v for d, v in SECOND_ORDER.items()},
        loadings={"*": 0.80, "customer_complaints": 1.0, **dict.fromkeys(acsi_blocks(), 0.85)},
    )


def acsi_blocks() -> tuple[str, ...]:
    return ("customer_expectations", "perceived_value", "customer_satisfaction", "customer_loyalty")


def rating_settings(columns: list[str]) -> dict[str, tuple[tuple[int, int], float, float]]:
    """Per column: (scale, location, spread) of the discretisation."""
    out = {}
    for column in columns:
        match = ITEM.fullmatch(column)
        if match is None:
            low, high = ACSI_SCALE
            location = 2.5 if column == "complaint" else low + (high - low) * 13 / 18
            out[column] = (ACSI_SCALE, location, (high - low) * DEFAULT_SPREAD_FRACTION)
        else:
            table = PERCEPTION_LOCATION if match["side"] == "p" else EXPECTATION_LOCATION
            spread = (SQ_SCALE[1] - SQ_SCALE[0]) * DEFAULT_SPREAD_FRACTION
            out[column] = (SQ_SCALE, table[STEMS[match["stem"]]], spread)
    return out


def expected_rating(bounds: tuple[int, int], location: float, spread: float) -> float:
    """E[clip(round(location + spread z), min, max)] for standard normal z, exactly."""
    low, high = bounds
    cuts = norm.cdf((np.arange(low, high) + 0.5 - location) / spread)  # P(rating <= k), k = low..high-1
    probabilities = np.diff(np.concatenate([[0.0], cuts, [1.0]]))
    return float(np.arange(low, high + 1) @ probabilities)


def importance(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """100 points over the five dimensions per respondent: Dirichlet shares, rounded by largest remainders."""
    shares = rng.dirichlet(IMPORTANCE_CONCENTRATION * np.array([IMPORTANCE_SHARES[d] for d in DIMENSIONS]), size=n)
    points = np.floor(100 * shares).astype(int)
    short = 100 - points.sum(axis=1)
    order = np.argsort(-(100 * shares - points), axis=1)
    for row in range(n):
        points[row, order[row, : short[row]]] += 1
    return pd.DataFrame(points, columns=[f"imp_{d}" for d in DIMENSIONS])


def build() -> tuple[pd.DataFrame, dict[str, Any]]:
    pop = population()
    continuous = pop.draw(N, seed=SEED)
    settings = rating_settings(list(continuous.columns))
    frame = pd.DataFrame(
        {c: ratings(continuous[c].to_numpy(), *settings[c][:1], settings[c][1], settings[c][2]) for c in continuous}
    )
    frame = pd.concat([frame, importance(np.random.default_rng(SEED + 1), N)], axis=1)
    return frame, truth(pop, settings)


def truth(pop: SecondOrderPopulation, settings: dict[str, tuple[tuple[int, int], float, float]]) -> dict[str, Any]:
    means = {c: expected_rating(*s) for c, s in settings.items()}
    spec = pop.spec
    gaps = {
        d: {i.removesuffix("_p"): means[i] - means[i.replace("_p", "_e")] for i in spec.construct(d).indicators}
        for d in DIMENSIONS
    }
    base = pop.truth()
    phi = pd.DataFrame(base["construct_correlations"])
    beta = np.linalg.solve(phi.loc[list(DIMENSIONS), list(DIMENSIONS)], phi.loc[list(DIMENSIONS), "customer_satisfaction"])
    return {
        "description": (
            "Population of datasets/servqual_demo.csv: a standardised common-factor model with perceived quality a "
            "second-order factor of the five SERVQUAL dimensions (acsi.simulate.higher_order.SecondOrderPopulation), "
            "drawn as multivariate normal and discretised by clip(round(location + spread * z), min, max)."
        ),
        "models": ["models/servqual.yaml", "models/acsi_servqual.yaml"],
        "generator": {
            "function": "datasets/make_servqual_demo.py: SecondOrderPopulation(...).draw(n, seed=seed), then ratings()",
            "n": N,
            "seed": SEED,
            "ratings": {c: {"scale": list(s[0]), "location": s[1], "spread": s[2]} for c, s in settings.items()},
            "importance": {"shares": IMPORTANCE_SHARES, "concentration": IMPORTANCE_CONCENTRATION, "seed": SEED + 1},
            "numpy_version": np.__version__,
        },
        **base,
        "expected_ratings": means,
        "item_gaps": gaps,
        "dimension_gaps": {d: float(np.mean(list(g.values()))) for d, g in gaps.items()},
        "dimension_effects_on_satisfaction": dict(zip(DIMENSIONS, map(float, beta))),
    }


def main() -> None:
    frame, facts = build()
    frame.to_csv(CSV, index=False)
    TRUTH.write_text(json.dumps(facts, indent=2, sort_keys=False) + "\n")
    print(f"wrote {CSV.name} ({len(frame)} rows) and {TRUTH.name}")


if __name__ == "__main__":
    main()
