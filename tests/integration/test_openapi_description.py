"""The OpenAPI description says what the validators enforce (and `make test-contract` holds
the service to it with schemathesis): a regression here fails fast in `make test`."""

import re

import pytest

from p2p.schemas.fields import npi_check_digit_ok
from tests.integration.test_cases_api import availability, case_body


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _schema(spec, name):
    return spec["components"]["schemas"][name]


def _path_parameter(spec, path, name):
    return next(p for p in spec["paths"][path]["parameters"] if p["name"] == name)["schema"]


def test_the_npi_is_ten_ascii_digits_with_a_check_digit(spec):
    npi = _schema(spec, "RequestingProvider")["properties"]["npi"]
    assert npi["pattern"] == "^[0-9]{10}$"
    assert npi["format"] == "npi"
    assert "check digit" in npi["description"]


def test_path_segments_carry_their_patterns_and_enums(spec):
    policy = "/api/v1/policies/{health_plan}/{line_of_business}"
    assert _path_parameter(spec, policy, "line_of_business")["enum"] == [
        "commercial", "medicare", "medicaid", "chip"
    ]
    assert _path_parameter(spec, policy, "health_plan")["pattern"].startswith("^[a-z0-9]")
    case = _path_parameter(spec, "/api/v1/cases/{case_ref}", "case_ref")
    assert re.match(case["pattern"], "A1") and not re.match(case["pattern"], "-A1")
    state = _path_parameter(spec, "/api/v1/state-rules/{state}", "state")
    assert "TX" in state["enum"] and "XX" not in state["enum"]
    appointment = _path_parameter(spec, "/api/v1/appointments/{appointment_id}", "appointment_id")
    assert appointment["pattern"] == "^[0-9a-f]{32}$"


def test_the_line_of_business_and_text_characters_are_in_the_bodies(spec):
    case = _schema(spec, "Case")["properties"]
    assert case["line_of_business"]["enum"] == ["commercial", "medicare", "medicaid", "chip"]
    one_line = re.compile(case["episode_id"]["pattern"])
    assert one_line.match("E-1") and not one_line.match("E\x001") and not one_line.match("E\n1")
    reason = re.compile(_schema(spec, "Cancel")["properties"]["reason"]["pattern"])
    assert reason.match("two\nlines") and not reason.match("bidi \u202e")


def test_text_taken_on_several_lines_is_answered_as_such(spec):
    """What a request may write on several lines (a cancellation's reason, the contact's
    instructions) the answer's description lets through too: the contract run's stateful
    phase found a cancelled appointment's two-line reason 'violating' its own answer."""
    appointment = _schema(spec, "Appointment")["properties"]
    reason = appointment["cancel_reason"]["pattern"]
    assert re.match(reason, "two\nlines")
    contact = spec["components"]["schemas"][
        appointment["contact"]["$ref"].rsplit("/", 1)[1]]["properties"]
    assert re.match(contact["instructions"]["pattern"], "Ring twice.\nAsk for Maria.")


def test_dates_and_times_carry_the_year_range(spec):
    dob = _schema(spec, "Member")["properties"]["dob"]
    assert dob["format"] == "date"
    assert re.match(dob["pattern"], "1961-04-02") and not re.match(dob["pattern"], "1861-04-02")
    start = _schema(spec, "Booking")["properties"]["start"]
    assert start["format"] == "date-time"
    assert re.match(start["pattern"], "2026-11-20T15:04:00-05:00")
    assert not re.match(start["pattern"], "2301-11-20T15:04:00-05:00")


def test_the_performers_fields_depend_on_its_kind(spec):
    assert [option["$ref"].rsplit("/", 1)[1] for option in _schema(spec, "Performer")["oneOf"]] == [
        "RequestingProviderPerformer", "OtherPerformer"
    ]
    provider = _schema(spec, "RequestingProviderPerformer")
    assert provider["properties"]["kind"]["enum"] == ["requesting_provider"]
    assert {"kind", "name", "credential"} <= set(provider["required"])
    other = _schema(spec, "OtherPerformer")
    assert other["properties"]["kind"]["enum"] == ["contact_person", "someone_else"]
    assert {"kind", "first_name", "last_name", "location"} <= set(other["required"])


def test_a_nullable_option_is_its_schema_or_null_not_any_object(spec):
    reconsideration = _schema(spec, "Policy")["properties"]["reconsideration"]
    assert reconsideration == {
        "allOf": [{"$ref": "#/components/schemas/Reconsideration"}], "nullable": True
    }


def test_the_refused_dob_query_parameter_is_not_documented(spec, client, portal):
    operation = spec["paths"]["/api/v1/cases/{case_ref}/p2p-availability"]["get"]
    names = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert ("query", "dob") not in names
    assert ("header", "X-Member-DOB") in names
    # ...and still refused, naming it (API.md).
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    answer = availability(client, portal, query="?dob=1961-04-02")
    assert answer.status_code == 422
    assert list(answer.json["error"]["fields"]) == ["dob"]


def test_error_answers_and_the_bearer_scheme_are_documented(spec):
    bearer = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert spec["security"] == [{"bearerAuth": []}]
    booking = spec["paths"]["/api/v1/appointments"]["post"]["responses"]
    assert {"401", "409", "413", "415", "422", "429", "503"} <= set(booking)
    assert "WWW-Authenticate" in booking["401"]["headers"]
    assert "Retry-After" in booking["429"]["headers"]
    for status in ("401", "409", "413", "415", "429", "503"):
        schema = booking[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, status
    assert "404" in spec["paths"]["/api/v1/appointments/{appointment_id}"]["get"]["responses"]


def test_links_follow_a_booking_and_a_hold_through_their_lives(spec):
    operation_ids = {
        operation["operationId"]: (method, path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    booked = spec["paths"]["/api/v1/appointments"]["post"]["responses"]["201"]["links"]
    targets = {operation_ids[link["operationId"]] for link in booked.values()}
    base = "/api/v1/appointments/{appointment_id}"
    assert targets == {
        ("get", base), ("post", base + "/reschedule"), ("post", base + "/cancel"),
        ("get", base + "/calendar.ics"), ("get", base + "/history"),
    }
    assert all(
        link["parameters"] == {"appointment_id": "$response.body#/id"} for link in booked.values()
    )
    held = spec["paths"]["/api/v1/holds"]["post"]["responses"]["201"]["links"]
    assert [operation_ids[link["operationId"]] for link in held.values()] == [
        ("delete", "/api/v1/holds/{hold_id}")
    ]


def test_a_date_is_yyyy_mm_dd_only(client, portal):
    """The description says `format: date` (YYYY-MM-DD, API.md); Python's date parser also
    took 19610402 and 1961-W14-7, which no description admitted."""
    for written in ("19610402", "1961-W14-7"):
        body = case_body()
        body["member"]["dob"] = written
        answer = client.put("/api/v1/cases/A1", json=body, headers=portal)
        assert answer.status_code == 422, written
        assert list(answer.json["error"]["fields"]) == ["member.dob"]


def test_the_npi_format_of_the_contract_run_makes_valid_npis():
    from tests.contract.hooks import _with_check_digit

    assert all(npi_check_digit_ok(_with_check_digit(f"{n:09d}")) for n in range(0, 10**9, 10**7))
