"""Health probes, API keys, the error shape and the OpenAPI description."""

import re

import pytest

from p2p.services import api_keys
from tests.conftest import FIXED_NOW


def test_healthz_and_readyz_need_no_key(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["database"] == "reachable"


def test_readyz_says_503_when_the_database_is_unreachable():
    from p2p import create_app

    broken = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/x.sqlite3"}
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_path_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_wrong_method_is_405_in_the_error_shape(client, portal):
    response = client.delete("/api/v1/cases/A1", headers=portal)
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "PUT" in response.headers["Allow"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer nope", "Basic dXNlcjpwYXNz", "bearer p2p_unknown"],
)
def test_missing_or_invalid_key_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/policies/the-health-plan/medicaid", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_portal_key_on_an_admin_route_is_403(client, portal):
    response = client.get("/api/v1/policies/the-health-plan/medicaid", headers=portal)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_admin_key_may_use_portal_routes(client, admin):
    response = client.get(
        "/api/v1/cases/NOPE/p2p-availability", headers={**admin, "X-Member-DOB": "1960-01-01"}
    )
    assert response.status_code == 404


def test_revoked_key_is_401(app, client):
    with app.app_context():
        key = api_keys.create_api_key("temp", "admin", FIXED_NOW)
        headers = {"Authorization": f"Bearer {key}"}
        assert client.get("/api/v1/policies/x/medicaid", headers=headers).status_code == 404
        api_keys.revoke_api_key("temp", FIXED_NOW)
    assert client.get("/api/v1/policies/x/medicaid", headers=headers).status_code == 401


def test_only_a_hash_of_the_key_is_stored(app):
    from p2p.extensions import db
    from p2p.models import ApiKey

    with app.app_context():
        key = api_keys.create_api_key("hashed", "portal", FIXED_NOW)
        stored = db.session.query(ApiKey).filter_by(name="hashed").one()
        assert key not in (stored.key_hash, stored.name)
        assert stored.key_hash == api_keys.hash_key(key)


def test_malformed_json_is_a_422_naming_the_body(client, admin):
    response = client.put(
        "/api/v1/policies/the-health-plan/medicaid",
        data=b'{"deadline_time_zone": ',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert "body" in response.json["error"]["fields"]


def test_every_route_declares_its_role(app):
    """Fail-closed audit: every /api/v1 view either declares a role or is admin-only."""
    from p2p.api.access import ROLE_ATTRIBUTE

    undeclared = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint.startswith("api-docs"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            handler = getattr(view.view_class, method.lower())
            if not hasattr(handler, ROLE_ATTRIBUTE):
                undeclared.append(f"{method} {rule.rule}")
    assert undeclared == []


def test_openapi_describes_every_endpoint_with_the_request_schemas(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and not rule.endpoint.startswith("api-docs"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            assert path in paths, path
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[path], f"{method} {path}"
    put_case = paths["/api/v1/cases/{case_ref}"]["put"]
    body = put_case["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/Case")
    assert "member" in spec["components"]["schemas"]["Case"]["properties"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in spec["components"]["schemas"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in {"get", "put", "post", "delete"}:
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
    booking = paths["/api/v1/appointments"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(booking)


def test_database_errors_never_carry_the_values_they_were_given(app):
    """An unexpected database error is logged; its text must not hold member data."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from p2p.extensions import db

    with app.app_context():
        with pytest.raises(DBAPIError) as failure:
            db.session.execute(
                text("SELECT * FROM no_such_table WHERE name = :name"),
                {"name": "Pat Doe 1961-04-02"},
            )
        db.session.rollback()
    assert "Pat Doe" not in str(failure.value)
    assert "1961-04-02" not in str(failure.value)


def test_the_openapi_description_is_a_valid_openapi_document(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").json)
