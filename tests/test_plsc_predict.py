"""PLSpredict and CVPAT for consistent PLS fits: cSEM's prediction with disattenuated estimates, same folds as PLS, the CLI."""

from __future__ import annotations

import json
from pathlib import Path as FilePath

import numpy as np
import pytest

from acsi.api import fit
from acsi.assessment import pls_predict, pls_predictions
from acsi.assessment.prediction import indicator_predictions
from acsi.cli import main
from acsi.predictive import cvpat
from acsi.simulate import PopulationModel
from acsi.spec.lavaan import to_syntax
from acsi.spec.model import Construct, ModelSpec, Path

#: x -> y -> z, three indicators each, equal loadings: the PLS composite of x is its best linear proxy
CHAIN = ModelSpec(
    constructs=tuple(Construct(c, tuple(f"{c}{i}" for i in (1, 2, 3))) for c in ("x", "y", "z")),
    paths=(Path("x", "y"), Path("y", "z")),
)
LOADING = 0.8
POPULATION = PopulationModel(CHAIN, paths={"x -> y": 0.6, "y -> z": 0.5}, loadings=LOADING)


def _population_predictor(rows: np.ndarray) -> np.ndarray:
    """E[endogenous indicators | exogenous indicators] in the population: Sigma_yx Sigma_xx^-1 x (means 0)."""
    sigma = POPULATION.indicator_covariance()
    exo, endo = np.arange(3), np.arange(3, 9)
    return rows[:, exo] @ np.linalg.solve(sigma[np.ix_(exo, exo)], sigma[np.ix_(exo, endo)])


def _reliability_of_equal_weight_composite() -> float:
    """rho = corr(composite, factor)^2 of the equal-weight composite of a block with loadings LOADING."""
    sigma_block = POPULATION.indicator_covariance()[:3, :3]
    return float((3 * LOADING) ** 2 / sigma_block.sum())


def test_plsc_predictions_overshoot_the_population_predictor_by_one_over_sqrt_rho_on_exact_data() -> None:
    # Exact data: the training means are 0, the sds 1, and PLSc's paths and loadings the population's,
    # so the predictions are lambda (I - B)^-1 Gamma applied to the composite of x, which stands in for
    # the factor with reliability rho: 1/sqrt(rho) times the population linear predictor (1e-10: rounding).
    frame = POPULATION.draw(400, seed=1, exact=True)
    rows = POPULATION.draw(40, seed=2).to_numpy()
    best = _population_predictor(rows)
    plsc = indicator_predictions(fit(CHAIN, frame, method="plsc"), rows)
    np.testing.assert_allclose(plsc, best / np.sqrt(_reliability_of_equal_weight_composite()), rtol=1e-10)


def test_pls_predictions_match_the_population_predictor_for_direct_successors_and_attenuate_beyond() -> None:
    # PLS: exact for y (one step from x); for z the attenuated PLS path y -> z scales by rho of y (= rho of x here).
    frame = POPULATION.draw(400, seed=1, exact=True)
    rows = POPULATION.draw(40, seed=2).to_numpy()
    best = _population_predictor(rows)
    pls = indicator_predictions(fit(CHAIN, frame, method="pls"), rows)
    np.testing.assert_allclose(pls[:, :3], best[:, :3], rtol=1e-10)
    np.testing.assert_allclose(pls[:, 3:], best[:, 3:] * _reliability_of_equal_weight_composite(), rtol=1e-10)


def test_out_of_sample_plsc_predictions_are_the_more_dispersed_on_large_common_factor_data() -> None:
    # k-fold on 4,000 continuous draws: the slope of each indicator's prediction on the population predictor
    # is near 1/sqrt(rho) = 1.09 for PLSc and near 1 (y) or rho = 0.84 (z) for PLS; sampling error about 0.05
    frame = POPULATION.draw(4000, seed=1)
    best = _population_predictor(frame.to_numpy())
    slopes = {}
    for method in ("pls", "plsc"):
        predicted = pls_predictions(fit(CHAIN, frame, method=method), folds=5, seed=1).pls
        slopes[method] = np.array([np.polyfit(best[:, j], predicted[:, j], 1)[0] for j in range(6)])
    assert (slopes["plsc"] > slopes["pls"]).all()
    assert abs(slopes["plsc"][:3].mean() - 1 / np.sqrt(_reliability_of_equal_weight_composite())) < 0.1
    assert abs(slopes["pls"][:3].mean() - 1.0) < 0.1


def test_plsc_and_pls_are_evaluated_on_the_same_folds() -> None:
    frame = POPULATION.draw(300, seed=3, scale=(1, 10))
    pls = pls_predictions(fit(CHAIN, frame), folds=5, seed=4)
    plsc = pls_predictions(fit(CHAIN, frame, method="plsc"), folds=5, seed=4)
    # the benchmarks depend on the folds only: equal to rounding (1e-12) when the folds are the same
    np.testing.assert_allclose(plsc.naive, pls.naive, rtol=0, atol=1e-12)
    np.testing.assert_allclose(plsc.lm, pls.lm, rtol=0, atol=1e-12)
    assert np.abs(plsc.pls - pls.pls).max() > 0.01  # the models' own predictions differ


def test_seeded_plsc_predict_is_reproducible_and_the_seed_matters() -> None:
    result = fit(CHAIN, POPULATION.draw(150, seed=5, scale=(1, 10)), method="plsc")
    first, again = pls_predict(result, folds=5, seed=7), pls_predict(result, folds=5, seed=7)
    np.testing.assert_allclose(first.to_numpy(), again.to_numpy(), rtol=0, atol=1e-12)
    assert np.abs(first["rmse"] - pls_predict(result, folds=5, seed=8)["rmse"]).max() > 1e-6


def test_cvpat_with_plsc_reports_its_method_and_shares_the_benchmarks_of_pls() -> None:
    frame = POPULATION.draw(300, seed=6, scale=(1, 10))
    pls = cvpat(CHAIN, frame, seed=3, repeats=2, folds=5)
    plsc = cvpat(CHAIN, frame, seed=3, repeats=2, folds=5, method="plsc")
    assert plsc.settings["method"] == "plsc" and "(plsc)" in plsc.summary()
    np.testing.assert_allclose(plsc.losses["IA"], pls.losses["IA"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(plsc.losses["LM"], pls.losses["LM"], rtol=0, atol=1e-12)
    assert plsc.tests["IA"]["p_model_better"] < 1e-4


def test_cvpat_refuses_a_method_that_cannot_predict() -> None:
    from acsi.errors import ParameterError

    with pytest.raises(ParameterError, match="method must be one of pls, plsc"):
        cvpat(CHAIN, POPULATION.draw(60, seed=1), method="gsca")


def test_cli_assess_and_cvpat_predict_with_plsc(tmp_path: FilePath, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data.csv"
    POPULATION.draw(120, seed=8, scale=(1, 10)).to_csv(data, index=False)
    model = tmp_path / "chain.lav"
    model.write_text(to_syntax(CHAIN))
    assert main(["assess", str(model), str(data), "--method", "plsc", "--predict-folds", "4", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["predict"]) == {f"{c}{i}" for c in "yz" for i in (1, 2, 3)}
    assert main(["cvpat", str(model), str(data), "--method", "plsc", "--seed", "1", "--repeats", "1", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["settings"]["method"] == "plsc"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--method", "gsca", "--predict-folds", "4"],
            "--predict-folds refits the model and is implemented for --method pls or plsc",
        ),
        (["--method", "plsc", "--q-squared"], "--q-squared refits the model and is implemented for --method pls only"),
    ],
)
def test_cli_assess_refuses_a_refit_the_method_does_not_support(
    tmp_path: FilePath, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    data = tmp_path / "data.csv"
    POPULATION.draw(60, seed=9, scale=(1, 10)).to_csv(data, index=False)
    model = tmp_path / "chain.lav"
    model.write_text(to_syntax(CHAIN))
    assert main(["assess", str(model), str(data), *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
