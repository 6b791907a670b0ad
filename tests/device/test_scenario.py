"""Fake-device scenarios as a Python call: loaded, checked, replayed; the CLI stores the same events."""

from __future__ import annotations

import pytest
import yaml

from acsi.cli import main
from acsi.errors import IngestError
from acsi.ingest.device.capture import CaptureService
from acsi.ingest.device.profile_load import load_profile
from acsi.ingest.device.scenario import load_scenario, replay_scenario, scenario_from_dict
from acsi.ingest.device.site import site_from_dict
from acsi.ingest.device.store import EventStore

from .test_cli_device import SCRIPT, SITE

OTHER = {"vendor_id": 0x0BAD, "product_id": 0x0001, "steps": [{"report": "00"}]}


def _replay(db, scenario):  # noqa: ANN001, ANN202
    with EventStore(db) as store:
        service = CaptureService(
            [load_profile("hid-keyboard-4key")],
            site_from_dict(SITE),
            store,
            backend=scenario.backend,
            host_id="pc1",
            clock=scenario.clock,
            worker_options={"rescan_s": (0.5, 4.0)},
        )
        try:
            outcome = replay_scenario(service, scenario)
        finally:
            for worker in service.iter_workers():
                worker.stop()
        return outcome, store.events_frame()


def test_replaying_a_scenario_in_python_stores_what_the_cli_stores(tmp_path, capsys) -> None:
    scenario = scenario_from_dict({"devices": [*SCRIPT["devices"], OTHER]}, source="inline")
    outcome, events = _replay(tmp_path / "py.sqlite", scenario)
    assert outcome.reason == "done" and outcome.unmatched == ("0bad:0001",) and outcome.stopped == ()
    (tmp_path / "site.yaml").write_text(yaml.safe_dump(SITE))
    (tmp_path / "fake.yaml").write_text(yaml.safe_dump(SCRIPT))
    args = ["device", "listen", "--profile", "hid-keyboard-4key", "--site", str(tmp_path / "site.yaml")]
    args += ["--db", str(tmp_path / "cli.sqlite"), "--fake-script", str(tmp_path / "fake.yaml"), "--host-id", "pc1"]
    assert main(args) == 0
    capsys.readouterr()
    with EventStore.open_readonly(tmp_path / "cli.sqlite") as store:
        cli_events = store.events_frame()
    columns = ["window_id", "staff_id", "outcome", "level", "captured_at_utc", "raw_code"]
    assert events[columns].to_dict("records") == cli_events[columns].to_dict("records")
    assert len(events) == 2


def test_a_scenario_file_is_read_into_devices_with_their_steps(tmp_path) -> None:
    (tmp_path / "fake.yaml").write_text(yaml.safe_dump({"devices": [{**OTHER, "port_numbers": [3, 1]}]}))
    scenario = load_scenario(tmp_path / "fake.yaml")
    ((device, steps),) = scenario.devices
    assert (device.vendor_id, device.port_numbers, steps) == (0x0BAD, (3, 1), ({"report": "00"},))
    assert not device.script  # queued only by bind()
    scenario.bind()
    assert list(device.script) == [("report", b"\x00")]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "expected a mapping with a 'devices' list"),
        ({"devices": [{"vendor_id": 1, "product_id": 2, "colour": "red"}]}, "unknown keys colour"),
    ],
)
def test_a_malformed_scenario_is_refused(data: object, fragment: str) -> None:
    with pytest.raises(IngestError, match=fragment):
        scenario_from_dict(data, source="s.yaml")


@pytest.mark.parametrize(
    ("step", "fragment"),
    [
        ({"login": "S1"}, "needs a reader"),
        ({"dance": 1}, "unknown step 'dance'"),
        ("report", "one-key mapping"),
    ],
)
def test_a_bad_step_is_refused_when_bound(step: object, fragment: str) -> None:
    scenario = scenario_from_dict({"devices": [{"vendor_id": 1, "product_id": 2, "steps": [step]}]})
    with pytest.raises(IngestError, match=fragment):
        scenario.bind()


def test_a_missing_scenario_file_is_named(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="nothing.yaml"):
        load_scenario(tmp_path / "nothing.yaml")
