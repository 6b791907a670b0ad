"""The ACSI common-factor population built in code, shared by the simulate tests."""

from __future__ import annotations

import pytest

from acsi.simulate.bundled import ACSI_LOADINGS, ACSI_PATHS
from acsi.simulate.population import PopulationModel

from ._specs import _acsi_spec


@pytest.fixture(scope="module")
def acsi_pop() -> PopulationModel:
    return PopulationModel(_acsi_spec(), paths=ACSI_PATHS, loadings=ACSI_LOADINGS)
