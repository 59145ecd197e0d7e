"""Who may call what (issue 14): every route of the app, with every kind of credential,
against the status it must get. The rows are checked against the app's route map: a route
added without a row here fails `test_every_route_has_a_row`.

Expectations: a number is the exact status; OK means the caller got through (a success, or
a 409/422 about the request itself, never 401, 403 or 404).
"""

import pytest

from p2p.services import api_keys
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body, place_hold
from tests.integration.test_cases_api import case_body

OK = "ok"
CREDENTIALS = ("none", "garbage", "revoked", "portal", "other_plan", "admin")
# What each kind of credential gets on the three kinds of API route.
PORTAL_ROUTE = {"none": 401, "garbage": 401, "revoked": 401, "portal": OK, "admin": OK}
ADMIN_ROUTE = {"none": 401, "garbage": 401, "revoked": 401, "portal": 403, "other_plan": 403,
               "admin": OK}
PUBLIC = dict.fromkeys(CREDENTIALS, OK)

PAGE_GETS = (
    "/p2p", "/p2p/time-zone", "/p2p/cases", "/p2p/questions", "/p2p/schedule", "/p2p/confirm",
    "/p2p/requests", "/p2p/requests/<appointment_id>", "/p2p/requests/<appointment_id>/cancel",
    "/p2p/requests/<appointment_id>/calendar.ics", "/calendar", "/report",
    "/report/charts/<name>.svg", "/report/operations.csv",
)
PAGE_POSTS = (
    "/p2p/time-zone", "/p2p/cases/add", "/p2p/cases/remove", "/p2p/hold", "/p2p/confirm",
    "/p2p/requests/<appointment_id>/cancel", "/calendar/feed", "/sign-out",
    "/calendar/calls/<appointment_id>/outcome", "/p2p/waitlist",
    "/sign-in/<token>",
)
PAGES = {
    **{("GET", rule): dict.fromkeys(CREDENTIALS, 401) for rule in PAGE_GETS},
    **{("POST", rule): dict.fromkeys(CREDENTIALS, 400) for rule in PAGE_POSTS},
    ("GET", "/sign-in/<token>"): dict.fromkeys(CREDENTIALS, 410),
    # A link that is not one says so before any token is looked at: it changes nothing.
    ("POST", "/sign-in/<token>"): dict.fromkeys(CREDENTIALS, 410),
    ("GET", "/signed-out"): dict.fromkeys(CREDENTIALS, OK),
}

# (method, rule) -> expected per credential; `other_plan` is a portal key limited to a plan
# the fixtures' case and appointment are not of.
MATRIX = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/favicon.ico"): dict.fromkeys(CREDENTIALS, 302),  # to the built file
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    # The feed's secret is its credential: the same for every caller.
    ("GET", "/calendar-feeds/<secret>.ics"): PUBLIC,
    ("POST", "/api/v1/appointments"): {**PORTAL_ROUTE, "other_plan": OK},  # 422: unknown case
    ("GET", "/api/v1/appointments"): {**PORTAL_ROUTE, "other_plan": OK},  # lists none
    ("GET", "/api/v1/appointments/<appointment_id>"): {**PORTAL_ROUTE, "other_plan": 404},
    ("GET", "/api/v1/appointments/<appointment_id>/calendar.ics"): {
        **PORTAL_ROUTE, "other_plan": 404},
    ("POST", "/api/v1/appointments/<appointment_id>/cancel"): {**PORTAL_ROUTE, "other_plan": 404},
    ("GET", "/api/v1/appointments/<appointment_id>/history"): {**PORTAL_ROUTE, "other_plan": 404},
    ("POST", "/api/v1/appointments/<appointment_id>/reschedule"): {
        **PORTAL_ROUTE, "other_plan": 404},
    ("PUT", "/api/v1/cases/<case_ref>"): {**PORTAL_ROUTE, "other_plan": 404},
    ("GET", "/api/v1/cases/<case_ref>/p2p-availability"): {**PORTAL_ROUTE, "other_plan": 404},
    ("POST", "/api/v1/holds"): {**PORTAL_ROUTE, "other_plan": OK},  # 422: unknown case
    # A hold is its holder's: any other caller, an admin too, is told there is none.
    ("DELETE", "/api/v1/holds/<hold_id>"): {**PORTAL_ROUTE, "other_plan": 404, "admin": 404},
    ("GET", "/api/v1/slots"): {**PORTAL_ROUTE, "other_plan": OK},  # 422: unknown case
    ("GET", "/api/v1/policies/<health_plan>/<line_of_business>"): ADMIN_ROUTE,
    ("PUT", "/api/v1/policies/<health_plan>/<line_of_business>"): ADMIN_ROUTE,
    ("GET", "/api/v1/reviewers/<reviewer_id>"): ADMIN_ROUTE,
    ("PUT", "/api/v1/reviewers/<reviewer_id>"): ADMIN_ROUTE,
    ("GET", "/api/v1/reviewers/<reviewer_id>/appointments"): ADMIN_ROUTE,
    ("POST", "/api/v1/reviewers/<reviewer_id>/calendar-feed"): ADMIN_ROUTE,
    ("POST", "/api/v1/reviewers/<reviewer_id>/time-off"): ADMIN_ROUTE,
    ("GET", "/api/v1/state-rules"): ADMIN_ROUTE,
    ("GET", "/api/v1/state-rules/<state>"): ADMIN_ROUTE,
    ("PUT", "/api/v1/state-rules/<state>"): ADMIN_ROUTE,
    # An outcome is recorded by an admin (or the reviewer's page); 422 here: before the call.
    ("POST", "/api/v1/appointments/<appointment_id>/outcome"): ADMIN_ROUTE,
    # The waitlist: a portal's; an entry is its joiner's (any other caller: none).
    ("POST", "/api/v1/waitlist"): {**PORTAL_ROUTE, "other_plan": OK},
    ("GET", "/api/v1/waitlist/<entry_id>"): {**PORTAL_ROUTE, "other_plan": 404, "admin": 404},
    ("DELETE", "/api/v1/waitlist/<entry_id>"): {**PORTAL_ROUTE, "other_plan": 404,
                                                "admin": 404},
    ("GET", "/api/v1/reports/operations"): ADMIN_ROUTE,
    ("POST", "/api/v1/staff-sessions"): ADMIN_ROUTE,
    # Sign-in links: the portal's (other_plan: 422, a case it may not see).
    ("POST", "/api/v1/provider-sessions"): {**PORTAL_ROUTE, "other_plan": OK},
    ("POST", "/api/v1/reviewer-sessions"): {**PORTAL_ROUTE, "other_plan": OK},
    # The pages: an API key is no way in. A page needs a session (401 without); a form
    # needs its CSRF token first (400); a sign-in link that is not one says so (410).
    **PAGES,
}


def routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app):
    assert routes(app) == set(MATRIX), "a route without a row (or a row without a route)"


@pytest.fixture
def world(app, client, admin, portal, booking_world):
    with app.app_context():
        other = api_keys.create_api_key("other-plan", "portal", FIXED_NOW, ["the-health-plan"])
        revoked = api_keys.create_api_key("revoked", "portal", FIXED_NOW)
        api_keys.revoke_api_key("revoked", FIXED_NOW)
    booked = book(client, portal).json
    hold = place_hold(client, portal, start="2026-11-25T07:00:00-08:00").json
    waiting = client.post("/api/v1/waitlist", json=WAITLIST_BODY, headers=portal).json
    secret = client.post("/api/v1/reviewers/ny/calendar-feed", headers=admin).json["url"]
    return {
        "headers": {
            "none": {},
            "garbage": {"Authorization": "Bearer p2p_not-a-key"},
            "revoked": {"Authorization": f"Bearer {revoked}"},
            "portal": portal,
            "other_plan": {"Authorization": f"Bearer {other}"},
            "admin": admin,
        },
        "values": {
            "appointment_id": booked["id"],
            "case_ref": "A1",
            "hold_id": hold["id"],
            "reviewer_id": "ny",
            "health_plan": "aetna-better-health",
            "line_of_business": "medicaid",
            "state": "TX",
            "secret": secret.rsplit("/", 1)[1].removesuffix(".ics"),
            "token": "not-a-link",
            "entry_id": waiting["id"],
            "name": "calls",
        },
    }


WAITLIST_BODY = {"case_refs": ["A1"], "npi": "1234567893", "email": "jd@clinic.example.org",
                 "time_zone": "America/New_York"}
BODIES = {
    "/api/v1/waitlist": WAITLIST_BODY,
    "/api/v1/appointments": booking_body("2026-11-25T10:00:00-05:00"),
    "/api/v1/holds": {"case_refs": ["A1"], "reviewer_id": "ny", "time_zone": "America/New_York",
                      "start": "2026-11-25T11:00:00-05:00"},
    "/api/v1/appointments/<appointment_id>/reschedule": {"start": "2026-11-25T12:00:00-05:00"},
    "/api/v1/appointments/<appointment_id>/cancel": {"reason": "matrix"},
    "/api/v1/provider-sessions": {"npi": "1234567893", "name": "Dr. Jane Doe",
                                  "email": "jd@clinic.example.org", "case_refs": ["A1"]},
    "/api/v1/reviewer-sessions": {"reviewer_id": "ny"},
    "/api/v1/staff-sessions": {"name": "Pat Operations"},
    "/api/v1/appointments/<appointment_id>/outcome": {"result": "provider_not_reached"},
    # A well-formed case of the other key's own plan: only the scope can refuse it.
    "/api/v1/cases/<case_ref>": case_body(health_plan="the-health-plan",
                                          line_of_business="commercial"),
}
QUERIES = {
    "/api/v1/reports/operations": "?from=2026-11-23&to=2026-11-29",
    "/api/v1/appointments": "?npi=1234567893",
    "/api/v1/slots": "?case_refs=A1&time_zone=America/New_York",
}


CASE_RULE = "/api/v1/cases/<case_ref>"


def fill(rule: str, values: dict) -> str:
    path = rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
    return path


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_the_matrix(client, world, credential):
    # Reads and writes that would change what later rows see (cancel, reschedule, the
    # hold's release) go last.
    order = sorted(
        MATRIX,
        key=lambda key: (key[0] == "DELETE" or "cancel" in key[1], key == ("PUT", CASE_RULE)),
    )
    for method, rule in order:
        expected = MATRIX[(method, rule)][credential]
        path = fill(rule, world["values"])
        query = QUERIES.get(rule, "") if method == "GET" else ""
        headers = {
            **world["headers"][credential],
            "Content-Type": "application/json",
            "X-Member-DOB": "1961-04-02",  # the availability check's member
        }
        body = BODIES.get(rule, {}) if method in ("POST", "PUT") else None
        answer = client.open(path + query, method=method, json=body, headers=headers)
        if expected == OK:
            assert answer.status_code not in (401, 403, 404), (credential, method, rule,
                                                               answer.status_code, answer.data)
        else:
            assert answer.status_code == expected, (credential, method, rule,
                                                    answer.status_code, answer.data[:300])
