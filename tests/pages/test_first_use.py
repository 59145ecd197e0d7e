"""What a new user met clicking through the pages (issue 15, first use): every error of the
Confirmation step in one pass, the outcome form's wording, a passed call's tag, a cancelled
appointment's heading, a typed but not added case, the length of My P2P Requests, the
favicon, and the staff report's width.

"Now" is Tue 24 Nov 2026 10:00 EST (tests/pages/test_provider_pages.py's world)."""

import re

from tests.integration.test_operations_report import fixture  # noqa: F401 (a fixture)
from tests.pages.conftest import csrf_of
from tests.pages.test_provider_pages import CONTACT, booked_count, confirm, hold, text, times

# The Confirmation form as a browser sends it untouched: every text field, empty, but the
# two the page fills in from the sign-in.
EMPTY_FORM = {
    **{path: "" for path in CONTACT},
    "contact.alt_phone": "", "contact.alt_phone_ext": "", "contact.instructions": "",
    "performer.first_name": "", "performer.last_name": "", "performer.location": "",
    "call_notes.procedure_performed_on": "",
    "requesting_provider.name": "Dr. Jane Doe",
    "requesting_provider.email": "jd@clinic.example.org",
    "performer.name": "Dr. Jane Doe",
}
del EMPTY_FORM["performer.kind"]


def _summary(response) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the error summary."""
    box = text(response).split('id="error-summary-heading"', 1)[1].split("</ul>", 1)[0]
    return [
        (target, re.sub(r"<[^>]+>", "", message).strip())
        for target, message in re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', box, re.S)
    ]


def _consultative_hold(client, booking_world=None):
    page = client.get("/p2p/schedule?week=2026-11-30")
    start = next(s for s, name in times(page) if "consultative only" in name)
    return hold(client, page, start, week="2026-11-30").headers["Location"]


def test_confirmation_reports_every_problem_in_one_pass(app, client, signed_in, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("ny", licensed_states=["PA"])  # A1's member is in Texas: a call note needed
    signed_in()
    location = _consultative_hold(client)

    _, untouched = confirm(client, location, **EMPTY_FORM)
    assert untouched.status_code == 422
    targets = [target for target, _ in _summary(untouched)]
    assert targets[0] == "#acknowledge-consultative-only"  # the first thing on the page
    assert {"#contact-name", "#contact-location", "#contact-phone", "#performer-kind"} <= set(
        targets
    )
    assert targets[-1] == "#call-notes-tx-license-waived"
    assert booked_count(app) == 0

    # The performer chosen, the rest still empty: its own fields come in the same pass.
    chosen = {**EMPTY_FORM, "performer.kind": "requesting_provider"}
    _, refused = confirm(client, location, **chosen)
    shown = text(refused)
    assert "<title>Error: Confirmation" in shown
    summary = dict(_summary(refused))
    assert summary["#performer-credential"] == "Credential: Required for this performer."
    assert "#contact-phone" in summary and "#call-notes-tx-license-waived" in summary
    ask = "Confirm that you understand this P2P will be consultative only for A1."
    assert summary["#acknowledge-consultative-only"] == ask
    beside = '<span class="usa-sr-only">Error:</span> ' + ask
    assert f'id="acknowledge-consultative-only-error">{beside}' in shown
    assert 'id="performer-credential-error"' in shown

    # Everything filled in but the two acknowledgements: both at once.
    _, refused = confirm(client, location, **CONTACT)
    assert [target for target, _ in _summary(refused)] == [
        "#acknowledge-consultative-only", "#call-notes-tx-license-waived",
    ]
    _, booked = confirm(
        client, location, **CONTACT, acknowledge_consultative_only="yes",
        **{"call_notes.tx_license_waived": "yes"},
    )
    assert booked.status_code == 303
    assert booked_count(app) == 1


def test_the_api_still_answers_the_first_missing_acknowledgement(client, portal, booking_world):
    from tests.integration.booking_helpers import book, booking_body

    put_reviewer, _ = booking_world
    put_reviewer("ny", licensed_states=["PA"])
    refused = book(client, portal, booking_body(start="2026-12-01T10:00:00-05:00"))
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "deadline_acknowledgement_required"
    assert list(refused.json["error"]["fields"]) == ["acknowledge_consultative_only"]


# The medical director's outcome form -------------------------------------------------------


def test_an_outcome_without_a_result_asks_to_choose_one(app, client, portal, booking_world):
    from tests.pages.test_reviewer_pages import _past_call, sign_in_reviewer
    from tests.pages.test_reviewer_pages import text as words

    appointment_id = _past_call(app, client, portal)
    sign_in_reviewer(client, portal)
    page = client.get("/calendar")
    missed = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(page), "week": "2026-11-23"},
    )
    assert missed.status_code == 422
    shown = words(missed)
    assert "Choose how the call went." in shown
    assert "Enter the how" not in shown


def test_radio_and_check_box_groups_ask_to_choose():
    from p2p import copy

    missing = copy.MISSING[0]
    for path in ("result", "performer.kind", "days", "hours", "time_zone", "cases"):
        assert copy.field_message(path, missing).startswith("Choose "), path
    assert copy.field_message("contact.phone", missing) == "Enter the phone number for P2P."
    for path, label in copy.FIELDS.items():
        assert "Enter the " not in copy.field_message(path, missing) or not label.endswith("?")


# A call whose time has passed, its outcome not recorded -------------------------------------


def _passed_and_completed(app, client, portal):
    """Wed 25 Nov 9:00 EST booked, then Wed 15:00 EST: the job has completed it."""
    from p2p import jobs
    from tests.conftest import FIXED_NOW
    from tests.integration.booking_helpers import book, booking_body

    appointment_id = book(client, portal, booking_body()).json["id"]
    later = FIXED_NOW.replace(day=25, hour=20)
    app.config["P2P_CLOCK"] = lambda: later
    with app.app_context():
        assert jobs.complete_past(later) == 1
    return appointment_id


def _tags(response) -> list[str]:
    return re.findall(r'<span class="usa-tag p2p-status[^"]*">([^<]*)</span>', text(response))


def test_a_passed_call_awaits_its_outcome_on_my_requests_and_the_week(
    app, client, portal, signed_in, booking_world
):
    from tests.pages.test_reviewer_pages import sign_in_reviewer

    appointment_id = _passed_and_completed(app, client, portal)
    assert client.get(f"/api/v1/appointments/{appointment_id}", headers=portal).json[
        "status"
    ] == "completed"  # the API's status stays
    signed_in()
    assert _tags(client.get("/p2p/requests")) == ["Awaiting outcome"]
    assert _tags(client.get(f"/p2p/requests/{appointment_id}")) == ["Awaiting outcome"]
    sign_in_reviewer(client, portal)
    week = client.get("/calendar?week=2026-11-23")
    assert _tags(week) == ["Awaiting outcome"]
    done = client.post(
        f"/calendar/calls/{appointment_id}/outcome",
        data={"csrf_token": csrf_of(week), "result": "held", "decision-A1": "upheld",
              "week": "2026-11-23"},
    )
    assert done.status_code == 303
    assert _tags(client.get("/calendar?week=2026-11-23")) == ["Completed"]


# The appointment's heading -------------------------------------------------------------------


def _words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def test_a_cancelled_appointment_is_not_headed_scheduled(client, portal, signed_in):
    from tests.integration.booking_helpers import book, booking_body

    appointment_id = book(client, portal, booking_body()).json["id"]  # Wed 25 Nov 9:00 EST
    signed_in()
    scheduled = _words(client.get(f"/p2p/requests/{appointment_id}"))
    assert "<h1" not in scheduled
    assert "Scheduled Wed 11/25/26 - 6:00 am PST Scheduled" in scheduled
    assert "The reviewer calls (555)" in scheduled

    page = client.get(f"/p2p/requests/{appointment_id}/cancel")
    cancelled = client.post(
        f"/p2p/requests/{appointment_id}/cancel",
        data={"csrf_token": csrf_of(page), "reason": "The member has recovered"},
    )
    assert cancelled.status_code == 303
    shown = client.get(cancelled.headers["Location"])
    heading = re.search(r"<h1.*?</h1>", text(shown), re.S).group(0)
    heading = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", heading)).strip()
    assert heading == "P2P of Wed 11/25/26 - 6:00 am PST Cancelled"
    assert "The reviewer calls" not in _words(shown)


# Case Info: a case typed in but not added ---------------------------------------------------


def test_continue_adds_a_case_typed_in_first(client, signed_in):
    signed_in(case_refs=("A1",))
    page = client.get("/p2p/cases")
    assert 'form="add-case" name="continue"' in text(page)  # the case form's own button
    going = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "1961-04-02", "continue": "1"},
    )
    assert going.status_code == 303 and going.headers["Location"].endswith("/p2p/questions")
    assert "Case A2" in text(client.get("/p2p/cases"))


def test_continue_with_a_wrong_case_typed_in_stops_on_case_info(client, signed_in):
    signed_in(case_refs=("A1",))
    page = client.get("/p2p/cases")
    wrong = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "1961-04-03", "continue": "1"},
    )
    assert wrong.status_code == 422  # the lookup's own refusal, counted by its lockout
    assert "No case matches" in text(wrong) and 'value="A2"' in text(wrong)
    half = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "A2", "dob": "", "continue": "1"},
    )
    assert half.status_code == 422 and "Enter the member's date of birth." in text(half)
    empty = client.post(
        "/p2p/cases/add",
        data={"csrf_token": csrf_of(page), "case_ref": "", "dob": "", "continue": "1"},
    )
    assert empty.status_code == 303 and empty.headers["Location"].endswith("/p2p/questions")


# My P2P Requests with a long history ----------------------------------------------------------


def test_my_requests_shows_the_20_latest_past_ones_then_a_link_to_all(
    app, client, portal, signed_in
):
    from datetime import timedelta

    from tests.conftest import FIXED_NOW
    from tests.integration.booking_helpers import book, booking_body

    # 23 calls, Wed 25 Nov from 9:00 EST on, then two weeks later: all past.
    starts = [f"2026-11-25T{9 + n // 2:02d}:{30 * (n % 2):02d}:00-05:00" for n in range(16)]
    starts += [f"2026-11-27T{9 + n // 2:02d}:{30 * (n % 2):02d}:00-05:00" for n in range(7)]
    for start in starts:
        assert book(client, portal, booking_body(start=start)).status_code == 201, start
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + timedelta(days=14)
    signed_in()
    page = text(client.get("/p2p/requests"))
    past = page.split('id="past"', 1)[1]
    assert past.count('data-label="When"') == 20
    assert "Fri 11/27/26 9:00 am PST" in past  # the latest first
    assert "Wed 11/25/26 6:00 am PST" not in past  # the three earliest are left out
    assert '<a href="/p2p/requests?past=all#past">Show all past requests</a>' in past

    everything = text(client.get("/p2p/requests?past=all")).split('id="past"', 1)[1]
    assert everything.count('data-label="When"') == 23
    assert "Wed 11/25/26 6:00 am PST" in everything
    assert "Show all past requests" not in everything


# The favicon ----------------------------------------------------------------------------------


def test_the_favicon_is_served_and_every_page_names_it(client):
    page = client.get("/")
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.[0-9a-f]{10}\.ico)"', text(page))
    assert icon, "the page names no favicon"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    served = client.get(icon.group(1))
    assert served.status_code == 200
    assert served.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "immutable" in served.headers["Cache-Control"]
    served.close()

    asked = client.get("/favicon.ico")  # what a browser asks for on its own
    assert asked.status_code == 302
    assert asked.headers["Location"] == icon.group(1)


# The staff report's tables ---------------------------------------------------------------------


def test_every_report_table_scrolls_in_its_own_focusable_box(client, admin, fixture):  # noqa: F811
    from tests.pages.test_staff_pages import sign_in_staff

    sign_in_staff(client, admin)
    shown = text(client.get("/report?from=2026-11-23&to=2026-12-06"))
    boxes = re.findall(
        r'<div class="usa-table-container--scrollable p2p-chart__table" tabindex="0" '
        r'role="region" aria-label="([^"]+)">\s*<table', shown
    )
    assert len(boxes) == shown.count("<table") == 6
    assert "Overturn rate, week by week (table)" in boxes
