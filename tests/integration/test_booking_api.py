"""Booking, rescheduling, cancelling and holds over the API (one process; the races are in
test_booking_races.py)."""

from datetime import datetime, timedelta

import pytest
from marshmallow import Schema

from p2p.extensions import db
from p2p.models import Appointment, AppointmentEvent, OutboxMessage, Reservation
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import (
    WED_9_LA,
    book,
    booking_body,
    place_hold,
)


def test_book_answers_the_appointment(client, portal, booking_world):
    response = book(client, portal)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "scheduled"
    assert body["sequence"] == 0
    assert body["start"] == WED_9_LA  # shown in the provider's zone
    assert body["end"] == "2026-11-25T06:15:00-08:00"
    assert body["label"] == "Wed 11/25/26 6:00 am PST"
    assert body["reviewer"]["reviewer_id"] == "ny"
    assert body["cases"] == [
        {
            "case_ref": "A1",
            "outcome": "outcome_changing",
            "level_of_review": "Reconsideration P2P",
            "removed": False,
            "removed_reason": None,
            "decision": None,  # until the call's outcome is recorded
        }
    ]
    assert body["outcome"] is None
    assert body["ics_url"].endswith(f"/api/v1/appointments/{body['id']}/calendar.ics")
    assert body["contact"]["instructions"] == "Select option 4, ask for Dr. Doe"
    assert client.get(f"/api/v1/appointments/{body['id']}", headers=portal).json == body


def test_a_taken_time_is_409_and_the_slot_search_no_longer_offers_it(client, portal, booking_world):
    assert book(client, portal).status_code == 201
    again = book(client, portal)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "slot_unavailable"
    # Overlapping by part: a 30-minute call for two cases at 08:45 runs into 09:00.
    overlapping = book(
        client, portal, booking_body("2026-11-25T08:45:00-05:00", case_refs=["A1", "A2"])
    )
    assert overlapping.status_code == 422  # 08:45 is before the reviewer's 09:00 start
    later = book(client, portal, booking_body("2026-11-25T08:45:00-08:00"))  # 11:45 EST, free
    assert later.status_code == 201
    slots = client.get(
        "/api/v1/slots?case_refs=A1&time_zone=America/Los_Angeles&week_of=2026-11-25"
        "&days=wed&hours=6",
        headers=portal,
    ).json
    offered = [s["start"] for g in slots["groups"] for r in g["reviewers"] for s in r["slots"]]
    assert WED_9_LA not in offered
    assert "2026-11-25T06:15:00-08:00" in offered


@pytest.mark.parametrize(
    ("start", "why"),
    [
        ("2026-11-25T09:05:00-05:00", "off the 15-minute grid"),
        ("2026-11-25T08:00:00-05:00", "before working hours"),
        ("2026-11-25T16:50:00-05:00", "off grid near the end"),
        ("2026-11-28T10:00:00-05:00", "Saturday"),
        ("2026-11-24T11:00:00-05:00", "inside the 2-hour minimum notice"),
        ("2026-11-25T09:00:00", "no offset"),
    ],
)
def test_a_time_the_search_would_not_offer_is_422_naming_start(
    client, portal, booking_world, start, why
):
    response = book(client, portal, booking_body(start))
    assert response.status_code == 422, why
    assert "start" in response.json["error"]["fields"], why
    with client.application.app_context():
        assert db.session.query(Reservation).count() == 0


def test_unavailable_case_is_not_eligible(client, portal, booking_world):
    _, put_case = booking_world
    put_case("A1", status="approved")
    response = book(client, portal)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "not_eligible"


def test_a_slot_after_the_deadline_needs_the_acknowledgement(client, portal, booking_world):
    after = "2026-12-01T09:00:00-05:00"  # the window closed at 00:00 that day
    refused = book(client, portal, booking_body(after))
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "deadline_acknowledgement_required"
    assert "acknowledge_consultative_only" in refused.json["error"]["fields"]
    accepted = book(client, portal, booking_body(after, acknowledge_consultative_only=True))
    assert accepted.status_code == 201
    assert accepted.json["cases"][0]["outcome"] == "consultative_only"
    assert accepted.json["cases"][0]["level_of_review"] == "Consultative P2P"


def test_a_reviewer_without_a_texas_licence_needs_the_call_note(client, portal, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("pa-only", licensed_states=["PA"])
    body = booking_body(reviewer_id="pa-only")
    refused = book(client, portal, body)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "match_acknowledgement_required"
    assert "call_notes.tx_license_waived" in refused.json["error"]["fields"]
    body["call_notes"]["tx_license_waived"] = True
    assert book(client, portal, body).status_code == 201


def test_a_reviewer_of_another_specialty_needs_the_specialty_note(client, portal, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("pain", specialties=["pain_medicine"])
    body = booking_body(reviewer_id="pain")
    body["call_notes"]["tx_license_waived"] = True
    refused = book(client, portal, body)
    assert refused.json["error"]["code"] == "match_acknowledgement_required"
    assert "call_notes.tx_specialty_waived" in refused.json["error"]["fields"]
    body["call_notes"]["tx_specialty_waived"] = True
    assert book(client, portal, body).status_code == 201


def test_an_ohio_member_needs_consent(client, portal, booking_world):
    _, put_case = booking_world
    put_case(
        "OH1", member={"name": "Pat Doe", "dob": "1961-04-02", "state": "OH", "member_id": "M1"}
    )
    body = booking_body(case_refs=["OH1"])
    body["call_notes"]["tx_license_waived"] = True  # ny has no OH licence
    refused = book(client, portal, body)
    assert refused.status_code == 422
    assert "call_notes.oh_member_consent" in refused.json["error"]["fields"]
    body["call_notes"]["oh_member_consent"] = True
    assert book(client, portal, body).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"performer": {"kind": "contact_person", "first_name": "John"}}, "performer.last_name"),
        ({"performer": {"kind": "requesting_provider", "name": "Dr. Doe"}}, "performer.credential"),
        ({"performer": {"kind": "robot"}}, "performer.kind"),
        (
            {"requesting_provider": {"npi": "1234567890", "name": "X", "email": "x@y.org"}},
            "requesting_provider.npi",
        ),
        (
            {"requesting_provider": {"npi": "1234567893", "name": "X", "email": "not-an-email"}},
            "requesting_provider.email",
        ),
        ({"contact": {"name": "J", "location": "Office", "phone": "call me"}}, "contact.phone"),
        ({"case_refs": []}, "case_refs"),
        ({"case_refs": ["A1", "A1"]}, "case_refs"),
        ({"case_refs": ["NOPE"]}, "case_refs"),
        ({"reviewer_id": "nobody"}, "reviewer_id"),
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"call_notes": {"procedure_performed": True}}, "call_notes.procedure_performed_on"),
    ],
)
def test_bad_bookings_are_422_naming_the_field(client, portal, booking_world, change, field):
    response = book(client, portal, booking_body(**change))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json


def test_idempotency_key_replays_the_first_result(app, client, portal, booking_world):
    first = book(client, portal, booking_body(), **{"Idempotency-Key": "k-1"})
    second = book(client, portal, booking_body(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    with app.app_context():
        assert db.session.query(Appointment).count() == 1
    other = book(
        client, portal, booking_body("2026-11-25T10:00:00-05:00"), **{"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json["error"]["fields"]


def test_reschedule_keeps_the_id_bumps_the_sequence_and_frees_the_old_time(
    client, portal, booking_world
):
    booked = book(client, portal).json
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2026-11-25T10:00:00-05:00"},
        headers=portal,
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["id"] == booked["id"]
    assert moved.json["sequence"] == 1
    assert moved.json["start"] == "2026-11-25T07:00:00-08:00"
    # The old time is free again.
    assert book(client, portal).status_code == 201
    # The new time is taken.
    assert book(client, portal, booking_body("2026-11-25T10:00:00-05:00")).status_code == 409


def test_reschedule_follows_the_booking_rules(client, portal, booking_world):
    booked = book(client, portal).json
    url = f"/api/v1/appointments/{booked['id']}/reschedule"
    assert (
        client.post(url, json={"start": "2026-11-25T09:05:00-05:00"}, headers=portal).status_code
        == 422
    )
    late = client.post(url, json={"start": "2026-12-01T09:00:00-05:00"}, headers=portal)
    assert late.json["error"]["code"] == "deadline_acknowledgement_required"
    ok = client.post(
        url,
        json={"start": "2026-12-01T09:00:00-05:00", "acknowledge_consultative_only": True},
        headers=portal,
    )
    assert ok.status_code == 200
    assert ok.json["cases"][0]["outcome"] == "consultative_only"
    # Back inside the window: outcome-changing again.
    back = client.post(url, json={"start": "2026-11-30T09:00:00-05:00"}, headers=portal)
    assert back.json["cases"][0]["outcome"] == "outcome_changing"
    assert back.json["sequence"] == 2


def test_cancel_needs_a_reason_frees_the_time_and_cannot_be_undone(client, portal, booking_world):
    booked = book(client, portal).json
    url = f"/api/v1/appointments/{booked['id']}"
    no_reason = client.post(f"{url}/cancel", json={}, headers=portal)
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json["error"]["fields"]
    cancelled = client.post(
        f"{url}/cancel", json={"reason": "Provider unavailable"}, headers=portal
    )
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "Provider unavailable"
    assert book(client, portal).status_code == 201  # the time is free
    again = client.post(
        f"{url}/reschedule", json={"start": "2026-11-25T11:00:00-05:00"}, headers=portal
    )
    assert again.status_code == 409
    assert client.post(f"{url}/cancel", json={"reason": "x"}, headers=portal).status_code == 409


def test_history_records_every_change_with_actor_and_before_after(client, portal, booking_world):
    booked = book(client, portal).json
    url = f"/api/v1/appointments/{booked['id']}"
    client.post(f"{url}/reschedule", json={"start": "2026-11-25T10:00:00-05:00"}, headers=portal)
    client.post(f"{url}/cancel", json={"reason": "Provider unavailable"}, headers=portal)
    events = client.get(f"{url}/history", headers=portal).json["events"]
    assert [e["action"] for e in events] == ["created", "rescheduled", "cancelled"]
    assert all(e["actor"] == "test-portal" for e in events)
    assert events[0]["before"] is None
    assert events[1]["before"]["start"] == "2026-11-25T14:00:00+00:00"
    assert events[1]["after"]["start"] == "2026-11-25T15:00:00+00:00"
    assert events[2]["after"]["status"] == "cancelled"
    assert "Pat" not in str(events)  # no member data in the trail


def test_my_p2p_requests_lists_the_providers_appointments(client, portal, booking_world):
    first = book(client, portal).json
    book(
        client,
        portal,
        booking_body(
            "2026-11-25T10:00:00-05:00",
            requesting_provider={"npi": "1245319599", "name": "Dr. O", "email": "o@x.org"},
        ),
    )
    mine = client.get("/api/v1/appointments?npi=1234567893", headers=portal).json["appointments"]
    assert [a["id"] for a in mine] == [first["id"]]
    bad = client.get("/api/v1/appointments?npi=123", headers=portal)
    assert bad.status_code == 422
    assert client.get("/api/v1/appointments/nope", headers=portal).status_code == 404


def test_a_hold_keeps_the_time_for_its_holder_until_it_expires(app, client, portal, booking_world):
    hold = place_hold(client, portal, time_zone="America/Los_Angeles")
    assert hold.status_code == 201, hold.json
    expires = datetime.fromisoformat(hold.json["expires_at"])
    assert expires - FIXED_NOW == timedelta(minutes=10)
    # Others see it busy: the search does not offer it and a booking without the hold is 409.
    assert book(client, portal).status_code == 409
    second = place_hold(client, portal, time_zone="America/New_York")
    assert second.status_code == 409
    # The holder's booking uses and ends the hold.
    booked = book(client, portal, booking_body(hold_id=hold.json["id"]))
    assert booked.status_code == 201, booked.json
    with app.app_context():
        assert db.session.query(Reservation).filter_by(kind="hold").count() == 0


def test_an_expired_hold_frees_itself(app, client, portal, booking_world):
    hold = place_hold(client, portal, time_zone="America/Los_Angeles").json
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=10, seconds=1)
    assert book(client, portal).status_code == 201  # another booking takes the time
    # The holder comes back too late: the hold is gone, and so is the time.
    late = book(client, portal, booking_body(hold_id=hold["id"]))
    assert late.status_code == 409
    assert late.json["error"]["code"] == "slot_unavailable"


def test_a_hold_is_its_holders_alone(app, client, portal, booking_world):
    """Another caller can neither use nor release someone's hold."""
    from p2p.services import api_keys

    with app.app_context():
        other = {"Authorization": "Bearer " + api_keys.create_api_key("other", "portal", FIXED_NOW)}
    hold = place_hold(client, portal, time_zone="America/Los_Angeles").json
    assert hold["start"] == WED_9_LA  # in the zone the hold was asked in
    used = book(client, other, booking_body(hold_id=hold["id"]))
    assert used.status_code == 422
    assert "hold_id" in used.json["error"]["fields"]
    assert client.delete(f"/api/v1/holds/{hold['id']}", headers=other).status_code == 404
    # A reschedule naming the hold for another time is refused and leaves the hold alone.
    booked = book(client, portal, booking_body("2026-11-25T11:00:00-05:00")).json
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2026-11-25T12:00:00-05:00", "hold_id": hold["id"]},
        headers=portal,
    )
    assert moved.status_code == 422
    assert book(client, portal, booking_body(hold_id=hold["id"])).status_code == 201


def test_a_partial_call_note_on_reschedule_keeps_the_others(client, portal, booking_world):
    body = booking_body()
    body["call_notes"].update(alt_rec_declined=True, appeal_lor_attestation=True)
    booked = book(client, portal, body).json
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={
            "start": "2026-11-25T10:00:00-05:00",
            "call_notes": {"md_specialty_match_requested": True},
        },
        headers=portal,
    ).json
    notes = moved["call_notes"]
    assert notes["alt_rec_declined"] is True
    assert notes["appeal_lor_attestation"] is True
    assert notes["md_specialty_match_requested"] is True


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/appointments", booking_body("0001-01-01T00:30:00+01:00"), "start"),
        ("post", "/api/v1/appointments", booking_body("9999-12-31T23:00:00-05:00"), "start"),
        ("post", "/api/v1/appointments", booking_body(hold_id=2**63), "hold_id"),
        ("get", "/api/v1/slots?case_refs=A1&time_zone=UTC&week_of=9999-12-31", None, "week_of"),
        ("get", "/api/v1/slots?case_refs=A1&time_zone=UTC&week_of=2030-01-01", None, "week_of"),
        ("put", "/api/v1/cases/A9", None, "determination_at"),
    ],
)
def test_extreme_values_are_422_not_500(client, portal, booking_world, method, path, body, field):
    if path.startswith("/api/v1/cases"):
        from tests.integration.test_cases_api import case_body

        body = case_body(determination_at="0001-01-01T00:30:00+01:00")
    response = getattr(client, method)(path, json=body, headers=portal)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_releasing_an_impossible_hold_id_is_404(client, portal, booking_world):
    response = client.delete("/api/v1/holds/99999999999999999999", headers=portal)
    assert response.status_code == 404


def test_a_released_hold_frees_the_time(client, portal, booking_world):
    hold = place_hold(client, portal, time_zone="America/Los_Angeles").json
    assert client.delete(f"/api/v1/holds/{hold['id']}", headers=portal).status_code == 204
    assert client.delete(f"/api/v1/holds/{hold['id']}", headers=portal).status_code == 404
    assert book(client, portal).status_code == 201


def test_changes_queue_emails_with_the_calendar_file(app, client, portal, booking_world):
    booked = book(client, portal).json
    client.post(
        f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "Sick"}, headers=portal
    )
    with app.app_context():
        messages = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        kinds = [(m.kind, m.recipient, m.ics_method) for m in messages]
        assert ("booked", "jd@clinic.example.org", "REQUEST") in kinds
        assert ("booked", "ann.lee@reviewers.example.org", "REQUEST") in kinds
        assert ("cancelled", "jd@clinic.example.org", "CANCEL") in kinds
        for message in messages:
            assert "Pat Doe" not in message.body + message.subject + (message.ics or "")
            assert "1961-04-02" not in message.body + (message.ics or "")


def test_calendar_file(client, portal, booking_world):
    booked = book(client, portal).json
    response = client.get(f"/api/v1/appointments/{booked['id']}/calendar.ics", headers=portal)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "METHOD:REQUEST" in text
    assert f"UID:{booked['id']}" in text
    assert "DTSTART;TZID=America/Los_Angeles:20261125T060000" in text
    assert "Pat Doe" not in text and "1961-04-02" not in text
    client.post(f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "x"}, headers=portal)
    cancelled = client.get(f"/api/v1/appointments/{booked['id']}/calendar.ics", headers=portal)
    assert "METHOD:CANCEL" in cancelled.get_data(as_text=True)
    assert "STATUS:CANCELLED" in cancelled.get_data(as_text=True)


def test_reviewer_feed_is_secret_rotatable_and_keeps_cancellations(
    app, client, portal, admin, booking_world
):
    kept = book(client, portal).json
    dropped = book(client, portal, booking_body("2026-11-25T10:00:00-05:00")).json
    client.post(
        f"/api/v1/appointments/{dropped['id']}/cancel", json={"reason": "x"}, headers=portal
    )
    created = client.post("/api/v1/reviewers/ny/calendar-feed", headers=admin)
    assert created.status_code == 201
    path = created.json["url"].split("127.0.0.1:5000", 1)[-1]
    feed = client.get(path)  # no credential
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    text = feed.get_data(as_text=True)
    assert kept["id"] in text and dropped["id"] in text
    assert "STATUS:CANCELLED" in text
    assert "Pat Doe" not in text
    rotated = client.post("/api/v1/reviewers/ny/calendar-feed", headers=admin).json["url"]
    assert client.get(path).status_code == 404
    assert client.get(rotated.split("127.0.0.1:5000", 1)[-1]).status_code == 200
    # 31 days after the cancellation, the cancelled event has left the feed.
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + timedelta(days=31)
    later = client.get(rotated.split("127.0.0.1:5000", 1)[-1]).get_data(as_text=True)
    assert dropped["id"] not in later


def test_case_updates_recompute_or_remove_the_case(app, client, portal, booking_world):
    _, put_case = booking_world
    booked = book(client, portal, booking_body(case_refs=["A1", "A2"])).json
    assert [c["outcome"] for c in booked["cases"]] == ["outcome_changing", "outcome_changing"]
    put_case("A1", appeal_filed=True)
    now_ = client.get(f"/api/v1/appointments/{booked['id']}", headers=portal).json
    assert now_["cases"][0]["outcome"] == "consultative_only"
    assert now_["status"] == "scheduled"
    put_case("A2", case_type="Interventional Pain", status="withdrawn")
    now_ = client.get(f"/api/v1/appointments/{booked['id']}", headers=portal).json
    assert now_["cases"][1]["removed"] is True
    assert now_["status"] == "scheduled"  # A1 is still discussed
    put_case("A1", status="approved")
    now_ = client.get(f"/api/v1/appointments/{booked['id']}", headers=portal).json
    assert now_["status"] == "cancelled"
    assert "A1" in now_["cancel_reason"]
    events = client.get(f"/api/v1/appointments/{booked['id']}/history", headers=portal).json[
        "events"
    ]
    assert [e["action"] for e in events] == ["created", "case_updated", "case_removed", "cancelled"]
    with app.app_context():
        kinds = {m.kind for m in db.session.query(OutboxMessage)}
        assert {"booked", "case_updated", "case_removed", "cancelled"} <= kinds
        assert db.session.query(AppointmentEvent).count() == 4


def test_an_arizona_provider_sees_mountain_standard_time(client, portal, booking_world):
    """Arizona keeps MST all year: the New York reviewer's 09:00 EST is 07:00 MST."""
    body = booking_body(time_zone="America/Phoenix")
    booked = book(client, portal, body).json
    assert booked["start"] == "2026-11-25T07:00:00-07:00"
    assert booked["label"] == "Wed 11/25/26 7:00 am MST"


def test_a_booking_builds_no_schema_per_request(client, portal, booking_world, monkeypatch):
    """Schemas are built once, when the views are declared: built per request (as webargs
    does when given a class), each would deep-copy its fields and its nested schemas'."""
    built = []
    original = Schema.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    search = "/api/v1/slots?case_refs=A1&time_zone=UTC"
    # The first request builds nested schemas once (marshmallow makes them on first use).
    assert book(client, portal).status_code == 201
    assert client.get(search, headers=portal).status_code == 200
    monkeypatch.setattr(Schema, "__init__", counting)
    later = booking_body("2026-11-25T09:30:00-05:00", case_refs=["A2"])
    assert book(client, portal, later).status_code == 201
    assert client.get(search, headers=portal).status_code == 200
    assert built == [], built
