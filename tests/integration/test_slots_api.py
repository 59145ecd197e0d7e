"""GET /api/v1/slots over the database: defaults, validation, ranking, the week's edges,
bookings and time off, and the response contract."""

import json
from datetime import datetime, timedelta

import pytest
import pytz
from sqlalchemy import text

from p2p.extensions import db
from p2p.models import Reservation
from p2p.schemas.slots import SlotSearchSchema
from tests.conftest import FIXED_NOW
from tests.integration.test_cases_api import case_body

# FIXED_NOW is Tue 24 Nov 2026 15:00 UTC (10:00 EST, 07:00 PST); minimum notice 2 h.
NINE_TO_FIVE = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def reviewer(**changes) -> dict:
    body = {
        "name": "Dr. Ann Lee",
        "credentials": "MD",
        "specialties": ["orthopedic_surgery"],
        "case_types": ["MSK Spine Surgery"],
        "licensed_states": ["TX", "PA"],
        "time_zone": "America/New_York",
        "weekly_hours": NINE_TO_FIVE,
        "active": True,
    }
    body.update(changes)
    return body


@pytest.fixture
def world(runner, client, admin, portal):
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0

    def put_reviewer(reviewer_id, **changes):
        response = client.put(
            f"/api/v1/reviewers/{reviewer_id}", json=reviewer(**changes), headers=admin
        )
        assert response.status_code in (200, 201), response.json

    def put_case(case_ref, **changes):
        response = client.put(
            f"/api/v1/cases/{case_ref}", json=case_body(**changes), headers=portal
        )
        assert response.status_code in (200, 201), response.json

    return put_reviewer, put_case


def search(client, headers, **params):
    params.setdefault("time_zone", "America/Los_Angeles")
    params.setdefault("week_of", "2026-11-23")
    return client.get("/api/v1/slots", query_string=params, headers=headers)


def starts(body, reviewer_id):
    for group in body["groups"]:
        for entry in group["reviewers"]:
            if entry["reviewer_id"] == reviewer_id:
                return [slot["start"] for slot in entry["slots"]]
    return []


def test_new_york_reviewer_in_a_los_angeles_providers_week(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_case("A1")
    response = search(client, portal, case_refs="A1", days="wed", hours="6,7")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["week"] == {"start": "2026-11-23", "end": "2026-11-29"}
    # NY 09:00-17:00 is 06:00-14:00 in LA; blocks 6 and 7 -> 06:00 .. 07:45 starts, 15 min each.
    expected = [f"2026-11-25T{h:02d}:{m:02d}:00-08:00" for h in (6, 7) for m in (0, 15, 30, 45)]
    assert starts(body, "ny") == expected
    slot = body["groups"][0]["reviewers"][0]["slots"][0]
    assert slot["label"] == "Wed 11/25/26 6:00 am PST"
    assert slot["end"] == "2026-11-25T06:15:00-08:00"
    assert body["empty"] is None


def test_defaults_are_weekdays_7_to_19_and_minimum_notice_cuts_today(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer(
        "ny",
        weekly_hours={
            d: [["07:00", "22:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
    )
    put_case("A1")
    body = search(client, portal, case_refs="A1").json
    found = starts(body, "ny")
    # Today (Tue) starts at now + 2 h = 09:00 PST; weekdays only; last start 18:45 PST.
    assert found[0] == "2026-11-24T09:00:00-08:00"
    assert all("T0" not in s or s[11:13] >= "07" for s in found)
    days = {s[:10] for s in found}
    assert days == {"2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"}  # Mon is past
    assert max(found) == "2026-11-27T18:45:00-08:00"


def test_texas_member_puts_unlicensed_reviewers_below_priority_1(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer("tx-ortho")
    put_reviewer("no-tx", licensed_states=["PA"])
    put_reviewer("tx-other", specialties=["pain_medicine"])
    put_case("A1")  # member in TX, orthopedic_surgery
    body = search(client, portal, case_refs="A1").json
    by_priority = {
        g["priority"]: [r["reviewer_id"] for r in g["reviewers"]] for g in body["groups"]
    }
    assert by_priority[1] == ["tx-ortho"]
    assert by_priority[2] == ["no-tx"]
    assert by_priority[3] == ["tx-other"]
    labels = {g["priority"]: g["label"] for g in body["groups"]}
    assert labels[1] == "1st Priority by Skill"
    entries = {r["reviewer_id"]: r for g in body["groups"] for r in g["reviewers"]}
    assert entries["no-tx"]["match"] == {"specialty": True, "state_license": False}
    assert entries["no-tx"]["match_acknowledgement_required"] is True
    assert entries["tx-ortho"]["match_acknowledgement_required"] is False


def test_two_cases_need_both_case_types_and_a_longer_slot(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer("both", case_types=["MSK Spine Surgery", "Interventional Pain"])
    put_reviewer("spine-only")
    put_case("A1")
    put_case("A2", case_type="Interventional Pain")
    body = search(client, portal, case_refs="A1,A2", days="wed", hours="6").json
    assert [r["reviewer_id"] for g in body["groups"] for r in g["reviewers"]] == ["both"]
    slot = body["groups"][0]["reviewers"][0]["slots"][0]
    assert (slot["start"], slot["end"]) == (
        "2026-11-25T06:00:00-08:00",
        "2026-11-25T06:30:00-08:00",
    )
    # 30 minutes inside block 6 only: 06:00, 06:15, 06:30.
    assert len(body["groups"][0]["reviewers"][0]["slots"]) == 3


def test_deadline_mid_week_flags_later_slots(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    # Pended, information due Wed 25 Nov 2026 12:00 EST = 09:00 PST.
    put_case("P1", status="pended", determination_at=None, info_due_at="2026-11-25T12:00:00-05:00")
    body = search(client, portal, case_refs="P1", days="wed", hours="8,9").json
    flags = {
        s["start"]: s["consultative_only_case_refs"]
        for g in body["groups"]
        for r in g["reviewers"]
        for s in r["slots"]
    }
    assert flags["2026-11-25T08:45:00-08:00"] == []
    assert flags["2026-11-25T09:00:00-08:00"] == ["P1"]
    assert body["cases"] == [
        {
            "case_ref": "P1",
            "outcome": "outcome_changing",
            "valid_until": "2026-11-25T09:00:00-08:00",
            "slot_before_deadline": True,
        }
    ]


def test_bookings_holds_and_time_off_remove_slots(app, client, portal, admin, world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_case("A1")
    eastern = pytz.timezone("America/New_York")
    booked = eastern.localize(datetime(2026, 11, 25, 9, 0))
    with app.app_context():
        db.session.add(
            Reservation(
                reviewer_id="ny",
                start_at=booked,
                end_at=booked + timedelta(minutes=30),
                kind="appointment",
                created_at=FIXED_NOW,
            )
        )
        # A live hold, and one that expired (which no longer takes the time).
        db.session.add(
            Reservation(
                reviewer_id="ny",
                start_at=booked + timedelta(hours=1),
                end_at=booked + timedelta(hours=1, minutes=15),
                kind="hold",
                expires_at=FIXED_NOW + timedelta(minutes=5),
                created_at=FIXED_NOW,
            )
        )
        db.session.add(
            Reservation(
                reviewer_id="ny",
                start_at=booked + timedelta(hours=2),
                end_at=booked + timedelta(hours=2, minutes=15),
                kind="hold",
                expires_at=FIXED_NOW - timedelta(minutes=1),
                created_at=FIXED_NOW,
            )
        )
        db.session.commit()
    client.post(
        "/api/v1/reviewers/ny/time-off",
        headers=admin,
        json={"start": "2026-11-26T00:00:00-05:00", "end": "2026-11-27T00:00:00-05:00"},
    )
    found = starts(search(client, portal, case_refs="A1", hours="6,7,8,9").json, "ny")
    assert "2026-11-25T06:00:00-08:00" not in found  # booked 09:00-09:30 EST
    assert "2026-11-25T06:15:00-08:00" not in found
    assert "2026-11-25T06:30:00-08:00" in found  # half-open: free as the booking ends
    assert "2026-11-25T07:00:00-08:00" not in found  # live hold
    assert "2026-11-25T08:00:00-08:00" in found  # expired hold
    assert not [s for s in found if s.startswith("2026-11-26")]  # time off


def test_empty_week_says_why_and_where_to_look(client, portal, admin, world):
    put_reviewer, put_case = world
    put_case("A1")
    none = search(client, portal, case_refs="A1").json
    assert none["groups"] == []
    assert none["empty"]["reason"] == "no_trained_reviewer"
    assert "MSK Spine Surgery" in none["empty"]["message"]
    put_reviewer("ny")
    # NY 09:00-17:00 is 06:00-14:00 PST: block 20 never overlaps.
    never = search(client, portal, case_refs="A1", hours="20").json
    assert never["empty"]["reason"] == "no_overlap_with_preferences"
    assert never["empty"]["first_week_with_slots"] is None
    assert never["cases"][0]["slot_before_deadline"] is False
    # Off the whole week: fully booked, and the next week is named.
    client.post(
        "/api/v1/reviewers/ny/time-off",
        headers=admin,
        json={"start": "2026-11-23T00:00:00-05:00", "end": "2026-11-30T00:00:00-05:00"},
    )
    booked = search(client, portal, case_refs="A1").json
    assert booked["empty"]["reason"] == "fully_booked"
    assert booked["empty"]["first_week_with_slots"] == "2026-11-30"
    # The reconsideration window closes Tue 1 Dec 00:00 EST: Mon 30 Nov still has slots.
    assert booked["cases"][0]["slot_before_deadline"] is True


def test_validation(client, portal, world):
    _, put_case = world
    put_case("A1")
    cases = [
        ({"case_refs": "A1", "time_zone": "Pacific/Atlantis"}, "time_zone"),
        ({"case_refs": "A1", "days": ""}, "days"),
        ({"case_refs": "A1", "days": "mon,funday"}, "days.1"),
        ({"case_refs": "A1", "hours": "7,24"}, "hours.1"),
        ({"case_refs": "A1", "hours": "seven"}, "hours.0"),
        ({"case_refs": "A1", "week_of": "next week"}, "week_of"),
        ({"case_refs": "A1,ZZ"}, "case_refs"),
        ({"case_refs": "A1,A1"}, "case_refs"),
        ({"case_refs": ""}, "case_refs"),
    ]
    for params, field in cases:
        response = search(client, portal, **params)
        assert response.status_code == 422, (params, response.json)
        assert field in response.json["error"]["fields"], (params, response.json)
    missing_zone = client.get("/api/v1/slots?case_refs=A1", headers=portal)
    assert "time_zone" in missing_zone.json["error"]["fields"]


def test_unavailable_case_is_not_eligible(client, portal, world):
    _, put_case = world
    put_case("OK1", status="approved")
    response = search(client, portal, case_refs="OK1")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "not_eligible"


def test_response_is_exactly_what_the_schema_describes(client, portal, world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_reviewer("hi", time_zone="Pacific/Honolulu", licensed_states=["HI"])
    put_case("A1")
    put_case("P1", status="pended", determination_at=None, info_due_at="2026-11-25T12:00:00-05:00")
    for params in ({"case_refs": "A1,P1"}, {"case_refs": "A1", "hours": "23"}):
        body = search(client, portal, **params).get_data(as_text=True)
        schema = SlotSearchSchema()
        assert schema.dump(schema.load(json.loads(body))) == json.loads(body)


def test_response_body_is_the_app_json_of_the_document(app, client, portal, world):
    """The API's body (result_body: cached slot fragments spliced in) is byte for byte what
    the app's JSON provider writes for result_document: with reviewer names needing
    escapes, slots flagged consultative-only, two groups and an empty week, each searched
    twice (the second time every slot's JSON comes from the cache)."""
    from p2p import context, slots
    from p2p.api import slot_body
    from p2p.services import search as slot_search

    put_reviewer, put_case = world
    put_reviewer("ny")
    put_reviewer("hi", time_zone="Pacific/Honolulu", licensed_states=["HI"])
    # Names the API would refuse (a tab, DEL, U+2028) can still come from a row written
    # around it, in SQL: the encoder must escape them as the JSON provider does.
    with app.app_context():
        for reviewer_id, name in (
            ("ny", 'Dr. José "Pepe"\tNúñez \\ 東\x7f'),
            ("hi", "Dr. Kai\u2028"),
        ):
            db.session.execute(
                text("UPDATE reviewers SET name = :name WHERE reviewer_id = :id"),
                {"name": name, "id": reviewer_id},
            )
        db.session.commit()
    put_case("A1")
    put_case("P1", status="pended", determination_at=None, info_due_at="2026-11-25T12:00:00-05:00")
    seen = set()
    with app.app_context():
        for refs, hours, week_of in (
            (["A1", "P1"], range(7, 19), None),
            (["A1"], [23], None),
            (["P1"], range(24), FIXED_NOW.date() + timedelta(days=14)),
        ):
            preferences = slots.Preferences(
                "America/Los_Angeles", frozenset(range(7)), frozenset(hours)
            )
            for _ in range(2):
                result = slot_search.search(
                    refs, preferences, week_of, FIXED_NOW, context.scheduling()
                )
                expected = app.json.response(slot_body.result_document(result)).get_data()
                assert slot_body.result_body(result) == expected
            seen.add("empty" if result.empty else f"{len(result.groups)} groups")
            if any(
                s.consultative_only_case_refs
                for g in result.groups
                for r in g.reviewers
                for s in r.slots
            ):
                seen.add("flagged")
        db.session.rollback()
    assert seen == {"2 groups", "flagged", "empty"}, seen


def test_an_empty_week_looks_ahead_through_later_bookings(client, portal, admin, world):
    """The first week with a slot is found past two weeks of time off: the search must load
    the later weeks' busy time, not only the searched week's."""
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_case("A1", line_of_business="medicaid", health_plan="aetna-better-health")
    client.post(
        "/api/v1/reviewers/ny/time-off",
        headers=admin,
        json={"start": "2026-11-23T00:00:00-05:00", "end": "2026-12-07T00:00:00-05:00"},
    )
    body = search(client, portal, case_refs="A1").json
    assert body["empty"]["reason"] == "fully_booked"
    assert body["empty"]["first_week_with_slots"] == "2026-12-07"
    # The 5-business-day window closes Tue 1 Dec: no slot before it.
    assert body["cases"][0]["slot_before_deadline"] is False
    # Searching that later week directly gives slots, and still no slot before the deadline.
    later = search(client, portal, case_refs="A1", week_of="2026-12-09").json
    assert later["empty"] is None
    assert later["cases"][0]["slot_before_deadline"] is False
    flags = {
        s["consultative_only_case_refs"][0]
        for g in later["groups"]
        for r in g["reviewers"]
        for s in r["slots"]
    }
    assert flags == {"A1"}


def test_retraining_a_reviewer_changes_who_is_offered(client, portal, admin, world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_case("A1")
    assert search(client, portal, case_refs="A1").json["empty"] is None
    put_reviewer("ny", case_types=["Radiology"])
    assert search(client, portal, case_refs="A1").json["empty"]["reason"] == "no_trained_reviewer"
    put_reviewer("ny", case_types=["Radiology", "MSK Spine Surgery"], active=False)
    assert search(client, portal, case_refs="A1").json["empty"]["reason"] == "no_trained_reviewer"
