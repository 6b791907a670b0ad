"""The standardised common-factor population: spec + population values -> implied moments and draws.

Everything except :meth:`PopulationModel.draw` is pure numpy; ``draw`` wraps
:meth:`PopulationModel.draw_array` in a pandas DataFrame. The values are checked by
:mod:`acsi.simulate.values`, the moments computed by :mod:`acsi.simulate.moments` and the data
drawn by :mod:`acsi.simulate.sampling`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from acsi.errors import ParameterError, SpecError
from acsi.simulate import moments, sampling
from acsi.simulate.values import exogenous_constructs, normalise_exogenous, normalise_loadings, normalise_paths
from acsi.spec.model import ModelSpec, Scale

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = ["PopulationModel"]


@dataclass(frozen=True)
class PopulationModel:
    """A standardised common-factor population for a model spec.

    Parameters
    ----------
    spec : ModelSpec
        Constructs, indicators and structural paths. Declared modes are ignored: the data are
        generated from common factors.
    paths : mapping of str -> float
        Standardised path coefficient for every path of ``spec``, keyed ``"From -> To"``
        (spaces around the arrow optional). Every declared path needs a value; a key that is
        not a declared path is an error.
    loadings : float or mapping of str -> float, default 0.85
        Standardised loadings. A float applies to every indicator. A mapping is keyed by
        indicator; a construct name as key sets all indicators of that construct, and the
        key ``"*"`` sets every indicator not otherwise given. Indicator keys win over construct
        keys, which win over ``"*"``. Each loading must satisfy ``0 < |lambda| <= 1``;
        ``|lambda| = 1`` means an indicator without measurement error.
    exogenous_correlations : float or mapping of str -> float, optional
        Correlations between exogenous constructs (those without incoming paths). A float
        applies to every pair; a mapping is keyed ``"A ~~ B"`` (either order) and unnamed pairs
        are 0. Default ``None``: exogenous constructs are uncorrelated. Must give a positive
        definite correlation matrix.

    Attributes
    ----------
    spec : ModelSpec
    paths : mapping of str -> float
        Normalised to ``"From -> To"`` keys in the spec's path order.
    loadings : mapping of str -> float
        One entry per indicator, in ``spec.indicators`` order.
    exogenous_correlations : mapping of str -> float
        One entry ``"A ~~ B"`` per pair of exogenous constructs (declaration order).
    construct_names : tuple of str
        Row/column order of :meth:`construct_correlations` (``spec.construct_names``).
    indicator_names : tuple of str
        Row/column order of :meth:`indicator_covariance` and the columns of :meth:`draw`.

    Raises
    ------
    SpecError
        Naming the culprit: a path key that is not a declared path, a declared path without a
        value, a loading key that is neither indicator nor construct, a loading outside
        ``0 < |lambda| <= 1``, an exogenous correlation outside (-1, 1) or for a non-exogenous
        pair, and an inadmissible population: an endogenous construct whose implied
        R-squared is 1 or more (its residual variance would be zero or negative) or an
        indicator covariance matrix that is not positive definite.

    Notes
    -----
    With ``eta`` the k constructs, ``B`` the k x k matrix of path coefficients
    (``B[j, i]`` is the path ``i -> j``) and ``zeta`` the structural residuals,

    .. math::

        \\eta = B \\eta + \\zeta, \\qquad
        \\Phi = \\operatorname{cov}(\\eta) = (I - B)^{-1} \\Psi (I - B)^{-\\top},

    where ``Psi = cov(zeta)`` holds the exogenous correlations in its exogenous block and the
    residual variance ``psi_j = 1 - R^2_j`` of each endogenous construct on its diagonal, so
    that every construct has unit variance. The ``R^2_j = b_j^T \\Phi_{P_j P_j} b_j`` (``b_j``
    the coefficients of the predecessors ``P_j``) are solved recursively in topological
    order. Each indicator is ``x_i = lambda_i eta_{c(i)} + epsilon_i`` with
    ``var(epsilon_i) = 1 - lambda_i^2``, so

    .. math::

        \\Sigma = \\Lambda \\Phi \\Lambda^\\top + \\Theta, \\qquad
        \\Theta = \\operatorname{diag}(1 - \\lambda_i^2),

    a correlation matrix (unit diagonal).

    Examples
    --------
    >>> from acsi.spec.model import Construct, ModelSpec, Path
    >>> spec = ModelSpec(
    ...     constructs=(Construct("a", ("a1",)), Construct("b", ("b1",)), Construct("c", ("c1",))),
    ...     paths=(Path("a", "c"), Path("b", "c")),
    ... )
    >>> pop = PopulationModel(spec, paths={"a -> c": 0.4, "b -> c": 0.4}, loadings=1.0,
    ...                       exogenous_correlations={"a ~~ b": 0.5})
    >>> round(pop.r_squared()["c"], 4)  # 0.16 + 0.16 + 2 * 0.4 * 0.4 * 0.5
    0.48
    """

    spec: ModelSpec
    paths: Mapping[str, float]
    loadings: float | Mapping[str, float] = 0.85
    exogenous_correlations: float | Mapping[str, float] | None = None
    _B: np.ndarray = field(init=False, repr=False, compare=False)
    _Psi: np.ndarray = field(init=False, repr=False, compare=False)
    _Phi: np.ndarray = field(init=False, repr=False, compare=False)
    _Lambda: np.ndarray = field(init=False, repr=False, compare=False)
    _Sigma: np.ndarray = field(init=False, repr=False, compare=False)
    _chol: np.ndarray = field(init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ construction
    def __post_init__(self) -> None:
        if not isinstance(self.spec, ModelSpec):
            raise SpecError(
                f"PopulationModel needs a ModelSpec; got {type(self.spec).__name__}. "
                "Build one with acsi.spec.model.ModelSpec or acsi.load_spec.",
                culprit="spec",
            )
        paths = normalise_paths(self.spec, self.paths)
        loadings = normalise_loadings(self.spec, self.loadings)
        exo = normalise_exogenous(self.exogenous, self.exogenous_correlations)
        object.__setattr__(self, "paths", MappingProxyType(paths))
        object.__setattr__(self, "loadings", MappingProxyType(loadings))
        object.__setattr__(self, "exogenous_correlations", MappingProxyType(exo))
        names = self.construct_names
        B = moments.path_matrix(names, self.paths)
        Psi = moments.exogenous_block(names, self.exogenous, self.exogenous_correlations)
        Psi = moments.residual_variances(self.spec, B, Psi, self.paths)
        Phi = moments.construct_correlations(B, Psi)
        Lambda = moments.factor_loading_matrix(self.spec, self.loadings)
        Sigma = moments.factor_indicator_correlations(Lambda, Phi)
        chol = moments.factor_cholesky(Sigma, self.loadings)
        self._freeze(_B=B, _Psi=Psi, _Phi=Phi, _Lambda=Lambda, _Sigma=Sigma, _chol=chol)

    def _freeze(self, **arrays: np.ndarray) -> None:
        """Set the private matrices, read-only."""
        for name, array in arrays.items():
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def construct_names(self) -> tuple[str, ...]:
        """Construct order of the matrices: ``spec.construct_names``."""
        return self.spec.construct_names

    @property
    def indicator_names(self) -> tuple[str, ...]:
        """Indicator order of the matrices and of drawn columns: ``spec.indicators``."""
        return self.spec.indicators

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Constructs without incoming paths, in declaration order."""
        return exogenous_constructs(self.spec)

    # ------------------------------------------------------------------ implied moments
    def path_matrix(self) -> np.ndarray:
        """The k x k path matrix ``B``, ``B[j, i]`` the coefficient of ``i -> j``.

        Returns
        -------
        ndarray of shape (k, k)
            Rows and columns in :attr:`construct_names` order (a copy).
        """
        return self._B.copy()

    def loading_matrix(self) -> np.ndarray:
        """The p x k loading matrix ``Lambda`` (one nonzero per row).

        Returns
        -------
        ndarray of shape (p, k)
            Rows in :attr:`indicator_names`, columns in :attr:`construct_names` order.
        """
        return self._Lambda.copy()

    def residual_variances(self) -> dict[str, float]:
        """Structural residual variance ``psi_j = 1 - R^2_j`` of each endogenous construct.

        Returns
        -------
        dict of str -> float
            In declaration order.
        """
        pos = {name: n for n, name in enumerate(self.construct_names)}
        return {name: float(self._Psi[pos[name], pos[name]]) for name in self.spec.endogenous}

    def construct_correlations(self) -> np.ndarray:
        """The implied construct correlation matrix.

        Returns
        -------
        ndarray of shape (k, k)
            ``Phi = (I - B)^{-1} Psi (I - B)^{-T}``, unit diagonal, rows and columns in
            :attr:`construct_names` order (a copy).
        """
        return self._Phi.copy()

    def indicator_covariance(self) -> np.ndarray:
        """The implied indicator covariance matrix, which is a correlation matrix.

        Returns
        -------
        ndarray of shape (p, p)
            ``Sigma = Lambda Phi Lambda^T + Theta`` with ``Theta = diag(1 - lambda_i^2)``,
            unit diagonal, rows and columns in :attr:`indicator_names` order (a copy).
        """
        return self._Sigma.copy()

    def r_squared(self) -> dict[str, float]:
        """Population R-squared of each endogenous construct.

        Returns
        -------
        dict of str -> float
            ``R^2_j = 1 - psi_j = b_j^T Phi_{P_j P_j} b_j``, in declaration order.
        """
        return {name: 1.0 - psi for name, psi in self.residual_variances().items()}

    def truth(self) -> dict[str, Any]:
        """All population values as plain, JSON-serialisable Python objects.

        Returns
        -------
        dict
            ``paths`` ("From -> To" -> value), ``loadings`` (construct -> indicator -> value),
            ``r_squared``, ``residual_variances``, ``exogenous_correlations``,
            ``construct_correlations`` (construct -> construct -> value) and
            ``indicator_correlations`` (indicator -> indicator -> value).
        """
        k_names, p_names = self.construct_names, self.indicator_names
        return {
            "paths": dict(self.paths),
            "loadings": {c.name: {i: self.loadings[i] for i in c.indicators} for c in self.spec.constructs},
            "r_squared": self.r_squared(),
            "residual_variances": self.residual_variances(),
            "exogenous_correlations": dict(self.exogenous_correlations),
            "construct_correlations": {
                a: {b: float(self._Phi[r, c]) for c, b in enumerate(k_names)} for r, a in enumerate(k_names)
            },
            "indicator_correlations": {
                a: {b: float(self._Sigma[r, c]) for c, b in enumerate(p_names)} for r, a in enumerate(p_names)
            },
        }

    # ------------------------------------------------------------------ sampling
    def draw_array(
        self,
        n: int,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None,
        exact: bool = False,
        scale: tuple[int, int] | Scale | None = None,
        location: float | Mapping[str, float] | None = None,
        spread: float | Mapping[str, float] | None = None,
    ) -> np.ndarray:
        """Draw ``n`` observations as an ndarray.

        Parameters
        ----------
        n : int
            Number of observations (rows), at least 2; more than the number of indicators p
            when ``exact``.
        seed : int, numpy Generator, SeedSequence or None
            Passed to :func:`numpy.random.default_rng`; the same seed gives the same data.
            Required (keyword) so that every draw states its reproducibility; ``None`` asks for
            fresh OS entropy.
        exact : bool, default False
            If True, the sample covariance (divisor n - 1) of the continuous draw equals
            :meth:`indicator_covariance` up to rounding error (about 1e-13), and the column means
            are exactly 0: the standard normal draws are centred, whitened with the inverse
            Cholesky factor of their own sample covariance, then multiplied by the Cholesky
            factor of Sigma. Discretising afterwards (``scale``) breaks exactness.
        scale : (int, int) or Scale, optional
            Integer answer-scale bounds ``(min, max)``, e.g. ``(1, 10)``. If given, each
            standardised indicator ``z`` becomes ``clip(round(location + spread * z), min, max)``.
            If None (default), the continuous standardised values are returned.
        location : float or mapping of str -> float, optional
            Centre of the ratings before rounding. A mapping is keyed by indicator or by
            construct (all its indicators; an indicator key wins); unnamed indicators get the
            default. Default ``min + (max - min) * 13/18``: 7.5 on
            a 1-10 scale, the left-skewed ratings typical of satisfaction surveys (about 12% of
            answers at 10, 0.02% at 1), and the same relative position on other scales.
        spread : float or mapping of str -> float, optional
            Keyed like ``location``. Standard deviation of the ratings before rounding and clipping. Default
            ``(max - min) * 17/90``: 1.7 on a 1-10 scale.

        Returns
        -------
        ndarray of shape (n, p)
            Columns in :attr:`indicator_names` order; ``float64`` when ``scale`` is None,
            ``int64`` otherwise.

        Raises
        ------
        ValueError
            (:class:`~acsi.errors.ParameterError`) for an invalid ``n``, ``scale``, ``location`` or ``spread``.
        """
        n = sampling.check_sample_size(n, len(self.indicator_names), exact)
        bounds = sampling.check_scale(scale)
        if bounds is None and (location is not None or spread is not None):
            raise ParameterError("location and spread only apply to discretised draws; pass scale=(min, max) too.")
        x = sampling.normal_draws(self._chol, n, np.random.default_rng(seed), exact)
        if bounds is None:
            return x
        low, high = bounds
        owner = {i: c.name for c in self.spec.constructs for i in c.indicators}
        names = self.indicator_names
        loc = sampling.per_indicator(location, low + (high - low) * sampling.DEFAULT_LOCATION_FRACTION, "location", names, owner)
        sd = sampling.per_indicator(spread, (high - low) * sampling.DEFAULT_SPREAD_FRACTION, "spread", names, owner)
        if (sd <= 0).any():
            raise ParameterError(f"spread must be positive; got {spread!r}.")
        return sampling.ratings(x, bounds, loc, sd)

    def draw(self, n: int, **options: Any) -> pd.DataFrame:
        """:meth:`draw_array` (same parameters: ``seed`` required, ``exact``, ``scale``,
        ``location``, ``spread``) as a DataFrame.

        Returns
        -------
        pandas.DataFrame of shape (n, p)
            Columns named and ordered as ``spec.indicators``; ``float64`` values, or ``int64``
            when ``scale`` is given.

        Examples
        --------
        >>> from acsi.spec.model import Construct, ModelSpec, Path
        >>> spec = ModelSpec(constructs=(Construct("x", ("x1",)), Construct("y", ("y1",))),
        ...                  paths=(Path("x", "y"),))
        >>> frame = PopulationModel(spec, paths={"x -> y": 0.5}, loadings=0.9).draw(
        ...     5, seed=3, scale=(1, 10))
        >>> list(frame.columns), frame.shape, bool(frame.isin(range(1, 11)).all().all())
        (['x1', 'y1'], (5, 2), True)
        """
        import pandas as pd

        return pd.DataFrame(self.draw_array(n, **options), columns=list(self.indicator_names))
