"""Fixtures of the page tests: the booking world, and signing in through the handoff."""

import re

import pytest

from tests.integration.booking_helpers import booking_world  # noqa: F401 (a fixture)

PROVIDER = {"npi": "1234567893", "name": "Dr. Jane Doe", "email": "jd@clinic.example.org"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(response) -> str:
    found = CSRF.search(response.get_data(as_text=True))
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def link_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def provider_link(client, portal):
    def issue(case_refs=("A1",), **changes) -> str:
        body = {**PROVIDER, "case_refs": list(case_refs), **changes}
        response = client.post("/api/v1/provider-sessions", json=body, headers=portal)
        assert response.status_code == 201, response.json
        return link_path(response.json["url"])

    return issue


@pytest.fixture
def signed_in(client, provider_link, booking_world):  # noqa: F811
    """A provider signed in with case A1 and the time zone chosen (Los Angeles)."""

    def sign_in(case_refs=("A1",), time_zone="America/Los_Angeles", **changes):
        response = client.get(provider_link(case_refs, **changes))
        assert response.status_code == 303, response.get_data(as_text=True)
        if time_zone:
            page = client.get("/p2p/time-zone")
            response = client.post(
                "/p2p/time-zone", data={"time_zone": time_zone, "csrf_token": csrf_of(page)}
            )
            assert response.status_code == 303
        return client

    return sign_in
