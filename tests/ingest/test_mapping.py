"""Mappings: rename, missing codes, reverse coding, recoding tables, weights and groups."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acsi
from acsi.ingest import Survey, apply_mapping, load_mapping, mapping_from_dict, read_survey
from acsi.spec.model import Scale

from ._files import survey_frame, write

MODEL = "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2\nLOY ~ SAT\n"


def mapped(rules: dict, frame: pd.DataFrame | None = None, *, strict: bool = True, **top) -> Survey:
    survey = Survey.from_frame(survey_frame() if frame is None else frame, source="wave.csv")
    return apply_mapping(survey, mapping_from_dict({"indicators": rules, **top}), strict=strict)


def test_rename_keeps_values_and_passes_other_columns_through() -> None:
    out = mapped({"sat1": "q1", "sat3": {"column": "q3"}})
    np.testing.assert_array_equal(out.frame["sat1"], survey_frame()["q1"])
    assert "q1" not in out.frame.columns and {"q2", "q4", "wgt", "branch"} <= set(out.frame.columns)


def test_missing_codes_become_missing_and_are_counted() -> None:
    out = mapped({"sat2": {"column": "q2", "missing": {98: "don't know", 99: "refused"}}})
    assert out.frame["sat2"].isna().sum() == 3
    assert out.metadata.counts["sat2"]["missing_codes"] == 3
    assert out.metadata.missing_codes["sat2"] == (98, 99)


def test_text_missing_codes_are_recognised_in_text_columns() -> None:
    frame = survey_frame().astype({"q1": object})
    frame.loc[[0, 5], "q1"] = "DK"
    out = mapped({"sat1": {"column": "q1", "missing": ["DK"]}}, frame)
    assert out.frame["sat1"].isna().sum() == 2 and out.frame["sat1"].dtype == float


def test_reverse_coding_mirrors_the_scale() -> None:
    out = mapped({"sat1": {"column": "q1", "scale": [1, 5], "reverse": True}})
    np.testing.assert_array_equal(out.frame["sat1"], 6 - survey_frame()["q1"])
    assert out.metadata.scales["sat1"] == Scale(1, 5)


def test_five_level_recoding_gives_0_40_60_80_100() -> None:
    out = mapped({"sat1": {"column": "q1", "recode": "five_level"}})
    expected = survey_frame()["q1"].map({1: 0, 2: 40, 3: 60, 4: 80, 5: 100})
    np.testing.assert_array_equal(out.frame["sat1"], expected)
    assert out.metadata.scales["sat1"] == Scale(0, 100)


def test_acsi_recoding_maps_1_10_linearly_to_0_100() -> None:
    frame = pd.DataFrame({"q": [1.0, 10.0, 5.5, 4.0]})
    out = mapped({"sat": {"column": "q", "scale": [1, 10], "recode": "acsi"}}, frame)
    np.testing.assert_allclose(out.frame["sat"], [0.0, 100.0, 50.0, 100 / 3], rtol=0, atol=1e-12)


def test_any_recoding_table_and_reverse_before_recode() -> None:
    table = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}
    out = mapped({"sat1": {"column": "q1", "scale": [1, 5], "reverse": True, "recode": table}})
    expected = (6 - survey_frame()["q1"]).map(table)
    np.testing.assert_array_equal(out.frame["sat1"], expected)


def test_defaults_apply_unless_an_indicator_overrides_them() -> None:
    m = mapping_from_dict(
        {
            "defaults": {"scale": [1, 5], "missing": [98, 99]},
            "indicators": {"a": "q1", "b": {"column": "q2", "scale": [1, 7], "missing": []}},
        }
    )
    a, b = m.rules
    assert a.scale == Scale(1, 5) and a.missing == (98, 99)
    assert b.scale == Scale(1, 7) and b.missing == ()


def test_lenient_mode_turns_out_of_scale_and_unmapped_values_missing_and_counts_them() -> None:
    frame = survey_frame()
    frame.loc[[1, 2], "q1"] = 7.0
    out = mapped(
        {"sat1": {"column": "q1", "scale": [1, 5]}, "sat2": {"column": "q2", "recode": {1: 0, 2: 50, 3: 100}}},
        frame,
        strict=False,
    )
    assert out.metadata.counts["sat1"]["out_of_scale"] == 2 and out.frame["sat1"].isna().sum() == 2
    n_unmapped = int((~survey_frame()["q2"].isin([1, 2, 3])).sum())
    assert out.metadata.counts["sat2"]["unmapped"] == n_unmapped
    assert out.frame["sat2"].isna().sum() == n_unmapped


def test_weight_and_groups_reach_the_prepared_data_and_weight_the_estimates() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(60, 1))
    frame = pd.DataFrame(base + rng.normal(scale=0.6, size=(60, 5)), columns=["sat1", "sat2", "sat3", "loy1", "loy2"])
    frame["w"] = rng.integers(1, 4, 60)
    frame["branch"] = ["a", "b", "c"] * 20
    spec = acsi.parse_syntax(MODEL)
    mapping = mapping_from_dict({"indicators": {n: n for n in spec.indicators}, "weight": "w", "groups": ["branch"]})
    data = acsi.prepare(spec, frame, mapping=mapping)
    np.testing.assert_array_equal(data.case_weights, frame["w"].to_numpy())
    assert data.groups["branch"].tolist() == frame["branch"].tolist()
    weighted = acsi.fit(spec, data)
    repeated = acsi.fit(spec, frame.loc[frame.index.repeat(frame["w"])].reset_index(drop=True))
    np.testing.assert_allclose(weighted.outer_weights, repeated.outer_weights, rtol=0, atol=1e-10)
    np.testing.assert_allclose(weighted.path_matrix, repeated.path_matrix, rtol=0, atol=1e-10)
    assert weighted.warnings == ()


def test_groups_follow_the_rows_kept_by_listwise_deletion() -> None:
    frame = survey_frame()
    m = {"indicators": {f"x{i}": f"q{i}" for i in range(1, 6)}, "groups": ["branch"], "defaults": {"missing": [98, 99]}}
    survey = apply_mapping(Survey.from_frame(frame), mapping_from_dict(m))
    data = acsi.data.prepare_indicators(survey, [f"x{i}" for i in range(1, 6)], missing="listwise")
    assert data.n_dropped == 3 and len(data.groups) == 37
    assert data.groups.index.equals(data.row_labels)


def test_mapping_file_and_fit_on_a_spss_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    base = rng.integers(1, 6, size=(80, 1))
    frame = pd.DataFrame(
        np.clip(base + rng.integers(-1, 2, size=(80, 5)), 1, 5).astype(float), columns=["Q1", "Q2", "Q3", "Q4", "Q5"]
    )
    frame.loc[[4, 9], "Q2"] = 99.0
    path = write(frame, tmp_path / "w.sav", missing_codes={"Q2": [99]})
    (tmp_path / "map.yaml").write_text(
        "defaults: {scale: [1, 5]}\nindicators:\n  sat1: Q1\n  sat2: Q2\n  sat3: {column: Q3, recode: five_level}\n"
        "  loy1: Q4\n  loy2: Q5\n"
    )
    data = acsi.prepare(acsi.parse_syntax(MODEL), read_survey(path), mapping=tmp_path / "map.yaml", missing="listwise")
    assert data.n_dropped == 2 and 5 not in data.row_labels and 10 not in data.row_labels
    assert data.scales["sat3"] == Scale(0, 100) and data.scales["sat1"] == Scale(1, 5)
    assert data.missing_report.n_missing_codes == 2
    result = acsi.fit(acsi.parse_syntax(MODEL), data)
    assert result.to_dict()["missing"]["rows_dropped"] == 2
    assert 0 <= result.index.to_dict()["SAT"] <= 100


def test_load_mapping_reads_yaml(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("indicators:\n  sat1: {column: q1, scale: {min: 1, max: 5}, reverse: true}\n")
    mapping = load_mapping(tmp_path / "m.yaml")
    assert mapping.rules[0].reverse and mapping.scales == {"sat1": Scale(1, 5)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mapping.source == str(tmp_path / "m.yaml")


def test_one_source_column_feeding_two_indicators_is_refused_naming_both() -> None:
    from acsi.errors import IngestError

    with pytest.raises(IngestError) as info:
        mapping_from_dict({"indicators": {"sat1": "Q12", "sat2": {"column": "Q12", "reverse": True, "scale": [1, 10]}}})
    text = str(info.value)
    assert "'sat1'" in text and "'sat2'" in text and "'Q12'" in text


def test_an_indicator_named_as_another_ones_source_column_is_refused() -> None:
    from acsi.errors import IngestError

    with pytest.raises(IngestError, match="'q1' and 'q2' both come from source column 'q1'"):
        mapping_from_dict({"indicators": {"q1": None, "q2": "q1"}})
