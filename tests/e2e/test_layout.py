"""How the pages lay out in Chromium (issue 15, first use): each section's heading has room
above it, and at a phone's width (375 px) no page is wider than the screen.

"Now" is Tue 24 Nov 2026 10:00 EST; the browser and the provider read Los Angeles time.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_provider_flow import choose_zone

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
