"""No request body, however malformed, gets a 500; a refused one changes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2p.extensions import db
from p2p.models import Case, Policy
from tests.integration.test_cases_api import case_body

FIELD_PATHS = [
    "episode_id",
    "member",
    "member.name",
    "member.dob",
    "member.state",
    "member.member_id",
    "health_plan",
    "line_of_business",
    "status",
    "determination_at",
    "info_due_at",
    "additional_info_received",
    "appeal_filed",
    "reconsideration_completed",
    "service_rendered",
    "case_type",
    "specialty",
    "ordering_provider",
    "ordering_provider.npi",
    "ordering_provider.name",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=50)
    | st.text(min_size=5000, max_size=6000),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

fuzz = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _replace(body: dict, dotted: str, value) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    target = body
    for parent in parents:
        if not isinstance(target.get(parent), dict):
            return body
        target = target[parent]
    target[last] = value
    return body


@pytest.fixture
def loaded(runner):
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0


def _count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


@fuzz
@given(field=st.sampled_from(FIELD_PATHS), value=json_values)
def test_case_put_with_one_field_fuzzed(app, client, portal, loaded, field, value):
    body = _replace(case_body(), field, value)
    response = client.put("/api/v1/cases/FUZZ1", json=body, headers=portal)
    assert response.status_code < 500, response.json
    if response.status_code >= 400:
        assert response.json["error"]["code"]
        assert _count(app, Case) == 0
    else:  # a valid variation was stored: clear it for the next example
        with app.app_context():
            db.session.query(Case).delete()
            db.session.commit()


@fuzz
@given(body=json_values)
def test_any_json_document_as_a_case(app, client, portal, loaded, body):
    response = client.put("/api/v1/cases/FUZZ2", json=body, headers=portal)
    assert 400 <= response.status_code < 500
    assert _count(app, Case) == 0


@fuzz
@given(body=json_values)
def test_any_json_document_as_a_policy(app, client, admin, body):
    response = client.put("/api/v1/policies/fuzz-plan/medicaid", json=body, headers=admin)
    assert 400 <= response.status_code < 500
    assert _count(app, Policy) == 0


@fuzz
@given(
    raw=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
)
def test_raw_bytes_as_a_case(app, client, portal, loaded, raw, content_type):
    response = client.put(
        "/api/v1/cases/FUZZ3", data=raw, headers={**portal, "Content-Type": content_type}
    )
    assert 400 <= response.status_code < 500


@fuzz
@given(
    at=st.text(max_size=80),
    # Header values: any printable Latin-1 (a newline cannot even be sent).
    dob=st.text(
        st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40
    ),
    case_ref=st.text(min_size=1, max_size=80),
)
def test_availability_query_fuzzed(client, portal, loaded, at, dob, case_ref):
    from urllib.parse import quote

    response = client.get(
        f"/api/v1/cases/{quote(case_ref, safe='')}/p2p-availability",
        query_string={"at": at},
        headers={**portal, "X-Member-DOB": dob},
    )
    assert response.status_code < 500
