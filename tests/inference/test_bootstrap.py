"""Bootstrap: reproducibility, agreement with plain refits, intervals, sign changes, failures, contract."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.core import intervals
from acsi.inference import BCA_MIN_RESAMPLES, CHUNK, bootstrap, resample_indices
from acsi.simulate import ACSI_LOCATIONS, acsi_population
from acsi.testing.composite import composite_population

from .._tolerances import EXACT, RESAMPLE


@pytest.fixture(scope="module")
def acsi_sample() -> tuple[acsi.ModelSpec, pd.DataFrame]:
    population = acsi_population()
    return population.spec, population.draw(150, seed=11, scale=(1, 10), location=ACSI_LOCATIONS)


@pytest.fixture(scope="module")
def acsi_fit(acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame]) -> acsi.FitResult:
    spec, frame = acsi_sample
    return acsi.fit(spec, frame)


@dataclass(frozen=True)
class WrappedPLS:
    """Any estimator behind the protocol (not a PLSPM instance): forces the refit loop."""

    inner: acsi.PLSPM = acsi.PLSPM()

    def fit(self, spec, data, *, scale=None, missing="error"):  # noqa: ANN001, ANN201
        return self.inner.fit(spec, data, scale=scale, missing=missing)


def test_same_seed_gives_identical_results_whatever_the_number_of_workers(acsi_fit: acsi.FitResult) -> None:
    n_boot = 2 * CHUNK + 37  # three chunks, the last one partial
    one = bootstrap(acsi_fit, n_boot=n_boot, seed=5, workers=1)
    two = bootstrap(acsi_fit, n_boot=n_boot, seed=5, workers=2)
    three = bootstrap(acsi_fit, n_boot=n_boot, seed=5, workers=3)
    np.testing.assert_array_equal(one.replicates, two.replicates)
    np.testing.assert_array_equal(one.replicates, three.replicates)
    assert one.to_dict() == two.to_dict()


def test_different_seeds_give_different_resamples(acsi_fit: acsi.FitResult) -> None:
    a = bootstrap(acsi_fit, n_boot=50, seed=1)
    b = bootstrap(acsi_fit, n_boot=50, seed=2)
    assert not np.allclose(a.replicates, b.replicates)


def test_no_seed_draws_fresh_entropy_and_reports_it_so_the_run_repeats(acsi_fit: acsi.FitResult) -> None:
    first = bootstrap(acsi_fit, n_boot=30)
    assert isinstance(first.seed, int) and 0 <= first.seed < 2**63  # fits --seed and JSON readers
    again = bootstrap(acsi_fit, n_boot=30, seed=first.seed)
    np.testing.assert_array_equal(first.replicates, again.replicates)


def test_batched_resamples_equal_plain_refits_of_the_same_rows(
    acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame], acsi_fit: acsi.FitResult
) -> None:
    spec, frame = acsi_sample
    n_boot = 40
    boot = bootstrap(acsi_fit, n_boot=n_boot, seed=3)
    paths = [j for j, kind in enumerate(boot.kinds) if kind == "paths"]
    weights = [j for j, kind in enumerate(boot.kinds) if kind == "weights"]
    index = [j for j, kind in enumerate(boot.kinds) if kind == "index"]
    for r, rows in enumerate(resample_indices(n_boot, len(frame), 3)):
        refit = acsi.fit(spec, frame.iloc[rows].reset_index(drop=True))
        np.testing.assert_allclose(boot.replicates[r, paths], refit.path_coefficients.to_numpy(), **RESAMPLE)
        np.testing.assert_allclose(boot.replicates[r, weights], refit.outer_weights, **RESAMPLE)
        np.testing.assert_allclose(boot.replicates[r, index], refit.index.values, **RESAMPLE)


def test_refit_engine_for_any_estimator_matches_the_batched_engine(
    acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame], acsi_fit: acsi.FitResult
) -> None:
    spec, frame = acsi_sample
    generic = bootstrap(WrappedPLS(), spec, frame, n_boot=30, seed=9, workers=2)
    batched = bootstrap(acsi_fit, n_boot=30, seed=9)
    assert generic.engine == "refit" and batched.engine == "batched"
    np.testing.assert_allclose(generic.replicates, batched.replicates, **RESAMPLE)
    np.testing.assert_allclose(generic.std_errors, batched.std_errors, **RESAMPLE)


def test_raw_fit_bootstrap_matches_refits(acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    spec, frame = acsi_sample
    raw = acsi.fit(spec, frame, raw=True)
    batched = bootstrap(raw, n_boot=20, seed=4)
    refit = bootstrap(raw, n_boot=20, seed=4, engine="refit")
    np.testing.assert_allclose(batched.replicates, refit.replicates, **RESAMPLE)


def test_std_errors_are_the_standard_deviation_of_the_replicates_and_t_the_ratio(acsi_fit: acsi.FitResult) -> None:
    boot = bootstrap(acsi_fit, n_boot=200, seed=1)
    np.testing.assert_allclose(boot.std_errors, boot.replicates.std(axis=0, ddof=1), **EXACT)
    finite = (boot.std_errors > 0) & ~boot.untested  # untested: fixed by construction, or an index
    np.testing.assert_allclose(boot.t_values[finite], boot.estimates[finite] / boot.std_errors[finite], **EXACT)
    assert np.isnan(boot.t_values[boot.untested]).all()
    assert ((boot.p_values[finite] >= 0) & (boot.p_values[finite] <= 1)).all()


def test_percentile_interval_holds_the_replicate_quantiles(acsi_fit: acsi.FitResult) -> None:
    boot = bootstrap(acsi_fit, n_boot=400, seed=2, level=0.9)
    np.testing.assert_allclose(boot.intervals, np.quantile(boot.replicates, [0.05, 0.95], axis=0).T, **EXACT)


def test_bca_equals_percentile_without_bias_or_acceleration() -> None:
    rng = np.random.default_rng(0)
    half = rng.standard_normal((500, 3))
    replicates = np.concatenate([half, -half])  # symmetric around 0: z0 = 0
    estimates = np.zeros(3)
    bca = intervals.bca_interval(replicates, estimates, np.zeros(3), 0.95)
    np.testing.assert_allclose(bca, intervals.percentile_bounds(replicates, 0.95), **EXACT)


def test_bca_shifts_the_interval_towards_the_side_the_replicates_are_biased_from() -> None:
    rng = np.random.default_rng(1)
    replicates = rng.standard_normal((2000, 1)) + 0.3  # replicates above the estimate 0
    bca = intervals.bca_interval(replicates, np.zeros(1), np.zeros(1), 0.95)
    percentile = intervals.percentile_bounds(replicates, 0.95)
    assert bca[0, 0] < percentile[0, 0] and bca[0, 1] < percentile[0, 1]


def test_bca_counts_replicates_that_equal_the_estimate_up_to_rounding_as_ties() -> None:
    rng = np.random.default_rng(3)
    estimate = 17.8174
    replicates = np.concatenate([rng.normal(estimate, 2.0, 300), np.full(100, estimate)])[:, None]
    rounded = replicates.copy()
    rounded[300:] += rng.choice([-1.0, 1.0], 100)[:, None] * np.spacing(estimate) * 4  # another route's last bits
    exact = intervals.bca_interval(replicates, np.array([estimate]), np.zeros(1), 0.95)
    np.testing.assert_array_equal(intervals.bca_interval(rounded, np.array([estimate]), np.zeros(1), 0.95), exact)


def test_bca_bootstrap_runs_with_jackknife_acceleration(acsi_fit: acsi.FitResult) -> None:
    boot = bootstrap(acsi_fit, n_boot=BCA_MIN_RESAMPLES, seed=1, ci="bca")
    assert boot.acceleration is not None and boot.acceleration.shape == boot.estimates.shape
    paths = np.array(boot.kinds) == "paths"
    lower, upper = boot.intervals[paths].T
    assert (lower < boot.estimates[paths]).all() and (boot.estimates[paths] < upper).all()


def test_individual_sign_change_gives_every_signed_replicate_the_estimates_sign(acsi_fit: acsi.FitResult) -> None:
    boot = bootstrap(acsi_fit, n_boot=100, seed=1, sign_change="individual")
    signed = np.isin(boot.kinds, ["weights", "loadings", "paths", "total"]) & (boot.estimates != 0)
    assert (np.sign(boot.replicates[:, signed]) == np.sign(boot.estimates[signed])).all()


def test_contract_keys_have_the_shapes_of_the_estimates(acsi_fit: acsi.FitResult) -> None:
    out = bootstrap(acsi_fit, n_boot=60, seed=1).to_dict()
    estimates = acsi_fit.to_dict()
    for key in ("weights", "loadings", "paths", "r_squared", "index"):
        for section in ("std_errors", "ci"):
            assert json.dumps(sorted(_shape(out[section][key]))) == json.dumps(sorted(_shape(estimates[key])))
    for pair in out["ci"]["paths"].values():
        assert len(pair) == 2 and pair[0] <= pair[1]
    assert out["bootstrap"] | {"seed": 0} == {
        "requested": 60,
        "used": 60,
        "failed": 0,
        "failures": {},
        "seed": 0,
        "ci_method": "percentile",
        "level": 0.95,
        "sign_change": "none",
        "engine": "batched",
        "resampling": "multinomial",
    }
    json.dumps(out, allow_nan=False)  # strict JSON: undefined values are null


def _shape(value: object, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [name for key, item in value.items() for name in _shape(item, f"{prefix}/{key}")]
    return [prefix]


@pytest.mark.parametrize("n_boot", [0, -5, 2.5, True, "100"])
def test_malformed_resample_counts_are_refused(acsi_fit: acsi.FitResult, n_boot: object) -> None:
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap(acsi_fit, n_boot=n_boot)


@pytest.mark.parametrize("seed", [1.5, "7", -1, False])
def test_seeds_that_are_not_non_negative_integers_are_refused(acsi_fit: acsi.FitResult, seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        bootstrap(acsi_fit, n_boot=10, seed=seed)


def test_bca_with_too_few_resamples_is_refused_with_the_minimum(acsi_fit: acsi.FitResult) -> None:
    with pytest.raises(ValueError, match=f"at least {BCA_MIN_RESAMPLES}"):
        bootstrap(acsi_fit, n_boot=BCA_MIN_RESAMPLES - 1, ci="bca")


@pytest.mark.parametrize(
    ("option", "value"), [("ci", "studentized"), ("level", 1.5), ("sign_change", "flip"), ("workers", 0), ("engine", "gpu")]
)
def test_unknown_options_are_refused(acsi_fit: acsi.FitResult, option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        bootstrap(acsi_fit, n_boot=10, **{option: value})


def test_batched_engine_is_refused_for_other_estimators(acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame]) -> None:
    spec, frame = acsi_sample
    with pytest.raises(ValueError, match="PLSPM only"):
        bootstrap(WrappedPLS(), spec, frame, n_boot=10, engine="batched")


def test_resamples_with_a_constant_indicator_are_counted_as_failures_and_reported() -> None:
    rng = np.random.default_rng(3)
    n = 40
    x = rng.standard_normal((n, 4))
    frame = pd.DataFrame(x + x[:, :1], columns=["a1", "a2", "b1", "b2"])
    frame["b2"] = 0.0
    frame.loc[0, "b2"] = 1.0  # one respondent differs: about 36% of resamples leave b2 constant
    spec = acsi.parse_syntax("A =~ a1 + a2\nB =~ b1 + b2\nB ~ A")
    result = acsi.fit(spec, frame)
    for engine in ("batched", "refit"):
        with pytest.warns(acsi.BootstrapWarning, match="constant indicator"):
            boot = bootstrap(result, n_boot=200, seed=1, engine=engine)
        assert boot.failures["constant_indicator"] == boot.failed > 0
        assert boot.used + boot.failed == 200
        assert boot.to_dict()["bootstrap"]["failed"] == boot.failed


def test_coverage_of_path_intervals_is_near_nominal_for_composite_truth() -> None:
    """Small, fixed-seed version of benchmarks/test_bootstrap_coverage.py (Mode B, composite data)."""
    spec = acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nZ =~ z1 + z2 + z3\nY ~ X\nZ ~ X + Y")
    population = composite_population(
        acsi.simulate.PopulationModel(spec, paths={"X -> Y": 0.5, "X -> Z": 0.2, "Y -> Z": 0.4}, loadings=0.8)
    )
    rng = np.random.default_rng(2024)
    covered = np.zeros(3)
    replications = 30
    truth = np.array([population.paths[p.key] for p in population.spec.paths])
    for _ in range(replications):
        frame = pd.DataFrame(population.draw_array(300, rng), columns=list(population.spec.indicators))
        boot = bootstrap(acsi.fit(population.spec, frame), n_boot=300, seed=int(rng.integers(2**31)))
        lower, upper = boot.intervals[np.array(boot.kinds) == "paths"].T
        covered += (lower <= truth) & (truth <= upper)
    assert (covered / replications >= 0.8).all(), covered / replications


@pytest.fixture(scope="module")
def holes(acsi_sample: tuple[acsi.ModelSpec, pd.DataFrame]) -> pd.DataFrame:
    _, frame = acsi_sample
    frame = frame.astype(float)
    rng = np.random.default_rng(6)
    frame = frame.mask(rng.random(frame.shape) < 0.05)
    return frame


def test_a_fit_with_imputed_or_modelled_missing_values_needs_the_raw_data(acsi_sample, holes) -> None:  # noqa: ANN001
    spec, _ = acsi_sample
    result = acsi.fit(spec, holes, missing="em")
    with pytest.raises(ValueError, match="repeat that treatment"):
        bootstrap(result, n_boot=10)
    with pytest.raises(ValueError, match="raw data frame"):
        bootstrap(acsi.PLSPM(), spec, acsi.prepare(spec, holes, missing="em"), n_boot=10)


@pytest.mark.parametrize("missing", ["mean", "em"])
def test_missing_value_treatment_is_repeated_in_every_resample(acsi_sample, holes, missing: str) -> None:  # noqa: ANN001
    spec, _ = acsi_sample
    boot = bootstrap(acsi.PLSPM(), spec, holes, n_boot=6, seed=2, missing=missing)
    assert boot.engine == "refit" and boot.used == 6
    paths = [j for j, kind in enumerate(boot.kinds) if kind == "paths"]
    for r, rows in enumerate(resample_indices(6, len(holes), 2)[:3]):
        refit = acsi.fit(spec, holes.iloc[rows].reset_index(drop=True), missing=missing)
        np.testing.assert_allclose(boot.replicates[r, paths], refit.path_coefficients.to_numpy(), **RESAMPLE)


def test_case_weighted_bootstrap_engines_agree_resample_by_resample() -> None:
    """The batched engine weights each drawn row as the refit of the same rows does."""
    rng = np.random.default_rng(8)
    base = rng.normal(size=(80, 1))
    frame = pd.DataFrame(base + rng.normal(scale=0.7, size=(80, 4)), columns=["q1", "q2", "s1", "s2"])
    spec = acsi.parse_syntax("Q =~ q1 + q2\nS =~ s1 + s2\nS ~ Q\n")
    data = acsi.prepare(spec, frame)
    weighted = dataclasses.replace(data, case_weights=rng.integers(1, 4, 80).astype(float))
    batched = acsi.bootstrap(acsi.PLSPM(), spec, weighted, n_boot=40, seed=5, engine="batched")
    refit = acsi.bootstrap(acsi.PLSPM(), spec, weighted, n_boot=40, seed=5, engine="refit")
    unweighted = acsi.bootstrap(acsi.PLSPM(), spec, data, n_boot=40, seed=5, engine="batched")
    np.testing.assert_allclose(np.asarray(batched.std_errors), np.asarray(refit.std_errors), rtol=0, atol=1e-9)
    assert not np.allclose(np.asarray(batched.std_errors), np.asarray(unweighted.std_errors))


def test_inadmissible_plsc_resamples_are_dropped_counted_and_reported(satisfaction: pd.DataFrame) -> None:
    """The satisfaction PLSc solution sits near the boundary (EXPE -> VAL -1.71): many resamples
    leave the parameter space; they must be counted, never silently averaged in."""
    from .._models import SATISFACTION_SYNTAX

    spec = acsi.parse_syntax(SATISFACTION_SYNTAX)
    estimator = acsi.api.make_estimator("plsc", scheme="centroid")
    with pytest.warns(acsi.BootstrapWarning, match="inadmissible"):
        boot = bootstrap(estimator, spec, satisfaction, n_boot=30, seed=2)
    summary = boot.to_dict()["bootstrap"]
    assert summary["failures"].get("inadmissible", 0) > 0
    assert summary["used"] + summary["failed"] == 30
