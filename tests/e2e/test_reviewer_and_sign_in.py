"""The medical director's week, and the sign-in pages, in Chromium (issue 15)."""

import re

import pytest
from playwright.sync_api import expect

from tests.integration.booking_helpers import book, booking_body

pytestmark = pytest.mark.browser


def test_the_medical_directors_week(page, client, portal, reviewer_url, audit):
    body = booking_body(call_notes={"alt_rec_declined": True})
    assert book(client, portal, body).status_code == 201  # Wed 25 Nov, 9:00 New York
    page.goto(reviewer_url())
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    audit(page, "sign-in-confirmation")
    page.get_by_role("button", name="Sign in and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("P2P calendar: Dr. Ann Lee, MD")
    expect(page.get_by_text("America/New_York")).to_be_visible()
    expect(page.get_by_text("Now: 10:00 am EST")).to_be_visible()
    call = page.locator(".p2p-call").first
    expect(call).to_contain_text("9:00 am EST - 9:15 am EST")
    expect(call).to_contain_text("A1 (Reconsideration P2P)")
    expect(call).to_contain_text("(555) 555-5555 ext. 12345")
    expect(call).to_contain_text("ALT REC declined")
    audit(page, "week")

    page.get_by_role("link", name="Next Week >").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"11\/30\/2026 - 12\/6\/2026"))
    ).to_be_visible()
    page.get_by_role("link", name="< Prev Week").click()

    page.get_by_role("button", name="Make a new secret link").click()
    expect(page.get_by_role("link", name="Subscribe in your calendar app")).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    expect(page.get_by_label("Calendar address")).to_have_value(re.compile(r"^http://.*\.ics$"))
    audit(page, "new-secret-link")

    # The print stylesheet leaves the calls and drops the controls.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Make a new secret link")).to_be_hidden()
    expect(call).to_be_visible()


def test_sign_in_pages_explain_themselves(page, provider_url, live_server, audit):
    url = provider_url()
    page.goto(url)
    page.goto(url)  # once more: used
    expect(
        page.get_by_role("heading", name="This sign-in link has been used already.")
    ).to_be_visible()
    audit(page, "link-used")
    page.goto(f"{live_server}/sign-in/nothing-like-it")
    expect(page.get_by_role("heading", name=re.compile("not one we gave out"))).to_be_visible()
    page.goto(f"{live_server}/")
    audit(page, "front-page")
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    audit(page, "signed-out")
    page.goto(f"{live_server}/p2p/requests")
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
