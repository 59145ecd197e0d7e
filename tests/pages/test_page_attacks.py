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


# Cookie flags ---------------------------------------------------------------------------------


def _set_cookies(response) -> dict[str, str]:
    return {
        header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")
    }


def test_both_cookies_are_httponly_and_samesite_lax_and_secure_over_https(
    client, provider_link, booking_world
):
    for base_url, secure in (("http://localhost", False), ("https://localhost", True)):
        browser = client.application.test_client()
        signed = _set_cookies(browser.get(provider_link(), base_url=base_url))
        page = _set_cookies(browser.get("/p2p/time-zone", base_url=base_url))
        assert set(signed) == {"p2p_session"} and set(page) == {"p2p_form"}
        for cookie in (signed["p2p_session"], page["p2p_form"]):
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
            assert ("Secure" in cookie) is secure, cookie


def test_behind_a_proxy_the_cookies_are_secure_when_it_says_https(migrated, booking_world):
    from p2p import create_app
    from tests.conftest import _test_config

    proxied = create_app({**_test_config(migrated), "P2P_PROXY_HOPS": 1})
    browser = proxied.test_client()
    with proxied.app_context():
        from p2p.services import sign_in
        from p2p.services.callers import Caller
        from tests.conftest import FIXED_NOW

        token = sign_in.provider_link("1234567893", "Dr. Jane Doe", "jd@clinic.example.org",
                                      ["A1"], Caller("test-portal"), FIXED_NOW)
    over_https = {"X-Forwarded-Proto": "https"}
    signed = _set_cookies(browser.get(f"/sign-in/{token}", headers=over_https))
    page = _set_cookies(browser.get("/p2p/time-zone", headers=over_https))
    assert "Secure" in signed["p2p_session"] and "Secure" in page["p2p_form"]
