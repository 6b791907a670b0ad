"""Command-line mistakes are refused with one ``error:`` line naming the flag, before any work;
anything else is one ``internal error`` line (traceback only with ACSI_DEBUG)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import acsi.cli
from acsi.cli import main
from acsi.resources import bundled

SPEC = str(bundled("models/acsi.yaml"))
DEMO = str(bundled("datasets/acsi_demo.csv"))
BANK = str(bundled("datasets/bank_branches_demo.csv"))


@pytest.fixture()
def no_estimation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any fit fails the test: the refusal must come before the estimation."""

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the estimation ran before the request was checked")

    from acsi.compare import groups
    from acsi.estimators.pls import PLSPM

    monkeypatch.setattr(PLSPM, "fit", refuse)
    monkeypatch.setattr(groups, "estimate_groups", refuse)
    import acsi.compare

    monkeypatch.setattr(acsi.compare, "estimate_groups", refuse)


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_json_output_that_is_a_directory_is_refused_before_the_fit(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, DEMO, "--json", str(tmp_path)]) == 2
    assert "--json" in (err := _error(capsys)) and "is a directory" in err


def test_json_output_in_a_missing_folder_is_refused_before_the_fit(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, DEMO, "--json", str(tmp_path / "nope" / "out.json")]) == 2
    assert "does not exist" in _error(capsys)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_json_output_in_a_read_only_folder_is_refused_before_the_fit(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["fit", SPEC, DEMO, "--json", str(folder / "out.json")]) == 2
    finally:
        folder.chmod(0o700)
    assert "not writable" in _error(capsys)


def test_a_parquet_file_that_is_not_parquet_is_an_error_line(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    fake = tmp_path / "survey.parquet"
    fake.write_text("not parquet at all\n")
    assert main(["fit", SPEC, str(fake)]) == 2
    assert "survey.parquet" in _error(capsys)


def test_unknown_construct_is_refused_before_the_estimation_with_a_suggestion(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["compare", SPEC, BANK, "--group", "branch", "--construct", "customer_satisfactoin"]) == 2
    err = _error(capsys)
    assert "--construct 'customer_satisfactoin'" in err and "did you mean 'customer_satisfaction'" in err


def test_unknown_ipma_target_is_refused_before_the_estimation(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["ipma", SPEC, DEMO, "--target", "loyalty"]) == 2
    assert "--target 'loyalty'" in _error(capsys)


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["compare", SPEC, BANK, "--group", "branch", "--jobs", "0"], "--jobs"),
        (["compare", SPEC, BANK, "--group", "branch", "--min-n", "1"], "--min-n"),
        (["compare", SPEC, BANK, "--group", "branch", "--level", "95"], "--level"),
        (["assess", SPEC, DEMO, "--q-squared", "--omission-distance", "0"], "--omission-distance"),
        (["fit", SPEC, DEMO, "--max-iter", "0"], "--max-iter"),
        (["fit", SPEC, DEMO, "--tol", "-1"], "--tol"),
        (["fit", SPEC, DEMO, "--bootstrap", "1"], "--bootstrap"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(command: list[str], flag: str, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit) as exit_info:
        main(command)
    assert exit_info.value.code == 2
    assert f"argument {flag}" in _error(capsys)


def test_omission_distance_beyond_the_rows_is_refused_before_the_fit(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["assess", SPEC, DEMO, "--q-squared", "--omission-distance", "100000"]) == 2
    assert "--omission-distance 100000 must be at most n - 1" in _error(capsys)


def test_an_absurd_bootstrap_is_refused_with_its_memory_before_the_fit(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, DEMO, "--bootstrap", "1000000000000"]) == 2
    err = _error(capsys)
    assert "--bootstrap 1000000000000" in err and "of memory available" in err and "TB" in err


def test_a_bootstrap_too_small_for_percentile_intervals_is_warned(capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, DEMO, "--bootstrap", "10", "--seed", "1", "--quiet"]) == 0
    assert "use at least 40" in capsys.readouterr().err


def test_group_bootstrap_below_the_minimum_is_refused_before_the_estimation(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["compare", SPEC, BANK, "--group", "branch", "--bootstrap", "5"]) == 2
    assert "--bootstrap 5 is too few" in _error(capsys)


def test_permutation_test_without_permutations_is_refused_before_the_estimation(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["compare", SPEC, BANK, "--group", "branch", "--test", "permutation"]) == 2
    assert "--permutations N" in _error(capsys)


def test_plot_folder_that_is_a_file_is_refused_before_the_estimation(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    afile = tmp_path / "figures"
    afile.write_text("")
    assert main(["compare", SPEC, BANK, "--group", "branch", "--plot", str(afile)]) == 2
    assert "--plot" in _error(capsys)


def test_ingest_output_with_an_unknown_extension_is_refused_before_reading(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["ingest", "survey", DEMO, "--out", str(tmp_path / "out.xlsx")]) == 2
    assert "--out" in _error(capsys)


def test_a_huge_cell_is_shortened_in_the_message(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    lines = Path(DEMO).read_text().splitlines()
    header, first = lines[0], lines[1].split(",")
    first[1] = "x" * 5_000_000
    data = tmp_path / "big.csv"
    data.write_text("\n".join([header, ",".join(first), *lines[2:]]) + "\n")
    assert main(["fit", SPEC, str(data)]) == 2
    err = _error(capsys)
    assert len(err) < 1000 and "5000000 characters" in err


def test_an_unexpected_exception_is_one_line_with_where_to_report(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    def boom(args):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("division by zero in a place that should not divide")

    monkeypatch.delenv("ACSI_DEBUG", raising=False)
    parser = acsi.cli.build_parser()
    monkeypatch.setattr(acsi.cli, "build_parser", lambda: _with_run(parser, "demo", boom))
    assert main(["demo"]) == acsi.cli.EXIT_INTERNAL
    err = _error(capsys)
    assert err.count("\n") == 1
    assert err.startswith("error: internal error: ZeroDivisionError: division by zero") and "please report" in err


def test_acsi_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("boom")

    parser = acsi.cli.build_parser()
    monkeypatch.setattr(acsi.cli, "build_parser", lambda: _with_run(parser, "demo", boom))
    monkeypatch.setenv("ACSI_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["demo"])


def test_an_os_error_is_one_error_line(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    def denied(args):  # noqa: ANN001, ANN202
        raise PermissionError(13, "Permission denied", "out.json")

    parser = acsi.cli.build_parser()
    monkeypatch.setattr(acsi.cli, "build_parser", lambda: _with_run(parser, "demo", denied))
    assert main(["demo"]) == 2
    assert _error(capsys) == "error: Permission denied: 'out.json'\n"


def _with_run(parser, command: str, run):  # noqa: ANN001, ANN202
    """``parser`` whose ``command`` runs ``run``."""
    subparsers = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    subparsers.choices[command].set_defaults(run=run)
    return parser


def test_an_unreadable_hierarchy_file_is_refused_before_the_estimation(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    empty = tmp_path / "industries.csv"
    empty.write_text("")
    assert main(["compare", SPEC, BANK, "--group", "branch", "--hierarchy", str(empty)]) == 2
    assert "--hierarchy" in _error(capsys)


def test_a_data_path_that_is_a_directory_says_so(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, str(tmp_path)]) == 2
    assert "is a directory" in _error(capsys)


def test_a_long_bootstrap_is_announced_with_time_and_memory(capsys) -> None:  # noqa: ANN001
    import argparse

    from acsi.cli.fit import announce_bootstrap
    from acsi.spec.load import load_spec

    args = argparse.Namespace(bootstrap=100_000, workers=2, quiet=False)
    announce_bootstrap(args, load_spec(SPEC), 500, seconds_per_fit=0.01)
    err = capsys.readouterr().err
    assert "--bootstrap 100000: up to 8 min" in err and "of memory" in err


def test_bca_with_too_few_resamples_is_refused_before_the_fit(no_estimation, capsys) -> None:  # noqa: ANN001
    assert main(["fit", SPEC, DEMO, "--bootstrap", "50", "--ci", "bca"]) == 2
    assert "--ci bca: BCa intervals need at least 200 resamples" in _error(capsys)


def test_q_squared_with_another_method_is_refused_before_the_fit(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    from acsi.estimators.gsca import GSCA

    monkeypatch.setattr(GSCA, "fit", lambda *a, **k: pytest.fail("the fit ran before the request was checked"))
    assert main(["assess", SPEC, DEMO, "--q-squared", "--method", "gsca"]) == 2
    assert "--method pls only" in _error(capsys)


def test_a_construct_without_an_index_is_refused_before_the_estimation(tmp_path: Path, no_estimation, capsys) -> None:  # noqa: ANN001
    from acsi.spec import load_spec, to_syntax

    lavaan = tmp_path / "bank.lav"  # lavaan text carries no scales: no construct has an index
    lavaan.write_text(to_syntax(load_spec(bundled("models/bank_branch.yaml"))))
    assert main(["compare", str(lavaan), BANK, "--group", "branch", "--construct", "customer_satisfaction"]) == 2
    assert "has no 0-100 index" in _error(capsys)
