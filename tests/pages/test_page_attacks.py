"""The pages attacked as an attacker would (issue 15): emailed links prefetched by HEAD,
CSRF tokens carried from one page session into another, a browser signed in as one
provider then another, hostile text in every field a portal or a provider types, another
caller's ids, method confusion, BREACH, and the sign-in's own limit. Each test names the
control it proves (docs/security.md lists them)."""

import re

from tests.pages.conftest import csrf_of, link_path


def reviewer_link(client, portal, reviewer_id="ny") -> str:
    response = client.post(
        "/api/v1/reviewer-sessions", json={"reviewer_id": reviewer_id}, headers=portal
    )
    assert response.status_code == 201, response.json
    return link_path(response.json["url"])


def staff_link(client, admin) -> str:
    response = client.post("/api/v1/staff-sessions", json={"name": "Pat"}, headers=admin)
    assert response.status_code == 201, response.json
    return link_path(response.json["url"])


# Sign-in links: a HEAD (link checkers, mail scanners, prefetch) uses nothing up -----------


def test_a_head_of_any_sign_in_link_uses_nothing_up(client, portal, admin, provider_link,
                                                    booking_world):
    emailed = [reviewer_link(client, portal), staff_link(client, admin)]
    for path in emailed:
        for _ in range(2):
            assert client.head(path).status_code == 200
        page = client.get(path)
        assert page.status_code == 200 and "Sign in and continue" in page.get_data(as_text=True)
        assert client.post(path, data={"csrf_token": csrf_of(page)}).status_code == 303
    portal_link = provider_link()
    assert client.head(portal_link).status_code == 200  # not a sign-in: nothing used
    assert client.get(portal_link).status_code == 303
