"""The medical director's calendar page (issue 15, item 4)."""

import html
import re

from tests.integration.booking_helpers import WED_9, book, booking_body
from tests.pages.conftest import csrf_of, link_path


def text(response) -> str:
    words = re.sub(r"<[^>]+>", " ", html.unescape(response.get_data(as_text=True)))
    return re.sub(r"\s+", " ", words)


def sign_in_reviewer(client, portal, reviewer_id="ny"):
    url = client.post(
        "/api/v1/reviewer-sessions", json={"reviewer_id": reviewer_id}, headers=portal
    ).json["url"]
    page = client.get(link_path(url))
    assert client.post(link_path(url), data={"csrf_token": csrf_of(page)}).status_code == 303


def test_the_week_in_the_reviewers_own_zone_with_each_calls_details(client, portal, booking_world):
    body = booking_body(call_notes={"alt_rec_declined": True})
    assert book(client, portal, body).status_code == 201  # Wed 25 Nov, 9:00 New York
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    shown = text(page)
    assert "Times are in your time zone, America/New_York (EST)" in shown
    assert "11/23/2026 - 11/29/2026" in shown
    assert "Tue 11/24/26 (today)" in shown
    assert "Now: 10:00 am EST" in shown
    assert "9:00 am EST - 9:15 am EST" in shown
    assert "A1 (Reconsideration P2P)" in shown
    assert "(555) 555-5555 ext. 12345" in shown
    assert "Select option 4, ask for Dr. Doe" in shown
    assert "ALT REC declined" in shown
    assert "Pat Doe" not in shown  # the member's name is not the reviewer's business here


def test_now_falls_between_the_days_calls(client, portal, booking_world):
    for start in ("2026-11-24T12:00:00-05:00", "2026-11-24T14:00:00-05:00"):
        assert book(client, portal, booking_body(start=start)).status_code == 201
    sign_in_reviewer(client, portal)
    shown = text(client.get("/calendar"))
    today = shown[shown.index("Tue 11/24/26") : shown.index("Wed 11/25/26")]
    assert today.index("Now: 10:00 am EST") < today.index("12:00 pm EST - 12:15 pm EST")


def test_previous_and_next_week(client, portal, booking_world):
    sign_in_reviewer(client, portal)
    page = client.get("/calendar?week=2026-11-30")
    shown = text(page)
    assert "11/30/2026 - 12/6/2026" in shown
    raw = page.get_data(as_text=True)
    assert 'href="/calendar?week=2026-11-23"' in raw and 'href="/calendar?week=2026-12-07"' in raw
    assert "(today)" not in shown and "Now:" not in shown
    assert "11/23/2026" in text(client.get("/calendar?week=not-a-date"))  # this week


def test_a_new_secret_link_is_shown_once_and_the_old_one_stops(client, portal, booking_world):
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    made = client.post("/calendar/feed", data={"csrf_token": csrf_of(page)})
    assert made.status_code == 200
    raw = made.get_data(as_text=True)
    feed = re.search(r'value="(http://localhost/calendar-feeds/[^"]+\.ics)"', raw).group(1)
    assert 'href="webcal://localhost/calendar-feeds/' in raw
    served = client.get(link_path(feed))
    assert served.status_code == 200 and b"REFRESH-INTERVAL" in served.data
    assert b"X-PUBLISHED-TTL" in served.data
    assert feed not in client.get("/calendar").get_data(as_text=True)  # shown once
    client.post("/calendar/feed", data={"csrf_token": csrf_of(page)})
    assert client.get(link_path(feed)).status_code == 404


def test_another_reviewers_calls_are_not_shown(client, portal, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("la", name="Dr. Bo Kim", time_zone="America/Los_Angeles")
    assert book(client, portal, booking_body(start=WED_9)).status_code == 201
    sign_in_reviewer(client, portal, "la")
    shown = text(client.get("/calendar"))
    assert "Dr. Bo Kim" in shown and "America/Los_Angeles" in shown
    assert "A1 (" not in shown


def test_the_stylesheet_prints_the_calendar(client):
    from p2p.web.assets import asset_url

    with client.application.test_request_context():
        url = asset_url("styles.css")
    css = client.get(url).data
    assert b"@media print" in css


# The outcome form of a past call --------------------------------------------------------------


def _past_call(app, client, portal):
    from tests.conftest import FIXED_NOW

    appointment_id = book(client, portal, booking_body()).json["id"]  # Wed 25 Nov 9:00 EST
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW.replace(day=25, hour=15)  # 10:00 EST
    return appointment_id


def test_a_past_call_offers_the_outcome_form_and_records_it(app, client, portal, booking_world):
    appointment_id = _past_call(app, client, portal)
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    assert "Record the outcome of the 9:00 am EST call" in text(page)
    done = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(page), "result": "held", "decision-A1": "overturned",
              "note": "Imaging reviewed", "week": "2026-11-23"},
    )
    assert done.status_code == 303, text(done)
    shown = text(client.get(done.headers["Location"]))
    assert "The call's outcome is recorded." in shown
    assert "Outcome Held: A1 overturned. Imaging reviewed" in shown
    assert "Record the outcome of the 9:00 am EST call" not in shown


def test_an_outcome_without_its_decision_is_refused_on_the_page(app, client, portal,
                                                                booking_world):
    appointment_id = _past_call(app, client, portal)
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    refused = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(page), "result": "held", "week": "2026-11-23"},
    )
    assert refused.status_code == 422
    raw = refused.get_data(as_text=True)
    assert "<title>Error: P2P calendar" in raw
    assert f'href="#call-{appointment_id}-cases"' in raw
    assert "A decision is needed for A1." in text(refused)
    missed = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(page), "week": "2026-11-23"},
    )
    assert missed.status_code == 422  # no result chosen


def test_a_reviewer_records_outcomes_only_for_their_own_calls(app, client, portal,
                                                              booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("la", name="Dr. Bo Kim", time_zone="America/Los_Angeles")
    appointment_id = _past_call(app, client, portal)
    sign_in_reviewer(client, portal, "la")
    page = client.get("/calendar")
    answer = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(page), "result": "provider_not_reached"},
    )
    assert answer.status_code == 404


def test_the_missed_call_loop_through_the_pages(app, client, portal, booking_world):
    """A medical director records a miss; the provider's email carries a link; the link
    signs in on the first week with a time before the deadline; the call is rebooked."""
    import re as re_

    from sqlalchemy import select

    from p2p.extensions import db
    from p2p.models import OutboxMessage

    appointment_id = _past_call(app, client, portal)
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    client.post(f"/calendar/calls/{appointment_id}/outcome",
                data={"csrf_token": csrf_of(page), "result": "provider_not_reached"})
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "missed"))
    url = re_.search(r"http://\S+/sign-in/\S+", body).group(0)
    provider = app.test_client()
    confirm = provider.get(link_path(url))
    provider.post(link_path(url), data={"csrf_token": csrf_of(confirm)})
    opened = provider.get(provider.get("/p2p").headers["Location"])
    assert opened.status_code == 200
    start = re_.search(r'name="start" value="([^"]+)"', opened.get_data(as_text=True)).group(1)
    held = provider.post("/p2p/hold", data={"csrf_token": csrf_of(opened), "reviewer_id": "ny",
                                            "start": start, "moving": appointment_id})
    confirm_page = provider.get(held.headers["Location"])
    hold_id = re_.search(r'name="hold" value="([^"]+)"',
                         confirm_page.get_data(as_text=True)).group(1)
    moved = provider.post("/p2p/confirm", data={"csrf_token": csrf_of(confirm_page),
                                                "hold": hold_id, "moving": appointment_id})
    assert moved.status_code == 303, text(moved)
    shown = text(provider.get(moved.headers["Location"]))
    assert "Your P2P has moved to the new time." in shown and "Scheduled" in shown
