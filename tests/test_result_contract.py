"""The result contract shared by every result type (:mod:`acsi.result_contract`).

Frozen, read-only arrays, pandas views that are copies, strict-JSON ``to_dict()`` that survives a
round trip, a tidy ``to_frame()``, a ``summary()`` as text, Markdown and HTML, a one-line ``repr``
and ``_repr_html_``; the parameter table of a fit and the bootstrap table share their keys.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.resources import bundled


def _refuse(token: str) -> None:
    raise AssertionError(f"non-strict JSON token {token!r}")


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    from acsi.assessment import assess, retest_reliability
    from acsi.compare import compare_branches, compare_methods, estimate_groups, ipma
    from acsi.data import prepare
    from acsi.inference import bootstrap
    from acsi.ingest.report import validation_report
    from acsi.ingest.survey import read_survey

    spec = acsi.load_spec(bundled("models/acsi.yaml"))
    frame = pd.read_csv(bundled("datasets/acsi_demo.csv"))
    fit = acsi.fit(spec, frame)
    branch_spec = acsi.load_spec(bundled("models/bank_branch.yaml"))
    branches = read_survey(str(bundled("datasets/bank_branches_demo.csv")))
    return {
        "FitResult": fit,
        "IndexResult": fit.index,
        "FitResult(cbsem, ULS)": acsi.fit(spec, frame, method="cbsem", objective="ULS"),
        "BootstrapResult": bootstrap(fit, n_boot=30, seed=1),
        "Assessment": assess(fit),
        "RetestResult": retest_reliability(spec, frame, frame.sample(frac=1.0, random_state=0).reset_index(drop=True)),
        "IPMAResult": ipma(fit, spec.endogenous[-1]),
        "GroupEstimates": estimate_groups(branch_spec, branches, "branch", n_boot=0),
        "GroupEstimates(bootstrap)": estimate_groups(branch_spec, branches, "branch", n_boot=20, seed=4),
        "MethodComparison": compare_methods(spec, prepare(spec, frame), ["pls", "gsca"]),
        "BranchComparison": compare_branches(branch_spec, branches, "branch"),
        "IngestReport": validation_report(branches, branches),
    }


NAMES = [
    "FitResult",
    "IndexResult",
    "FitResult(cbsem, ULS)",
    "BootstrapResult",
    "Assessment",
    "RetestResult",
    "IPMAResult",
    "GroupEstimates",
    "GroupEstimates(bootstrap)",
    "MethodComparison",
    "BranchComparison",
    "IngestReport",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_result_is_frozen(results, name) -> None:
    result = results[name]
    field = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, field, None)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_to_dict_is_strict_json(results, name) -> None:
    text = json.dumps(results[name].to_dict(), allow_nan=False)
    json.loads(text, parse_constant=_refuse)


def test_a_cbsem_uls_fit_has_non_finite_fit_measures_and_writes_them_as_null(results) -> None:
    fit = results["FitResult(cbsem, ULS)"]
    indices = fit.to_dict()["fit_indices"]
    assert any(value is None for value in indices.values())  # CFI, RMSEA, ... are not defined for ULS
    json.loads(json.dumps(fit.to_dict(), allow_nan=False), parse_constant=_refuse)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_has_a_one_line_repr(results, name) -> None:
    text = repr(results[name])
    assert "\n" not in text and len(text) < 200 and text.startswith(type(results[name]).__name__ + "(")


#: The documented leading columns of each result's ``to_frame()``.
FRAME_COLUMNS = {
    "FitResult": ["lhs", "op", "rhs", "estimate"],
    "IndexResult": ["construct", "indicator", "weight", "mean", "scale_min", "scale_max", "index"],
    "FitResult(cbsem, ULS)": ["lhs", "op", "rhs", "estimate", "std_error", "std_all"],
    "BootstrapResult": ["lhs", "op", "rhs", "estimate", "boot_mean", "bias", "std_error", "t", "p", "ci_lower", "ci_upper"],
    "Assessment": ["measure", "row", "column", "value"],
    "RetestResult": ["level", "name", "n", "mean_first", "mean_second", "mean_difference", "sd_difference", "t", "df", "p"],
    "IPMAResult": ["level", "construct", "indicator", "importance", "performance", "quadrant"],
    "GroupEstimates": ["group", "quantity", "parameter", "n_obs", "estimate", "std_error", "ci_lower", "ci_upper"],
    "MethodComparison": ["lhs", "op", "rhs", "method", "estimate"],
    "BranchComparison": ["group", "n", "value"],
    "IngestReport": ["column", "type", "missing", "missing_codes", "min", "max"],
}


def _arrays(value: object) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, tuple | list):
        return [a for item in value for a in _arrays(item)]
    if isinstance(value, dict):
        return [a for item in value.values() for a in _arrays(item)]
    return []


@pytest.mark.parametrize("name", NAMES)
def test_every_array_a_result_holds_or_hands_out_is_read_only(results, name) -> None:
    result = results[name]
    names = [f.name for f in dataclasses.fields(result)]
    names += [n for n in dir(type(result)) if not n.startswith("_") and isinstance(getattr(type(result), n), property)]
    held = [a for n in names for a in _arrays(getattr(result, n))]
    assert held or name in ("IPMAResult", "MethodComparison", "BranchComparison", "Assessment", "RetestResult", "IngestReport")
    for array in held:
        assert not array.flags.writeable
        if array.size:
            with pytest.raises(ValueError, match="read-only"):
                array.flat[0] = 0


@pytest.mark.parametrize("name", NAMES)
def test_every_pandas_object_read_from_a_result_is_a_copy(results, name) -> None:
    result = results[name]
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, pd.DataFrame):
            value["probe"] = 1.0  # changes the copy handed out only
            assert "probe" not in getattr(result, field.name).columns
        elif isinstance(value, pd.Series) and len(value) and pd.api.types.is_float_dtype(value):
            before = value.iloc[0]
            value.iloc[0] = before + 1.0  # changes the copy handed out only
            assert getattr(result, field.name).iloc[0] == before


@pytest.mark.parametrize("name", NAMES)
def test_every_result_to_dict_equals_itself_after_a_json_round_trip(results, name) -> None:
    out = results[name].to_dict()
    assert json.loads(json.dumps(out, allow_nan=False)) == out


@pytest.mark.parametrize("name", NAMES)
def test_every_result_to_frame_is_a_tidy_frame_with_the_documented_columns(results, name) -> None:
    frame = results[name].to_frame()
    expected = FRAME_COLUMNS[name.split("(")[0] if name.startswith("GroupEstimates") else name]
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    assert [c for c in frame.columns if c in expected] == expected


@pytest.mark.parametrize("name", NAMES)
def test_every_result_summary_renders_as_text_markdown_and_html(results, name) -> None:
    summary = results[name].summary()
    text, markdown, page = summary.as_text(), summary.as_markdown(), summary.as_html()
    assert str(summary) == text and text.strip()
    assert markdown.strip() and ("|" in markdown or not summary.tables())
    assert page.startswith('<div class="acsi-summary">') and page.endswith("</div>")


@pytest.mark.parametrize("name", NAMES)
def test_every_result_summary_prints_its_tables_as_booktabs_latex_and_an_excel_sheet_each(results, name, tmp_path) -> None:
    summary = results[name].summary()
    tables = summary.publication_tables()
    assert [t.title for t in tables] == [title or "table" for title in summary.tables()]
    latex = summary.as_latex()
    assert latex.count(r"\begin{table}") == len(tables) == latex.count(r"\bottomrule")
    for table, block in zip(tables, latex.split(r"\begin{table}")[1:]):  # one LaTeX row per table row
        rows = block.split(r"\midrule", 1)[1].split(r"\bottomrule", 1)[0]
        assert rows.count(r"\\") == len(table.frame)
    if tables:
        workbook = pd.read_excel(summary.to_excel(tmp_path / "summary.xlsx"), sheet_name=None)
        assert len(workbook) == len(tables)
        first = next(iter(workbook.values()))
        assert list(first.columns)[: len(tables[0].frame.columns)] == list(tables[0].frame.columns)


@pytest.mark.parametrize("name", NAMES)
def test_every_result_repr_html_is_the_html_of_its_summary(results, name) -> None:
    result = results[name]
    if name.startswith("FitResult"):  # a fit shows its path diagram above the tables
        page = result._repr_html_()
        assert page == f'<div class="acsi-fit">{result.plot()}{result.summary().as_html()}</div>'
        assert page.count("<svg") == 1
    else:
        assert result._repr_html_() == result.summary().as_html()


def test_the_parameter_table_of_a_fit_and_the_bootstrap_table_merge_on_lhs_op_rhs(results) -> None:
    fit, boot = results["FitResult"], results["BootstrapResult"]
    merged = fit.params.merge(boot.to_frame(), on=["lhs", "op", "rhs"], suffixes=("", "_boot"))
    bootstrapped = fit.params[fit.params.op.isin(["=~", "<~", "~", "r2"])]
    assert len(merged) == len(bootstrapped)
    # the bootstrap's full-sample estimates are the fit's own numbers (same arrays, same machine)
    np.testing.assert_allclose(merged["estimate_boot"], merged["estimate"], rtol=0, atol=1e-12)
    assert merged["std_error"].notna().all()


def test_the_threshold_table_states_every_bound_in_its_text_and_feeds_the_assessment_json(results) -> None:
    from acsi.thresholds import RETEST, TABLE, THRESHOLDS

    for row in (*TABLE, *RETEST):
        for number in row.bound:
            assert f"{number:g}" in row.text or f"{number:.2f}" in row.text, (row.measure, number)
        assert row.source
    assessment = results["Assessment"]
    assert assessment.to_dict()["thresholds"] == THRESHOLDS
    assert all(
        text in str(assessment.summary()) for key, text in THRESHOLDS.items() if key not in ("dillon_goldstein_rho", "q_squared")
    )


def test_the_assessment_flags_read_their_bounds_from_the_threshold_table(results, monkeypatch) -> None:
    import acsi.assessment.result
    from acsi.thresholds import bound

    assessment = results["Assessment"]
    srmr = assessment.srmr[1]
    monkeypatch.setattr(acsi.assessment.result, "bound", lambda m: (srmr / 2,) if m == "srmr" else bound(m))
    assert any(flag.startswith("SRMR of the saturated model") for flag in assessment.flags())


@pytest.mark.parametrize("method", ["pls", "plsc", "gsca", "cbsem"])
def test_every_method_writes_one_parameter_table_keyed_by_lavaan_operators(demo, method) -> None:  # noqa: ANN001
    spec, frame = demo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = acsi.fit(spec, frame, method=method).params
    assert list(params.columns[:4]) == ["lhs", "op", "rhs", "estimate"]
    assert set(params.op) <= {"=~", "<~", "~", "~~", "r2"} and {"=~", "~"} <= set(params.op)
    assert not params.duplicated(["lhs", "op", "rhs"]).any()
    if method == "cbsem":  # one word per concept: std_error, and std_all for the standardised solution
        assert {"std_error", "std_all"} <= set(params.columns)
