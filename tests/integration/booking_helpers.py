"""Shared set-up for the booking tests: a New York reviewer, Texas cases, a booking body."""

import copy

import pytest

from tests.integration.test_cases_api import case_body

NINE_TO_FIVE = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
# FIXED_NOW is Tue 24 Nov 2026 10:00 EST; the minimum notice is 2 hours.
WED_9 = "2026-11-25T09:00:00-05:00"
WED_9_LA = "2026-11-25T06:00:00-08:00"


def reviewer_body(**changes) -> dict:
    body = {
        "name": "Dr. Ann Lee",
        "credentials": "MD",
        "specialties": ["orthopedic_surgery"],
        "case_types": ["MSK Spine Surgery", "Interventional Pain"],
        "licensed_states": ["TX", "PA"],
        "time_zone": "America/New_York",
        "weekly_hours": NINE_TO_FIVE,
        "active": True,
        "email": "ann.lee@reviewers.example.org",
    }
    body.update(changes)
    return body


def booking_body(start: str = WED_9, **changes) -> dict:
    body = {
        "case_refs": ["A1"],
        "reviewer_id": "ny",
        "start": start,
        "time_zone": "America/Los_Angeles",
        "requesting_provider": {
            "npi": "1234567893",
            "name": "Dr. Jane Doe",
            "email": "jd@clinic.example.org",
        },
        "contact": {
            "name": "John Doe",
            "location": "Provider Office",
            "phone": "(555) 555-5555",
            "phone_ext": "12345",
            "alt_phone": None,
            "alt_phone_ext": None,
            "instructions": "Select option 4, ask for Dr. Doe",
        },
        "performer": {"kind": "requesting_provider", "name": "Dr. Jane Doe", "credential": "MD"},
        "call_notes": {
            "alt_rec_declined": False,
            "procedure_performed_on": None,
            "md_specialty_match_requested": False,
            "appeal_lor_attestation": False,
            "oh_member_consent": False,
            "tx_license_waived": False,
            "tx_specialty_waived": False,
        },
        "acknowledge_consultative_only": False,
    }
    body.update(copy.deepcopy(changes))
    return body


@pytest.fixture
def booking_world(runner, client, admin, portal):
    """Policies, reviewer `ny`, case A1 (TX Medicaid, denied Fri 20 Nov: outcome-changing
    until Tue 1 Dec 00:00 EST) and A2 (Interventional Pain, same member)."""
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0
    assert (
        client.put("/api/v1/reviewers/ny", json=reviewer_body(), headers=admin).status_code == 201
    )
    for ref, changes in (("A1", {}), ("A2", {"case_type": "Interventional Pain"})):
        response = client.put(f"/api/v1/cases/{ref}", json=case_body(**changes), headers=portal)
        assert response.status_code == 201, response.json

    def put_reviewer(reviewer_id, **changes):
        response = client.put(
            f"/api/v1/reviewers/{reviewer_id}", json=reviewer_body(**changes), headers=admin
        )
        assert response.status_code in (200, 201), response.json

    def put_case(case_ref, **changes):
        response = client.put(
            f"/api/v1/cases/{case_ref}", json=case_body(**changes), headers=portal
        )
        assert response.status_code in (200, 201), response.json
        return response

    return put_reviewer, put_case


def book(client, headers, body=None, **extra_headers):
    return client.post(
        "/api/v1/appointments", json=body or booking_body(), headers={**headers, **extra_headers}
    )


def place_hold(client, headers, start: str = WED_9, time_zone: str = "America/Los_Angeles"):
    """POST /api/v1/holds for case A1 with reviewer `ny`."""
    return client.post(
        "/api/v1/holds",
        json={"case_refs": ["A1"], "reviewer_id": "ny", "start": start, "time_zone": time_zone},
        headers=headers,
    )
