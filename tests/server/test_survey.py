"""Survey view: upload, per-branch indices with intervals and IPMA, in the viewer's scope only."""

from __future__ import annotations

from pathlib import Path

from tests.server.conftest import csrf_of, login

DEMO = Path(__file__).resolve().parents[2] / "datasets" / "bank_branches_demo.csv"


def _upload(client, name: str, content: bytes):
    page = client.get("/survey")
    return client.post("/survey", data={"csrf": csrf_of(page.text)}, files={"file": (name, content, "text/csv")})


def test_upload_gives_branch_indices_with_intervals_and_ipma_matching_compare(client, bank):
    import pandas as pd

    from acsi import load_spec
    from acsi.compare import estimate_groups
    from acsi.resources import bundled
    from tests._tolerances import EXACT

    login(client, "head")
    answer = _upload(client, "survey.csv", DEMO.read_bytes())
    assert answer.status_code == 200 and "table-indices" in answer.text
    rows = client.get("/survey/export/indices.csv").text.splitlines()
    got = {line.split(",")[0]: float(line.split(",")[2]) for line in rows[1:]}
    frame = pd.read_csv(DEMO)
    expected = estimate_groups(load_spec(bundled("models/bank_branch.yaml")), frame, "branch", n_boot=200, seed=1)
    table = expected.table("customer_satisfaction").set_index("group")
    assert set(got) == {f"B0{i}" for i in range(1, 9)}
    for branch, value in got.items():
        assert abs(value - table.loc[branch, "value"]) <= EXACT["atol"] + 1e-9 * abs(value)
    assert got["B02"] == max(got.values()) and got["B05"] == min(got.values())  # the data's known differences
    ipma = client.get("/survey/export/ipma.csv").text
    assert "yes" in ipma and "perceived_quality" in ipma
    overview = client.get("/overview/export/ranking.csv?at=2025-02-01").text
    assert "survey_index" in overview.splitlines()[0]


def test_branch_manager_sees_only_the_own_branch_survey_rows(client, bank):
    from fastapi.testclient import TestClient

    login(client, "head")
    _upload(client, "survey.csv", DEMO.read_bytes())
    manager = TestClient(client.app)
    login(manager, "mgr1")
    page = manager.get("/survey")
    assert page.status_code == 200 and "B01" in page.text
    for other in ("B02", "B03", "B05", "B08"):
        assert other not in page.text
    export = manager.get("/survey/export/indices.csv").text
    assert [line.split(",")[0] for line in export.splitlines()[1:]] == ["B01"]
    assert (
        manager.post(
            "/survey", data={"csrf": csrf_of(page.text)}, files={"file": ("s.csv", DEMO.read_bytes(), "text/csv")}
        ).status_code
        == 403
    )


def test_a_bad_survey_file_is_reported_on_the_page(client):
    login(client, "head")
    answer = _upload(client, "bad.csv", b"a,b\n1,2\n")
    assert answer.status_code == 200 and "could not be analysed" in answer.text and "no column" in answer.text
