"""The bundled ACSI population: the truth behind the demo data and the benchmarks."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from acsi.simulate.population import PopulationModel
from acsi.spec.model import ModelSpec

#: Population path coefficients of the bundled ACSI population (standardised).
ACSI_PATHS: Mapping[str, float] = MappingProxyType(
    {
        "customer_expectations -> perceived_quality": 0.55,
        "customer_expectations -> perceived_value": 0.15,
        "perceived_quality -> perceived_value": 0.55,
        "customer_expectations -> customer_satisfaction": 0.10,
        "perceived_quality -> customer_satisfaction": 0.45,
        "perceived_value -> customer_satisfaction": 0.30,
        "customer_satisfaction -> customer_complaints": -0.40,
        "customer_satisfaction -> customer_loyalty": 0.55,
        "customer_complaints -> customer_loyalty": -0.30,
    }
)
#: Population loadings of the bundled ACSI population: 0.85 everywhere except the single
#: complaints indicator, which measures its construct without error (loading 1).
ACSI_LOADINGS: Mapping[str, float] = MappingProxyType({"*": 0.85, "customer_complaints": 1.0})

#: Rating locations for ACSI draws: the complaints item counts complaining (1 = no complaint),
#: so it sits low on the 1-10 scale (2.5: about half answer 1 or 2) while every other item
#: keeps the default 7.5. Pass as ``draw(..., scale=(1, 10), location=ACSI_LOCATIONS)``.
ACSI_LOCATIONS: Mapping[str, float] = MappingProxyType({"customer_complaints": 2.5})


def acsi_population(spec: ModelSpec | None = None) -> PopulationModel:
    """The reference ACSI population used by the demo data and the benchmarks.

    Parameters
    ----------
    spec : ModelSpec, optional
        A spec with the ACSI constructs and paths; default: the bundled ``models/acsi.yaml``,
        found by :func:`acsi.resources.bundled` (the installed package's ``acsi/_bundled/``,
        else the source checkout's ``models/``) and read with :func:`acsi.load_spec`.

    Returns
    -------
    PopulationModel
        Paths :data:`ACSI_PATHS`; loadings 0.85, except the single complaints indicator
        (loading 1: complaints measured without error); the only exogenous construct is
        customer_expectations. Implied R-squared: perceived_quality 0.3025, perceived_value
        0.4158, customer_satisfaction 0.5499, customer_complaints 0.16, customer_loyalty 0.5245.

    Raises
    ------
    FileNotFoundError
        If ``spec`` is None and the bundled ``models/acsi.yaml`` cannot be found.
    SpecError
        If ``spec`` lacks one of the ACSI paths or has paths the population does not define.
    """
    if spec is None:
        from acsi.resources import bundled
        from acsi.spec.load import load_spec

        spec = load_spec(bundled("models/acsi.yaml"))
    return PopulationModel(spec, paths=ACSI_PATHS, loadings=ACSI_LOADINGS)
