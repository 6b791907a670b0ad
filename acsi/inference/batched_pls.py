"""The batched PLS bootstrap engine: resamples as rows of counts, every resample's correlation matrix from one
matrix product, and the PLS kernel iterating them all at once (:func:`acsi.core.stack.fit_stack`), without refits.

:meth:`BatchedPLS.run` turns counts into the resamples' moments (:class:`acsi.core.moments.MomentBasis`)
and hands them to :meth:`BatchedPLS.run_moments`, the step from moments to estimates. The
distributed Poisson bootstrap (:mod:`acsi.inference.distributed`) computes the moments on a Dask
cluster instead (:func:`acsi.distributed.resample.poisson_resample_moments`) and enters at
:meth:`~BatchedPLS.run_moments`, so both engines share the estimation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acsi.core import index as core_index
from acsi.core import pls as kernel
from acsi.core import resample, stack
from acsi.core.moments import MomentBasis, correlation
from acsi.errors import ParameterError
from acsi.estimators.pls import PLSPM
from acsi.inference.layout import StatisticLayout
from acsi.refit import FAILURE_REASONS, OK
from acsi.results import FitResult
from acsi.structure import model_structure


@dataclass(frozen=True)
class BatchedPLS:
    """Everything a chunk of the batched PLS bootstrap needs (read-only, shared by threads)."""

    estimator: PLSPM
    structure: kernel.Structure
    basis: MomentBasis | None
    variance: np.ndarray
    layout: StatisticLayout
    reference_loadings: np.ndarray
    sign_change: str
    index_member: np.ndarray | None
    index_lower: np.ndarray | None
    index_upper: np.ndarray | None
    index_method: str
    case_weights: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        estimator: PLSPM,
        base: FitResult,
        layout: StatisticLayout,
        sign_change: str,
        moments: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> BatchedPLS:
        """The engine of a fit. ``moments`` (mean, covariance): the fit's data are moments only (a Dask
        fit), so there is no basis of rows; :meth:`run_moments` takes resample moments computed elsewhere
        and the covariance's diagonal is the yardstick of "constant in a resample"."""
        structure = model_structure(base.spec)
        member = lower = upper = None
        if layout.index_constructs:
            index = base.index
            assert index is not None  # layout has index constructs only when the fit has an index
            position = {name: b for b, name in enumerate(layout.index_constructs)}
            where = {name: i for i, name in enumerate(base.indicators)}
            member = np.full(len(base.indicators), -1)
            lower = np.zeros(len(base.indicators))
            upper = np.ones(len(base.indicators))
            for name, construct, low, high in zip(index.indicators, index.indicator_constructs, index.lower, index.upper):
                i = where[name]
                member[i], lower[i], upper[i] = position[construct], low, high
        basis: MomentBasis | None
        if moments is None:
            full = MomentBasis.from_data(base.indicator_values)
            basis, variance = full, full.variance
        else:
            basis, variance = None, np.diag(moments[1]).copy()
        return cls(
            estimator=estimator,
            structure=structure,
            basis=basis,
            variance=variance,
            layout=layout,
            reference_loadings=np.asarray(base.loading_vector, dtype=float),
            sign_change=sign_change,
            index_member=member,
            index_lower=lower,
            index_upper=upper,
            index_method=base.index.method if base.index is not None else "fornell",
            case_weights=base.case_weights,
        )

    def run(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Statistics (b, P) and failure codes (b,) of the resamples given as counts (b, n).

        With case weights each drawn row counts with its weight, as in the fit itself.
        """
        if self.basis is None:
            raise ParameterError("This engine was built from moments only (a Dask fit); pass resample moments to run_moments.")
        if self.case_weights is not None:
            counts = counts * self.case_weights
        return self.run_moments(*self.basis.moments(counts))

    def run_moments(self, means: np.ndarray, cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Statistics (b, P) and failure codes (b,) of resamples given by their means (b, p) and covariances (b, p, p).

        A resample in which an indicator's variance falls to ``CONSTANT_FRACTION`` of the
        full-sample variance or below fails as ``constant_indicator``.
        """
        b = means.shape[0]
        theta = np.full((b, self.layout.size), np.nan)
        code = np.full(b, OK)
        variance = np.einsum("bii->bi", cov)
        constant = (variance <= resample.CONSTANT_FRACTION * self.variance).any(axis=1)
        code[constant] = FAILURE_REASONS.index("constant_indicator")
        ok = np.flatnonzero(~constant)
        if ok.size:
            S = correlation(cov[ok]) if self.estimator.standardized else cov[ok]
            sd = np.sqrt(variance[ok])
            self._solve(S, means[ok], sd, ok, theta, code)
        bad = (code == OK) & ~np.isfinite(theta).all(axis=1)
        code[bad] = FAILURE_REASONS.index("non_finite")
        return theta, code

    def _solve(
        self, S: np.ndarray, means: np.ndarray, sd: np.ndarray, rows: np.ndarray, theta: np.ndarray, code: np.ndarray
    ) -> None:
        """Estimate a stack (:func:`acsi.core.stack.fit_stack` isolates singular matrices)."""
        fit = stack.fit_stack(
            S,
            self.structure,
            self.estimator.scheme,
            tol=self.estimator.tol,
            max_iter=self.estimator.max_iter,
            reference_loadings=self.reference_loadings if self.sign_change == "construct" else None,
        )
        weights = fit.weights(self.structure)
        if self.index_member is not None:
            with np.errstate(all="ignore"):
                n_indexed = len(self.layout.index_constructs)
                normalised, _ = core_index.normalised_weights(
                    weights, sd, self.index_member, n_indexed, self.index_method, standardized=self.estimator.standardized
                )
                index = core_index.index_values(
                    normalised, means, self.index_lower, self.index_upper, self.index_member, n_indexed
                )
        else:
            index = np.zeros((rows.size, 0))
        theta[rows] = self.layout.assemble(
            weights, fit.loadings(self.structure, S), fit.B, fit.r_squared, fit.total_effects(), index
        )
        code[rows[fit.singular]] = FAILURE_REASONS.index("singular")
        code[rows[~fit.singular & ~fit.converged]] = FAILURE_REASONS.index("not_converged")
