"""The estimator benchmark study: PLS, PLSc, CB-SEM, GSCA and the item-mean index on data with known truth.

:func:`run_study` draws many samples from the ACSI population under every condition
(data-generating process x indicator distribution x sample size x specification), fits
each estimator to each sample and compares the estimates with the population values:

* **DGP** ``"factor"``: the common-factor population of :func:`acsi.simulate.acsi_population`
  (loadings 0.85, complaints measured without error); ``"composite"``: the same structural
  model with composites (:class:`acsi.simulate.CompositePopulationModel`, within-block
  correlation 0.5, unequal weights 1 : 1.5 : 2 within each block).
* **Distribution** of the indicators, all on the 1-10 scale: ``"normal"``,
  ``clip(5.5 + 1.5 z, 1, 10)``; ``"skewed"``, ``clip(6.5 + 1.5 s(z), 1, 10)`` with ``s`` a
  standardised, reflected lognormal (sigma 0.6, skewness about -2.3: the long left tail of
  satisfaction ratings; the transformation also lowers the indicator correlations, which is
  part of what the condition tests); ``"discrete"``, integer ratings ``clip(round(7.5 + 1.7 z),
  1, 10)`` (complaints around 2.5), as :meth:`PopulationModel.draw`.
* **Specification**: correct, or ``misspecified`` (the path ``perceived_value ->
  customer_satisfaction``, 0.30 in the population, left out of the fitted model).

The truth of a path is its standardised population value; CB-SEM is scored on its
completely standardised paths. The true 0-100 index of a construct is
``100 (E[x] - 1) / 9`` with ``E[x]`` the population mean of its indicators (all indicators
of a block share one marginal distribution, so every convex weighting has the same
population index), computed by numerical integration over the standard normal.

Per estimator and condition the tidy table has, for each path and each index: truth, mean
estimate, bias, RMSE, 95% interval coverage (CB-SEM: Wald intervals of the unstandardised
paths against their population values in its marker metric, for the common-factor DGP with
normal indicators only, where that metric is known; PLS, PLSc and GSCA: bootstrap
percentile intervals when ``n_boot > 0``; NaN elsewhere), the replications used, and the
condition's non-convergence, inadmissible-solution and error rates and mean time per fit.

Reproducibility: replication r of condition c draws from
``numpy.random.SeedSequence(seed, spawn_key=(c, r))``, so results do not depend on the number
of worker processes or the order in which they finish.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acsi.errors import AcsiError, ConvergenceWarning, InadmissibleSolutionWarning, ParameterError
from acsi.estimators.registry import METHODS
from acsi.spec.model import ModelSpec

DGPS: tuple[str, ...] = ("factor", "composite")
DISTRIBUTIONS: tuple[str, ...] = ("normal", "skewed", "discrete")
#: The registered methods, then ``"equal"``: the item-mean index baseline (:mod:`acsi.baselines`).
ESTIMATORS: tuple[str, ...] = (*METHODS, "equal")
OMITTED_PATH = "perceived_value -> customer_satisfaction"
_SKEW_SIGMA = 0.6
_LOCATION = {"normal": 5.5, "skewed": 6.5}
_SPREAD = 1.5


@dataclass(frozen=True)
class StudySettings:
    """What :func:`run_study` runs.

    Parameters
    ----------
    ns : sequence of int
        Sample sizes.
    replications : int
        Samples per condition.
    dgps, distributions, estimators : sequences of str
        Subsets of :data:`DGPS`, :data:`DISTRIBUTIONS`, :data:`ESTIMATORS` (``"equal"`` is the
        item-mean index baseline: an index, no paths).
    misspecified : sequence of bool
        ``(False,)`` by default; ``(False, True)`` adds the misspecified model.
    n_boot : int
        Bootstrap resamples per fit for the coverage of PLS, PLSc and GSCA (0: no bootstrap).
    seed : int
    """

    ns: Sequence[int] = (50, 100, 250, 1000, 5000)
    replications: int = 200
    dgps: Sequence[str] = DGPS
    distributions: Sequence[str] = DISTRIBUTIONS
    estimators: Sequence[str] = ESTIMATORS
    misspecified: Sequence[bool] = (False,)
    n_boot: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        for name, values, allowed in (
            ("dgps", self.dgps, DGPS),
            ("distributions", self.distributions, DISTRIBUTIONS),
            ("estimators", self.estimators, ESTIMATORS),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown or not values:
                raise ParameterError(f"{name} must be a non-empty subset of {', '.join(allowed)}; got {list(values)!r}.")
        if not self.ns or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 30 for n in self.ns):
            raise ParameterError(f"ns must be sample sizes of at least 30; got {list(self.ns)!r}.")
        if isinstance(self.replications, bool) or not isinstance(self.replications, int) or self.replications < 1:
            raise ParameterError(f"replications must be a positive integer; got {self.replications!r}.")
        if isinstance(self.n_boot, bool) or not isinstance(self.n_boot, int) or self.n_boot < 0:
            raise ParameterError(f"n_boot must be a non-negative integer; got {self.n_boot!r}.")

    def conditions(self) -> list[tuple[str, str, int, bool]]:
        """Every (dgp, distribution, n, misspecified), in a fixed order."""
        return list(product(self.dgps, self.distributions, [int(n) for n in self.ns], [bool(m) for m in self.misspecified]))


@dataclass(frozen=True)
class StudyResult:
    """Raw replications and the tidy summary of a study.

    Attributes
    ----------
    settings : StudySettings
    replications : pandas.DataFrame
        One row per condition x replication x estimator x parameter: ``estimate``, ``truth``,
        ``covered`` (bool or NaN) and the fit's ``converged``, ``inadmissible``, ``error``,
        ``seconds``.
    summary : pandas.DataFrame
        One row per condition x estimator x parameter (see module notes).
    """

    settings: StudySettings
    replications: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame = field(repr=False)

    def write(self, folder: str | Path, *, plots: bool = True) -> list[Path]:
        """Write ``estimators.csv``, ``estimators.parquet``, ``replications.parquet`` and the PNG
        plots ``paths_bias_rmse.png`` and ``index_bias_rmse.png`` to ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "estimators.csv", folder / "estimators.parquet", folder / "replications.parquet"]
        self.summary.to_csv(written[0], index=False)
        self.summary.to_parquet(written[1], index=False)
        self.replications.to_parquet(written[2], index=False)
        if plots:
            written += plot_study(self.summary, folder)
        return written


# ---------------------------------------------------------------------- populations and data
@cache
def _spec(misspecified: bool) -> ModelSpec:
    from acsi.resources import bundled
    from acsi.spec.load import load_spec

    spec = load_spec(bundled("models/acsi.yaml"))
    if not misspecified:
        return spec
    return replace(spec, paths=tuple(p for p in spec.paths if p.key != OMITTED_PATH))


@cache
def _population(dgp: str):  # noqa: ANN202
    from acsi.simulate import ACSI_LOADINGS, ACSI_PATHS, CompositePopulationModel, acsi_population

    spec = _spec(False)
    if dgp == "factor":
        return acsi_population(spec)
    pattern = {}
    for construct in spec.constructs:
        for position, indicator in enumerate(construct.indicators):
            pattern[indicator] = (1.0, 1.5, 2.0)[position % 3]
    return CompositePopulationModel(spec, paths=ACSI_PATHS, loadings=ACSI_LOADINGS, within=0.5, composite_weights=pattern)


def _skew(z: np.ndarray) -> np.ndarray:
    """Standardised reflected lognormal: mean 0, variance 1, long left tail."""
    s2 = _SKEW_SIGMA**2
    mean = math.exp(s2 / 2)
    sd = math.sqrt(math.exp(s2) * (math.exp(s2) - 1))
    return -(np.exp(-_SKEW_SIGMA * z) - mean) / sd


def _ratings(z: np.ndarray, distribution: str, locations: np.ndarray) -> np.ndarray:
    if distribution == "normal":
        return np.clip(_LOCATION["normal"] + _SPREAD * z, 1.0, 10.0)
    if distribution == "skewed":
        return np.clip(_LOCATION["skewed"] + _SPREAD * _skew(z), 1.0, 10.0)
    from acsi.simulate import DEFAULT_SPREAD_FRACTION

    return np.clip(np.rint(locations + 9 * DEFAULT_SPREAD_FRACTION * z), 1, 10)


def _locations(spec: ModelSpec) -> np.ndarray:
    from acsi.simulate import ACSI_LOCATIONS, DEFAULT_LOCATION_FRACTION

    default = 1 + 9 * DEFAULT_LOCATION_FRACTION
    owner = {i: c.name for c in spec.constructs for i in c.indicators}
    return np.array([ACSI_LOCATIONS.get(i, ACSI_LOCATIONS.get(owner[i], default)) for i in spec.indicators])


@cache
def true_indices(distribution: str) -> dict[str, float]:
    """Population 0-100 index of every ACSI construct under ``distribution`` (numerical integration)."""
    spec = _spec(False)
    grid = np.linspace(-10, 10, 400_001)
    density = np.exp(-(grid**2) / 2)
    density /= density.sum()
    locations = _locations(spec)
    out = {}
    for construct in spec.constructs:
        j = spec.indicators.index(construct.indicators[0])
        values = _ratings(grid[:, None], distribution, locations[None, j : j + 1])[:, 0]
        out[construct.name] = float(100 * ((values * density).sum() - 1) / 9)
    return out


def draw_sample(dgp: str, distribution: str, n: int, seed: np.random.SeedSequence | int) -> pd.DataFrame:
    """One sample of ``n`` respondents under a condition, columns as the ACSI spec's indicators."""
    population = _population(dgp)
    z = population.draw_array(n, seed=np.random.default_rng(seed))
    spec = _spec(False)
    values = _ratings(z, distribution, _locations(spec)[None, :])
    return pd.DataFrame(values, columns=list(spec.indicators))


def true_cbsem_paths(spec: ModelSpec) -> dict[str, float]:
    """Population paths of the common-factor DGP in CB-SEM's marker metric (first loading 1).

    A factor scaled by its first indicator has standard deviation ``spread x lambda_first``,
    so ``b = beta sd_target / sd_source`` (the spread cancels).
    """
    from acsi.simulate import ACSI_PATHS

    population = _population("factor")
    first = {c.name: population.loadings[c.indicators[0]] for c in spec.constructs}
    return {p.key: ACSI_PATHS[p.key] * first[p.target] / first[p.source] for p in spec.paths}


# ---------------------------------------------------------------------- one replication
def _estimator(name: str):  # noqa: ANN202
    from acsi.estimators.registry import REGISTRY

    return REGISTRY[name].load()()


def _fit_one(name: str, spec: ModelSpec, frame: pd.DataFrame, n_boot: int, seed: int, cover: bool) -> dict[str, Any]:
    """Fit one estimator; return its paths, indices, intervals and diagnostics."""
    out: dict[str, Any] = {
        "paths": {},
        "index": {},
        "intervals": {},
        "converged": True,
        "inadmissible": False,
        "error": False,
        "seconds": float("nan"),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if name == "equal":
                from acsi.baselines import equal_weight_index

                start = time.perf_counter()
                out["index"] = dict(equal_weight_index(spec, frame).index)
                out["seconds"] = time.perf_counter() - start
                return out
            estimator = _estimator(name)
            start = time.perf_counter()
            result = estimator.fit(spec, frame)
            out["seconds"] = time.perf_counter() - start
            payload = result.to_dict()
            out["converged"] = bool(result.converged)
            out["paths"] = payload["standardized"]["paths"] if name == "cbsem" else payload["paths"]
            out["index"] = payload.get("index", {})
            if name == "cbsem" and cover:
                truth = true_cbsem_paths(spec)
                for key, estimate in payload["paths"].items():
                    se = payload["std_errors"]["paths"][key]
                    out["intervals"][key] = (estimate - 1.959963984540054 * se, estimate + 1.959963984540054 * se, truth[key])
            elif name != "cbsem" and n_boot > 0:
                from acsi.inference import bootstrap

                boot = bootstrap(result, n_boot=n_boot, seed=seed, workers=1, engine="batched" if name == "pls" else "refit")
                for kind, key, (low, high) in zip(boot.kinds, boot.keys, boot.intervals):
                    if kind == "paths":
                        out["intervals"][key[0]] = (low, high, None)
        except (AcsiError, np.linalg.LinAlgError, ValueError, RuntimeError) as err:
            out["error"] = True
            out["message"] = f"{type(err).__name__}: {err}"
    for item in caught:
        if issubclass(item.category, InadmissibleSolutionWarning):
            out["inadmissible"] = True
        if issubclass(item.category, ConvergenceWarning):
            out["converged"] = False
    return out


def _replication(task: tuple[int, int, tuple[str, str, int, bool], StudySettings]) -> list[tuple]:
    c, r, (dgp, distribution, n, misspecified), settings = task
    seed_sequence = np.random.SeedSequence(settings.seed, spawn_key=(c, r))
    frame = draw_sample(dgp, distribution, n, seed_sequence)
    spec = _spec(misspecified)
    from acsi.simulate import ACSI_PATHS

    truth_index = true_indices(distribution)
    boot_seed = int(seed_sequence.generate_state(1)[0])
    rows = []
    cover_cbsem = dgp == "factor" and distribution == "normal"
    for name in settings.estimators:
        fitted = _fit_one(name, spec, frame, settings.n_boot, boot_seed, cover_cbsem)
        common = (
            dgp,
            distribution,
            n,
            misspecified,
            r,
            name,
            fitted["converged"],
            fitted["inadmissible"],
            fitted["error"],
            fitted["seconds"],
        )
        if name != "equal":
            for path in spec.paths:
                estimate = fitted["paths"].get(path.key, float("nan"))
                covered = float("nan")
                if path.key in fitted["intervals"]:
                    low, high, metric_truth = fitted["intervals"][path.key]
                    target = ACSI_PATHS[path.key] if metric_truth is None else metric_truth
                    covered = float(low <= target <= high)
                rows.append(common + ("path", path.key, estimate, ACSI_PATHS[path.key], covered))
        for construct in spec.construct_names:
            rows.append(
                common + ("index", construct, fitted["index"].get(construct, float("nan")), truth_index[construct], float("nan"))
            )
    return rows


_COLUMNS = [
    "dgp",
    "distribution",
    "n",
    "misspecified",
    "replication",
    "estimator",
    "converged",
    "inadmissible",
    "error",
    "seconds",
    "kind",
    "parameter",
    "estimate",
    "truth",
    "covered",
]


def _one_blas_thread():  # noqa: ANN202
    """Pin BLAS to one thread: on 14 x 14 matrices more threads only contend (shared/design/peers.md)."""
    try:
        from threadpoolctl import threadpool_limits

        return threadpool_limits(limits=1)
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()


def _init_worker() -> None:
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)  # small matrices: one BLAS thread per process
    except ImportError:  # pragma: no cover
        pass
    warnings.simplefilter("ignore")  # each fit records its own warnings


def run_study(
    settings: StudySettings,
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> StudyResult:
    """Run the Monte-Carlo study.

    Parameters
    ----------
    settings : StudySettings
    workers : int, optional
        Worker processes (default: the CPU count); 1 runs in this process. Results do not
        depend on it.
    progress : callable, optional
        Called with the number of replications just finished.

    Returns
    -------
    StudyResult
    """
    conditions = settings.conditions()
    tasks = [(c, r, condition, settings) for c, condition in enumerate(conditions) for r in range(settings.replications)]
    workers = (os.cpu_count() or 1) if workers is None else workers
    rows: list[tuple] = []
    if workers <= 1:
        with warnings.catch_warnings(), _one_blas_thread():
            warnings.simplefilter("ignore")
            for task in tasks:
                rows.extend(_replication(task))
                if progress is not None:
                    progress(1)
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            for chunk in pool.map(_replication, tasks, chunksize=max(1, len(tasks) // (workers * 8))):
                rows.extend(chunk)
                if progress is not None:
                    progress(1)
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame = frame.sort_values(
        ["dgp", "distribution", "n", "misspecified", "replication", "estimator", "kind", "parameter"], kind="stable"
    ).reset_index(drop=True)
    return StudyResult(settings=settings, replications=frame, summary=summarise(frame))


def summarise(replications: pd.DataFrame) -> pd.DataFrame:
    """The tidy table: one row per condition x estimator x parameter."""
    keys = ["dgp", "distribution", "n", "misspecified", "estimator"]
    fits = replications.drop_duplicates(keys + ["replication"])
    rates = (
        fits.groupby(keys, sort=True)
        .agg(
            nonconvergence_rate=("converged", lambda s: float(1 - s.mean())),
            inadmissible_rate=("inadmissible", "mean"),
            error_rate=("error", "mean"),
            seconds_per_fit=("seconds", "mean"),
            replications=("replication", "nunique"),
        )
        .reset_index()
    )
    data = replications.assign(deviation=replications.estimate - replications.truth)
    ok = data[np.isfinite(data.estimate)]
    stats = (
        ok.groupby(keys + ["kind", "parameter"], sort=True)
        .agg(
            truth=("truth", "first"),
            mean_estimate=("estimate", "mean"),
            bias=("deviation", "mean"),
            rmse=("deviation", lambda d: float(np.sqrt(np.mean(d**2)))),
            coverage=("covered", "mean"),
            used=("estimate", "size"),
        )
        .reset_index()
    )
    return stats.merge(rates, on=keys, how="left")


# ---------------------------------------------------------------------- plots
def plot_study(summary: pd.DataFrame, folder: str | Path) -> list[Path]:
    """PNG plots of mean |bias| and mean RMSE by n, per estimator, for paths and indices."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    written = []
    table = summary[~summary.misspecified] if (~summary.misspecified).any() else summary
    panels = sorted(set(zip(table.dgp, table.distribution)))
    for kind, unit in (("path", "path coefficient"), ("index", "0-100 index points")):
        part = table[table.kind == kind]
        if part.empty:
            continue
        fig, axes = plt.subplots(len(panels), 2, figsize=(10, 2.8 * len(panels)), squeeze=False, sharex=True)
        for row, (dgp, distribution) in enumerate(panels):
            cell = part[(part.dgp == dgp) & (part.distribution == distribution)]
            agg = (
                cell.assign(abs_bias=cell.bias.abs())
                .groupby(["estimator", "n"])
                .agg(abs_bias=("abs_bias", "mean"), rmse=("rmse", "mean"))
                .reset_index()
            )
            for col, (measure, label) in enumerate((("abs_bias", "mean |bias|"), ("rmse", "mean RMSE"))):
                ax = axes[row, col]
                for estimator, line in agg.groupby("estimator"):
                    ax.plot(line.n, line[measure], marker="o", label=estimator)
                ax.set_xscale("log")
                ax.set_title(f"{dgp} DGP, {distribution} indicators: {label}", fontsize=9)
                ax.set_ylabel(unit, fontsize=8)
                ax.grid(alpha=0.3)
        axes[-1, 0].set_xlabel("n")
        axes[-1, 1].set_xlabel("n")
        axes[0, 1].legend(fontsize=8)
        fig.tight_layout()
        path = folder / f"{'paths' if kind == 'path' else 'index'}_bias_rmse.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
