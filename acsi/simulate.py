"""Population models with known truth, and data drawn from them.

A :class:`PopulationModel` turns a :class:`~acsi.spec.model.ModelSpec` plus standardised
population values (path coefficients, loadings, correlations between exogenous constructs)
into the implied construct and indicator correlation matrices, and draws samples from them:
multivariate normal, optionally *exact* (sample covariance equal to the population matrix,
the analogue of R's ``MASS::mvrnorm(empirical = TRUE)`` used in cSEM's population tests),
optionally discretised to an integer answer scale such as 1-10.

The data-generating process is the common-factor model, whatever the constructs' declared
modes: every construct is a latent variable with unit variance and every indicator is that
construct times its loading plus independent error. Composite-model populations are not
generated here.

Everything except :meth:`PopulationModel.draw` is pure numpy; ``draw`` wraps
:meth:`PopulationModel.draw_array` in a pandas DataFrame.

Examples
--------
>>> from acsi.spec.model import Construct, ModelSpec, Path
>>> spec = ModelSpec(
...     constructs=(Construct("x", ("x1", "x2")), Construct("y", ("y1", "y2"))),
...     paths=(Path("x", "y"),),
... )
>>> population = PopulationModel(spec, paths={"x -> y": 0.6}, loadings=0.8)
>>> population.r_squared()
{'y': 0.36}
>>> round(float(population.indicator_covariance()[0, 2]), 4)  # 0.8 * 0.6 * 0.8
0.384
>>> frame = population.draw(200, seed=1, exact=True)
>>> bool(np.allclose(frame.cov().to_numpy(), population.indicator_covariance(), rtol=0, atol=1e-10))
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from acsi.core.implied import construct_covariance
from acsi.errors import ParameterError, SpecError
from acsi.spec.model import ModelSpec, Scale

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = [
    "ACSI_LOADINGS",
    "ACSI_LOCATIONS",
    "ACSI_PATHS",
    "DEFAULT_LOCATION_FRACTION",
    "DEFAULT_SPREAD_FRACTION",
    "PopulationModel",
    "acsi_population",
]

#: Default location of the discretised ratings, as a fraction of the scale range above its
#: minimum: 13/18 puts the mean answer at 7.5 on a 1-10 scale (left-skewed satisfaction data).
DEFAULT_LOCATION_FRACTION: float = 13 / 18
#: Default spread (standard deviation before rounding and clipping) as a fraction of the
#: scale range: 17/90 gives 1.7 on a 1-10 scale.
DEFAULT_SPREAD_FRACTION: float = 17 / 90

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

_LOADING_WILDCARD = "*"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _split_key(key: object, sep: str) -> tuple[str, str] | None:
    if not isinstance(key, str) or sep not in key:
        return None
    left, _, right = key.partition(sep)
    left, right = left.strip(), right.strip()
    if not left or not right or sep in right:
        return None
    return left, right


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
        paths = self._normalise_paths(self.paths)
        loadings = self._normalise_loadings(self.loadings)
        exo = self._normalise_exogenous(self.exogenous_correlations)
        object.__setattr__(self, "paths", MappingProxyType(paths))
        object.__setattr__(self, "loadings", MappingProxyType(loadings))
        object.__setattr__(self, "exogenous_correlations", MappingProxyType(exo))
        self._build()

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
        targets = {p.target for p in self.spec.paths}
        return tuple(c for c in self.construct_names if c not in targets)

    def _normalise_paths(self, given: object) -> dict[str, float]:
        if not isinstance(given, Mapping):
            raise SpecError(
                f"Population paths must be a mapping 'From -> To' -> coefficient; got {type(given).__name__}.",
                culprit="paths",
            )
        declared = {p.key: p for p in self.spec.paths}
        listing = ", ".join(declared) or "(none)"
        values: dict[str, float] = {}
        for key, value in given.items():
            parts = _split_key(key, "->")
            norm = f"{parts[0]} -> {parts[1]}" if parts else None
            if norm is None or norm not in declared:
                raise SpecError(
                    f"Population path {key!r} is not a path of the model. Declared paths: {listing}. "
                    "Key paths as 'From -> To' with declared constructs.",
                    culprit=str(key),
                )
            if norm in values:
                raise SpecError(f"Population path '{norm}' is given twice.", culprit=norm)
            if not _is_number(value) or not math.isfinite(float(value)):
                raise SpecError(
                    f"Population path '{norm}' must be a finite number; got {value!r}.",
                    culprit=norm,
                )
            values[norm] = float(value)
        missing = [k for k in declared if k not in values]
        if missing:
            raise SpecError(
                f"No population value for path '{missing[0]}'"
                + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else "")
                + ". Give every declared path a coefficient (0 for none).",
                culprit=missing[0],
            )
        return {k: values[k] for k in declared}

    def _normalise_loadings(self, given: object) -> dict[str, float]:
        indicators = self.spec.indicators
        if _is_number(given):
            raw = {i: float(given) for i in indicators}  # type: ignore[arg-type]
        elif isinstance(given, Mapping):
            constructs = {c.name: c for c in self.spec.constructs}
            default = given.get(_LOADING_WILDCARD)
            raw = {}
            for key in given:
                if key != _LOADING_WILDCARD and key not in constructs and key not in indicators:
                    raise SpecError(
                        f"Population loading key {key!r} is neither an indicator nor a construct of the "
                        f"model. Indicators: {', '.join(indicators)}.",
                        culprit=str(key),
                    )
            for construct in self.spec.constructs:
                for indicator in construct.indicators:
                    if indicator in given:
                        raw[indicator] = given[indicator]
                    elif construct.name in given:
                        raw[indicator] = given[construct.name]
                    elif default is not None:
                        raw[indicator] = default
                    else:
                        raise SpecError(
                            f"No population loading for indicator '{indicator}' (construct "
                            f"'{construct.name}'). Give it, its construct, or a default under '*'.",
                            culprit=indicator,
                        )
        else:
            raise SpecError(
                f"Population loadings must be a number or a mapping; got {type(given).__name__}.",
                culprit="loadings",
            )
        out: dict[str, float] = {}
        for indicator in indicators:
            value = raw[indicator]
            if not _is_number(value) or not math.isfinite(float(value)) or not 0 < abs(float(value)) <= 1:
                raise SpecError(
                    f"Population loading of indicator '{indicator}' must satisfy 0 < |loading| <= 1 "
                    f"(a standardised loading; 1 means no measurement error); got {value!r}.",
                    culprit=indicator,
                )
            out[indicator] = float(value)
        return out

    def _normalise_exogenous(self, given: object) -> dict[str, float]:
        exo = self.exogenous
        pairs = [(a, b) for n, a in enumerate(exo) for b in exo[n + 1 :]]
        if given is None:
            values = {pair: 0.0 for pair in pairs}
        elif _is_number(given):
            values = {pair: float(given) for pair in pairs}  # type: ignore[arg-type]
        elif isinstance(given, Mapping):
            values = {pair: 0.0 for pair in pairs}
            for key, value in given.items():
                parts = _split_key(key, "~~")
                pair = None
                if parts is not None:
                    pair = parts if parts in values else (parts[1], parts[0]) if parts[::-1] in values else None
                if pair is None:
                    raise SpecError(
                        f"Exogenous correlation {key!r} does not name two distinct exogenous constructs "
                        f"as 'A ~~ B'. Exogenous constructs: {', '.join(exo) or '(none)'}.",
                        culprit=str(key),
                    )
                values[pair] = value  # type: ignore[assignment]
        else:
            raise SpecError(
                f"Exogenous correlations must be a number, a mapping or None; got {type(given).__name__}.",
                culprit="exogenous_correlations",
            )
        out: dict[str, float] = {}
        for (a, b), value in values.items():
            key = f"{a} ~~ {b}"
            if not _is_number(value) or not -1 < float(value) < 1:
                raise SpecError(
                    f"Exogenous correlation '{key}' must be a number in (-1, 1); got {value!r}.",
                    culprit=key,
                )
            out[key] = float(value)
        return out

    def _build(self) -> None:
        names = self.construct_names
        k, p = len(names), len(self.indicator_names)
        pos = {name: n for n, name in enumerate(names)}
        B = np.zeros((k, k))
        for key, value in self.paths.items():
            source, target = (s.strip() for s in key.split("->"))
            B[pos[target], pos[source]] = value
        Psi = np.zeros((k, k))
        for name in self.exogenous:
            Psi[pos[name], pos[name]] = 1.0
        for key, value in self.exogenous_correlations.items():
            a, b = (s.strip() for s in key.split("~~"))
            Psi[pos[a], pos[b]] = Psi[pos[b], pos[a]] = value
        exo_idx = [pos[name] for name in self.exogenous]
        if exo_idx and np.linalg.eigvalsh(Psi[np.ix_(exo_idx, exo_idx)]).min() <= 1e-12:
            raise SpecError(
                "The exogenous correlations do not form a positive definite matrix "
                f"({dict(self.exogenous_correlations)}). Lower some of them.",
                culprit="exogenous_correlations",
            )
        # Recursive solution in topological order: the residual of construct j is uncorrelated
        # with every construct before it, so cov(eta_j, eta_m) = sum_i B[j, i] Phi[i, m] and
        # R^2_j = b_j' Phi_PP b_j; psi_j = 1 - R^2_j keeps var(eta_j) = 1.
        Phi = Psi.copy()
        done: list[int] = []
        for name in nx.topological_sort(self.spec.graph()):
            j = pos[name]
            preds = np.flatnonzero(B[j])
            if name in self.exogenous:
                done.append(j)
                continue
            if preds.size:
                b = B[j, preds]
                explained = float(b @ Phi[np.ix_(preds, preds)] @ b)
                if done:
                    Phi[j, done] = Phi[done, j] = B[j, preds] @ Phi[np.ix_(preds, done)]
            else:  # every incoming path is 0
                explained = 0.0
            if explained >= 1 - 1e-12:
                incoming = ", ".join(f"'{k}' = {v:g}" for k, v in self.paths.items() if k.endswith(f"-> {name}"))
                raise SpecError(
                    f"Inadmissible population: the paths into '{name}' ({incoming}) imply R-squared "
                    f"{explained:.4g} >= 1, so its residual variance would be {1 - explained:.4g}. "
                    "Lower these path coefficients.",
                    culprit=name,
                )
            Psi[j, j] = 1.0 - explained
            Phi[j, j] = 1.0
            done.append(j)
        Phi = construct_covariance(B, Psi)
        Phi = (Phi + Phi.T) / 2
        Lambda = np.zeros((p, k))
        row = 0
        for construct in self.spec.constructs:
            for indicator in construct.indicators:
                Lambda[row, pos[construct.name]] = self.loadings[indicator]
                row += 1
        lam = Lambda.sum(axis=1)
        Sigma = Lambda @ Phi @ Lambda.T + np.diag(1.0 - lam**2)
        Sigma = (Sigma + Sigma.T) / 2
        np.fill_diagonal(Sigma, 1.0)
        try:
            chol = np.linalg.cholesky(Sigma)
        except np.linalg.LinAlgError:
            chol = None
        if chol is None or np.diag(chol).min() < 1e-8:
            perfect = [i for i in self.indicator_names if abs(self.loadings[i]) == 1.0]
            raise SpecError(
                "Inadmissible population: the implied indicator correlation matrix is not positive "
                "definite"
                + (f"; indicators without error (|loading| = 1): {', '.join(perfect)}" if perfect else "")
                + ". Two error-free indicators of one construct, or constructs correlating perfectly, "
                "make it singular; lower those loadings or paths.",
                culprit=perfect[0] if perfect else "loadings",
            )
        arrays = {"_B": B, "_Psi": Psi, "_Phi": Phi, "_Lambda": Lambda, "_Sigma": Sigma, "_chol": chol}
        for name, array in arrays.items():
            array.setflags(write=False)
            object.__setattr__(self, name, array)

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
        """Draw ``n`` observations as an ndarray; see :meth:`draw` for the parameters.

        Returns
        -------
        ndarray of shape (n, p)
            Columns in :attr:`indicator_names` order; ``float64`` when ``scale`` is None,
            ``int64`` otherwise.
        """
        p = len(self.indicator_names)
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ParameterError(f"The sample size n must be an integer of at least 2; got {n!r}.")
        n = int(n)
        if exact and n <= p:
            raise ParameterError(
                f"An exact draw needs more observations than indicators (n > {p}) so that the sample "
                f"covariance can be non-singular; got n={n}."
            )
        if not isinstance(exact, (bool, np.bool_)):
            raise ParameterError(f"exact must be True or False; got {exact!r}.")
        bounds = self._check_scale(scale)
        if bounds is None and (location is not None or spread is not None):
            raise ParameterError("location and spread only apply to discretised draws; pass scale=(min, max) too.")
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, p))
        if exact:
            # GUIDE.md section 5.2: centre, whiten to a sample covariance of I (divisor n - 1),
            # then colour with the Cholesky factor of Sigma, so cov(X) = L I L^T = Sigma.
            z -= z.mean(axis=0)
            z = np.linalg.solve(np.linalg.cholesky(np.cov(z, rowvar=False)), z.T).T
        x = z @ self._chol.T
        if bounds is None:
            return x
        low, high = bounds
        loc = self._per_indicator(location, low + (high - low) * DEFAULT_LOCATION_FRACTION, "location")
        sd = self._per_indicator(spread, (high - low) * DEFAULT_SPREAD_FRACTION, "spread")
        if (sd <= 0).any():
            raise ParameterError(f"spread must be positive; got {spread!r}.")
        # round half to even (numpy); ties have probability zero for continuous z
        return np.clip(np.rint(loc + sd * x), low, high).astype(np.int64)

    def draw(
        self,
        n: int,
        *,
        seed: int | np.random.Generator | np.random.SeedSequence | None,
        exact: bool = False,
        scale: tuple[int, int] | Scale | None = None,
        location: float | Mapping[str, float] | None = None,
        spread: float | Mapping[str, float] | None = None,
    ) -> pd.DataFrame:
        """Draw a sample from the population as a DataFrame.

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
        pandas.DataFrame of shape (n, p)
            Columns named and ordered as ``spec.indicators``; ``float64`` values, or ``int64``
            when ``scale`` is given.

        Raises
        ------
        ValueError
            For an invalid ``n``, ``scale``, ``location`` or ``spread``.

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

        values = self.draw_array(n, seed=seed, exact=exact, scale=scale, location=location, spread=spread)
        return pd.DataFrame(values, columns=list(self.indicator_names))

    @staticmethod
    def _check_scale(scale: object) -> tuple[int, int] | None:
        if scale is None:
            return None
        if isinstance(scale, Scale):
            bounds: tuple[object, ...] = (scale.min, scale.max)
        elif isinstance(scale, (tuple, list)) and len(scale) == 2:
            bounds = tuple(scale)
        else:
            raise ParameterError(f"scale must be None, a Scale or a pair (min, max); got {scale!r}.")
        integral = (_is_number(b) and math.isfinite(float(b)) and float(b).is_integer() for b in bounds)  # type: ignore[arg-type]
        if not all(integral):
            raise ParameterError(f"scale bounds must be integers, such as (1, 10); got {scale!r}.")
        low, high = (int(b) for b in bounds)  # type: ignore[call-overload]
        if not low < high:
            raise ParameterError(f"scale minimum must be below its maximum; got {scale!r}.")
        return low, high

    def _per_indicator(self, value: object, default: float, what: str) -> np.ndarray:
        names = self.indicator_names
        if value is None:
            return np.full(len(names), default)
        if _is_number(value) and math.isfinite(float(value)):  # type: ignore[arg-type]
            return np.full(len(names), float(value))  # type: ignore[arg-type]
        if isinstance(value, Mapping):
            constructs = self.construct_names
            unknown = [key for key in value if key not in names and key not in constructs]
            if unknown:
                raise ParameterError(f"{what} names {unknown[0]!r}, which is neither an indicator nor a construct of the model.")
            owner = {i: c.name for c in self.spec.constructs for i in c.indicators}
            raw = [value.get(name, value.get(owner[name], default)) for name in names]
            if not all(_is_number(v) and math.isfinite(float(v)) for v in raw):
                raise ParameterError(f"{what} values must be finite numbers; got {dict(value)!r}.")
            return np.array(raw, dtype=float)
        raise ParameterError(f"{what} must be a finite number or a mapping indicator -> number; got {value!r}.")


# ---------------------------------------------------------------------- bundled ACSI population
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


# ---------------------------------------------------------------------- composite populations
@dataclass(frozen=True)
class CompositePopulationModel(PopulationModel):
    """A standardised *composite* population: every construct is a weighted sum of its indicators.

    The structural model (paths, exogenous correlations) is that of :class:`PopulationModel`;
    the measurement model is Dijkstra's composite model instead of common factors. Each
    block has indicator correlations ``within`` (equicorrelated, unit diagonal) and weights
    ``w_b`` scaled so that the composite ``eta_b = w_b' x_b`` has unit variance; indicators of
    different blocks correlate only through their composites,

    .. math::

        \\Sigma_{ab} = \\Sigma_{aa} w_a \\, \\rho_{ab} \\, w_b^\\top \\Sigma_{bb},

    so that PLS Mode B (and, for these data, GSCA) estimate the population weights
    consistently, while the ``loadings`` (composite-indicator correlations) are
    ``lambda_b = Sigma_bb w_b``.

    Parameters
    ----------
    spec, paths, exogenous_correlations
        As :class:`PopulationModel`. (``loadings`` is ignored for the indicators: the
        composite loadings follow from ``within`` and ``weights``.)
    within : float, default 0.5
        Correlation of two indicators of the same block, in (0, 1).
    composite_weights : mapping of str -> float, optional
        Relative weight of each indicator (keys as for loadings: indicator, construct or
        ``"*"``); default equal weights. Rescaled per block to a unit-variance composite.

    Examples
    --------
    >>> from acsi.spec.model import Construct, ModelSpec, Path
    >>> spec = ModelSpec(constructs=(Construct("x", ("x1", "x2")), Construct("y", ("y1", "y2"))),
    ...                  paths=(Path("x", "y"),))
    >>> pop = CompositePopulationModel(spec, paths={"x -> y": 0.5}, within=0.5)
    >>> w = pop.weight_vector()
    >>> round(float(w[:2] @ pop.indicator_covariance()[:2, 2:] @ w[2:]), 12)   # composite correlation
    0.5
    """

    within: float = 0.5
    composite_weights: float | Mapping[str, float] | None = None
    _W: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not _is_number(self.within) or not 0 < float(self.within) < 1:
            raise SpecError(f"within must be a correlation in (0, 1); got {self.within!r}.", culprit="within")
        relative = self._normalise_loadings_like(self.composite_weights)
        names, indicators = self.construct_names, self.indicator_names
        p, k = len(indicators), len(names)
        owner = np.array([names.index(c.name) for c in self.spec.constructs for _ in c.indicators])
        Sigma = np.zeros((p, p))
        W = np.zeros(p)
        for b in range(k):
            idx = np.flatnonzero(owner == b)
            block = np.full((idx.size, idx.size), float(self.within))
            np.fill_diagonal(block, 1.0)
            w = np.array([relative[indicators[j]] for j in idx])
            w = w / math.sqrt(w @ block @ w)
            Sigma[np.ix_(idx, idx)] = block
            W[idx] = w
        lam = np.zeros(p)
        for b in range(k):
            idx = np.flatnonzero(owner == b)
            lam[idx] = Sigma[np.ix_(idx, idx)] @ W[idx]
        Phi = self._Phi
        for a in range(k):
            for b in range(k):
                if a != b:
                    ia, ib = np.flatnonzero(owner == a), np.flatnonzero(owner == b)
                    Sigma[np.ix_(ia, ib)] = np.outer(lam[ia], lam[ib]) * Phi[a, b]
        Sigma = (Sigma + Sigma.T) / 2
        try:
            chol = np.linalg.cholesky(Sigma)
        except np.linalg.LinAlgError:
            raise SpecError(
                "Inadmissible composite population: the implied indicator correlation matrix is not positive "
                "definite. Lower the paths or raise 'within'.",
                culprit="within",
            ) from None
        Lambda = np.zeros((p, k))
        Lambda[np.arange(p), owner] = lam
        object.__setattr__(self, "loadings", MappingProxyType({i: float(v) for i, v in zip(indicators, lam)}))
        for name, array in (("_W", W), ("_Sigma", Sigma), ("_chol", chol), ("_Lambda", Lambda)):
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    def _normalise_loadings_like(self, given: object) -> dict[str, float]:
        if given is None:
            return {i: 1.0 for i in self.indicator_names}
        if _is_number(given):
            return {i: float(given) for i in self.indicator_names}  # type: ignore[arg-type]
        if not isinstance(given, Mapping):
            raise SpecError("composite_weights must be a number or a mapping.", culprit="composite_weights")
        owner = {i: c.name for c in self.spec.constructs for i in c.indicators}
        default = given.get(_LOADING_WILDCARD, 1.0)
        unknown = [key for key in given if key != _LOADING_WILDCARD and key not in owner and key not in self.construct_names]
        if unknown:
            raise SpecError(
                f"Composite weight key {unknown[0]!r} is neither an indicator nor a construct.", culprit=str(unknown[0])
            )
        out = {}
        for i in self.indicator_names:
            value = given.get(i, given.get(owner[i], default))
            if not _is_number(value) or not math.isfinite(float(value)):
                raise SpecError(f"Composite weight of '{i}' must be a finite number; got {value!r}.", culprit=i)
            out[i] = float(value)
        return out

    def weight_vector(self) -> np.ndarray:
        """Population weights (unit-variance composites), in :attr:`indicator_names` order."""
        return self._W.copy()

    def truth(self) -> dict[str, Any]:
        """As :meth:`PopulationModel.truth`, plus ``weights`` (construct -> indicator -> value)."""
        out = super().truth()
        W = dict(zip(self.indicator_names, self._W))
        out["weights"] = {c.name: {i: float(W[i]) for i in c.indicators} for c in self.spec.constructs}
        return out
