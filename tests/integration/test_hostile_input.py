"""Hostile input (issue 14): every text field refuses NUL and other control characters (a
line break only where one belongs), lone surrogates and bidirectional overrides, naming the
field; bodies too large, too deep or of the wrong type are refused in the error shape;
NPIs take ASCII digits, booleans JSON booleans. Each refusal changes nothing."""

import json

import pytest

from p2p.extensions import db
from p2p.models import Appointment, Case, Reviewer
from tests.integration.booking_helpers import book, booking_body, reviewer_body
from tests.integration.test_cases_api import case_body

BAD = {
    "NUL": "Dr.\x00Lee",
    "BEL": "Dr.\x07Lee",
    "ESC": "Dr.\x1b[31mLee",
    "DEL": "Dr.\x7fLee",
    "C1": "Dr.\x85Lee",
    "right-to-left override": "Dr. \u202egniht",
    "isolate": "Dr. \u2066Lee",
    "lone surrogate": "Dr. \ud800Lee",
}
BREAKS = {"newline": "Dr.\nLee", "carriage return": "Dr.\rLee", "tab": "Dr.\tLee"}


def _set(body: dict, dotted: str, value) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


# (what, method, path, body, headers fixture, single-line text fields, multi-line ones)
CASE_FIELDS = [
    "episode_id",
    "member.name",
    "member.member_id",
    "case_type",
    "specialty",
    "ordering_provider.name",
]
BOOKING_FIELDS = [
    "requesting_provider.name",
    "contact.name",
    "contact.location",
    "performer.name",
    "performer.credential",
]
REVIEWER_FIELDS = ["name", "credentials", "specialties.0", "case_types.0"]


def _count(app) -> tuple:
    with app.app_context():
        return tuple(db.session.query(model).count() for model in (Case, Appointment, Reviewer))


def test_a_case_refuses_every_bad_character_in_every_text_field(app, client, portal,
                                                               booking_world):
    before = _count(app)
    for field in CASE_FIELDS:
        for bad, value in BAD.items():
            refused = client.put(
                "/api/v1/cases/H1", json=_set(case_body(), field, value), headers=portal
            )
            assert refused.status_code == 422, (field, bad, refused.json)
            assert field in refused.json["error"]["fields"], (field, bad, refused.json)
    assert _count(app) == before


def test_a_booking_refuses_every_bad_character_in_every_text_field(app, client, portal,
                                                                  booking_world):
    for field in BOOKING_FIELDS:
        for bad, value in {**BAD, **BREAKS}.items():
            refused = book(client, portal, _set(booking_body(), field, value))
            assert refused.status_code == 422, (field, bad, refused.json)
            assert field in refused.json["error"]["fields"], (field, bad, refused.json)
    assert _count(app)[1] == 0


def test_a_reviewer_refuses_every_bad_character_in_every_text_field(app, client, admin):
    for field in REVIEWER_FIELDS:
        for bad, value in BAD.items():
            refused = client.put(
                "/api/v1/reviewers/h1", json=_set(reviewer_body(), field, value), headers=admin
            )
            assert refused.status_code == 422, (field, bad, refused.json)
            assert refused.json["error"]["fields"], (field, bad, refused.json)
    assert _count(app)[2] == 0


def test_line_breaks_are_taken_where_they_belong(client, portal, booking_world):
    body = _set(booking_body(), "contact.instructions", "Press 4.\nAsk for Dr. Doe.")
    booked = book(client, portal, body)
    assert booked.status_code == 201, booked.json
    assert booked.json["contact"]["instructions"] == "Press 4.\nAsk for Dr. Doe."
    cancel = client.post(f"/api/v1/appointments/{booked.json['id']}/cancel",
                         json={"reason": "Provider away.\nWill rebook."}, headers=portal)
    assert cancel.status_code == 200
    # ... but never a control character, even there.
    bad = book(client, portal, _set(booking_body(), "contact.instructions", "Press 4\x07"))
    assert list(bad.json["error"]["fields"]) == ["contact.instructions"]


def test_a_nul_or_lone_surrogate_anywhere_is_named_by_its_path(client, portal, booking_world):
    for value in ("\x00", "\ud800"):
        body = booking_body()
        body["unexpected"] = {"deep": [value]}
        refused = book(client, portal, body)
        assert refused.status_code == 422, refused.json
        assert list(refused.json["error"]["fields"]) == ["unexpected.deep.0"]
        keyed = client.put("/api/v1/cases/H2", json={value: 1}, headers=portal)
        assert keyed.status_code == 422


def test_json_nested_thousands_deep_is_a_422(client, portal, booking_world):
    raw = "[" * 3000 + "]" * 3000
    refused = client.post("/api/v1/appointments", data=raw,
                          headers={**portal, "Content-Type": "application/json"})
    assert refused.status_code == 422, refused.data
    assert refused.json["error"]["fields"] == {"body": ["Nested deeper than 32 levels."]}
    deep = {"a": 1}
    for _ in range(40):
        deep = {"a": deep}
    too_deep = client.put("/api/v1/cases/H3", json=deep, headers=portal)
    assert too_deep.json["error"]["fields"] == {"body": ["Nested deeper than 32 levels."]}


def test_a_body_over_a_megabyte_is_a_413_in_the_error_shape(client, portal, booking_world):
    body = booking_body()
    body["contact"]["instructions"] = "x" * (2 * 2**20)
    refused = book(client, portal, body)
    assert refused.status_code == 413
    assert refused.json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_a_415_naming_the_content_type(client, portal, booking_world,
                                                                  content_type):
    headers = dict(portal)
    if content_type:
        headers["Content-Type"] = content_type
    refused = client.post("/api/v1/appointments", data=json.dumps(booking_body()),
                          headers=headers)
    assert refused.status_code == 415, refused.json
    assert refused.json["error"]["code"] == "unsupported_media_type"
    assert list(refused.json["error"]["fields"]) == ["Content-Type"]


def test_an_npi_takes_ascii_digits_only(client, portal, booking_world):
    arabic_indic = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0663"
    for npi in (arabic_indic, "１２３４５６７８９３"):  # Arabic-Indic, full-width
        body = booking_body()
        body["requesting_provider"]["npi"] = npi
        refused = book(client, portal, body)
        assert list(refused.json["error"]["fields"]) == ["requesting_provider.npi"]


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "1", None])
def test_booleans_are_json_booleans(client, portal, booking_world, value):
    body = booking_body()
    body["acknowledge_consultative_only"] = value
    refused = book(client, portal, body)
    assert refused.status_code == 422, refused.json
    assert "acknowledge_consultative_only" in refused.json["error"]["fields"]


def test_an_appointment_id_that_cannot_exist_is_unknown(client, portal, booking_world):
    for bad in ("%00", "x" * 300, "..%2F..%2Fetc", "%ED%A0%80"):
        answer = client.get(f"/api/v1/appointments/{bad}", headers=portal)
        assert answer.status_code == 404, (bad, answer.data)
        assert answer.json["error"]["code"] == "not_found"
