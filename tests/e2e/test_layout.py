"""How the pages lay out in Chromium (issue 15, first use): each section's heading has room
above it, and at a phone's width (375 px) no page is wider than the screen.

"Now" is Tue 24 Nov 2026 10:00 EST; the browser and the provider read Los Angeles time.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_provider_flow import choose_zone
from tests.integration.test_operations_report import fixture  # noqa: F401 (a fixture)
from tests.pages.conftest import link_path

pytestmark = pytest.mark.browser

# The space between a fieldset's legend and whatever ends above the fieldset.
GAP_ABOVE = """legend => {
    const fieldset = legend.closest('fieldset');
    let above = fieldset.previousElementSibling;
    while (above && (above.type === 'hidden' || above.getBoundingClientRect().height === 0)) {
        above = above.previousElementSibling;
    }
    return legend.getBoundingClientRect().top - above.getBoundingClientRect().bottom;
}"""
MIN_GAP = 16  # px: units(2), USWDS's space between form groups


def test_section_headings_have_room_above_them(page, provider_url, live_server, audit):
    page.goto(provider_url())
    choose_zone(page)
    expect(page).to_have_title(re.compile("^Case Info"))
    page.goto(live_server + "/p2p/questions")
    legend = page.locator("legend", has_text="Preferred times")
    assert legend.evaluate(GAP_ABOVE) >= MIN_GAP

    page.goto(live_server + "/p2p/schedule?week=2026-11-30")
    page.get_by_role("button", name=re.compile("consultative only for A1")).first.click()
    expect(page).to_have_title(re.compile("^Confirmation"))
    for name in ("Contact details", "Who will perform the P2P?", "Call notes"):
        gap = page.locator("legend", has_text=name).evaluate(GAP_ABOVE)
        assert gap >= MIN_GAP, (name, gap)
    audit(page, "confirmation-consultative")


def test_the_report_fits_a_phone(browser, client, admin, live_server, fixture, audit):  # noqa: F811
    url = client.post("/api/v1/staff-sessions", json={"name": "Pat Operations"},
                      headers=admin).json["url"]
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server + link_path(url))
        page.get_by_role("button", name="Sign in and continue").click()
        page.goto(live_server + "/report?from=2026-10-12&to=2026-12-06")  # nine weeks
        expect(page.get_by_role("heading", name="Operations report")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
        # Each chart's table sits below its chart, the same way for every chart.
        below = page.evaluate("""[...document.querySelectorAll('.p2p-chart__body')].map(b =>
            b.querySelector('.p2p-chart__table').getBoundingClientRect().top
            >= b.querySelector('img').getBoundingClientRect().bottom)""")
        assert below and all(below)
        audit(page, "report-375")
    finally:
        context.close()
