"""Tenancy (issue 14): a key limited to health plans sees and changes only their cases and
appointments; anything else is answered exactly like an unknown id. Unlimited portal keys
keep seeing everything (the UM company's own portal)."""

import pytest

from p2p.services import api_keys
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body, place_hold
from tests.integration.test_cases_api import availability, case_body

OTHER_PLAN = "the-health-plan"  # case_body() is an aetna-better-health case


def key(app, name: str, *plans: str) -> dict:
    with app.app_context():
        return {"Authorization": "Bearer " + api_keys.create_api_key(name, "portal", FIXED_NOW,
                                                                     plans)}


@pytest.fixture
def tenants(app, client, portal, booking_world):
    aetna = key(app, "aetna-portal", "aetna-better-health")
    other = key(app, "other-portal", OTHER_PLAN)
    booked = book(client, portal).json  # case A1 (aetna), by the unlimited portal
    return aetna, other, booked


def test_another_plans_case_is_unknown(client, tenants):
    aetna, other, _ = tenants
    assert availability(client, aetna).status_code == 200
    theirs = availability(client, other)
    unknown = availability(client, other, case_ref="NO-SUCH-CASE")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json == unknown.json
    overwrite = client.put("/api/v1/cases/A1", json=case_body(health_plan=OTHER_PLAN,
                                                              line_of_business="commercial"),
                           headers=other)
    assert overwrite.status_code == 404  # the existing case is not theirs to see
    foreign = client.put("/api/v1/cases/NEW-1", json=case_body(), headers=other)
    assert (foreign.status_code, list(foreign.json["error"]["fields"])) == (422, ["health_plan"])
    own = client.put("/api/v1/cases/NEW-2",
                     json=case_body(health_plan=OTHER_PLAN, line_of_business="commercial"),
                     headers=other)
    assert own.status_code == 201, own.json


def test_another_plans_case_cannot_be_searched_held_or_booked(client, tenants):
    aetna, other, _ = tenants
    query = "/api/v1/slots?case_refs=A1&time_zone=America/New_York&week_of=2026-11-30"
    assert client.get(query, headers=aetna).status_code == 200
    unknown = client.get(query.replace("A1", "NOPE"), headers=other).json["error"]
    theirs = client.get(query, headers=other).json["error"]
    assert theirs["fields"]["case_refs"][0].replace("A1", "X") == (
        unknown["fields"]["case_refs"][0].replace("NOPE", "X")
    )
    assert place_hold(client, other, start="2026-11-25T07:00:00-08:00").status_code == 422
    refused = book(client, other, booking_body("2026-11-25T10:00:00-05:00"))
    assert (refused.status_code, list(refused.json["error"]["fields"])) == (422, ["case_refs"])


def test_another_plans_appointment_is_unknown_everywhere(client, tenants):
    aetna, other, booked = tenants
    path = f"/api/v1/appointments/{booked['id']}"
    assert client.get(path, headers=aetna).status_code == 200
    for method, suffix, body in (
        ("get", "", None),
        ("get", "/history", None),
        ("get", "/calendar.ics", None),
        ("post", "/reschedule", {"start": "2026-11-25T10:00:00-05:00"}),
        ("post", "/cancel", {"reason": "not mine"}),
    ):
        answer = getattr(client, method)(path + suffix, json=body, headers=other)
        assert answer.status_code == 404, (suffix, answer.json)
        assert answer.json["error"]["code"] == "not_found"
    listed = client.get("/api/v1/appointments?npi=1234567893", headers=other).json
    assert listed == {"appointments": []}
    assert len(client.get("/api/v1/appointments?npi=1234567893", headers=aetna).json[
        "appointments"]) == 1
    assert client.get(path, headers=aetna).json["status"] == "scheduled"  # nothing changed


def test_every_appointment_records_the_key_that_made_it(client, portal, tenants):
    aetna, _, booked = tenants
    made = book(client, aetna, booking_body("2026-11-25T11:00:00-05:00")).json
    history = client.get(f"/api/v1/appointments/{made['id']}/history", headers=portal).json
    assert history["events"][0]["actor"] == "aetna-portal"
    first = client.get(f"/api/v1/appointments/{booked['id']}/history", headers=portal).json
    assert first["events"][0]["actor"] == "test-portal"


def test_only_portal_keys_are_limited_to_plans(app, runner):
    refused = runner.invoke(args=["p2p", "create-api-key", "plan-admin", "--role", "admin",
                                  "--health-plan", "x"])
    assert refused.exit_code != 0
    assert "portal" in refused.output
    made = runner.invoke(args=["p2p", "create-api-key", "plan-portal", "--role", "portal",
                               "--health-plan", "aetna-better-health"])
    assert made.exit_code == 0 and "for aetna-better-health" in made.output
