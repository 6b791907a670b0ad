"""``acsi device ...`` end to end on the fake backend: list, listen, import, export, indicators, learn."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
import yaml

from acsi.cli import main

from .test_vendor_log import LOG

SITE = {
    "bank_id": "B",
    "branch_id": "BR1",
    "tz": "Asia/Shanghai",
    "windows": [{"window_id": "W1", "device_uid": "1209:0001:SN0001"}],
}
SCRIPT = {
    "devices": [
        {
            "vendor_id": 0x1209,
            "product_id": 0x0001,
            "serial": "SN0001",
            "steps": [
                {"login": "S001"},
                {"report": "00001e0000000000"},
                {"report": "0000000000000000"},
                {"silence": 600},
                {"unplug": 2000},
                {"report": "0000210000000000"},
                {"report": "0000000000000000"},
                {"silence": 100},
            ],
        }
    ]
}


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(SITE))
    (tmp_path / "fake.yaml").write_text(yaml.safe_dump(SCRIPT))
    return tmp_path


def test_device_help_lists_the_subcommands(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["device", "--help"])
    out = capsys.readouterr().out
    for name in ("list", "listen", "import", "export", "indicators", "learn"):
        assert name in out


def test_list_shows_profiles_and_fake_devices(files, capsys) -> None:
    assert main(["device", "list", "--fake-script", str(files / "fake.yaml"), "--host-id", "pc1"]) == 0
    out = capsys.readouterr().out
    assert "hid-keyboard-4key v1" in out and "1209:0001:SN0001" in out and "profile: hid-keyboard-4key" in out


def test_listen_prints_and_stores_each_event(files, capsys) -> None:
    db = files / "e.sqlite"
    code = main(
        [
            "device",
            "listen",
            "--profile",
            "hid-keyboard-4key",
            "--site",
            str(files / "site.yaml"),
            "--db",
            str(db),
            "--fake-script",
            str(files / "fake.yaml"),
        ]
    )
    assert code == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 2
    assert "BR1/W1 staff S001 rated level 4/4 (very_satisfied)" in lines[0]
    assert "rated level 1/4 (dissatisfied)" in lines[1]


def test_import_export_and_indicators(files, capsys) -> None:
    log = files / "vendor.csv"
    log.write_text(LOG, encoding="utf-8")
    db = str(files / "e.sqlite")
    args = ["device", "import", str(log), "--profile", "framed-5level", "--site", str(files / "site.yaml"), "--db", db]
    assert main(args) == 0 and main(args) == 0
    out = capsys.readouterr().out
    assert "5 new events of 5" in out and "0 new events of 5" in out
    assert main(["device", "export", "--db", db, "--out", str(files / "x.parquet")]) == 0
    assert main(["device", "indicators", "--db", db, "--by", "branch,month", "--min-n", "1", "--out", str(files / "i.csv")]) == 0
    table = pd.read_csv(files / "i.csv")
    assert list(table["period"]) == ["2024-03", "2024-04"] and list(table["n_rated"]) == [3, 0]
    assert (
        main(
            [
                "device",
                "indicators",
                "--db",
                str(files / "x.parquet"),
                "--by",
                "window,quarter",
                "--min-n",
                "1",
                "--out",
                str(files / "q.csv"),
            ]
        )
        == 0
    )
    assert main(["device", "indicators", "--db", db, "--by", "branch,decade"]) == 2
    assert "give one period" in capsys.readouterr().err


def test_learn_dumps_hex_and_drafts_a_loadable_profile(files, capsys) -> None:
    from acsi.ingest.device.profile_load import load_profile

    script = {
        "devices": [
            {
                "vendor_id": 0x1209,
                "product_id": 0x0009,
                "serial": "X1",
                "steps": [
                    {"report": "00001e0000000000"},
                    {"report": "0000000000000000"},
                    {"report": "00001f0000000000"},
                    {"report": "0000000000000000"},
                    {"report": "0000200000000000"},
                    {"report": "0000000000000000"},
                    {"report": "0000210000000000"},
                    {"report": "0000000000000000"},
                ],
            }
        ]
    }
    (files / "learn.yaml").write_text(yaml.safe_dump(script))
    draft = files / "draft.yaml"
    assert (
        main(
            [
                "device",
                "learn",
                "--fake-script",
                str(files / "learn.yaml"),
                "--vendor-id",
                "0x1209",
                "--product-id",
                "0x0009",
                "--seconds",
                "2",
                "--keys",
                "very_satisfied,satisfied,basic,dissatisfied",
                "--draft",
                str(draft),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "00 00 1e 00 00 00 00 00" in out and "interface 0 class 3" in out
    p = load_profile(draft)
    assert p.decoder.kind == "hid-boot-keyboard" and p.scale.levels == 4
    assert {c: m.label for c, m in p.codes.items()} == {
        0x1E: "very_satisfied",
        0x1F: "satisfied",
        0x20: "basic",
        0x21: "dissatisfied",
    }


def test_only_the_reader_and_the_fake_backend_import_usb() -> None:
    package = Path(__file__).resolve().parents[2] / "acsi"
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            if any(n.split(".")[0] == "usb" for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"ingest/device/usb_reader.py", "ingest/device/fake_backend.py"}


def test_learn_returns_the_reports_and_the_draft_without_printing(files, capsys) -> None:
    from acsi.ingest.device.learn import learn
    from acsi.ingest.device.scenario import load_scenario

    script = {
        "devices": [
            {
                "vendor_id": 0x1209,
                "product_id": 0x0009,
                "serial": "X1",
                "steps": [
                    {"report": "00001e0000000000"},
                    {"report": "0000000000000000"},
                    {"report": "00001f0000000000"},
                    {"report": "0000000000000000"},
                ],
            }
        ]
    }
    (files / "learn.yaml").write_text(yaml.safe_dump(script))
    scenario = load_scenario(files / "learn.yaml")
    scenario.bind()
    result = learn(
        backend=scenario.backend,
        vendor_id=0x1209,
        product_id=0x0009,
        seconds=2,
        keys=["satisfied", "dissatisfied"],
        clock=scenario.clock,
    )
    assert capsys.readouterr().out == ""
    assert [d.hex() for _, d in result.reports] == [
        "00001e0000000000",
        "0000000000000000",
        "00001f0000000000",
        "0000000000000000",
    ]
    assert result.profile["decoder"]["kind"] == "hid-boot-keyboard"
    assert "00 00 1e 00 00 00 00 00" in result.summary() and result.draft_text in result.summary()


def test_the_library_outside_the_cli_calls_no_print() -> None:
    package = Path(__file__).resolve().parents[2] / "acsi"
    callers = []
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                callers.append(f"{path.relative_to(package).as_posix()}:{node.lineno}")
    assert callers == []


def test_device_indicators_command_writes_the_library_table(files, capsys) -> None:
    from acsi.ingest.device.indicators import indicators_from_counts
    from acsi.ingest.device.parquet_counts import counts_from_parquet

    log = files / "vendor.csv"
    log.write_text(LOG, encoding="utf-8")
    db = str(files / "e.sqlite")
    assert main(["device", "import", str(log), "--profile", "framed-5level", "--site", str(files / "site.yaml"), "--db", db]) == 0
    assert main(["device", "export", "--db", db, "--out", str(files / "x.parquet")]) == 0
    assert (
        main(
            [
                "device",
                "indicators",
                "--db",
                str(files / "x.parquet"),
                "--by",
                "branch,month",
                "--min-n",
                "1",
                "--out",
                str(files / "i.parquet"),
            ]
        )
        == 0
    )
    counts, reasons = counts_from_parquet(str(files / "x.parquet"), by="branch,month")
    expected = indicators_from_counts(counts, reasons, by="branch,month", min_n=1)
    pd.testing.assert_frame_equal(
        pd.read_parquet(files / "i.parquet"), expected.reset_index(drop=True), check_dtype=False, rtol=0, atol=1e-9
    )
