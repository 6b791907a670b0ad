"""Measurement and structural model assessment of a fit: reliability, validity, fit, prediction.

:func:`assess` (``acsi.assess``) collects every measure of a :class:`~acsi.results.FitResult`
in an immutable :class:`Assessment` with ``to_dict()`` (the keys of ``acsi assess --json``) and
``summary()`` (tables, the usual thresholds, flagged violations). One module per family:

* :mod:`~acsi.assessment.reliability`: Cronbach's alpha, rho_A, rho_C, Dillon-Goldstein's rho, eigenvalues, AVE;
* :mod:`~acsi.assessment.discriminant`: HTMT, HTMT2 and the Fornell-Larcker matrix;
* :mod:`~acsi.assessment.collinearity`: outer and inner VIF;
* :mod:`~acsi.assessment.structural`: the structural regressions and f²;
* :mod:`~acsi.assessment.model_fit`: SRMR, d_ULS, d_G (base-10 logs) and GoF;
* :mod:`~acsi.assessment.blindfolding`: Stone-Geisser Q²; :mod:`~acsi.assessment.prediction`: PLSpredict
  (:func:`pls_predictions` also feeds :mod:`acsi.predictive.cvpat`), both refitting through
  :mod:`~acsi.assessment.refit_pls`;
* :mod:`~acsi.assessment.retest`: test-retest reliability;
* :mod:`~acsi.assessment.result`: the :class:`Assessment`; :mod:`~acsi.assessment.measures`: :func:`assess`.
"""

from __future__ import annotations

from acsi.assessment.blindfolding import DEFAULT_OMISSION_DISTANCE, q_squared, valid_omission_distance
from acsi.assessment.discriminant import HTMT_VARIANTS
from acsi.assessment.measures import assess
from acsi.assessment.model_fit import discrepancies
from acsi.assessment.prediction import Predictions, pls_predict, pls_predictions
from acsi.assessment.result import Assessment
from acsi.assessment.retest import RetestResult, retest_reliability

__all__ = [
    "DEFAULT_OMISSION_DISTANCE",
    "HTMT_VARIANTS",
    "Assessment",
    "Predictions",
    "RetestResult",
    "assess",
    "discrepancies",
    "pls_predict",
    "pls_predictions",
    "q_squared",
    "retest_reliability",
    "valid_omission_distance",
]
