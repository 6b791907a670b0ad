"""Non-normal common-factor data built from non-normal innovations of the structural equations.

A marginal transform of correlated normal indicators (``skewed`` in :mod:`acsi.study.generate`)
changes their correlations; drawing the model's *innovations* non-normal keeps the population
covariance exactly and lets the non-normality propagate through the model, as in Kock (2016,
"Non-normality propagation among latent variables and indicators in PLS-SEM simulations",
*Journal of Modern Applied Statistical Methods* 15(1), 299-315) and the Monte Carlo experiment of
Kock (2019, *Information Systems Journal* 29(3), 674-706, Table 4). With ``u`` (n x k) and
``e`` (n x p) independent innovations of mean 0 and variance 1,

.. math::

    \\zeta = u L_\\Psi^\\top, \\qquad \\eta = \\zeta (I - B)^{-\\top}, \\qquad
    x = \\eta \\Lambda^\\top + e \\, \\Theta^{1/2},

where ``Psi = (I - B) Phi (I - B)^T`` is the covariance of the exogenous constructs and
structural residuals, ``L_Psi`` its Cholesky factor, and ``Theta = diag(1 - lambda_i^2)``. Then
``cov(x) = Lambda Phi Lambda^T + Theta``, the population's indicator covariance, whatever the
innovations' distribution.
"""

from __future__ import annotations

import math

import numpy as np

from acsi.errors import ParameterError
from acsi.simulate.composite import CompositePopulationModel
from acsi.simulate.population import PopulationModel


def standardised_chi_square(df: float, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Independent ``(X - df) / sqrt(2 df)`` with ``X ~ chi^2_df``: mean 0, variance 1, skewness
    ``sqrt(8 / df)``, excess kurtosis ``12 / df`` (Johnson, Kotz & Balakrishnan 1994, ch. 18)."""
    if not (df > 0 and math.isfinite(df)):
        raise ParameterError(f"df: expected a positive number of degrees of freedom; found {df!r}.")
    return (rng.chisquare(df, size=shape) - df) / math.sqrt(2.0 * df)


def factor_indicators(
    population: PopulationModel, construct_innovations: np.ndarray, indicator_innovations: np.ndarray
) -> np.ndarray:
    """Indicators of a common-factor ``population`` from unit-variance innovations (module notes).

    Parameters
    ----------
    population : PopulationModel
        A common-factor population (not a composite one: its indicators are not factor-driven).
    construct_innovations : ndarray of shape (n, k)
        One column per construct, in :attr:`PopulationModel.construct_names` order.
    indicator_innovations : ndarray of shape (n, p)
        One column per indicator, in :attr:`PopulationModel.indicator_names` order.

    Returns
    -------
    ndarray of shape (n, p)
        Whose population covariance is :meth:`PopulationModel.indicator_covariance`.
    """
    if isinstance(population, CompositePopulationModel) or not isinstance(population, PopulationModel):
        raise ParameterError(
            f"innovations: expected a common-factor PopulationModel; found {type(population).__name__} "
            "(non-normal innovations drive common factors only)."
        )
    B, Lambda = population.path_matrix(), population.loading_matrix()
    k, p = B.shape[0], Lambda.shape[0]
    n = construct_innovations.shape[0]
    if construct_innovations.shape != (n, k) or indicator_innovations.shape != (n, p):
        raise ParameterError(
            f"innovations: expected arrays of shape (n, {k}) and (n, {p}); "
            f"found {construct_innovations.shape} and {indicator_innovations.shape}."
        )
    free = np.eye(k) - B
    Psi = free @ population.construct_correlations() @ free.T
    eta = construct_innovations @ np.linalg.cholesky((Psi + Psi.T) / 2.0).T @ np.linalg.inv(free).T
    theta = np.clip(1.0 - (Lambda**2).sum(axis=1), 0.0, None)
    return eta @ Lambda.T + indicator_innovations * np.sqrt(theta)[None, :]


def chi_square_factor_draws(population: PopulationModel, n: int, df: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` rows whose exogenous constructs, structural residuals and indicator errors are
    independent standardised chi-square(``df``) innovations (:func:`factor_indicators`)."""
    k, p = len(population.construct_names), len(population.indicator_names)
    return factor_indicators(population, standardised_chi_square(df, (n, k), rng), standardised_chi_square(df, (n, p), rng))
