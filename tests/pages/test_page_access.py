"""Who sees which page: every page route of the route map, with no session, a provider's
and a medical director's (the API's keys are in tests/integration/test_authorization_matrix)."""

from tests.integration.booking_helpers import book
from tests.pages.conftest import csrf_of, link_path


def page_rules(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith(("/p2p", "/calendar", "/report"))
        and not rule.rule.startswith("/calendar-feeds")
    )


def fill(rule: str, appointment_id: str) -> str:
    return rule.replace("<appointment_id>", appointment_id).replace("<name>", "calls")


def test_each_page_is_for_one_kind_of_session(app, client, portal, signed_in):
    appointment_id = book(client, portal).json["id"]  # the provider's own (NPI 1234567893)
    rules = page_rules(app)
    assert len(rules) == 14

    anonymous = app.test_client()
    for rule in rules:
        assert anonymous.get(fill(rule, appointment_id)).status_code == 401, rule

    signed_in()
    for rule in rules:
        status = client.get(fill(rule, appointment_id)).status_code
        if rule.startswith(("/calendar", "/report")):
            assert status == 404, rule  # not a provider's page
        else:
            assert status in (200, 303, 404), (rule, status)
            assert status != 404 or rule == "/p2p/confirm", rule  # no hold named: none

    reviewer = app.test_client()
    url = reviewer.post(
        "/api/v1/reviewer-sessions", json={"reviewer_id": "ny"}, headers=portal
    ).json["url"]
    confirm = reviewer.get(link_path(url))
    reviewer.post(link_path(url), data={"csrf_token": csrf_of(confirm)})
    for rule in rules:
        status = reviewer.get(fill(rule, appointment_id)).status_code
        assert status == (200 if rule.startswith("/calendar") else 404), (rule, status)


def test_the_report_pages_are_for_staff_only(app, client, admin):
    rules = [rule for rule in page_rules(app) if rule.startswith("/report")]
    for rule in rules:
        assert client.get(fill(rule, "x")).status_code == 401
    url = client.post("/api/v1/staff-sessions", json={"name": "Pat"}, headers=admin).json["url"]
    page = client.get(link_path(url))
    client.post(link_path(url), data={"csrf_token": csrf_of(page)})
    for rule in rules:
        assert client.get(fill(rule, "x")).status_code == 200, rule
    assert client.get("/p2p/requests").status_code == 404
    assert client.get("/calendar").status_code == 404
