"""acsi: customer satisfaction index models (ACSI, ECSI) from declarative specs.

The three calls of the public contract::

    spec = acsi.load_spec("models/acsi.yaml")
    result = acsi.fit(spec, frame, method="pls", scheme="path")
    result.to_dict()
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from acsi.errors import (
    AcsiError,
    AcsiWarning,
    BlindfoldingWarning,
    BootstrapWarning,
    BranchRefused,
    CollinearityWarning,
    ConvergenceWarning,
    CsrfRejected,
    DataError,
    DeviceError,
    EstimationError,
    EventConflictError,
    EventError,
    Forbidden,
    InadmissibleSolutionWarning,
    InconsistentJudgementWarning,
    IngestError,
    LoginRequired,
    MissingDataWarning,
    MultipleOptimaWarning,
    NegativeWeightWarning,
    NotFound,
    OrdinalCorrelationWarning,
    ParameterError,
    PayloadTooLarge,
    PushError,
    ServerError,
    SmallSampleWarning,
    SpecError,
    StoreError,
    StoreRecoveredWarning,
)

__version__ = "0.1.0"

#: Public name -> module that defines it. Imported on first use (PEP 562), so that ``import acsi``
#: (and so ``acsi --help``) loads none of numpy, pandas, scipy, networkx, semopy or matplotlib.
_LAZY = {
    "fit": "acsi.api",
    "assess": "acsi.assessment",
    "Assessment": "acsi.assessment",
    "compare_methods": "acsi.compare.methods",
    "estimate_groups": "acsi.compare.groups",
    "compare_groups": "acsi.compare.differences",
    "ipma": "acsi.compare.ipma",
    "fimix": "acsi.segment.fimix",
    "IndicatorData": "acsi.data",
    "prepare": "acsi.data",
    "GSCA": "acsi.estimators.gsca",
    "PLSc": "acsi.estimators.plsc",
    "PLSPM": "acsi.estimators.pls",
    "CBSEM": "acsi.estimators.cbsem",
    "BootstrapResult": "acsi.inference",
    "bootstrap": "acsi.inference",
    "FitResult": "acsi.results",
    "IndexResult": "acsi.results",
    "ModelSpec": "acsi.spec.model",
    "load_spec": "acsi.spec.load",
    "parse_syntax": "acsi.spec.lavaan",
    "to_syntax": "acsi.spec.lavaan",
}

if TYPE_CHECKING:  # what type checkers and IDEs see
    from acsi.api import fit
    from acsi.assessment import Assessment, assess
    from acsi.compare.differences import compare_groups
    from acsi.compare.groups import estimate_groups
    from acsi.compare.ipma import ipma
    from acsi.compare.methods import compare_methods
    from acsi.data import IndicatorData, prepare
    from acsi.estimators.cbsem import CBSEM
    from acsi.estimators.gsca import GSCA
    from acsi.estimators.pls import PLSPM
    from acsi.estimators.plsc import PLSc
    from acsi.inference import BootstrapResult, bootstrap
    from acsi.results import FitResult, IndexResult
    from acsi.segment.fimix import fimix
    from acsi.spec import ModelSpec, load_spec, parse_syntax, to_syntax


def __getattr__(name: str):  # noqa: ANN202 - PEP 562: the public names, imported on first use
    module = _LAZY.get(name)
    if module is None:  # a submodule (acsi.assessment, acsi.compare, ...), as eager imports used to provide
        if name.startswith("_") or importlib.util.find_spec(f"acsi.{name}") is None:
            raise AttributeError(f"module 'acsi' has no attribute {name!r}")
        return importlib.import_module(f"acsi.{name}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CBSEM",
    "GSCA",
    "PLSPM",
    "AcsiError",
    "AcsiWarning",
    "Assessment",
    "BlindfoldingWarning",
    "BootstrapResult",
    "BootstrapWarning",
    "BranchRefused",
    "CollinearityWarning",
    "ConvergenceWarning",
    "CsrfRejected",
    "DataError",
    "DeviceError",
    "EstimationError",
    "EventConflictError",
    "EventError",
    "FitResult",
    "Forbidden",
    "InadmissibleSolutionWarning",
    "InconsistentJudgementWarning",
    "IndexResult",
    "IndicatorData",
    "IngestError",
    "LoginRequired",
    "MissingDataWarning",
    "ModelSpec",
    "MultipleOptimaWarning",
    "NegativeWeightWarning",
    "NotFound",
    "OrdinalCorrelationWarning",
    "PLSc",
    "ParameterError",
    "PayloadTooLarge",
    "PushError",
    "ServerError",
    "SmallSampleWarning",
    "SpecError",
    "StoreError",
    "StoreRecoveredWarning",
    "assess",
    "bootstrap",
    "compare_groups",
    "compare_methods",
    "estimate_groups",
    "fimix",
    "fit",
    "ipma",
    "load_spec",
    "parse_syntax",
    "prepare",
    "to_syntax",
]
