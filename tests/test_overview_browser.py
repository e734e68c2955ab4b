"""The overview page in headless Chromium (Debian's package, driven by Playwright).

The app runs in a real HTTP server on a free loopback port; the browser logs in with a token,
reads the agency table, checks it against the API, changes a filter and takes a screenshot
(into OVERVIEW_SCREENSHOT_DIR if set, else the test's temporary directory).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.stats_history import FIELDS, build_history, stats, table

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture
def server(app, db_session):
    """Serve the app over HTTP from a thread; yield its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shown_table(page) -> dict[str, tuple[int, ...]]:
    """Read the agency rows of the page as {code: counts in FIELDS order}."""
    rows = {}
    for row in page.locator("#agency-table tbody tr[data-agency]").all():
        cells = [row.locator(f'td[data-field="{name}"]').inner_text() for name in FIELDS]
        rows[row.get_attribute("data-agency")] = tuple(int(c.replace(".", "")) for c in cells)
    return rows


def refusals(page) -> list[str]:
    """Collect what the browser refuses under the Content-Security-Policy (from its console)."""
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text) if "Security Policy" in m.text else None)
    return messages


def test_overview_in_a_real_browser(client, make, clock, server, browser, tmp_path, backend):
    history = build_history(client, make, clock)
    _user, token = make.user("office")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    refused = refusals(page)
    page.goto(server + "/")
    assert page.url.endswith("/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_selector("#agency-table")
    assert page.locator("h1").inner_text() == "Tình hình thực hiện nhiệm vụ được giao"
    brand = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert brand == "rgb(155, 28, 28)", "the stylesheet must load under the CSP"

    this_quarter = table(stats(client, history.office, period="2026-Q3"))
    assert this_quarter == {
        "MOF": (0, 0, 1, 0, 0, 0),
        "MOH": (0, 0, 0, 0, 1, 0),
        "HANOI": (0, 0, 0, 0, 0, 1),
    }
    assert shown_table(page) == this_quarter

    page.select_option("#filter-period", "2026-Q2")
    page.click("#apply")
    page.wait_for_url("**period=2026-Q2**")
    q2 = table(stats(client, history.office, period="2026-Q2"))
    assert shown_table(page) == q2 != this_quarter
    assert page.locator("#overdue-table tbody tr[data-task]").count() == 2  # T8, G-HANOI
    assert page.locator("#agency-table svg rect").count() == 4  # non-empty segments

    directory = Path(os.environ.get("OVERVIEW_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    shot = directory / f"overview-{backend}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    page.select_option("#filter-kind", "province")
    page.click("#apply")
    page.wait_for_url("**kind=province**")
    assert shown_table(page) == {"HANOI": (0, 0, 0, 1, 0, 1)}
    assert refused == []


def test_docs_page_works_under_the_csp(make, server, browser):
    """Swagger UI starts, and "Try it out" calls the API with a token, with nothing refused."""
    _user, token = make.user("viewer")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused = refusals(page)
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Directive Tracker")
    operation = "#operations-agencies-get_api_v1_agencies"
    page.click("button.authorize")
    page.fill(".auth-container input", token)
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".btn-done")
    page.click(f"{operation} button.opblock-summary-control")
    page.click(f"{operation} .try-out__btn")
    page.click(f"{operation} .execute")
    status = page.locator(f"{operation} .live-responses-table tbody .response-col_status")
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert refused == []
