"""Call outcomes (issue 16, API.md "Call outcomes"): held with a decision per case, or missed
by one side; once, from the call's start; the audit trail; a miss emails the provider (real
SMTP) a link that rebooks the same appointment, by a POST.

"Now" is Tue 24 Nov 2026 10:00 EST; the call is Wed 25 Nov 9:00 EST (reviewer `ny`); case A1
is outcome-changing until Tue 1 Dec 00:00 EST, A2 the same.
"""

import re
from datetime import timedelta

import pytest

from p2p import jobs
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import WED_9, book, booking_body
from tests.integration.test_notifications import body_text, by_recipient, deliver, mail  # noqa: F401
from tests.pages.conftest import csrf_of, link_path

CALL = FIXED_NOW.replace(day=25, hour=14)  # Wed 25 Nov 9:00 EST, in UTC
DURING = CALL + timedelta(minutes=5)
AFTER = CALL + timedelta(hours=2)


def at(app, moment):
    app.config["P2P_CLOCK"] = lambda: moment


def outcome(client, admin, appointment_id, **body):
    return client.post(f"/api/v1/appointments/{appointment_id}/outcome", json=body,
                       headers=admin)


@pytest.fixture
def call(client, portal, booking_world):
    response = book(client, portal, booking_body(case_refs=["A1", "A2"]))
    assert response.status_code == 201, response.json
    return response.json["id"]


HELD = {"result": "held", "note": "Imaging reviewed.",
        "cases": [{"case_ref": "A1", "decision": "overturned"},
                  {"case_ref": "A2", "decision": "upheld"}]}


def test_not_before_the_call_starts(app, client, admin, call):
    at(app, CALL - timedelta(seconds=1))
    refused = outcome(client, admin, call, **HELD)
    assert refused.status_code == 422
    assert "result" in refused.json["error"]["fields"]
    at(app, CALL)
    assert outcome(client, admin, call, **HELD).status_code == 200


def test_a_held_call_records_a_decision_per_case(app, client, admin, portal, call):
    at(app, DURING)
    answer = outcome(client, admin, call, **HELD)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["status"] == "completed"
    assert body["outcome"]["result"] == "held"
    assert body["outcome"]["note"] == "Imaging reviewed."
    assert body["outcome"]["recorded_by"] == "test-admin"
    assert body["outcome"]["recorded_at"].startswith("2026-11-25T14:05:00")
    assert {(c["case_ref"], c["decision"]) for c in body["outcome"]["cases"]} == {
        ("A1", "overturned"), ("A2", "upheld")}
    assert {c["case_ref"]: c["decision"] for c in body["cases"]} == {
        "A1": "overturned", "A2": "upheld"}
    # The record: offered (booked), then held with its outcome (TX 28 TAC 19.1710).
    history = client.get(f"/api/v1/appointments/{call}/history", headers=portal).json
    actions = [event["action"] for event in history["events"]]
    assert actions == ["created", "outcome_recorded"]
    recorded = history["events"][1]
    assert recorded["before"]["status"] == "scheduled"
    assert recorded["after"]["outcome"] == "held"
    assert recorded["after"]["cases"][0]["decision"] == "overturned"
    # Once.
    again = outcome(client, admin, call, result="provider_not_reached")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("cases", "why"),
    [
        ([{"case_ref": "A1", "decision": "overturned"}], "A decision is needed for A2"),
        ([{"case_ref": "A1", "decision": "overturned"}, {"case_ref": "A2", "decision": "upheld"},
          {"case_ref": "ZZ", "decision": "upheld"}], "Not a case of this call: ZZ"),
        ([{"case_ref": "A1", "decision": "no_change_possible"},
          {"case_ref": "A2", "decision": "upheld"}], "was outcome-changing at the call"),
        ([{"case_ref": "A1", "decision": "upheld"}, {"case_ref": "A1", "decision": "upheld"}],
         "A case appears twice"),
    ],
)
def test_decisions_are_checked_against_the_call(app, client, admin, call, cases, why):
    at(app, DURING)
    refused = outcome(client, admin, call, result="held", cases=cases)
    assert refused.status_code == 422
    assert why in refused.json["error"]["fields"]["cases"][0]
    unchanged = client.get(f"/api/v1/appointments/{call}", headers=admin).json
    assert unchanged["status"] == "scheduled" and unchanged["outcome"] is None


def test_a_consultative_only_case_can_only_be_no_change_possible(
    app, client, admin, portal, booking_world
):
    # Tue 1 Dec 9:00 EST: after A1's window closed (1 Dec 00:00 EST).
    body = booking_body(start="2026-12-01T09:00:00-05:00", acknowledge_consultative_only=True)
    call = book(client, portal, body).json["id"]
    at(app, FIXED_NOW.replace(day=1, month=12, hour=14, minute=10))
    refused = outcome(client, admin, call, result="held",
                      cases=[{"case_ref": "A1", "decision": "overturned"}])
    assert refused.status_code == 422
    assert "consultative only at the call" in refused.json["error"]["fields"]["cases"][0]
    done = outcome(client, admin, call, result="held",
                   cases=[{"case_ref": "A1", "decision": "no_change_possible"}])
    assert done.status_code == 200


def test_a_miss_decides_no_case(app, client, admin, call):
    at(app, DURING)
    refused = outcome(client, admin, call, result="provider_not_reached", cases=HELD["cases"])
    assert refused.status_code == 422


def test_a_cancelled_call_takes_no_outcome(app, client, admin, portal, call):
    client.post(f"/api/v1/appointments/{call}/cancel", json={"reason": "x"}, headers=portal)
    # Before its time as after: the state refuses it (409), not the clock (422).
    refused = outcome(client, admin, call, **HELD)
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "conflict"
    at(app, DURING)
    assert outcome(client, admin, call, **HELD).status_code == 409


def test_a_call_the_job_completed_still_takes_its_outcome_once(app, client, admin, call):
    with app.app_context():
        assert jobs.complete_past(AFTER) == 1
    at(app, AFTER)
    missed = outcome(client, admin, call, result="reviewer_unavailable", note="Ill")
    assert missed.status_code == 200
    assert missed.json["status"] == "reviewer_unavailable"
    assert outcome(client, admin, call, **HELD).status_code == 409


def test_only_an_admin_records_an_outcome(app, client, portal, call):
    at(app, DURING)
    assert outcome(client, portal, call, **HELD).status_code == 403


# A missed call is rebooked -------------------------------------------------------------------


def test_a_missed_call_emails_a_rebooking_link_that_reschedules_the_same_appointment(
    app, client, admin, portal, call, mail  # noqa: F811
):
    at(app, DURING)
    missed = outcome(client, admin, call, result="provider_not_reached")
    assert missed.status_code == 200 and missed.json["status"] == "provider_not_reached"
    deliver(app, DURING)
    got = by_recipient(mail.received)["jd@clinic.example.org"]
    subject = got.message["Subject"]
    assert subject.startswith("P2P consultation missed: book again")
    assert "Pat Doe" not in subject and "1961" not in subject
    text = body_text(got)
    assert "could not reach you" in text
    # The latest moments that keep each case outcome-changing, in the provider's zone.
    assert "A1: a call must start before Mon 11/30/26 9:00 pm PST" in text
    url = re.search(r"http://\S+/sign-in/\S+", text).group(0)

    # The link signs in by a POST (mail scanners fetch links), and opens the rebooking.
    page = client.get(link_path(url))
    assert page.status_code == 200 and "Sign in and continue" in page.get_data(as_text=True)
    signed = client.post(link_path(url), data={"csrf_token": csrf_of(page)})
    assert signed.status_code == 303
    opened = client.get("/p2p")
    assert opened.status_code == 303
    assert opened.headers["Location"] == f"/p2p/schedule?moving={call}&week=2026-11-23"

    rebooked = client.post(
        f"/api/v1/appointments/{call}/reschedule",
        json={"start": "2026-11-26T10:00:00-05:00"}, headers=portal,
    )
    assert rebooked.status_code == 200, rebooked.json
    assert rebooked.json["status"] == "scheduled"
    assert rebooked.json["sequence"] == missed.json["sequence"] + 1  # the same UID, moved
    assert rebooked.json["outcome"] is None  # the new call's is still to come
    history = client.get(f"/api/v1/appointments/{call}/history", headers=portal).json
    assert [e["action"] for e in history["events"]] == ["created", "outcome_recorded",
                                                        "rescheduled"]


def test_a_missed_call_is_neither_cancelled_nor_completed(app, client, admin, portal, call):
    at(app, DURING)
    outcome(client, admin, call, result="provider_not_reached")
    cancel = client.post(f"/api/v1/appointments/{call}/cancel", json={"reason": "x"},
                         headers=portal)
    assert cancel.status_code == 409
    with app.app_context():
        assert jobs.complete_past(AFTER) == 0
    held = client.post(f"/api/v1/appointments/{call}/reschedule",
                       json={"start": WED_9}, headers=portal)
    assert held.status_code in (409, 422)  # the past: not offered any more
