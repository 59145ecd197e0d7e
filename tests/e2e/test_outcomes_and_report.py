"""The medical director's outcome form and the staff's operations report, in Chromium,
audited by axe-core (issue 16)."""

import re

import pytest
from playwright.sync_api import expect

from tests.integration.booking_helpers import book, booking_body
from tests.integration.test_operations_report import fixture  # noqa: F401 (a fixture)
from tests.pages.conftest import link_path

pytestmark = pytest.mark.browser


def test_the_outcome_form_of_a_past_call(page, app, client, portal, reviewer_url, audit):
    from tests.conftest import FIXED_NOW

    assert book(client, portal, booking_body()).status_code == 201  # Wed 25 Nov 9:00 EST
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW.replace(day=25, hour=15)
    page.goto(reviewer_url())
    page.get_by_role("button", name="Sign in and continue").click()
    form = page.locator("form.p2p-outcome")
    expect(form).to_contain_text("Record the outcome of the 9:00 am EST call")
    audit(page, "outcome-form")
    form.get_by_role("button", name="Record the outcome").click()
    expect(page).to_have_title(re.compile("^Error: P2P calendar"))
    audit(page, "outcome-refused")
    page.locator("form.p2p-outcome").get_by_text("Held", exact=True).click()
    page.get_by_label("Decision for case A1").select_option("overturned")
    page.get_by_label("Note").fill("Imaging reviewed")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The call's outcome is recorded.")).to_be_visible()
    expect(page.locator(".p2p-call").first).to_contain_text("Held: A1 overturned")


def test_the_operations_report(page, client, admin, live_server, fixture, audit):  # noqa: F811
    url = client.post("/api/v1/staff-sessions", json={"name": "Pat Operations"},
                      headers=admin).json["url"]
    page.goto(live_server + link_path(url))
    page.get_by_role("button", name="Sign in and continue").click()
    page.get_by_label("First day").fill("2026-11-23")
    page.get_by_label("Last day").fill("2026-12-06")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Operations report")).to_be_visible()
    for name in ("Held before the deadline", "Missed-call rate", "Overturn rate"):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    images = page.locator(".p2p-chart img")
    expect(images).to_have_count(6)
    # Every chart is drawn (the image loaded), and its numbers are in a table beside it.
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP
    # forbids ('unsafe-eval'), as it should.
    for _ in range(100):
        if page.evaluate("[...document.querySelectorAll('.p2p-chart img')].every(i => i.complete)"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(
        "[...document.querySelectorAll('.p2p-chart img')].every(i => i.naturalWidth > 0)")
    expect(page.get_by_role("table", name="Overturn rate, week by week")).to_be_visible()
    audit(page, "report")
