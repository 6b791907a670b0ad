"""Predictive model comparison: CVPAT (Liengaard et al. 2021) on PLSpredict's cross-validated losses."""

from __future__ import annotations

from acsi.predictive.cvpat import CVPATResult, cvpat, paired_loss_test

__all__ = ["CVPATResult", "cvpat", "paired_loss_test"]
