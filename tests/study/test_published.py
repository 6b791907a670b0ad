"""A published table in a study file: validated before the run, compared within Monte-Carlo error after it."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from acsi.errors import ParameterError
from acsi.resources import bundled
from acsi.study.checkpoint import run_design
from acsi.study.published import PublishedTable, PublishedValue, compare_published, published_mcse
from acsi.study.studyfile import design_from_dict, load_study

KOCK = Path(bundled("models/studies/kock_2019.yaml"))


def _kock() -> dict:
    return yaml.safe_load(KOCK.read_text())


def test_the_shipped_kock_study_carries_the_whole_published_table() -> None:
    design = load_study(KOCK)
    table = design.reference
    assert table is not None and table.replications == 1000
    assert dict(table.columns) == {"PLSF": None, "FIML": "cbsem", "OLS": "sumscore", "PLS": "pls"}
    # 7 paths x 3 sample sizes x 3 statistics x 4 columns
    assert len(table.values) == 7 * 3 * 3 * 4
    assert {v.statistic for v in table.values} == {"bias", "empirical_se", "power"}
    zero = [v for v in table.values if v.parameter == "CO -> SU" and v.statistic == "power" and v.column == "OLS"]
    assert [v.value for v in sorted(zero, key=lambda v: v.n)] == [0.116, 0.272, 0.5]


def test_the_non_normal_kock_study_shares_table_3s_population_and_carries_table_4() -> None:
    normal, non_normal = load_study(KOCK), load_study(KOCK.with_name("kock_2019_nonnormal.yaml"))
    assert non_normal.population == normal.population and non_normal.ns == normal.ns
    assert [(d.kind, d.df) for d in non_normal.distributions] == [("chi_square", 1.0)]
    table = non_normal.reference
    assert table is not None and len(table.values) == 7 * 3 * 3 * 4 and "Table 4" in table.citation
    fiml_power = {v.n: v.value for v in table.values if (v.parameter, v.statistic, v.column) == ("CO -> AC", "power", "FIML")}
    assert fiml_power == {100: 0.682, 300: 0.99, 500: 1.0}


@pytest.mark.parametrize(
    ("edit", "key", "found"),
    [
        (lambda r: r["columns"].update(PLS="ols"), "'reference.columns.PLS'", "ols"),
        (lambda r: r["table"][0].update(parameter="CO -> XX"), "'reference.table[0].parameter'", "CO -> XX"),
        (lambda r: r["table"][0].update(n=250), "'reference.table[0].n'", "250"),
        (lambda r: r["table"][0].update(statistic="median"), "'reference.table[0].statistic'", "median"),
        (lambda r: r["table"][0].update(WarpPLS=0.1), "'reference.table[0].WarpPLS'", "WarpPLS"),
        (lambda r: r.update(where={"distribution": "skewed"}), "'reference.where.distribution'", "skewed"),
        (lambda r: r.pop("replications"), "'reference.replications'", "None"),
    ],
)
def test_a_bad_reference_block_names_key_expected_and_found(edit, key, found) -> None:
    content = _kock()
    edit(content["reference"])
    with pytest.raises(ParameterError) as caught:
        design_from_dict(content, source="kock.yaml", folder=KOCK.parent)
    message = str(caught.value)
    assert message.startswith("kock.yaml") and key in message and found in message and "expected" in message


def test_a_table_must_name_the_level_of_every_factor_the_design_varies() -> None:
    content = _kock()
    content["design"]["distribution"] = ["normal", {"name": "t5", "kind": "heavy_tailed", "df": 5}]
    with pytest.raises(ParameterError, match="reference.where.distribution.*design varies it"):
        design_from_dict(content, source="kock.yaml", folder=KOCK.parent)
    content["reference"]["where"] = {"distribution": "normal"}
    assert design_from_dict(content, source="kock.yaml", folder=KOCK.parent).reference is not None


def _table(values: list[PublishedValue], replications: int = 400) -> PublishedTable:
    return PublishedTable(
        citation="Author, A. (2020). Title.",
        source="",
        replications=replications,
        columns=(("P", "pls"), ("Other", None), ("ML", "cbsem")),
        values=tuple(values),
    )


def _summary() -> pd.DataFrame:
    rows = [
        {
            "estimator": "pls",
            "kind": "path",
            "parameter": "x -> y",
            "n": 100,
            "bias": -0.05,
            "bias_mcse": 0.004,
            "empirical_se": 0.08,
            "empirical_se_mcse": 0.003,
            "power_wald": math.nan,
            "power_wald_mcse": math.nan,
            "used": 400,
        },
        {
            "estimator": "cbsem",
            "kind": "path",
            "parameter": "x -> y",
            "n": 100,
            "bias": 0.002,
            "bias_mcse": 0.005,
            "empirical_se": 0.1,
            "empirical_se_mcse": 0.0035,
            "power_wald": math.nan,
            "power_wald_mcse": math.nan,
            "used": 400,
        },
        {
            "estimator": "cbsem",
            "kind": "path_marker",
            "parameter": "x -> y",
            "n": 100,
            "bias": 0.01,
            "bias_mcse": 0.01,
            "empirical_se": 0.2,
            "empirical_se_mcse": 0.007,
            "power_wald": 0.8,
            "power_wald_mcse": 0.02,
            "used": 400,
        },
    ]
    return pd.DataFrame(rows)


def test_published_mcse_follows_the_papers_replications() -> None:
    sd = PublishedValue("empirical_se", "x -> y", 100, "P", 0.08)
    bias = PublishedValue("bias", "x -> y", 100, "P", -0.06)
    power = PublishedValue("power", "x -> y", 100, "ML", 0.75)
    table = _table([sd, bias, power], replications=401)
    assert published_mcse(table, bias) == pytest.approx(0.08 / math.sqrt(401))
    assert published_mcse(table, sd) == pytest.approx(0.08 / math.sqrt(800))
    assert published_mcse(table, power) == pytest.approx(math.sqrt(0.75 * 0.25 / 401))
    lone = PublishedValue("bias", "x -> y", 100, "ML", 0.0)  # no published SD for this column
    assert math.isnan(published_mcse(_table([lone]), lone))


def test_comparison_scores_each_number_by_its_combined_monte_carlo_error() -> None:
    values = [
        PublishedValue("empirical_se", "x -> y", 100, "P", 0.08),
        PublishedValue("bias", "x -> y", 100, "P", -0.06),  # ours -0.05: 0.01 off
        PublishedValue("bias", "x -> y", 100, "Other", 0.0),  # a method we do not have
        PublishedValue("power", "x -> y", 100, "ML", 0.9),  # only in the marker metric for CB-SEM
        PublishedValue("power", "x -> y", 100, "P", 0.9),  # PLS has no Wald SE without a bootstrap
    ]
    table = _table(values)
    out = compare_published(_summary(), table).set_index(["statistic", "column"])
    bias = out.loc[("bias", "P")]
    combined = math.hypot(0.004, 0.08 / math.sqrt(400))
    assert bias["z"] == pytest.approx(0.01 / combined) and bias["agrees"]
    assert bias["kind"] == "path"
    other = out.loc[("bias", "Other")]
    assert other["agrees"] is None and math.isnan(other["z"]) and math.isnan(other["ours"])
    power = out.loc[("power", "ML")]
    assert power["kind"] == "path_marker" and power["ours"] == 0.8
    assert power["z"] == pytest.approx(-0.1 / math.hypot(0.02, math.sqrt(0.09 / 400))) and not power["agrees"]
    assert math.isnan(out.loc[("power", "P")]["ours"]) and out.loc[("power", "P")]["agrees"] is None


def test_a_run_with_a_reference_writes_the_comparison(tmp_path: Path) -> None:
    content = _kock()
    content["replications"] = 3
    content["design"]["n"] = [100]
    content["estimators"] = ["pls", "sumscore"]
    content["reference"]["columns"] = {"PLSF": None, "FIML": None, "OLS": "sumscore", "PLS": "pls"}
    content["reference"]["table"] = [row for row in content["reference"]["table"] if row["n"] == 100]
    design = design_from_dict(content, source="kock.yaml", folder=KOCK.parent)
    result = run_design(design, tmp_path)
    written = pd.read_csv(tmp_path / "published.csv")
    assert len(written) == len(design.reference.values)
    compared = written[written.estimator.isin(["pls", "sumscore"]) & (written.statistic != "power")]
    assert compared.ours.notna().all() and compared.z.notna().all()
    assert result.published is not None and len(result.published) == len(written)
    # the reference is not part of the fingerprint: the same design without it resumes the same run
    bare = design_from_dict({k: v for k, v in content.items() if k != "reference"}, source="k.yaml", folder=KOCK.parent)
    assert run_design(bare, tmp_path, resume=True).manifest["complete"]


def test_cli_bench_study_prints_the_agreement_and_draws_ours_against_the_paper(tmp_path: Path, capsys) -> None:
    from acsi.cli import main

    content = _kock()
    content["replications"] = 4
    content["design"]["n"] = [100]
    content["estimators"] = ["pls", "sumscore"]
    content["reference"]["columns"] = {"PLSF": None, "FIML": None, "OLS": "sumscore", "PLS": "pls"}
    content["reference"]["table"] = [row for row in content["reference"]["table"] if row["n"] == 100]
    study = tmp_path / "kock_small.yaml"
    study.write_text(yaml.safe_dump(content, sort_keys=False))
    out = tmp_path / "out"
    assert main(["bench", "study", str(study), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "Published table (Kock, N. (2019)): within 3 Monte-Carlo SEs bias:" in printed
    assert "published.csv" in printed and (out / "published.csv").exists()
    assert (out / "plots" / "published.png").stat().st_size > 0 and (out / "plots" / "published.svg").exists()
