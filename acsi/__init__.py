"""acsi: customer satisfaction index models (ACSI, ECSI) from declarative specs.

The three calls of the public contract::

    spec = acsi.load_spec("models/acsi.yaml")
    result = acsi.fit(spec, frame, method="pls", scheme="path")
    result.to_dict()
"""

from acsi.api import fit
from acsi.data import IndicatorData, prepare
from acsi.errors import (
    AcsiError,
    AcsiWarning,
    BootstrapWarning,
    ConvergenceWarning,
    DataError,
    EstimationError,
    InadmissibleSolutionWarning,
    NegativeWeightWarning,
    SpecError,
)
from acsi.estimators.gsca import GSCA
from acsi.estimators.plsc import PLSc
from acsi.estimators.pls import PLSPM
from acsi.inference import BootstrapResult, bootstrap
from acsi.results import FitResult, IndexResult
from acsi.spec import ModelSpec, load_spec, parse_syntax, to_syntax

__version__ = "0.1.0"


def __getattr__(name: str):  # noqa: ANN202 - CBSEM imports semopy, so only on first use
    if name == "CBSEM":
        from acsi.estimators.cbsem import CBSEM

        return CBSEM
    raise AttributeError(f"module 'acsi' has no attribute {name!r}")


__all__ = [
    "AcsiError",
    "AcsiWarning",
    "BootstrapResult",
    "BootstrapWarning",
    "CBSEM",
    "ConvergenceWarning",
    "DataError",
    "EstimationError",
    "FitResult",
    "GSCA",
    "InadmissibleSolutionWarning",
    "IndexResult",
    "IndicatorData",
    "ModelSpec",
    "NegativeWeightWarning",
    "PLSPM",
    "PLSc",
    "SpecError",
    "bootstrap",
    "fit",
    "load_spec",
    "parse_syntax",
    "prepare",
    "to_syntax",
]
