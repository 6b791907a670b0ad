"""CVPAT (acsi.predictive): the paired loss test, a misspecified model loses, identical models tie, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from acsi.errors import ParameterError
from acsi.predictive import cvpat, paired_loss_test
from acsi.simulate import PopulationModel
from acsi.spec.model import Construct, ModelSpec, Path

SPEC = ModelSpec(
    constructs=tuple(Construct(c, tuple(f"{c[0]}{i}" for i in (1, 2, 3))) for c in ("qual", "value", "sat", "loy")),
    paths=(Path("qual", "sat"), Path("value", "sat"), Path("sat", "loy")),
)
#: value drives satisfaction in the population; this model sends it to loyalty instead
WRONG = ModelSpec(constructs=SPEC.constructs, paths=(Path("qual", "sat"), Path("sat", "loy"), Path("value", "loy")))
POPULATION = PopulationModel(SPEC, paths={"qual -> sat": 0.5, "value -> sat": 0.4, "sat -> loy": 0.6}, loadings=0.85)


def test_paired_loss_test_is_the_one_sample_t_test_of_the_differences() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.gamma(2, size=80), rng.gamma(2.3, size=80)
    out = paired_loss_test(a, b)
    reference = stats.ttest_1samp(b - a, 0.0)
    assert out["t"] == pytest.approx(reference.statistic, rel=1e-12)
    assert out["p_two_sided"] == pytest.approx(reference.pvalue, rel=1e-10)
    assert out["p_model_better"] == pytest.approx(
        reference.pvalue / 2 if reference.statistic > 0 else 1 - reference.pvalue / 2, rel=1e-10
    )


@pytest.mark.parametrize("seed", [3, 4])
def test_the_true_model_predicts_better_than_a_misspecified_one_and_the_indicator_average(seed: int) -> None:
    frame = POPULATION.draw(300, seed=seed)
    result = cvpat(SPEC, frame, WRONG, seed=1, repeats=4, names=("true", "wrong"))
    assert result.tests["wrong"]["difference"] > 0 and result.tests["wrong"]["p_model_better"] < 0.01
    assert result.tests["IA"]["p_model_better"] < 1e-4
    assert set(result.to_frame().index) == {"IA", "LM", "wrong"}
    json.dumps(result.to_dict(), allow_nan=False)
    assert repr(result).startswith("CVPATResult(") and "p_two_sided" in result.summary()


def test_identical_models_tie_exactly_on_the_same_folds() -> None:
    frame = POPULATION.draw(120, seed=5)
    result = cvpat(SPEC, frame, SPEC, seed=2, repeats=2)
    assert result.tests["alternative"]["difference"] == 0.0  # same code path and folds on the same machine
    assert np.isnan(result.tests["alternative"]["t"])


def test_losses_are_the_pls_predict_errors() -> None:
    from acsi.api import fit
    from acsi.assessment import pls_predict

    frame = POPULATION.draw(150, seed=6)
    result = cvpat(SPEC, frame, seed=9, repeats=1, folds=5)
    table = pls_predict(fit(SPEC, frame), folds=5, seed=np.random.SeedSequence([9, 0]))
    # mean squared error over respondents and targets = mean of the squared RMSEs (tolerance: rounding only)
    assert result.tests["IA"]["model_loss"] == pytest.approx(float(np.mean(table["rmse"] ** 2)), rel=1e-12)
    assert result.tests["LM"]["other_loss"] == pytest.approx(float(np.mean(table["lm_rmse"] ** 2)), rel=1e-12)


def test_bad_settings_raise_parameter_error() -> None:
    frame = POPULATION.draw(60, seed=1)
    with pytest.raises(ParameterError, match="folds"):
        cvpat(SPEC, frame, folds=1)
    with pytest.raises(ParameterError, match="repeats"):
        cvpat(SPEC, frame, repeats=0)


def test_cli_cvpat_against_a_second_model(tmp_path) -> None:  # noqa: ANN001
    from acsi.cli import main
    from acsi.spec.lavaan import to_syntax

    data = tmp_path / "data.csv"
    POPULATION.draw(200, seed=7).to_csv(data, index=False)
    (tmp_path / "true.lav").write_text(to_syntax(SPEC))
    (tmp_path / "wrong.lav").write_text(to_syntax(WRONG))
    target = tmp_path / "out.json"
    argv = [
        "cvpat",
        str(tmp_path / "true.lav"),
        str(data),
        "--against",
        str(tmp_path / "wrong.lav"),
        "--repeats",
        "2",
        "--seed",
        "1",
    ]
    assert main([*argv, "--json", str(target)]) == 0
    out = json.loads(target.read_text())
    assert out["model"] == "true" and set(out["tests"]) == {"IA", "LM", "wrong"} and out["settings"]["seed"] == 1
