"""The bootstrap of a two-stage higher-order fit re-estimates both stages in every resample."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import pytest

import acsi
from acsi.cli import main
from acsi.core.intervals import jackknife_acceleration
from acsi.errors import BootstrapWarning
from acsi.estimators.higher_order import TwoStageHigherOrder
from acsi.inference import driver, inputs
from acsi.simulate.higher_order import SecondOrderPopulation
from acsi.spec.builders import higher_order, model, path, reflective
from acsi.spec.yaml_io import write_yaml

PATH = "X -> Q"


def _spec() -> acsi.ModelSpec:
    return model(
        reflective("X", "x1", "x2", "x3"),
        reflective("T", "t1", "t2", "t3"),
        reflective("R", "r1", "r2", "r3"),
        reflective("E", "e1", "e2", "e3"),
        reflective("Y", "y1", "y2", "y3"),
        higher_order("Q", "T", "R", "E"),
        paths=[path("X", "Q"), path("Q", "Y")],
        scale=(1, 7),
    )


@pytest.fixture(scope="module")
def noisy():  # noqa: ANN201
    """50 respondents, first-order loadings 0.75: the disjoint stage-1 weights vary from resample to resample (on
    this sample they widen the paths' bootstrap by about a third; on most samples the difference is a few percent)."""
    population = SecondOrderPopulation(
        _spec(),
        paths={"X -> Q": 0.5, "Q -> Y": 0.6},
        second_order_loadings={"Q -> T": 0.8, "Q -> R": 0.7, "Q -> E": 0.6},
        loadings={"*": 0.75},
    )
    return population.draw(50, seed=1, scale=(1, 7))


def _fixed_stage_one(result: acsi.FitResult) -> acsi.FitResult:
    """The same stage-2 fit, bootstrapped on its own data (stage-1 scores held fixed)."""
    assert isinstance(result.estimator, TwoStageHigherOrder)
    return replace(result, estimator=result.estimator.base, first_stage=None, source_spec=None)


def _sd(boot: acsi.BootstrapResult, key: str) -> float:
    return float(boot.to_dict()["std_errors"]["paths"][key])


def test_refitting_both_stages_widens_the_bootstrap_of_a_second_order_path(noisy) -> None:
    result = acsi.fit(_spec(), noisy, higher_order="two-stage-disjoint")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)  # a few resamples give a component negative index weights
        both = acsi.bootstrap(result, n_boot=60, seed=5, workers=1)
        fixed = acsi.bootstrap(_fixed_stage_one(result), n_boot=60, seed=5, workers=1)
    assert both.engine == "refit"
    assert _sd(both, PATH) > 1.2 * _sd(fixed, PATH)


@pytest.mark.parametrize("approach", ["two-stage-disjoint", "two-stage-embedded"])
def test_a_resample_refits_both_stages_on_the_resampled_rows(noisy, approach: str) -> None:
    result = acsi.fit(_spec(), noisy, higher_order=approach)
    rows = driver.resample_indices(2, len(noisy), seed=9)[0]
    boot = acsi.bootstrap(result, n_boot=2, seed=9, workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = acsi.fit(_spec(), noisy.iloc[rows].reset_index(drop=True), higher_order=approach)
    for key in (PATH, "Q -> Y"):
        assert boot.replicates[0, boot.keys.index((key,))] == pytest.approx(direct.to_dict()["paths"][key], abs=1e-10)
    index = [j for j, (kind, key) in enumerate(zip(boot.kinds, boot.keys)) if kind == "index" and key == ("Q",)]
    assert boot.replicates[0, index[0]] == pytest.approx(direct.to_dict()["index"]["Q"], abs=1e-8)


def test_seeded_two_stage_bootstrap_is_the_same_with_one_or_two_workers(noisy, monkeypatch) -> None:
    monkeypatch.setattr(driver, "CHUNK", 5)  # 20 resamples in four chunks that the workers share
    result = acsi.fit(_spec(), noisy, higher_order="two-stage-disjoint")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)
        one = acsi.bootstrap(result, n_boot=20, seed=11, workers=1)
        two = acsi.bootstrap(result, n_boot=20, seed=11, workers=2)
    np.testing.assert_allclose(one.replicates, two.replicates, rtol=0, atol=1e-12)
    assert one.failures == two.failures


def test_bca_acceleration_of_a_two_stage_fit_comes_from_jackknife_fits_of_both_stages(noisy, monkeypatch) -> None:
    monkeypatch.setattr(inputs, "BCA_MIN_RESAMPLES", 20)  # 20 resamples and 50 jackknife fits, to stay fast
    result = acsi.fit(_spec(), noisy, higher_order="two-stage-embedded")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BootstrapWarning)
        boot = acsi.bootstrap(result, n_boot=20, seed=2, ci="bca", workers=1)
    j = boot.keys.index((PATH,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jackknife = [
            acsi.fit(_spec(), noisy.drop(index=i).reset_index(drop=True), higher_order="two-stage-embedded")
            for i in range(len(noisy))
        ]
    theta = np.array([[fit.to_dict()["paths"][PATH]] for fit in jackknife])
    assert boot.acceleration is not None
    assert boot.acceleration[j] == pytest.approx(jackknife_acceleration(theta)[0], abs=1e-10)


def test_cli_two_stage_bootstrap_writes_strict_json_with_failures(tmp_path, noisy, capsys) -> None:
    spec_file, data_file = tmp_path / "m.yaml", tmp_path / "d.csv"
    write_yaml(_spec(), spec_file)
    noisy.to_csv(data_file, index=False)
    code = main(["fit", str(spec_file), str(data_file), "--bootstrap", "30", "--seed", "1", "--json", "-", "--workers", "1"])
    assert code == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda token: pytest.fail(f"non-strict JSON: {token}"))
    assert out["higher_order"]["approach"] == "two-stage-disjoint"
    assert out["bootstrap"]["engine"] == "refit"
    assert PATH in out["ci"]["paths"]
    assert isinstance(out["bootstrap"]["failures"], dict)


def test_cli_two_stage_bootstrap_repeats_mean_imputation_in_every_resample(tmp_path, noisy, capsys) -> None:
    holed = noisy.copy()
    holed.loc[[0, 5, 9], "t2"] = np.nan
    spec_file, data_file = tmp_path / "m.yaml", tmp_path / "d.csv"
    write_yaml(_spec(), spec_file)
    holed.to_csv(data_file, index=False)
    argv = ["fit", str(spec_file), str(data_file), "--missing", "mean", "--bootstrap", "20", "--seed", "3", "--json", "-"]
    assert main([*argv, "--workers", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bootstrap"]["requested"] == 20 and out["bootstrap"]["engine"] == "refit"
    assert out["ci"]["paths"][PATH][0] < out["paths"][PATH] < out["ci"]["paths"][PATH][1]
