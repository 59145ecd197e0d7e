"""PUT/GET /api/v1/policies/{health_plan}/{line_of_business} and the policy file loader."""

import json

import pytest

from p2p.cli import DEFAULT_POLICY_FILE

FIVE_BUSINESS_DAYS = {
    "deadline_time_zone": "America/New_York",
    "reconsideration": {"delegated": True, "window": {"length": 5, "unit": "business_days"}},
    "first_level_appeal": {"handled_by": "us", "window": {"length": 180, "unit": "calendar_days"}},
    "second_level_appeal": None,
}


def test_put_creates_then_replaces_and_get_returns_it(client, admin):
    url = "/api/v1/policies/acme-health/medicaid"
    created = client.put(url, json=FIVE_BUSINESS_DAYS, headers=admin)
    assert created.status_code == 201
    changed = {
        **FIVE_BUSINESS_DAYS,
        "second_level_appeal": {
            "handled_by": "health_plan",
            "window": {"length": 60, "unit": "calendar_days"},
        },
    }
    replaced = client.put(url, json=changed, headers=admin)
    assert replaced.status_code == 200
    got = client.get(url, headers=admin).json
    for field, value in changed.items():
        assert got[field] == value
    assert got["source"] == "api key test-admin"


def test_get_unknown_policy_is_404(client, admin):
    assert client.get("/api/v1/policies/nobody/medicaid", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline_time_zone": "Mars/Olympus"}, "deadline_time_zone"),
        ({"deadline_time_zone": None}, "deadline_time_zone"),
        (
            {
                "reconsideration": {
                    "delegated": True,
                    "window": {"length": 0, "unit": "business_days"},
                }
            },
            "reconsideration.window.length",
        ),
        (
            {"reconsideration": {"delegated": True, "window": {"length": 5, "unit": "weeks"}}},
            "reconsideration.window.unit",
        ),
        (
            {
                "reconsideration": {
                    "delegated": "yes please",
                    "window": {"length": 5, "unit": "business_days"},
                }
            },
            "reconsideration.delegated",
        ),
        (
            {
                "first_level_appeal": {
                    "handled_by": "them",
                    "window": {"length": 5, "unit": "business_days"},
                }
            },
            "first_level_appeal.handled_by",
        ),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_policy_is_422_naming_the_field_and_changes_nothing(client, admin, change, field):
    url = "/api/v1/policies/acme-health/commercial"
    response = client.put(url, json={**FIVE_BUSINESS_DAYS, **change}, headers=admin)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"]
    assert client.get(url, headers=admin).status_code == 404


def test_missing_option_key_is_422(client, admin):
    body = dict(FIVE_BUSINESS_DAYS)
    del body["second_level_appeal"]
    response = client.put("/api/v1/policies/acme-health/chip", json=body, headers=admin)
    assert response.status_code == 422
    assert "second_level_appeal" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/policies/acme-health/dental", "line_of_business"),
        ("/api/v1/policies/Acme%20Health/medicaid", "health_plan"),
    ],
)
def test_bad_path_segment_is_422_naming_it(client, admin, path, field):
    response = client.put(path, json=FIVE_BUSINESS_DAYS, headers=admin)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_medicare_policy_with_reconsideration_is_refused(client, admin):
    response = client.put(
        "/api/v1/policies/acme-health/medicare", json=FIVE_BUSINESS_DAYS, headers=admin
    )
    assert response.status_code == 422
    assert "reconsideration" in response.json["error"]["fields"]


def test_shipped_defaults_load_through_the_cli(runner, client, admin):
    result = runner.invoke(args=["p2p", "load-policies"])
    assert result.exit_code == 0, result.output
    document = json.loads(DEFAULT_POLICY_FILE.read_text())
    assert f"version {document['version']}" in result.output
    for entry in document["policies"]:
        url = f"/api/v1/policies/{entry['health_plan']}/{entry['line_of_business']}"
        got = client.get(url, headers=admin)
        assert got.status_code == 200, url
        assert got.json["reconsideration"] == entry["reconsideration"]
    # Loading twice updates, never duplicates.
    again = runner.invoke(args=["p2p", "load-policies", str(DEFAULT_POLICY_FILE)])
    assert "0 policies created" in again.output


def test_default_plans_are_the_seeds_three(runner, client, admin):
    runner.invoke(args=["p2p", "load-policies"])
    windows = {
        ("aetna-better-health", "medicaid"): {"length": 5, "unit": "business_days"},
        ("health-partners-plans", "medicaid"): {"length": 2, "unit": "business_days"},
        ("the-health-plan", "commercial"): {"length": 60, "unit": "calendar_days"},
        ("the-health-plan", "medicaid"): {"length": 60, "unit": "calendar_days"},
        ("the-health-plan", "chip"): {"length": 60, "unit": "calendar_days"},
    }
    for (plan, line), window in windows.items():
        got = client.get(f"/api/v1/policies/{plan}/{line}", headers=admin).json
        assert got["reconsideration"]["window"] == window
    medicare = client.get("/api/v1/policies/the-health-plan/medicare", headers=admin).json
    assert medicare["reconsideration"] is None


def test_a_bad_policy_file_loads_nothing_and_names_every_problem(runner, client, admin, tmp_path):
    bad = tmp_path / "policies.json"
    bad.write_text(
        json.dumps(
            {
                "version": "test-1",
                "policies": [
                    {
                        "health_plan": "good-plan",
                        "line_of_business": "medicaid",
                        **FIVE_BUSINESS_DAYS,
                    },
                    {"health_plan": "bad-plan", "line_of_business": "dental", **FIVE_BUSINESS_DAYS},
                ],
                "state_rules": [
                    {
                        "state": "Texas",
                        "requires_state_license": True,
                        "requires_same_specialty": True,
                        "requires_member_consent": False,
                    }
                ],
            }
        )
    )
    result = runner.invoke(args=["p2p", "load-policies", str(bad)])
    assert result.exit_code != 0
    assert "policies.1.line_of_business" in result.output
    assert "state_rules.0.state" in result.output
    assert client.get("/api/v1/policies/good-plan/medicaid", headers=admin).status_code == 404
