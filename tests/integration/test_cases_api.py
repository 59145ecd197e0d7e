"""PUT /api/v1/cases/{case_ref} and GET .../p2p-availability."""

import copy

import pytest


@pytest.fixture(autouse=True)
def default_policies(runner):
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0


def case_body(**changes) -> dict:
    body = {
        "episode_id": "E-1",
        "member": {"name": "Pat Doe", "dob": "1961-04-02", "state": "TX", "member_id": "M1"},
        "health_plan": "aetna-better-health",
        "line_of_business": "medicaid",
        "status": "denied",
        "determination_at": "2026-11-20T15:04:00-05:00",
        "info_due_at": None,
        "additional_info_received": False,
        "appeal_filed": False,
        "reconsideration_completed": False,
        "service_rendered": False,
        "case_type": "MSK Spine Surgery",
        "specialty": "orthopedic_surgery",
        "ordering_provider": {"npi": "1234567893", "name": "Dr. Jane Doe"},
    }
    body.update(changes)
    return body


def availability(client, headers, case_ref="A1", dob="1961-04-02", query=""):
    return client.get(
        f"/api/v1/cases/{case_ref}/p2p-availability{query}",
        headers={**headers, "X-Member-DOB": dob},
    )


def test_put_creates_then_updates_and_answers_with_p2p(client, portal):
    created = client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    assert created.status_code == 201, created.json
    assert created.json["case_ref"] == "A1"
    assert created.json["member"]["state"] == "TX"
    # Determination Fri 20 Nov 2026; 5 business days skipping Thanksgiving (Thu 26 Nov):
    # Mon 23, Tue 24, Wed 25, Fri 27, Mon 30 -> closes Tue 1 Dec 00:00 EST. "Now" is 24 Nov.
    p2p = created.json["p2p"]
    assert p2p["outcome"] == "outcome_changing"
    assert p2p["level_of_review"] == "Reconsideration P2P"
    assert p2p["valid_until"] == "2026-12-01T00:00:00-05:00"
    updated = client.put("/api/v1/cases/A1", json=case_body(appeal_filed=True), headers=portal)
    assert updated.status_code == 200
    assert updated.json["p2p"]["outcome"] == "consultative_only"


def test_availability_matches_api_md(client, portal):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    response = availability(client, portal)
    assert response.status_code == 200
    body = response.json
    assert body["case_ref"] == "A1"
    assert body["eligible"] is True
    assert body["outcome"] == "outcome_changing"
    assert body["valid_until"] == "2026-12-01T00:00:00-05:00"
    assert "12/01/2026 12:00:00 AM" in body["message"]
    options = {o["option"]: o for o in body["post_decision_options"]}
    assert list(options) == ["reconsideration", "first_level_appeal", "second_level_appeal"]
    assert options["reconsideration"] == {
        "option": "reconsideration",
        "available": True,
        "until": "2026-12-01T00:00:00-05:00",
        "handled_by": "us",
    }
    # Nothing about the member comes back from the availability check.
    assert "Pat" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("at", "outcome"),
    [
        ("2026-11-30T23:59:59-05:00", "outcome_changing"),
        ("2026-12-01T00:00:00-05:00", "consultative_only"),
        ("2026-11-30T21:00:00-08:00", "consultative_only"),  # the same instant, in Los Angeles
        ("2026-11-30T18:59:59-10:00", "outcome_changing"),  # one second before, in Honolulu
        ("2026-11-30T22:00:00-07:00", "consultative_only"),  # Phoenix
    ],
)
def test_at_evaluates_at_another_instant(client, portal, at, outcome):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    response = availability(client, portal, query=f"?at={at.replace('+', '%2B')}")
    assert response.status_code == 200, response.json
    assert response.json["outcome"] == outcome


def test_wrong_dob_answers_exactly_like_an_unknown_case(client, portal):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    wrong = availability(client, portal, dob="1961-04-03")
    unknown = availability(client, portal, case_ref="ZZ9")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_data() == unknown.get_data()


def test_dob_in_the_query_is_refused_naming_dob(client, portal):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    response = availability(client, portal, query="?dob=1961-04-02")
    assert response.status_code == 422
    assert "dob" in response.json["error"]["fields"]


@pytest.mark.parametrize("dob", [None, "", "04/02/1961", "1961-02-30"])
def test_missing_or_bad_dob_header_is_422(client, portal, dob):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    headers = dict(portal)
    if dob is not None:
        headers["X-Member-DOB"] = dob
    response = client.get("/api/v1/cases/A1/p2p-availability", headers=headers)
    assert response.status_code == 422
    assert "X-Member-DOB" in response.json["error"]["fields"]


@pytest.mark.parametrize("at", ["2026-11-30T23:59:59", "tomorrow", "2026-13-01T00:00:00Z"])
def test_at_without_offset_or_garbage_is_422(client, portal, at):
    client.put("/api/v1/cases/A1", json=case_body(), headers=portal)
    response = availability(client, portal, query=f"?at={at}")
    assert response.status_code == 422
    assert "at" in response.json["error"]["fields"]


def _without(body: dict, dotted: str) -> dict:
    body = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    del target[last]
    return body


def _with(body: dict, dotted: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    target[last] = value
    return body


BAD_VALUES = [
    ("ordering_provider.npi", "1234567890"),  # check digit wrong
    ("ordering_provider.npi", "12345"),
    ("member.state", "Texas"),
    ("member.state", "tx"),
    ("member.state", "ZZ"),
    ("member.dob", "1961-02-30"),
    ("member.dob", "1800-01-01"),
    ("member.name", ""),
    ("member.name", "x" * 10_000),
    ("line_of_business", "dental"),
    ("status", "lost"),
    ("determination_at", "2026-11-20T15:04:00"),  # no offset: never a guess
    ("determination_at", "yesterday"),
    ("case_type", None),
    ("appeal_filed", "maybe"),
    ("health_plan", "Aetna Better Health"),
    ("episode_id", 12),
    ("member", "Pat Doe"),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_every_bad_value_is_a_422_naming_its_field_and_stores_nothing(client, portal, field, value):
    response = client.put("/api/v1/cases/A1", json=_with(case_body(), field, value), headers=portal)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"], response.json
    assert availability(client, portal).status_code == 404


@pytest.mark.parametrize(
    "field",
    [
        "episode_id",
        "member",
        "member.dob",
        "member.state",
        "health_plan",
        "status",
        "case_type",
        "specialty",
        "ordering_provider",
        "ordering_provider.npi",
    ],
)
def test_missing_required_field_is_named(client, portal, field):
    response = client.put("/api/v1/cases/A1", json=_without(case_body(), field), headers=portal)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_pended_needs_its_due_date_and_decided_needs_determination(client, portal):
    pended = client.put(
        "/api/v1/cases/A1", json=case_body(status="pended", determination_at=None), headers=portal
    )
    assert pended.status_code == 422
    assert "info_due_at" in pended.json["error"]["fields"]
    for status in ("denied", "partially_approved", "approved", "withdrawn"):
        response = client.put(
            "/api/v1/cases/A1", json=case_body(status=status, determination_at=None), headers=portal
        )
        assert response.status_code == 422
        assert "determination_at" in response.json["error"]["fields"]


def test_unknown_policy_is_named_in_the_422(client, portal):
    response = client.put(
        "/api/v1/cases/A1",
        json=case_body(health_plan="acme-health", line_of_business="medicaid"),
        headers=portal,
    )
    assert response.status_code == 422
    assert "acme-health/medicaid" in response.json["error"]["message"]
    assert "health_plan" in response.json["error"]["fields"]


@pytest.mark.parametrize("case_ref", ["bad%20ref", "x" * 65, "-lead"])
def test_bad_case_ref_is_422(client, portal, case_ref):
    response = client.put(f"/api/v1/cases/{case_ref}", json=case_body(), headers=portal)
    assert response.status_code == 422
    assert "case_ref" in response.json["error"]["fields"]
