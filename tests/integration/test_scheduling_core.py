"""The scheduling core as the API and the pages share it, and the defects found when it was
tried as a new user and as an attacker would (issue 13): each test below failed on the
code before the reshaping."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from p2p import create_app
from p2p.extensions import db
from p2p.models import OutboxMessage
from p2p.services import api_keys
from tests.conftest import FIXED_NOW, _test_config, empty_database
from tests.integration.booking_helpers import WED_9, book, booking_body, place_hold, reviewer_body
from tests.integration.test_cases_api import case_body

# --- A new database has the state rules the law requires ---------------------------------


@pytest.fixture
def bare(tmp_path):
    """`flask db upgrade` on an empty database, and nothing else: no policy file loaded."""
    with empty_database(tmp_path) as url:
        app = create_app(_test_config(url))
        with app.app_context():
            upgrade()
            admin = api_keys.create_api_key("bare-admin", "admin", FIXED_NOW)
        yield app, {"Authorization": f"Bearer {admin}"}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


POLICY = {
    "deadline_time_zone": "America/New_York",
    "reconsideration": {"delegated": True, "window": {"length": 5, "unit": "business_days"}},
    "first_level_appeal": None,
    "second_level_appeal": None,
}


def test_after_the_migrations_alone_a_texas_member_needs_the_licence_note(bare):
    app, admin = bare
    client = app.test_client()
    listed = client.get("/api/v1/state-rules", headers=admin)
    assert listed.status_code == 200
    assert {rule["state"]: rule for rule in listed.json["state_rules"]}["TX"] == {
        **listed.json["state_rules"][1],
        "state": "TX",
        "requires_state_license": True,
        "requires_same_specialty": True,
        "requires_member_consent": False,
    }
    assert client.get("/api/v1/state-rules/OH", headers=admin).json["requires_member_consent"]
    put = client.put("/api/v1/policies/aetna-better-health/medicaid", json=POLICY, headers=admin)
    assert put.status_code == 201, put.json
    assert client.put("/api/v1/cases/A1", json=case_body(), headers=admin).status_code == 201
    unlicensed = reviewer_body(licensed_states=["PA"])
    assert client.put("/api/v1/reviewers/ny", json=unlicensed, headers=admin).status_code == 201
    refused = book(client, admin)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "match_acknowledgement_required"
    assert "call_notes.tx_license_waived" in refused.json["error"]["fields"]
    noted = booking_body()
    noted["call_notes"]["tx_license_waived"] = True
    assert book(client, admin, noted).status_code == 201


def test_state_rules_are_managed_by_the_admin_api(client, admin, portal, booking_world):
    rule = {
        "requires_state_license": True,
        "requires_same_specialty": False,
        "requires_member_consent": False,
    }
    created = client.put("/api/v1/state-rules/PA", json=rule, headers=admin)
    assert (created.status_code, created.json["state"]) == (201, "PA")
    assert client.put("/api/v1/state-rules/PA", json=rule, headers=admin).status_code == 200
    assert client.get("/api/v1/state-rules/PA", headers=admin).json["requires_state_license"]
    assert client.put("/api/v1/state-rules/PA", json=rule, headers=portal).status_code == 403
    bad = client.put("/api/v1/state-rules/XX", json=rule, headers=admin)
    assert (bad.status_code, list(bad.json["error"]["fields"])) == (422, ["state"])
    assert client.get("/api/v1/state-rules/WY", headers=admin).status_code == 404
    # The new rule holds from the next booking on: a reviewer unlicensed in PA needs a note.
    put_reviewer, put_case = booking_world
    put_case("P1", member={"name": "P", "dob": "1961-04-02", "state": "PA", "member_id": "M"})
    put_reviewer("ny", licensed_states=["TX"])
    refused = book(client, portal, booking_body(case_refs=["P1"]))
    assert refused.json["error"]["code"] == "match_acknowledgement_required"


# --- Links point where the service is ----------------------------------------------------


def test_links_use_the_request_host_when_no_base_url_is_set(app, client, portal, admin,
                                                            booking_world):
    assert app.config["P2P_BASE_URL"] is None
    booked = client.post(
        "/api/v1/appointments", json=booking_body(), headers=portal,
        base_url="https://localhost:8443",
    )
    assert booked.status_code == 201, booked.json
    assert booked.json["ics_url"] == (
        f"https://localhost:8443/api/v1/appointments/{booked.json['id']}/calendar.ics"
    )
    feed = client.post("/api/v1/reviewers/ny/calendar-feed", headers=admin,
                       base_url="http://127.0.0.1:8000")
    assert feed.json["url"].startswith("http://127.0.0.1:8000/calendar-feeds/")


def test_a_forged_host_is_refused(client, portal, booking_world):
    forged = client.get("/api/v1/appointments?npi=1234567893", headers=portal,
                        base_url="http://attacker.example")
    assert forged.status_code == 400
    assert forged.json["error"]["code"] == "bad_request"


def test_the_base_url_wins_when_set(migrated, monkeypatch, booking_world, portal):
    monkeypatch.setenv("P2P_BASE_URL", "https://p2p.example.org")
    app = create_app(_test_config(migrated))
    assert "p2p.example.org" in app.config["TRUSTED_HOSTS"]
    booked = app.test_client().post("/api/v1/appointments", json=booking_body(), headers=portal)
    assert booked.json["ics_url"].startswith("https://p2p.example.org/api/v1/appointments/")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- The repeated hour of a fall-back night is worked -------------------------------------


def test_the_second_one_fifteen_of_a_fall_back_night_can_be_booked(client, portal,
                                                                  booking_world):
    put_reviewer, put_case = booking_world
    put_reviewer("ny", weekly_hours={"sun": [["00:00", "03:00"]]})
    put_case("A1", status="pended", determination_at=None,
             info_due_at="2027-12-01T17:00:00-05:00")
    week = client.get(
        "/api/v1/slots?case_refs=A1&time_zone=America/New_York&week_of=2027-11-07"
        "&days=sun&hours=0,1,2",
        headers=portal,
    )
    labels = [slot["label"] for slot in week.json["groups"][0]["reviewers"][0]["slots"]]
    assert len(labels) == 16  # 04:00Z-08:00Z: four real hours
    assert "Sun 11/7/27 1:15 am EDT" in labels and "Sun 11/7/27 1:15 am EST" in labels
    second = booking_body("2027-11-07T01:15:00-05:00", time_zone="America/New_York")
    booked = book(client, portal, second)
    assert booked.status_code == 201, booked.json
    assert booked.json["label"] == "Sun 11/7/27 1:15 am EST"
    first = book(client, portal, booking_body("2027-11-07T01:15:00-04:00"))
    assert first.status_code == 201, first.json  # the first 01:15 is another instant


# --- Hold ids -------------------------------------------------------------------------------


def test_an_unknown_hold_id_is_refused_naming_it(client, portal, booking_world):
    # Before: a hold id that named no live hold was ignored and the booking went on.
    released = place_hold(client, portal).json["id"]
    assert client.delete(f"/api/v1/holds/{released}", headers=portal).status_code == 204
    for hold_id in (released, "hold_never-handed-out"):
        refused = book(client, portal, booking_body(hold_id=hold_id))
        assert refused.status_code == 422, refused.json
        assert list(refused.json["error"]["fields"]) == ["hold_id"]
    assert client.get("/api/v1/appointments?npi=1234567893", headers=portal).json == {
        "appointments": []
    }


def test_hold_ids_are_opaque_and_another_callers_hold_is_unknown(app, client, portal,
                                                                booking_world):
    held = place_hold(client, portal)
    assert held.status_code == 201, held.json
    hold_id = held.json["id"]
    assert isinstance(hold_id, str) and not hold_id.isdigit() and len(hold_id) >= 24
    other = place_hold(client, portal, start="2026-11-25T07:00:00-08:00")
    assert other.json["id"] != hold_id
    with app.app_context():
        key = api_keys.create_api_key("other-portal", "portal", FIXED_NOW)
    stranger = {"Authorization": f"Bearer {key}"}
    theirs = client.delete(f"/api/v1/holds/{hold_id}", headers=stranger)
    unknown = client.delete("/api/v1/holds/hold_never-handed-out", headers=stranger)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json["error"]["message"].replace(hold_id, "X") == unknown.json["error"][
        "message"
    ].replace("hold_never-handed-out", "X")
    booked_with = book(client, stranger, booking_body(hold_id=hold_id))
    assert booked_with.status_code == 422  # not theirs: like an unknown id, naming hold_id
    assert list(booked_with.json["error"]["fields"]) == ["hold_id"]
    mine = book(client, portal, booking_body(hold_id=hold_id))
    assert mine.status_code == 201, mine.json
    again = book(client, portal, booking_body("2026-11-25T09:15:00-05:00", hold_id=hold_id))
    assert again.status_code == 422  # a hold is used once


def test_an_expired_hold_lets_the_booking_go_on_when_the_time_is_free(app, client, portal,
                                                                     booking_world):
    hold_id = place_hold(client, portal).json["id"]
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW.replace(minute=11)  # 11 minutes later
    booked = book(client, portal, booking_body(hold_id=hold_id))
    assert booked.status_code == 201, booked.json


# --- Rescheduling onto the same reviewer and start is no change ---------------------------


def test_rescheduling_onto_the_same_time_changes_nothing(app, client, portal, booking_world):
    booked = book(client, portal).json
    with app.app_context():
        emails_before = db.session.scalar(select(db.func.count(OutboxMessage.id)))
    same = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule", json={"start": WED_9}, headers=portal
    )
    assert same.status_code == 200, same.json
    assert same.json["sequence"] == 0
    with app.app_context():
        assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == emails_before
    history = client.get(f"/api/v1/appointments/{booked['id']}/history", headers=portal).json
    assert [event["action"] for event in history["events"]] == ["created"]
    moved = client.post(
        f"/api/v1/appointments/{booked['id']}/reschedule",
        json={"start": "2026-11-25T10:00:00-05:00"},
        headers=portal,
    )
    assert moved.json["sequence"] == 1


# --- case_refs repeated in the query -------------------------------------------------------


def test_repeated_case_refs_are_all_searched(client, portal, booking_world):
    query = "/api/v1/slots?time_zone=America/New_York&week_of=2026-11-30"
    joined = client.get(f"{query}&case_refs=A1,A2", headers=portal).json
    repeated = client.get(f"{query}&case_refs=A1&case_refs=A2", headers=portal).json
    assert [case["case_ref"] for case in repeated["cases"]] == ["A1", "A2"]
    assert repeated == joined
    twice = client.get(f"{query}&case_refs=A1&case_refs=A1", headers=portal)
    assert (twice.status_code, list(twice.json["error"]["fields"])) == (422, ["case_refs"])


# --- A time not offered says why ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("2026-11-25T09:05:00-05:00", "off_grid"),
        ("2026-11-25T07:00:00-05:00", "outside_hours"),
        ("2026-11-24T11:00:00-05:00", "inside_minimum_notice"),  # now is 10:00 EST
        ("2026-11-28T09:00:00-05:00", "outside_hours"),  # a Saturday
    ],
)
def test_a_time_not_offered_is_a_422_naming_its_reason(client, portal, booking_world, start,
                                                      reason):
    refused = book(client, portal, booking_body(start))
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "validation_error"
    assert refused.json["error"]["reason"] == reason
    assert list(refused.json["error"]["fields"]) == ["start"]


def test_too_long_and_time_off_and_not_trained_are_named(client, portal, admin, booking_world):
    two = book(client, portal, booking_body("2026-11-25T16:45:00-05:00", case_refs=["A1", "A2"]))
    assert two.json["error"]["reason"] == "too_long"
    client.post(
        "/api/v1/reviewers/ny/time-off",
        json={"start": "2026-11-25T12:00:00-05:00", "end": "2026-11-25T13:00:00-05:00"},
        headers=admin,
    )
    away = book(client, portal, booking_body("2026-11-25T12:15:00-05:00"))
    assert away.json["error"]["reason"] == "time_off"
    put_reviewer, _ = booking_world
    put_reviewer("rad", case_types=["Radiology"])
    untrained = book(client, portal, booking_body(reviewer_id="rad"))
    assert untrained.json["error"]["reason"] == "not_trained"
    assert list(untrained.json["error"]["fields"]) == ["reviewer_id"]
    taken_first = book(client, portal)
    taken = book(client, portal)
    assert (taken_first.status_code, taken.status_code) == (201, 409)
    assert taken.json["error"]["code"] == "slot_unavailable"


# --- The status machine, through the API ----------------------------------------------------


def test_a_refused_transition_is_a_409_saying_why(client, portal, booking_world):
    booked = book(client, portal).json
    path = f"/api/v1/appointments/{booked['id']}"
    assert client.post(f"{path}/cancel", json={"reason": "r"}, headers=portal).status_code == 200
    again = client.post(f"{path}/cancel", json={"reason": "r"}, headers=portal)
    moved = client.post(f"{path}/reschedule", json={"start": WED_9}, headers=portal)
    assert (again.status_code, moved.status_code) == (409, 409)
    assert again.json["error"]["message"] == "The appointment is cancelled; it cannot be cancelled."
    assert moved.json["error"]["message"] == (
        "The appointment is cancelled; it cannot be rescheduled."
    )
    history = client.get(f"{path}/history", headers=portal).json
    assert [e["action"] for e in history["events"]] == ["created", "cancelled"]


def test_behind_a_proxy_links_follow_the_forwarded_scheme_and_host(migrated, monkeypatch,
                                                                  booking_world, portal):
    monkeypatch.setenv("P2P_PROXY_HOPS", "1")
    monkeypatch.setenv("P2P_TRUSTED_HOSTS", "p2p.example.org")
    app = create_app(_test_config(migrated))
    booked = app.test_client().post(
        "/api/v1/appointments",
        json=booking_body(),
        headers={**portal, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "p2p.example.org"},
    )
    assert booked.status_code == 201, booked.json
    assert booked.json["ics_url"].startswith("https://p2p.example.org/api/v1/appointments/")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
