"""The provider's pages in Chromium (issue 15): the whole flow for one case and for two
(the second by keyboard only), a consultative-only acknowledgement, a wrong date of birth,
a time-zone change, reschedule, cancel, another provider's appointment, and the whole flow
with JavaScript off. Every page on the way is audited by axe-core.

"Now" is Tue 24 Nov 2026 10:00 EST (the app's clock); reviewer `ny` works 9-17 in New
York; the browser and the provider read Los Angeles time.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.integration.booking_helpers import book, booking_body

pytestmark = pytest.mark.browser


def choose_zone(page, zone="America/Los_Angeles"):
    expect(page).to_have_title(re.compile("Your time zone"))
    # The browser's own zone is pre-selected where JavaScript runs.
    assert page.get_by_label("Your time zone").input_value() == "America/Los_Angeles"
    page.get_by_label("Your time zone").select_option(zone)
    page.get_by_role("button", name="Use this time zone").click()


def fill_contact(page):
    page.get_by_label("Contact person name").fill("John Doe")
    page.get_by_label("Contact person location").fill("Provider Office")
    page.get_by_label("Phone number for P2P").fill("(555) 555-5555")
    page.get_by_label("Contact instructions").fill("Select option 4, ask for Dr. Doe")
    # USWDS draws its own radios and check boxes: the label is what a user clicks.
    page.locator("label[for=performer-requesting-provider]").click()
    page.get_by_label("Credential").fill("MD")


def test_one_case_from_the_portals_link_to_scheduled(page, provider_url, audit):
    page.goto(provider_url())
    assert "/sign-in/" not in page.url
    audit(page, "1-time-zone")
    choose_zone(page)

    expect(page).to_have_title(re.compile("^Case Info"))
    expect(page.get_by_text("Reconsideration allowed")).to_be_visible()
    expect(
        page.get_by_role("definition").filter(has_text="Mon 11/30/26 9:00 pm PST")
    ).to_be_visible()
    page.get_by_text("All post-decision options").click()
    expect(page.get_by_role("rowheader", name="Reconsideration")).to_be_visible()
    audit(page, "2-case-info")
    page.get_by_role("button", name="Continue to Questions").click()

    expect(page).to_have_title(re.compile("^Questions"))
    expect(page.get_by_label("Monday")).to_be_checked()
    expect(page.get_by_label("18:00 - 19:00")).to_be_checked()
    audit(page, "3-questions")
    page.get_by_role("button", name="Show available times").click()

    expect(page).to_have_title(re.compile("^Schedule"))
    first = page.get_by_role("button", name="Tue 11/24/26 9:00 am PST, Dr. Ann Lee")
    expect(first).to_be_visible()
    audit(page, "4-schedule")
    first.click()

    expect(page).to_have_title(re.compile("^Confirmation"))
    expect(page.get_by_text("held for you until")).to_be_visible()
    audit(page, "5-confirmation")
    page.get_by_role("button", name="Schedule P2P").click()
    expect(page).to_have_title(re.compile("^Error: Confirmation"))
    # The error summary has the focus, and its links take the provider to each field.
    expect(page.locator("[data-error-summary]")).to_be_focused()
    audit(page, "6-confirmation-errors")
    page.get_by_role("link", name="Enter the phone number for P2P.").click()
    expect(page.get_by_label("Phone number for P2P")).to_be_focused()
    fill_contact(page)
    page.get_by_role("button", name="Schedule P2P").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(r"Scheduled\s+Tue 11\/24\/26 - 9:00 am PST\s+Scheduled")
    )
    expect(page.get_by_text("Tue 11/24/26 12:00 pm EST for the reviewer")).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    audit(page, "7-scheduled")

    page.get_by_role("link", name="My P2P Requests", exact=True).click()
    expect(page.get_by_role("link", name="Tue 11/24/26 9:00 am PST")).to_be_visible()
    audit(page, "8-my-requests")


def press_until_focused(page, locator, key="Tab", limit=120):
    """Tab through the page until `locator` has the focus, and check the focus shows."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            outline = locator.evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none", "the focus must be visible"
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never got the focus")


def test_two_cases_by_keyboard_only(page, provider_url, audit):
    page.goto(provider_url())
    # The browser's zone is already chosen.
    press_until_focused(page, page.get_by_role("button", name="Use this time zone"))
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile("^Case Info"))

    press_until_focused(page, page.get_by_label("Case number"))
    page.keyboard.type("A2")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Member date of birth")).to_be_focused()
    page.keyboard.type("04021961")  # the date field's own keyboard entry (mm dd yyyy)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Case A2")).to_be_visible()
    expect(page.get_by_role("heading", name="Case A1")).to_be_visible()
    audit(page, "two-cases")

    press_until_focused(page, page.get_by_role("button", name="Continue to Questions"))
    page.keyboard.press("Enter")
    press_until_focused(page, page.get_by_label("Friday"))
    page.keyboard.press("Space")  # deselect Friday
    expect(page.get_by_label("Friday")).not_to_be_checked()
    press_until_focused(page, page.get_by_role("button", name="Show available times"))
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Schedule"))
    # Two cases of 15 minutes each: a 30-minute call.
    first = page.get_by_role(
        "button", name=re.compile(r"^Tue 11\/24\/26 9:00 am PST, Dr\. Ann Lee")
    )
    press_until_focused(page, first)
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^Confirmation"))
    expect(page.get_by_text("Cases A1, A2")).to_be_visible()
    for label, value in (
        ("Contact person name", "John Doe"),
        ("Contact person location", "Provider Office"),
        ("Phone number for P2P", "555-555-5555"),
    ):
        press_until_focused(page, page.get_by_label(label))
        page.keyboard.type(value)
    press_until_focused(page, page.get_by_label("Requesting provider", exact=True))
    page.keyboard.press("Space")
    press_until_focused(page, page.get_by_label("Credential"))
    page.keyboard.type("MD")
    press_until_focused(page, page.get_by_role("button", name="Schedule P2P"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Scheduled\s+Tue 11\/24\/26 - 9:00 am PST")
    )
    expect(page.get_by_text("A1: Reconsideration P2P")).to_be_visible()
    expect(page.get_by_text("A2: Reconsideration P2P")).to_be_visible()


def test_a_wrong_date_of_birth(page, provider_url, audit):
    page.goto(provider_url())
    choose_zone(page)
    page.get_by_label("Case number").fill("A2")
    page.get_by_label("Member date of birth").fill("1961-04-03")
    page.get_by_role("button", name="Add another case").click()
    expect(page).to_have_title(re.compile("^Error: Case Info"))
    expect(
        page.get_by_text("No case matches this case number and date of birth.").first
    ).to_be_visible()
    expect(page.get_by_label("Case number")).to_have_value("A2")
    expect(page.get_by_role("heading", name="Case A2")).to_have_count(0)
    audit(page, "wrong-dob")


def test_a_consultative_only_time_needs_an_acknowledgement(page, provider_url, audit):
    page.goto(provider_url())
    choose_zone(page)
    page.get_by_role("button", name="Continue to Questions").click()
    page.get_by_role("button", name="Show available times").click()
    page.get_by_role("link", name="Next Week >").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"11\/30\/2026 - 12\/6\/2026"))
    ).to_be_visible()
    consultative = page.get_by_role(
        "button", name=re.compile(r"^Tue 12\/1\/26 .*consultative only for A1$")
    ).first
    expect(consultative).to_contain_text("consultative only")
    audit(page, "schedule-consultative")
    consultative.click()
    expect(page.get_by_role("heading", name="Consultative only")).to_be_visible()
    fill_contact(page)
    page.get_by_role("button", name="Schedule P2P").click()
    expect(page).to_have_title(re.compile("^Error: Confirmation"))
    audit(page, "consultative-refused")
    page.get_by_text(re.compile("I understand that this P2P will be consultative only")).click()
    page.get_by_role("button", name="Schedule P2P").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Tue 12\/1\/26"))
    expect(page.get_by_text("A1: Consultative P2P (consultative only)")).to_be_visible()


def test_a_time_zone_change_moves_the_labels(page, provider_url):
    page.goto(provider_url())
    choose_zone(page, "America/Phoenix")
    page.get_by_role("button", name="Continue to Questions").click()
    page.get_by_role("button", name="Show available times").click()
    expect(
        page.get_by_role("button", name="Tue 11/24/26 10:00 am MST, Dr. Ann Lee")
    ).to_be_visible()
    page.get_by_role("link", name="Back to Questions").click()
    page.get_by_role("link", name="Change your time zone").click()
    page.get_by_label("Your time zone").select_option("Pacific/Honolulu")
    page.get_by_role("button", name="Use this time zone").click()
    page.get_by_role("button", name="Show available times").click()
    expect(page.get_by_role("button", name="Tue 11/24/26 7:00 am HST, Dr. Ann Lee")).to_be_visible()


def _book(page, provider_url):
    page.goto(provider_url())
    choose_zone(page)
    page.get_by_role("button", name="Continue to Questions").click()
    page.get_by_role("button", name="Show available times").click()
    page.get_by_role("button", name="Tue 11/24/26 9:00 am PST, Dr. Ann Lee").click()
    fill_contact(page)
    page.get_by_role("button", name="Schedule P2P").click()
    expect(page.get_by_text("Your P2P is scheduled.")).to_be_visible()


def test_reschedule(page, provider_url, audit):
    _book(page, provider_url)
    page.get_by_role("link", name="Reschedule Appointment").click()
    expect(page.get_by_text("It stays booked until you confirm a new time.")).to_be_visible()
    page.get_by_role("button", name="Show available times").click()
    page.get_by_role("button", name="Tue 11/24/26 9:45 am PST, Dr. Ann Lee").click()
    audit(page, "reschedule-confirm")
    page.get_by_role("button", name="Move my P2P to this time").click()
    expect(page.get_by_text("Your P2P has moved to the new time.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("9:45 am PST"))
    expect(
        page.get_by_text(re.compile(r"Moved to this time \(from Tue 11\/24\/26 9:00 am PST\)"))
    ).to_be_visible()
    audit(page, "rescheduled")


def test_cancel_without_and_with_a_reason(page, provider_url, audit):
    _book(page, provider_url)
    page.get_by_role("link", name="Cancel Appointment").click()
    audit(page, "cancel")
    page.get_by_role("button", name="Cancel Appointment").click()
    expect(page).to_have_title(re.compile("^Error: Cancel"))
    expect(page.get_by_role("link", name="Enter the reason for cancelling.")).to_be_visible()
    audit(page, "cancel-refused")
    page.get_by_label("Reason for cancelling").fill("The request was approved")
    page.get_by_role("button", name="Cancel Appointment").click()
    expect(page.get_by_text("Your P2P is cancelled.")).to_be_visible()
    expect(page.get_by_role("link", name="Reschedule Appointment")).to_have_count(0)
    audit(page, "cancelled")


def test_another_providers_appointment_is_refused(
    page, client, portal, provider_url, live_server, audit
):
    other = book(
        client,
        portal,
        booking_body(
            requesting_provider={
                "npi": "1245319599",
                "name": "Dr. Raj Shah",
                "email": "rs@clinic.example.org",
            }
        ),
    )
    assert other.status_code == 201
    page.goto(provider_url())
    response = page.goto(f"{live_server}/p2p/requests/{other.json['id']}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    audit(page, "not-found")


def test_the_whole_flow_with_javascript_off(browser, provider_url):
    context = browser.new_context(java_script_enabled=False, timezone_id="America/Los_Angeles")
    page = context.new_page()
    try:
        page.goto(provider_url())
        page.get_by_label("Your time zone").select_option("America/Los_Angeles")
        page.get_by_role("button", name="Use this time zone").click()
        page.get_by_role("button", name="Continue to Questions").click()
        page.get_by_role("button", name="Show available times").click()
        page.get_by_text("Show more").first.click()  # <details>: no script needed
        page.get_by_role("button", name="Tue 11/24/26 10:15 am PST, Dr. Ann Lee").click()
        fill_contact(page)
        page.get_by_role("button", name="Schedule P2P").click()
        expect(page.get_by_text("Your P2P is scheduled.")).to_be_visible()
    finally:
        context.close()


def test_readable_at_375_pixels(browser, provider_url, audit):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, timezone_id="America/Los_Angeles"
    )
    page = context.new_page()
    try:
        page.goto(provider_url())
        choose_zone(page)
        page.get_by_role("button", name="Continue to Questions").click()
        page.get_by_role("button", name="Show available times").click()
        # Nothing wider than the screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        audit(page, "schedule-375")
        page.get_by_role("button", name="Tue 11/24/26 9:00 am PST, Dr. Ann Lee").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        audit(page, "confirmation-375")
    finally:
        context.close()
