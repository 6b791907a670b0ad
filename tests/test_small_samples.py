"""Samples too small for the model are refused, small ones warned; no bare numpy RuntimeWarning (issue 10, item 5)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi import strict_json
from acsi.assessment import assess
from acsi.cli import main
from acsi.data import check_sample_size, largest_regression
from acsi.errors import DataError, InadmissibleSolutionWarning, SmallSampleWarning
from acsi.resources import bundled


def test_three_respondents_are_refused_instead_of_an_r_squared_above_one(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    with pytest.raises(DataError, match=r"Only 3 observation\(s\) for 14 indicators: at least 15 are needed"):
        acsi.fit(spec, frame.head(3))


@pytest.mark.parametrize("n", [10, 14])
def test_no_more_respondents_than_indicators_is_refused_with_the_rule(demo, n: int) -> None:  # noqa: ANN001
    spec, frame = demo
    with pytest.raises(DataError, match=rf"Only {n} observation.*14 indicators.*at least 15.*ten-times rule asks for 30"):
        acsi.prepare(spec, frame.head(n))


def test_below_the_ten_times_rule_warns_naming_the_largest_regression_and_the_fit_carries_the_message(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    with pytest.warns(SmallSampleWarning, match=r"Only 20 observations, fewer than the 30.*'customer_satisfaction' on"):
        result = acsi.fit(spec, frame.head(20))
    assert any("ten-times rule" in message for message in result.to_dict()["warnings"])
    assert np.all(result.r_squared_vector < 1.0)


def test_the_ten_times_rule_is_met_without_a_warning(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = acsi.fit(spec, frame.head(30))
    assert not result.warnings


def test_a_mode_b_block_counts_as_a_regression_on_its_indicators() -> None:
    spec = acsi.parse_syntax("A <~ a1 + a2 + a3 + a4 + a5\nB =~ b1 + b2\nB ~ A")
    assert largest_regression(spec) == (5, "Mode B construct 'A' on its indicators a1, a2, a3, a4, a5")
    assert check_sample_size(spec, 50) is None
    assert "fewer than the 50" in str(check_sample_size(spec, 49))
    with pytest.raises(DataError, match="at least 8 are needed"):
        check_sample_size(spec, 7)


def test_cli_refuses_a_tiny_sample_with_one_line_and_exit_2(demo, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    _, frame = demo
    data = tmp_path / "tiny.csv"
    frame.head(3).to_csv(data, index=False)
    code = main(["fit", str(bundled("models/acsi.yaml")), str(data), "--json", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Only 3 observation(s) in" in err and "tiny.csv" in err and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("method", ["pls", "plsc", "gsca"])
def test_small_samples_raise_no_bare_runtime_warning_through_fit_index_assess_and_bootstrap(demo, method: str) -> None:  # noqa: ANN001
    """n just above the refusal: every warning that reaches the user is ours."""
    spec, frame = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", acsi.AcsiWarning)
        for n in (15, 20, 29):
            data = acsi.prepare(spec, frame.head(n))
            result = acsi.fit(spec, data, method=method)
            strict_json.dumps(result.to_dict())
            str(result.summary())
            if method == "pls":
                a = assess(result, blindfolding=True)
                str(a.summary())
            try:
                boot = acsi.bootstrap(acsi.api.make_estimator(method), spec, data, n_boot=20, seed=1)
            except acsi.errors.EstimationError:  # ours: every PLSc resample inadmissible at n = 15
                continue
            str(boot.summary())


def test_inner_regression_without_residual_variance_reports_no_standard_errors(demo) -> None:  # noqa: ANN001
    """R² of 1 (an exactly determined construct) gave sqrt/divide RuntimeWarnings and t = inf."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 2))
    frame = pd.DataFrame({"a1": x[:, 0], "b1": x[:, 1], "c1": x[:, 0] + x[:, 1]})
    result = acsi.fit(acsi.parse_syntax("A =~ a1\nB =~ b1\nC =~ c1\nC ~ A + B"), frame)
    with pytest.warns(InadmissibleSolutionWarning, match="structural regression of 'C' has R² = .*, 1 up to rounding"):
        a = assess(result)
    out = a.to_dict()
    assert out["inner_regressions"]["C"]["A"]["std_error"] is None and out["inner_regressions"]["C"]["A"]["t"] is None
    assert out["f_squared"]["A -> C"] is None
    json.dumps(out, allow_nan=False)
