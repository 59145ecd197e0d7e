"""The pages attacked in Chromium (issue 15): hostile text typed by the portal and the
provider runs no script and breaks no CSP rule, another site cannot frame a page, and a
browser signed in as one provider and then another holds only the second."""

import pytest
from playwright.sync_api import expect

from tests.integration.booking_helpers import book, booking_body
from tests.pages.test_page_attacks import OTHER_PROVIDER, XSS

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:
    """Every dialog a script opened, and every CSP report the console shows."""
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append("dialog: " + dialog.message),
                                      dialog.dismiss()))
    page.on("console", lambda message: seen.append("console: " + message.text)
            if "Content Security Policy" in message.text else None)
    return seen


def test_hostile_text_runs_no_script(page, client, portal, provider_url, reviewer_url,
                                     booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("ny", name="Dr. " + XSS)
    body = booking_body(contact={
        "name": XSS, "location": XSS, "phone": "(555) 555-5555", "phone_ext": None,
        "alt_phone": None, "alt_phone_ext": None, "instructions": XSS,
    })
    appointment_id = book(client, portal, body).json["id"]
    seen = _watch(page)
    page.goto(provider_url(name=XSS))
    page.goto(page.url.split("/p2p")[0] + "/p2p/time-zone?next=" + XSS)
    page.get_by_role("button", name="Use this time zone").click()
    page.goto(page.url.split("/p2p")[0] + "/p2p/cases")
    page.locator("#case-ref").fill(XSS)
    page.locator("#dob").fill(XSS)
    page.get_by_role("button", name="Add another case").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.goto(page.url.split("/p2p")[0] + "/p2p/schedule?week=" + XSS)
    expect(page.get_by_text("Dr. " + XSS).first).to_be_visible()  # shown as text
    page.goto(page.url.split("/p2p")[0] + f"/p2p/requests/{appointment_id}")
    expect(page.get_by_text(XSS).first).to_be_visible()
    page.goto(reviewer_url())
    page.get_by_role("button", name="Sign in and continue").click()
    expect(page.get_by_text(XSS).first).to_be_visible()
    assert seen == []


def test_another_site_cannot_frame_a_page(page, context, provider_url, live_server):
    page.goto(provider_url())
    other = context.new_page()
    # An attacker's page (another origin: a data: URL) framing the signed-in page.
    other.set_content(f'<iframe id="f" src="{live_server}/p2p/requests"></iframe>')
    other.wait_for_timeout(500)
    frame = other.frame_locator("#f")
    expect(frame.get_by_role("heading", name="My P2P Requests")).to_have_count(0)


def test_signing_in_as_another_provider_in_the_same_browser(page, context, provider_url,
                                                            live_server):
    page.goto(provider_url())
    first = {c["name"]: c["value"] for c in context.cookies()}["p2p_session"]
    page.goto(provider_url(**OTHER_PROVIDER))
    second = {c["name"]: c["value"] for c in context.cookies()}["p2p_session"]
    assert first != second
    page.goto(f"{live_server}/p2p/cases")
    expect(page.get_by_text("Dr. Raj Shah").first).to_be_visible()
    context.add_cookies([{"name": "p2p_session", "value": first, "url": live_server}])
    page.goto(f"{live_server}/p2p/requests")
    expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
