"""End to end in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium;
browser downloads are impossible here). Head office and a branch manager log in, see what each
may see, and a collector's push shows on the open branch page within 5 s. Screenshots of the
SQLite run go to the folder named by ``ACSI_SCREENSHOTS`` (the README's pictures: set it to
docs/screenshots); without it they are taken but not kept, so a test run never edits the checkout.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.server.conftest import PASSWORD, local_store, make_events

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ["ACSI_SCREENSHOTS"]) if os.environ.get("ACSI_SCREENSHOTS") else None
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing: apt-get install -y chromium")


@pytest.fixture
def browser(live_server):
    """Chromium, closed before the server stops (its pages hold live event streams open)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _login(browser, server, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _shoot(page, name, db_url):
    if not db_url.startswith("sqlite"):
        return
    picture = page.screenshot(full_page=True)
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{name}.png").write_bytes(picture)


def test_head_office_sees_every_branch_ranked(browser, live_server, db_url):
    page = _login(browser, live_server, "head")
    assert page.url.endswith("/overview")
    table = page.locator("#table-ranking")
    for name in ("Main Street", "Harbour", "Station"):
        assert table.get_by_text(name).count() == 1
    first = table.locator("tbody tr").first.inner_text()
    assert "Harbour" in first  # B02 has the strongest effect in the test data
    _shoot(page, "overview", db_url)


def test_branch_manager_sees_only_the_own_branch(browser, live_server, db_url):
    page = _login(browser, live_server, "mgr1")
    assert page.url.endswith("/branch/B01")
    body = page.content()
    assert "Main Street" in body and "Station" not in body and "Harbour" not in body
    assert page.locator("header").get_by_text("Overview").count() == 0
    answer = page.goto(live_server.url + "/branch/B03")
    assert answer.status == 403 and "Station" not in page.content()
    answer = page.goto(live_server.url + "/overview")
    assert answer.status == 403


def test_a_collectors_push_shows_on_the_open_branch_page_within_5_seconds(browser, live_server, bank, db_url, tmp_path):
    from playwright.sync_api import expect

    from acsi.server.push_client import PushClient
    from acsi.server.tokens import add_token

    with bank.begin() as conn:
        token = add_token(conn, "B01")[1]
    page = _login(browser, live_server, "mgr1")
    expect(page.locator("body")).to_have_attribute("data-live-mode", "sse")  # server-sent events, not polling
    rated_before = page.locator("#table-counters tbody tr").first.inner_text()
    template = make_events(("B01",), start=dt.date(2025, 2, 27), end=dt.date(2025, 2, 27))[0]
    fresh = [
        {
            **template,
            "event_id": f"live-{i}",
            "local_date": "2025-02-28",
            "local_time": "16:59:5" + str(i),
            "captured_at_utc": f"2025-02-28T08:59:5{i}.000Z",
            "outcome": "rated",
            "level": 1,
            "label": "dissatisfied",
            "score_0_100": 0.0,
            "window_id": "W1",
            "staff_id": "S1",
        }
        for i in range(3)
    ]
    store = local_store(tmp_path / "collector.sqlite", fresh)
    assert PushClient(store, live_server.url, token).push_pending().accepted == 3
    expect(page.locator("#table-dissatisfied tbody tr").first).to_contain_text("2025-02-28T08:59:52.000Z", timeout=5000)
    expect(page.locator("#table-counters tbody tr").first).not_to_have_text(rated_before, timeout=5000)
    _shoot(page, "branch", db_url)


def test_an_admin_edits_the_organisation_field_by_field_and_the_audit_log_shows_it(browser, live_server, db_url):
    from playwright.sync_api import expect

    page = _login(browser, live_server, "admin")
    page.goto(live_server.url + "/admin/org")
    page.get_by_label("name of branch B01").fill("Main Street <East>")
    page.get_by_label("name of branch B01").locator("xpath=..").get_by_role("button", name="Rename").click()
    expect(page.get_by_label("name of branch B01")).to_have_value("Main Street <East>")
    page.get_by_label("region of branch B02").select_option("R2")
    page.get_by_label("region of branch B02").locator("xpath=..").get_by_role("button", name="Move").click()
    expect(page.get_by_label("region of branch B02")).to_have_value("R2")
    page.goto(live_server.url + "/admin/org/branch/B01")
    page.get_by_label("branch for staff S2").select_option("B02")
    page.get_by_label("counter for staff S2").fill("W1")
    page.get_by_label("branch for staff S2").locator("xpath=..").get_by_role("button", name="Move").click()
    expect(page.locator("#table-staff")).not_to_contain_text("S2")
    _shoot(page, "org_branch", db_url)
    page.goto(live_server.url + "/admin/audit")
    body = page.locator("main").inner_text()
    assert "branch B01: name 'Main Street' -> 'Main Street <East>'" in body
    assert "branch B02: region_id 'R1' -> 'R2'" in body and "staff S2: moved 'B01/W2' -> 'B02/W1'" in body


def _rated_total(page) -> int:
    cells = page.locator("#table-counters tbody tr td:nth-child(2)").all_inner_texts()
    return sum(int(c) for c in cells if c.strip())


def test_a_branch_manager_voids_an_event_with_a_reason_and_the_numbers_follow(browser, live_server, db_url):
    from playwright.sync_api import expect

    page = _login(browser, live_server, "mgr1")
    rated_before = _rated_total(page)
    page.click("#data-link")
    rated_row = page.locator("#table-events tbody tr", has_text="rated").first
    expect(rated_row).to_contain_text("recorded")
    event_id = rated_row.get_attribute("data-event")
    rated_row.get_by_label("action").select_option("void")
    rated_row.get_by_label("reason").fill("pad tested by the technician")
    rated_row.get_by_role("button", name="Correct").click()
    expect(page.locator(f'#table-events tr[data-event="{event_id}"]')).to_contain_text("void")
    expect(page.locator("#table-corrections")).to_contain_text("pad tested by the technician")
    _shoot(page, "branch_data", db_url)
    page.goto(live_server.url + "/branch/B01")  # the month of the latest day, which the data page showed
    assert _rated_total(page) == rated_before - 1
    answer = page.goto(live_server.url + "/branch/B03/data")
    assert answer.status == 403


def test_an_admin_grants_an_analyst_the_clerk_names_in_the_browser(browser, live_server):
    from playwright.sync_api import expect

    analyst = _login(browser, live_server, "analyst")
    analyst.goto(live_server.url + "/branch/B01")
    assert analyst.locator("#table-clerks").count() == 0
    admin = _login(browser, live_server, "admin")
    admin.goto(live_server.url + "/admin/users")
    row = admin.locator('tr[data-user="analyst"]')
    row.get_by_role("button", name="Grant").click()
    expect(admin.locator('tr[data-user="analyst"]').get_by_role("button", name="Revoke")).to_be_visible()
    analyst.reload()
    expect(analyst.locator("#table-clerks")).to_contain_text("Ann")
    admin.locator('tr[data-user="analyst"]').get_by_role("button", name="Revoke").click()
    expect(admin.locator('tr[data-user="analyst"]').get_by_role("button", name="Grant")).to_be_visible()
    analyst.reload()
    expect(analyst.locator("#table-clerks")).to_have_count(0)
