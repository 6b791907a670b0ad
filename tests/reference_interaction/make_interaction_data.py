"""Write ``interaction_data.csv``: 400 respondents of a latent interaction population (known truth).

Run from the repository root: ``.venv/bin/python tests/reference_interaction/make_interaction_data.py``.
Rerunning writes the identical file (seeded draw, values rounded to 4 decimals).
"""

from pathlib import Path

from acsi.simulate.interaction import InteractionPopulation
from acsi.spec import parse_syntax

MODEL = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nC ~ A + B + A:B\n"
POPULATION = InteractionPopulation(
    parse_syntax(MODEL),
    paths={"A -> C": 0.4, "B -> C": 0.3},
    interactions={"A:B -> C": 0.25},
    loadings=0.8,
    exogenous_correlations=0.3,
)

if __name__ == "__main__":
    frame = POPULATION.draw(400, seed=15).round(4)
    frame.to_csv(Path(__file__).with_name("interaction_data.csv"), index=False)
