"""No t test where the standard error is zero by construction, nor for 0-100 indices (issue 10, item 13)."""

from __future__ import annotations

import numpy as np
import pytest

import acsi
from acsi.api import make_estimator


@pytest.mark.parametrize("method", ["pls", "plsc", "gsca"])
def test_single_indicator_weight_and_loading_and_the_indices_have_no_t(demo, method: str) -> None:  # noqa: ANN001
    spec, frame = demo
    boot = acsi.bootstrap(make_estimator(method), spec, frame, n_boot=30, seed=3)
    table = boot.table
    single = table.key == "customer_complaints / complaint"
    assert single.sum() == 2
    assert table.loc[single, "std_error"].abs().max() < 1e-12  # 1 in every resample, up to rounding
    assert table.loc[single, ["t", "p"]].isna().all().all()  # was t = 2.4e16
    assert table.loc[table.kind == "index", ["t", "p"]].isna().all().all()
    assert (table.loc[table.kind == "index", "std_error"] > 0).all()  # the index keeps its SE and interval
    tested = table.kind.isin(["paths", "r_squared"])
    assert np.isfinite(table.loc[tested, "t"]).all()
    multi = (table.kind == "loadings") & ~single
    assert np.isfinite(table.loc[multi, "t"]).all()


def test_a_raw_scale_single_indicator_weight_varies_and_keeps_its_t(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    result = acsi.fit(spec, frame, raw=True)
    assert result.fixed_by_construction()["weights"] == set()
    boot = acsi.bootstrap(result, n_boot=30, seed=3)
    table = boot.table
    row = table[(table.kind == "weights") & (table.key == "customer_complaints / complaint")]
    assert float(row.std_error.iloc[0]) > 1e-6 and np.isfinite(row.t.iloc[0])


def test_the_summary_leaves_t_and_p_blank_where_there_is_no_test(demo) -> None:  # noqa: ANN001
    spec, frame = demo
    text = str(acsi.bootstrap(acsi.fit(spec, frame), n_boot=30, seed=3).summary())
    assert "NaN" not in text and "e+16" not in text
    index_section = text.split("Index (0-100)")[1].split("\n\n")[0]
    first_row = index_section.strip().splitlines()[3].split()
    assert first_row[0] == "customer_expectations" and len(first_row) == 7  # estimate, mean, bias, se, two CI ends
