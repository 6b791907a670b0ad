"""Small designs shared by the tests of the designed study."""

from __future__ import annotations

from acsi.spec.model import Construct, Mode, ModelSpec, Path
from acsi.study.design import EstimatorSetting, Population, StudyDesign


def two_construct_spec(mode: Mode = Mode.REFLECTIVE, k: int = 3) -> ModelSpec:
    """x -> y, ``k`` indicators each."""
    return ModelSpec(
        constructs=(
            Construct("x", tuple(f"x{j}" for j in range(1, k + 1)), mode),
            Construct("y", tuple(f"y{j}" for j in range(1, k + 1)), mode),
        ),
        paths=(Path("x", "y"),),
    )


def chain_spec() -> ModelSpec:
    """x -> m -> y and x -> y, three indicators each."""
    return ModelSpec(
        constructs=tuple(Construct(c, tuple(f"{c}{j}" for j in (1, 2, 3))) for c in ("x", "m", "y")),
        paths=(Path("x", "m"), Path("m", "y"), Path("x", "y")),
    )


CHAIN_PATHS = {"x -> m": 0.5, "m -> y": 0.4, "x -> y": 0.2}


def small_design(**changes: object) -> StudyDesign:
    """A fast design: the chain model, two conditions (n 60 and 120), three replications, PLS and PLSc."""
    base = {
        "name": "small",
        "population": Population(chain_spec(), CHAIN_PATHS, loadings=0.8),
        "ns": (60, 120),
        "estimators": (EstimatorSetting("pls", "pls"), EstimatorSetting("plsc", "plsc")),
        "replications": 3,
        "seed": 11,
    }
    return StudyDesign(**(base | changes))  # type: ignore[arg-type]
