"""The provider's wizard and My P2P Requests over HTTP (issue 15, items 2 and 3): what each
step shows, the refusals in GOV.UK's pattern, and that the pages change what the API would
(the browser tests in tests/e2e click through the same in Chromium).

"Now" is Tue 24 Nov 2026 10:00 EST; reviewer `ny` works 9-17 New York time; case A1 (a
Texas member) is outcome-changing until Tue 1 Dec 00:00 EST. The provider reads Los Angeles
time.
"""

import html
import re

from sqlalchemy import func, select

from p2p.extensions import db
from p2p.models import Appointment, Hold
from tests.integration.booking_helpers import book, booking_body
from tests.pages.conftest import csrf_of

TIME_BUTTON = re.compile(r'<button[^>]*name="start" value="([^"]+)" aria-label="([^"]+)"')


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def times(response) -> list[tuple[str, str]]:
    """(start, accessible name) of every time button on a Schedule page."""
    return [
        (start, html.unescape(name))
        for start, name in TIME_BUTTON.findall(response.get_data(as_text=True))
    ]


def hold(client, page, start: str, reviewer_id: str = "ny", **query):
    return client.post(
        "/p2p/hold",
        data={"csrf_token": csrf_of(page), "reviewer_id": reviewer_id, "start": start, **query},
    )


CONTACT = {
    "requesting_provider.name": "Dr. Jane Doe",
    "requesting_provider.email": "jd@clinic.example.org",
    "contact.name": "John Doe",
    "contact.location": "Provider Office",
    "contact.phone": "(555) 555-5555",
    "contact.phone_ext": "12345",
    "contact.instructions": "Select option 4, ask for Dr. Doe",
    "performer.kind": "requesting_provider",
    "performer.name": "Dr. Jane Doe",
    "performer.credential": "MD",
}


def confirm(client, location: str, **fields):
    page = client.get(location)
    assert page.status_code == 200, text(page)
    hold_id = re.search(r'name="hold" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return page, client.post(
        "/p2p/confirm", data={"csrf_token": csrf_of(page), "hold": hold_id, **fields}
    )


def booked_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appointment))


# Case Info ----------------------------------------------------------------------------------


def test_case_info_shows_the_handed_over_case_as_domain_md_words_it(client, signed_in):
    signed_in()
    page = client.get("/p2p/cases")
    shown = text(page)
    assert "Step 1 of 4" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown))
    assert "Case A1" in shown and "P2P Eligible" in shown
    assert "Reconsideration P2P" in shown
    assert "Mon 11/30/26 9:00 pm PST" in shown  # valid until 1 Dec 00:00 EST, in LA time
    assert "All post-decision options" in shown and "First Level Appeal" in shown
    assert page.headers["Cache-Control"] == "no-store"  # member data
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_wrong_date_of_birth_is_refused_in_the_error_pattern_and_keeps_what_was_typed(
    client, signed_in
):
    signed_in(case_refs=("A1",))
    page = client.get("/p2p/cases")
    wrong = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "1961-04-03"},
    )
    assert wrong.status_code == 422
    shown = text(wrong)
    assert "<title>Error: Case Info" in shown
    assert 'href="#case-ref"' in shown  # the summary links to the field
    assert 'id="case-ref-error"' in shown and 'aria-invalid="true"' in shown
    assert 'value="A2"' in shown and 'value="1961-04-03"' in shown
    assert "Case A2" not in shown

    right = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "1961-04-02"},
    )
    assert right.status_code == 303
    assert "Case A2" in text(client.get("/p2p/cases"))


def test_the_pages_lookup_is_locked_out_like_the_apis(client, signed_in):
    signed_in()
    page = client.get("/p2p/cases")
    answers = [
        client.post(
            "/p2p/cases/add",
            data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": f"1961-04-{day:02d}"},
        ).status_code
        for day in range(10, 17)
    ]
    assert answers == [422] * 5 + [429] * 2
    locked = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "1961-04-02"},
    )
    assert locked.status_code == 429  # even the right date, until the lock ends


def test_removing_a_case(client, signed_in):
    signed_in(case_refs=("A1", "A2"))
    page = client.get("/p2p/cases")
    client.post("/p2p/cases/remove", data={"csrf_token": csrf_of(page), "case_ref": "A1"})
    shown = text(client.get("/p2p/cases"))
    assert "Case A1" not in shown and "Case A2" in shown


def test_a_form_without_its_csrf_token_changes_nothing(client, signed_in):
    signed_in(case_refs=("A1", "A2"))
    refused = client.post("/p2p/cases/remove", data={"case_ref": "A1"})
    assert refused.status_code == 400
    assert "This form has expired" in text(refused)
    assert "Case A1" in text(client.get("/p2p/cases"))


# Questions and Schedule ----------------------------------------------------------------------


def test_questions_preselect_every_day_and_hour(client, signed_in):
    signed_in()
    shown = text(client.get("/p2p/questions"))
    assert len(re.findall(r'name="days" value="\w+" checked', shown)) == 5
    assert len(re.findall(r'name="hours" value="\d+" checked', shown)) == 12
    assert "7:00 - 8:00" in shown and "18:00 - 19:00" in shown


def test_schedule_names_every_time_in_full_in_the_providers_zone(client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule")
    shown = text(page)
    assert "1st Priority by Skill" in shown and "Dr. Ann Lee, MD" in shown
    assert "11/23/2026 - 11/29/2026 (This week)" in shown
    offered = times(page)
    # 10:00 EST now + 2 h notice: the first time is noon in New York, 9:00 am in LA.
    assert offered[0][1] == "Tue 11/24/26 9:00 am PST, Dr. Ann Lee"
    assert "Next Week &gt;" in page.get_data(as_text=True)


def test_a_time_zone_change_moves_the_labels(client, signed_in):
    signed_in(time_zone="America/Phoenix")
    first = times(client.get("/p2p/schedule"))[0][1]
    assert first == "Tue 11/24/26 10:00 am MST, Dr. Ann Lee"
    page = client.get("/p2p/time-zone")
    client.post(
        "/p2p/time-zone", data={"csrf_token": csrf_of(page), "time_zone": "Pacific/Honolulu"}
    )
    assert times(client.get("/p2p/schedule"))[0][1] == "Tue 11/24/26 7:00 am HST, Dr. Ann Lee"


def test_an_unknown_time_zone_is_refused_by_name(client, signed_in):
    signed_in(time_zone=None)
    page = client.get("/p2p/time-zone")
    refused = client.post(
        "/p2p/time-zone", data={"csrf_token": csrf_of(page), "time_zone": "Mars/Olympus"}
    )
    assert refused.status_code == 200
    assert "<title>Error: Your time zone" in text(refused)


def test_an_empty_week_links_to_the_first_week_with_a_time(client, signed_in):
    signed_in()
    # Mondays only: this week's Monday is past, the next is offered.
    page = client.get("/p2p/schedule?days=mon&week=2026-11-23")
    shown = text(page)
    assert not times(page)
    assert "No times this week" in shown
    assert 'href="/p2p/schedule?week=2026-11-30&amp;days=mon' in page.get_data(as_text=True)
    assert "Go to the week of 11/30/2026, the first with a time" in shown


def test_times_after_the_deadline_are_marked_consultative_only(client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule?week=2026-11-30")
    named = [name for _, name in times(page)]
    # Monday 30 Nov (LA) is before the window closes at 9 pm; Tuesday 1 Dec is after.
    assert any(name.startswith("Mon 11/30/26") and "consultative" not in name for name in named)
    assert all(
        "consultative only for A1" in name for name in named if name.startswith("Tue 12/1/26")
    )


def test_a_notice_when_no_time_before_the_deadline_exists(client, signed_in):
    signed_in()
    # 6-7 pm in Los Angeles is 9-10 pm in New York: never within the reviewer's hours.
    shown = text(client.get("/p2p/schedule?hours=18"))
    assert "No time matching your availability starts before the P2P window for case A1" in shown
    assert "No times this week" in shown


# Hold and Confirmation -----------------------------------------------------------------------


def test_the_whole_flow_books_what_the_api_would(app, client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule")
    start, name = times(page)[0]
    held = hold(client, page, start)
    assert held.status_code == 303
    confirm_page = client.get(held.headers["Location"])
    shown = text(confirm_page)
    assert "Tue 11/24/26 9:00 am PST" in shown
    assert "held for you until" in shown and "7:10 am PST" in shown  # 10 minutes from now
    assert "12:00 pm EST in their time zone" in shown

    _, booked = confirm(client, held.headers["Location"], **CONTACT)
    assert booked.status_code == 303, text(booked)
    summary = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", text(client.get(booked.headers["Location"])))
    )
    assert "Scheduled Tue 11/24/26 - 9:00 am PST Scheduled" in summary
    assert "Tue 11/24/26 12:00 pm EST for the reviewer" in summary
    assert "Add to calendar" in summary
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert appointment.requesting_provider_npi == "1234567893"
        assert appointment.contact["instructions"] == "Select option 4, ask for Dr. Doe"
        assert db.session.scalar(select(Hold.ended)) == "booked"


def test_confirmation_errors_name_each_field_and_keep_what_was_typed(app, client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule")
    held = hold(client, page, times(page)[0][0])
    typed = {**CONTACT, "contact.phone": "", "performer.credential": "", "contact.name": "Zoë"}
    _, refused = confirm(client, held.headers["Location"], **typed)
    assert refused.status_code == 422
    shown = text(refused)
    assert "<title>Error: Confirmation" in shown
    assert '<a href="#contact-phone">Enter the phone number for P2P.</a>' in shown
    assert 'href="#performer-credential"' in shown
    assert 'value="Zoë"' in shown and 'value="12345"' in shown
    assert booked_count(app) == 0


def test_a_consultative_only_time_needs_the_acknowledgement(app, client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule?week=2026-11-30")
    start = next(s for s, name in times(page) if "consultative only" in name)
    held = hold(client, page, start, week="2026-11-30")
    _, refused = confirm(client, held.headers["Location"], **CONTACT)
    assert refused.status_code == 422
    assert "consultative only" in text(refused)
    assert booked_count(app) == 0
    _, booked = confirm(
        client, held.headers["Location"], **CONTACT, acknowledge_consultative_only="yes"
    )
    assert booked.status_code == 303
    assert booked_count(app) == 1


def test_a_reviewer_not_meeting_the_texas_rule_needs_its_call_note(
    app, client, signed_in, booking_world
):
    put_reviewer, _ = booking_world
    put_reviewer("ny", licensed_states=["PA"])  # A1's member is in Texas
    signed_in()
    page = client.get("/p2p/schedule")
    held = hold(client, page, times(page)[0][0])
    confirm_page, refused = confirm(client, held.headers["Location"], **CONTACT)
    assert "To book them, check" in text(confirm_page)
    assert refused.status_code == 422
    _, booked = confirm(
        client, held.headers["Location"], **CONTACT, **{"call_notes.tx_license_waived": "yes"}
    )
    assert booked.status_code == 303


def test_a_time_taken_meanwhile_sends_the_provider_back_to_choose(app, client, portal, signed_in):
    signed_in()
    page = client.get("/p2p/schedule")
    start = times(page)[0][0]
    assert book(client, portal, booking_body(start=start)).status_code == 201  # the API
    taken = hold(client, page, start)
    assert taken.status_code == 303 and "taken=1" in taken.headers["Location"]
    assert "That time was just taken" in text(client.get(taken.headers["Location"]))


# My P2P Requests, reschedule, cancel ---------------------------------------------------------


def _book_via_pages(client, signed_in, week=None):
    signed_in()
    page = client.get("/p2p/schedule" + (f"?week={week}" if week else ""))
    held = hold(client, page, times(page)[0][0])
    _, booked = confirm(client, held.headers["Location"], **CONTACT)
    assert booked.status_code == 303
    return booked.headers["Location"].split("?")[0]


def test_my_requests_lists_upcoming_first_with_their_status(client, signed_in):
    detail = _book_via_pages(client, signed_in)
    shown = text(client.get("/p2p/requests"))
    assert "Upcoming" in shown and "Tue 11/24/26 9:00 am PST" in shown
    assert "Scheduled" in shown and detail in shown


def test_reschedule_keeps_the_old_time_until_the_new_one_is_booked(app, client, signed_in):
    detail = _book_via_pages(client, signed_in)
    appointment_id = detail.rsplit("/", 1)[1]
    page = client.get(f"/p2p/schedule?moving={appointment_id}")
    new_start, name = times(page)[0]
    assert name == "Tue 11/24/26 9:15 am PST, Dr. Ann Lee"  # 9:00 is its own
    held = hold(client, page, new_start, moving=appointment_id)
    assert held.status_code == 303
    # Held, not yet moved: the old time is still the appointment's.
    assert "Tue 11/24/26 9:00 am PST" in text(client.get(detail))
    confirm_page = client.get(held.headers["Location"])
    assert "Move my P2P to this time" in text(confirm_page)
    moved = client.post(
        "/p2p/confirm",
        data={
            "csrf_token": csrf_of(confirm_page),
            "hold": re.search(
                r'name="hold" value="([^"]+)"', confirm_page.get_data(as_text=True)
            ).group(1),
            "moving": appointment_id,
        },
    )
    assert moved.status_code == 303, text(moved)
    shown = text(client.get(detail))
    assert "Tue 11/24/26 9:15 am PST" in shown
    assert "Moved to this time" in shown  # the history
    assert booked_count(app) == 1


def test_cancel_needs_a_reason(app, client, signed_in):
    detail = _book_via_pages(client, signed_in)
    form = client.get(detail + "/cancel")
    refused = client.post(detail + "/cancel", data={"csrf_token": csrf_of(form), "reason": ""})
    assert refused.status_code == 422
    assert "Enter the reason for cancelling." in text(refused)
    assert "Scheduled" in text(client.get(detail))
    done = client.post(
        detail + "/cancel", data={"csrf_token": csrf_of(form), "reason": "Resolved by phone"}
    )
    assert done.status_code == 303
    shown = text(client.get(done.headers["Location"]))
    assert "Your P2P is cancelled." in shown and "Resolved by phone" in shown
    assert "Reschedule Appointment" not in shown


def test_another_providers_appointment_is_refused_as_unknown(client, portal, signed_in):
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
    signed_in()
    appointment_id = other.json["id"]
    for path in ("", "/cancel", "/calendar.ics"):
        assert client.get(f"/p2p/requests/{appointment_id}{path}").status_code == 404
    assert client.get(f"/p2p/schedule?moving={appointment_id}").status_code == 404
    assert "Dr. Raj Shah" not in text(client.get("/p2p/requests"))


def test_the_calendar_file_of_an_appointment(client, signed_in):
    detail = _book_via_pages(client, signed_in)
    response = client.get(detail + "/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert b"Pat Doe" not in response.data  # no member data in calendar files


def test_after_the_time_zone_only_our_own_pages(client, signed_in):
    signed_in(time_zone=None)
    for target in ("https://evil.example/", "//evil.example/p2p", "/p2p/<script>", "/p2p\\x"):
        page = client.get("/p2p/time-zone", query_string={"next": target})
        assert 'name="next"' not in page.get_data(as_text=True), target
        answer = client.post(
            "/p2p/time-zone",
            data={"csrf_token": csrf_of(page), "time_zone": "America/Chicago", "next": target},
        )
        assert answer.headers["Location"] == "/p2p", target
    page = client.get("/p2p/time-zone", query_string={"next": "/p2p/questions?days=mon"})
    answer = client.post(
        "/p2p/time-zone",
        data={"csrf_token": csrf_of(page), "time_zone": "America/Chicago",
              "next": "/p2p/questions?days=mon"},
    )
    assert answer.headers["Location"] == "/p2p/questions?days=mon"


def test_pages_are_compressed(client, signed_in):
    signed_in()
    page = client.get("/p2p/schedule", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]


def test_joining_the_waitlist_from_the_schedule_and_the_offers_link(
    app, client, portal, signed_in
):
    from tests.pages.conftest import link_path

    signed_in()
    page = client.get("/p2p/schedule?hours=7&days=wed")  # 10-11 am New York on Wednesday
    assert "Tell me if an earlier time opens" not in text(page)  # times before the deadline
    colleague = {"npi": "1245319599", "name": "Dr. Raj Shah", "email": "rs@clinic.example.org"}
    booked = [book(client, portal, booking_body(start=f"2026-11-{day}T10:{m:02d}:00-05:00",
                                                requesting_provider=colleague)).json["id"]
              for day in (25, 26, 27, 30) for m in (0, 15, 30, 45)]
    page = client.get("/p2p/schedule?hours=7&days=wed&days=thu&days=fri&days=mon")
    assert "Tell me if an earlier time opens" in text(page)
    joined = client.post("/p2p/waitlist", data={
        "csrf_token": csrf_of(page), "hours": "7", "days": ["mon", "wed", "thu", "fri"]})
    assert joined.status_code == 303
    assert "You are on the waitlist" in text(client.get(joined.headers["Location"]))

    client.post(f"/api/v1/appointments/{booked[4]}/cancel", json={"reason": "x"},
                headers=portal)  # Thu 26 Nov 10:00 New York frees
    with app.app_context():
        from sqlalchemy import select as select_

        from p2p.models import OutboxMessage

        body = db.session.scalar(select_(OutboxMessage.body).where(
            OutboxMessage.kind == "waitlist_offer"))
    url = re.search(r"http://\S+/sign-in/\S+", body).group(0)
    other = app.test_client()
    confirm_page = other.get(link_path(url))
    assert "Sign in and continue" in text(confirm_page)
    other.post(link_path(url), data={"csrf_token": csrf_of(confirm_page)})
    opened = other.get("/p2p")
    assert opened.status_code == 303 and "/p2p/confirm?hold=hold_" in opened.headers["Location"]
    shown = text(other.get(opened.headers["Location"]))
    assert "Thu 11/26/26 7:00 am PST" in shown and "held for you until" in shown
