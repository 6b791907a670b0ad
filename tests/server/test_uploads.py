"""Uploads in the browser: a vendor log read with the branch's device profile and site file
(idempotent, scoped), a survey with its own model spec and mapping file, and ``acsi org import``
of site files and a profile."""

from __future__ import annotations

import html
from pathlib import Path

from sqlalchemy import func, select

from tests.server.conftest import csrf_of, login

SITE = b"bank_id: BANK01\nbranch_id: B01\ntz: Asia/Shanghai\nwindows:\n  - {window_id: W1}\n  - {window_id: W2}\n"
LOG = """流水号,评价时间,窗口号,工号,评价结果,原因
1001,2025-03-05 09:15:02,W1,S1,5,
1002,2025-03-05 09:20:40,W1,S1,2,1|4
1003,2025-03-05 10:05:00,W2,S2,4,
"""
DEMO = Path(__file__).resolve().parents[2] / "datasets" / "bank_branches_demo.csv"


def _set_devices(client, branch: str = "B01", site: bytes = SITE) -> None:
    login(client, "admin")
    page = client.get(f"/admin/org/branch/{branch}")
    answer = client.post(
        f"/admin/org/branch/{branch}/devices",
        data={"csrf": csrf_of(page.text), "profile_name": "framed-5level"},
        files={"site": ("site.yaml", site, "text/yaml")},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def _upload_log(client, branch: str, content: str):
    page = client.get(f"/branch/{branch}/data")
    return client.post(
        f"/branch/{branch}/data/vendor-log",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("vendor.csv", content.encode("utf-8"), "text/csv")},
    )


def _events_of(engine, branch: str, day: str) -> int:
    from acsi.server.schema import events

    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(events).where(events.c.branch_id == branch, events.c.local_date == day)
        ).scalar_one()


def test_a_vendor_log_uploaded_by_the_branch_manager_is_stored_once(client, bank, monkeypatch):
    from acsi.server import ingest

    monkeypatch.setattr(ingest, "MAX_BATCH", 2)  # a log longer than one push batch is stored in batches
    _set_devices(client)
    login(client, "mgr1")
    first = _upload_log(client, "B01", LOG)
    assert first.status_code == 200 and "3 rows read, 3 new events stored, 0 already stored" in first.text
    again = _upload_log(client, "B01", LOG)
    assert "3 rows read, 0 new events stored, 3 already stored" in again.text
    assert _events_of(bank, "B01", "2025-03-05") == 3
    rows = client.get("/api/v1/indicators?by=branch,month&since=2025-03-01").json()["rows"]
    assert sum(r["n_rated"] for r in rows if r["branch_id"] == "B01") == 3


def test_a_vendor_log_needs_the_branch_device_setup_and_stays_in_scope(client, bank):
    login(client, "mgr1")
    missing = _upload_log(client, "B01", LOG)
    assert missing.status_code == 422 and "has no site file on the server" in missing.text
    assert _upload_log(client, "B03", LOG).status_code == 403
    _set_devices(client, site=SITE + b"  - {window_id: W3, branch_id: B03}\n")
    login(client, "mgr1")
    other = _upload_log(client, "B01", LOG + "1004,2025-03-05 11:00:00,W3,S4,5,\n")
    assert other.status_code == 422 and "B03" in html.unescape(other.text)
    assert _events_of(bank, "B01", "2025-03-05") == 0 and _events_of(bank, "B03", "2025-03-05") == 0


def test_a_survey_with_its_own_model_and_mapping_gives_branch_indices_matching_compare(client, bank):
    import io

    import pandas as pd

    from acsi import load_spec
    from acsi.compare import estimate_groups

    frame = pd.read_csv(DEMO).rename(columns={"qual_overall": "Q1", "sat_overall": "Q9", "filiale": "x"})
    spec = (
        "scale: {min: 1, max: 10}\n"
        "constructs:\n"
        "  quality: {mode: reflective, indicators: [Q1, qual_waiting_time, qual_competence]}\n"
        "  value: {mode: reflective, indicators: [value_fees_given_service, value_service_given_fees]}\n"
        "  satisfaction: {mode: reflective, indicators: [sat, sat_confirmation, sat_ideal]}\n"
        "paths:\n"
        "  value: [quality]\n"
        "  satisfaction: [quality, value]\n"
    )
    mapping = "indicators:\n  sat: {column: Q9}\n"
    login(client, "analyst")
    page = client.get("/survey")
    answer = client.post(
        "/survey",
        data={"csrf": csrf_of(page.text), "target": "satisfaction"},
        files={
            "file": ("survey.csv", frame.to_csv(index=False).encode(), "text/csv"),
            "spec": ("model.yaml", spec.encode(), "text/yaml"),
            "mapping": ("mapping.yaml", mapping.encode(), "text/yaml"),
        },
    )
    assert answer.status_code == 200 and "uploaded with the survey" in answer.text, answer.text[-3000:]
    got = pd.read_csv(io.StringIO(client.get("/survey/export/indices.csv").text)).set_index("branch")
    expected_frame = frame.rename(columns={"Q9": "sat"})
    expected_frame["branch"] = expected_frame["branch"].astype(str)
    expected = estimate_groups(load_spec(spec), expected_frame, "branch", n_boot=200, seed=1).table("satisfaction")
    expected = expected.set_index("group")
    for branch in got.index:
        assert abs(got.loc[branch, "value"] - expected.loc[branch, "value"]) < 0.05 + 1e-9  # shown with one decimal
    ipma = client.get("/survey/export/ipma.csv").text
    assert "quality" in ipma and "yes" in ipma


def test_a_survey_upload_names_a_wrong_target_or_a_broken_mapping(client, bank):
    login(client, "head")
    for data, files, message in [
        ({"target": "happiness"}, {}, "Target construct 'happiness' is not in the model"),
        ({}, {"mapping": ("m.yaml", b"indicators: [", "text/yaml")}, "Mapping of 'survey.csv' is not valid YAML"),
        ({}, {"spec": ("m.lav", b"/etc/passwd", "text/plain")}, "could not be analysed"),
    ]:
        page = client.get("/survey")
        answer = client.post(
            "/survey",
            data={"csrf": csrf_of(page.text), **data},
            files={"file": ("survey.csv", DEMO.read_bytes(), "text/csv"), **files},
        )
        assert answer.status_code == 200 and message in html.unescape(answer.text), message
        assert "root:" not in answer.text


def test_org_import_reads_site_files_and_a_profile(engine, tmp_path, capsys):
    from acsi.cli import main
    from acsi.server.devices import setup_of
    from acsi.server.org import import_org
    from acsi.server.schema import branches, counters
    from tests.server.conftest import ORG

    with engine.begin() as conn:
        import_org(conn, ORG)
    site = tmp_path / "b05.yaml"
    site.write_text("bank_id: BANK01\nbranch_id: B05\ntz: Europe/Berlin\nwindows:\n  - {window_id: W1}\n  - {window_id: W4}\n")
    url = str(engine.url.render_as_string(hide_password=False))
    assert main(["org", "import", "--site", str(site), "--profile", "framed-5level", "--region", "R2", "--db", url]) == 0
    assert "1 sites, 1 branches, 2 counters imported" in capsys.readouterr().out
    with engine.connect() as conn:
        tz = conn.execute(select(branches.c.tz).where(branches.c.code == "B05")).scalar_one()
        n_counters = conn.execute(
            select(func.count()).select_from(counters.join(branches)).where(branches.c.code == "B05")
        ).scalar_one()
        setup = setup_of(conn, "B05")
    assert (tz, n_counters, setup["profile"]) == ("Europe/Berlin", 2, "framed-5level")
    site.write_text("branch_id: B06\nwindows: []\n")
    assert main(["org", "import", "--site", str(site), "--db", url]) != 0
    assert "branch 'B06' is new; name its region with --region" in capsys.readouterr().err


def test_an_upload_larger_than_the_limit_is_refused_413_and_nothing_is_stored(client, bank, monkeypatch):
    from acsi.server import limits

    _set_devices(client)
    login(client, "mgr1")
    monkeypatch.setattr(limits, "MAX_FORM_BYTES", len(LOG.encode("utf-8")) - 1)
    answer = _upload_log(client, "B01", LOG)
    assert answer.status_code == 413 and "the server accepts at most" in html.unescape(answer.text)
    assert _events_of(bank, "B01", "2025-03-05") == 0
