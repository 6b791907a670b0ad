"""Organisation import (YAML and CSV, staff history) and names from files shown escaped."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.server.conftest import PASSWORD, login


def _assignments(engine, code):
    from acsi.server.schema import branches, staff
    from acsi.server.schema import staff_assignments as sa

    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(branches.c.code, sa.c.counter_code, sa.c.valid_from, sa.c.valid_to)
                .join(branches, branches.c.id == sa.c.branch_id)
                .join(staff, staff.c.id == sa.c.staff_id)
                .where(staff.c.code == code)
                .order_by(sa.c.valid_from)
            )
        ]


def test_staff_move_closes_the_old_assignment_and_events_keep_their_branch(bank, client):
    from acsi.server.ingest import store_events
    from acsi.server.org import import_org
    from tests.server.conftest import make_events

    move = {
        "regions": [
            {
                "id": "R2",
                "name": "South",
                "branches": [
                    {
                        "id": "B03",
                        "name": "Station",
                        "counters": ["W1"],
                        "staff": [{"id": "S1", "name": "Ann", "counter": "W1", "since": "2025-03-01"}],
                    }
                ],
            }
        ]
    }
    with bank.begin() as conn:
        counts = import_org(conn, move)
    assert counts["moves"] == 1
    assert _assignments(bank, "S1") == [("B01", "W1", "2024-01-01", "2025-02-28"), ("B03", "W1", "2025-03-01", None)]
    later = [
        dict(e, branch_id="B03", window_id="W1", event_id="moved-" + e["event_id"])
        for e in make_events(("B01",), start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 10))
        if e["staff_id"] == "S1"
    ]
    store_events(bank, later, branch=None)
    login(client, "mgr1")  # B01's manager still sees S1's B01 numbers, and none of B03
    rows = client.get("/clerk/S1/export/trend.csv?at=2025-03-05").text.splitlines()[1:]
    months = {line.split(",")[0] for line in rows}
    assert "2025-01" in months and "2025-03" not in months


def test_org_import_from_csv_gives_the_same_tree_as_yaml(engine, tmp_path):
    from acsi.server.org import import_org, read_org_file
    from acsi.server.schema import branches, counters, staff

    path = tmp_path / "org.csv"
    path.write_text(
        "region_id,region_name,branch_id,branch_name,counter_id,staff_id,staff_name,since,tz\n"
        "R1,North,B01,Main,W1,S1,Ann,2024-01-01,Asia/Shanghai\n"
        "R1,North,B01,Main,W2,S2,Bo,2024-01-01,\n"
        "R2,South,B03,Station,W1,,,,Europe/Berlin\n"
    )
    with engine.begin() as conn:
        import_org(conn, read_org_file(path))
        assert conn.execute(select(func.count()).select_from(counters)).scalar_one() == 3
        assert conn.execute(select(func.count()).select_from(staff)).scalar_one() == 2
        assert {code: tz for code, tz in conn.execute(select(branches.c.code, branches.c.tz))} == {
            "B01": "Asia/Shanghai",
            "B03": "Europe/Berlin",
        }


def test_unknown_time_zone_is_refused_naming_the_branch(engine):
    import pytest

    from acsi.errors import IngestError
    from acsi.server.org import import_org

    with pytest.raises(IngestError, match=r"regions\[0\].branches\[0\]: time zone 'Mars/Base'"):
        with engine.begin() as conn:
            import_org(conn, {"regions": [{"id": "R", "branches": [{"id": "B", "tz": "Mars/Base"}]}]})


HOSTILE_BRANCH = '<script>alert("x")</script>'
HOSTILE_STAFF = "Robert'); DROP TABLE staff;--"


def test_html_and_sql_in_imported_names_are_stored_verbatim_and_shown_escaped(bank, client):
    from acsi.server.org import import_org
    from acsi.server.schema import branches, staff
    from acsi.server.users import add_user

    hostile = {
        "regions": [
            {
                "id": "R1",
                "name": "<b>North</b>",
                "branches": [
                    {
                        "id": "B01",
                        "name": HOSTILE_BRANCH,
                        "counters": ["W1"],
                        "staff": [{"id": "S1", "name": HOSTILE_STAFF, "counter": "W1", "since": "2024-01-01"}],
                    }
                ],
            }
        ]
    }
    with bank.begin() as conn:
        import_org(conn, hostile)
        add_user(conn, "<img src=x onerror=alert(1)>", "analyst", PASSWORD)
    with bank.connect() as conn:
        assert conn.execute(select(branches.c.name).where(branches.c.code == "B01")).scalar_one() == HOSTILE_BRANCH
        assert conn.execute(select(staff.c.name).where(staff.c.code == "S1")).scalar_one() == HOSTILE_STAFF
    login(client, "admin")
    pages = [
        client.get(url).text
        for url in ("/overview?at=2025-02-01", "/branch/B01?at=2025-02-01", "/admin/users", "/region/R1?at=2025-02-01")
    ]
    joined = "\n".join(pages)
    assert "<script>alert" not in joined and "<b>North</b>" not in joined and "<img src=x" not in joined
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[1] or "&lt;script&gt;alert(&quot;x&quot;)" in pages[1]
    assert "Robert&#39;); DROP TABLE staff;--" in pages[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[2]
    csv = client.get("/branch/B01/export/clerks.csv?at=2025-02-01").text
    assert HOSTILE_STAFF in csv  # the export carries the stored name


def test_export_cells_starting_like_a_formula_are_neutralised(bank, client):
    from acsi.server.org import import_org

    with bank.begin() as conn:
        import_org(
            conn,
            {"regions": [{"id": "R1", "branches": [{"id": "B01", "name": '=HYPERLINK("http://evil")', "counters": ["W1"]}]}]},
        )
    login(client, "head")
    csv = client.get("/overview/export/ranking.csv?at=2025-02-01").text
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv


def test_admin_imports_an_organisation_file_in_the_browser(client, bank):
    from tests.server.conftest import csrf_of

    login(client, "admin")
    page = client.get("/admin/org")
    good = client.post(
        "/admin/org",
        data={"csrf": csrf_of(page.text)},
        files={
            "file": (
                "org.csv",
                b"region_id,region_name,branch_id,branch_name,counter_id\nR2,South,B04,<i>Quay</i>,W1\n",
                "text/csv",
            )
        },
    )
    assert good.status_code == 200 and "Imported: 1 regions, 1 branches" in good.text
    assert "&lt;i&gt;Quay&lt;/i&gt;" in good.text and "<i>Quay" not in good.text
    bad = client.post(
        "/admin/org", data={"csrf": csrf_of(page.text)}, files={"file": ("org.csv", b"region_id,branch_id\nR1,B01\n", "text/csv")}
    )
    assert bad.status_code == 422 and "missing column(s) region_name" in bad.text
    assert client.post("/admin/org", files={"file": ("org.csv", b"x", "text/csv")}).status_code == 403  # no CSRF
