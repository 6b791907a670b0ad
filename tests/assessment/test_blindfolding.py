"""Blindfolding Q²: a valid omission distance is chosen or asked for, never a NaN (issue 10, item 13)."""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.assessment import assess, pls_predict, q_squared, valid_omission_distance
from acsi.errors import ParameterError


def _seven_indicator_model(n: int) -> tuple[acsi.ModelSpec, pd.DataFrame]:
    """An endogenous block of 7 indicators, like mobi's PERQ, where D = 7 broke the old numbering."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal(n)
    y = 0.6 * x + 0.8 * rng.standard_normal(n)
    columns = {f"x{i}": x + rng.normal(0, 0.6, n) for i in range(1, 4)}
    columns |= {f"y{i}": y + rng.normal(0, 0.6, n) for i in range(1, 8)}
    spec = acsi.parse_syntax("X =~ x1 + x2 + x3\nY =~ " + " + ".join(f"y{i}" for i in range(1, 8)) + "\nY ~ X")
    return spec, pd.DataFrame(columns)


def test_default_distance_seven_gives_a_finite_q_squared_for_a_seven_indicator_block_at_n_250() -> None:
    spec, frame = _seven_indicator_model(250)
    result = acsi.fit(spec, frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q2 = q_squared(result)
    assert np.isfinite(q2["Y"]) and 0 < q2["Y"] < result.r_squared["Y"]


def test_q_squared_hardly_depends_on_the_omission_distance() -> None:
    """Each data point is omitted once whatever D; Q² moves by sampling noise only."""
    spec, frame = _seven_indicator_model(250)
    result = acsi.fit(spec, frame)
    values = [q_squared(result, omission_distance=d)["Y"] for d in (6, 7, 8, 9)]
    assert max(values) - min(values) < 0.02, values


def test_a_distance_that_divides_n_is_refused_naming_the_nearest_valid_ones() -> None:
    spec, frame = _seven_indicator_model(252)
    result = acsi.fit(spec, frame)
    with pytest.raises(ParameterError, match=r"Omission distance 7 divides .* n = 252 .*Use 8 or 5"):
        q_squared(result, omission_distance=7)


def test_the_default_distance_moves_to_the_nearest_valid_one_and_the_assessment_says_which() -> None:
    assert valid_omission_distance(250) == 7
    assert valid_omission_distance(252) == 8  # 252 = 7 x 36 = 6 x 42 = 9 x 28
    assert valid_omission_distance(56) == 6  # 7 and 8 divide 56; 56 / 6 is not an integer
    spec, frame = _seven_indicator_model(252)
    a = assess(acsi.fit(spec, frame), blindfolding=True)
    out = a.to_dict()
    assert out["omission_distance"] == 8 and np.isfinite(out["q_squared"]["Y"])
    json.dumps(out, allow_nan=False)


@pytest.mark.parametrize("bad", [1, 250, 0, 2.5, True])
def test_an_omission_distance_outside_two_to_n_minus_one_is_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match="omission_distance must be an integer from 2 to n - 1 = 249"):
        valid_omission_distance(250, bad)  # type: ignore[arg-type]


def test_a_round_that_leaves_an_indicator_constant_reports_no_q_squared_for_that_construct_only() -> None:
    from acsi.errors import BlindfoldingWarning
    from acsi.resources import bundled

    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv")).head(60).copy()
    frame["complaint"] = 1
    frame.loc[0, "complaint"] = 2  # the round that omits row 0 leaves the indicator constant
    result = acsi.fit(spec, frame)
    with pytest.warns(BlindfoldingWarning, match=r"round 1 of 7 for 'customer_complaints' leaves indicator\(s\) 'complaint'"):
        q2 = q_squared(result)
    assert np.isnan(q2["customer_complaints"])
    assert np.isfinite(q2.drop("customer_complaints")).all()


def test_pls_predict_names_the_indicator_a_training_fold_leaves_constant() -> None:
    from acsi.assessment import pls_predict
    from acsi.errors import EstimationError

    spec, frame = _seven_indicator_model(60)
    frame["x1"] = 0.0
    frame.loc[0, "x1"] = 1.0
    result = acsi.fit(spec, frame)
    with pytest.raises(EstimationError, match=r"PLSpredict training fold \d of 5 leaves indicator\(s\) 'x1' \(X\) constant"):
        pls_predict(result, folds=5, seed=0)


def test_perfectly_collinear_indicators_get_an_infinite_outer_vif_with_our_warning() -> None:
    from acsi.assessment.collinearity import outer_vif
    from acsi.errors import CollinearityWarning

    S_bb = np.array([[1.0, 1.0, 0.3], [1.0, 1.0, 0.3], [0.3, 0.3, 1.0]])
    with pytest.warns(CollinearityWarning, match=r"indicators of 'A' \(a1, a2, a3\) are perfectly collinear"):
        vif = outer_vif(S_bb, ["a1", "a2", "a3"], "A")
    assert np.isinf(vif).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(outer_vif(np.array([[1.0, 0.5], [0.5, 1.0]]), ["a1", "a2"], "A"), [4 / 3, 4 / 3])


MOBI = """
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
CUEX =~ CUEX1 + CUEX2 + CUEX3
PERQ =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
PERV =~ PERV1 + PERV2
CUSA =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
CUSL =~ CUSL1 + CUSL2 + CUSL3
CUEX ~ IMAG
PERQ ~ CUEX
PERV ~ CUEX + PERQ
CUSA ~ IMAG + CUEX + PERQ + PERV
COMP ~ CUSA
CUSL ~ IMAG + CUSA + COMP
"""


def test_mobi_q_squared_with_the_default_distance_is_finite_for_every_construct(reference) -> None:  # noqa: ANN001
    """The case of the issue: n = 250, D = 7 and the 7 indicators of PERQ gave NaN with refit warnings."""
    frame = pd.read_csv(reference / "data" / "mobi.csv")
    result = acsi.fit(acsi.parse_syntax(MOBI), frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = assess(result, blindfolding=True).to_dict()
    assert out["omission_distance"] == 7
    assert set(out["q_squared"]) == set(result.spec.endogenous)
    assert all(value is not None and 0 < value < out["r_squared"][name] for name, value in out["q_squared"].items())


def test_acsi_assess_without_a_distance_moves_off_a_divisor_of_n_and_refuses_one_given(tmp_path) -> None:  # noqa: ANN001
    """The CLI's default is the library's (7, or the nearest D not dividing n), not a fixed 7."""
    from acsi.cli import main
    from acsi.spec.yaml_io import spec_to_yaml

    spec, frame = _seven_indicator_model(252)
    frame.to_csv(tmp_path / "d.csv", index=False)
    spec_file = tmp_path / "m.yaml"
    spec_file.write_text(spec_to_yaml(spec), encoding="utf-8")
    out = tmp_path / "a.json"
    assert main(["assess", str(spec_file), str(tmp_path / "d.csv"), "--q-squared", "--json", str(out), "--quiet"]) == 0
    assert json.loads(out.read_text())["omission_distance"] == 8
    assert main(["assess", str(spec_file), str(tmp_path / "d.csv"), "--q-squared", "--omission-distance", "7"]) == 2


def test_blindfolding_and_pls_predict_refit_with_the_estimator_the_result_keeps() -> None:
    """A result whose estimator stops after one iteration: every refit of Q² and PLSpredict warns so."""
    spec, frame = _seven_indicator_model(120)
    result = dataclasses.replace(acsi.fit(spec, frame), estimator=acsi.PLSPM(max_iter=1))
    with pytest.warns(acsi.ConvergenceWarning, match="max_iter=1 "):
        q_squared(result)
    with pytest.warns(acsi.ConvergenceWarning, match="max_iter=1 "):
        pls_predict(result, folds=3)
    orphan = dataclasses.replace(result, estimator=None)
    with pytest.raises(ParameterError, match="result.estimator"):
        q_squared(orphan)
