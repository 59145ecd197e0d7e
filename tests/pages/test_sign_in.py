"""Signing in to the pages by handoff (issue 15, item 1): single-use links valid 10 minutes,
a server-side session behind an HttpOnly, SameSite=Lax cookie (Secure over HTTPS), the
token gone from the URL, links that may come by email used only by a POST."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from p2p.extensions import db
from p2p.models import SignInLink, WebSession
from p2p.services import sign_in
from tests.conftest import FIXED_NOW
from tests.pages.conftest import PROVIDER, csrf_of, link_path


def _cookie(response, name="p2p_session") -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie set")


def test_a_provider_link_signs_in_once_and_leaves_no_token_in_the_url(
    client, provider_link, booking_world
):
    path = provider_link()
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/p2p"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = _cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/p2p").headers["Location"] == "/p2p/time-zone"  # first visit

    again = client.get(path)
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "This sign-in link has been used already." in page
    assert "Request Peer to Peer Consultation again" in page  # where to get a new one


def test_over_https_the_cookie_is_secure(client, provider_link, booking_world):
    response = client.get(provider_link(), base_url="https://localhost")
    assert "Secure" in _cookie(response)


def test_a_link_works_until_its_tenth_minute_and_not_at_it(
    app, client, provider_link, booking_world
):
    first, second = provider_link(), provider_link()
    clock = {"now": FIXED_NOW + sign_in.LINK_LIFETIME - timedelta(seconds=1)}
    app.config["P2P_CLOCK"] = lambda: clock["now"]
    assert client.get(first).status_code == 303
    clock["now"] = FIXED_NOW + sign_in.LINK_LIFETIME
    expired = client.get(second)
    assert expired.status_code == 410
    assert "This sign-in link has expired." in expired.get_data(as_text=True)


def test_an_unknown_link_says_so_and_where_to_get_one(client, booking_world):
    response = client.get("/sign-in/not-a-link-we-gave-out")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "not one we gave out" in page
    assert "Authorization Lookup" in page and "P2P calendar" in page


def test_a_reviewer_link_is_used_only_by_the_post_of_its_confirmation_page(
    client, portal, booking_world
):
    url = client.post("/api/v1/reviewer-sessions", json={"reviewer_id": "ny"}, headers=portal).json[
        "url"
    ]
    path = link_path(url)
    # A mail scanner fetching the link twice uses nothing up.
    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert "Sign in and continue" in page.get_data(as_text=True)
    assert client.post(path).status_code == 400  # a POST without the form's token
    used = client.post(path, data={"csrf_token": csrf_of(page)})
    assert used.status_code == 303 and used.headers["Location"] == "/calendar"
    assert client.get("/calendar").status_code == 200
    assert client.post(path, data={"csrf_token": csrf_of(page)}).status_code == 410


def test_two_tabs_racing_one_link_start_one_session(app, client, provider_link, booking_world):
    path = provider_link()
    answers, barrier = [], threading.Barrier(4)

    def use():
        tab = app.test_client()
        barrier.wait()
        answers.append(tab.get(path).status_code)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [303, 410, 410, 410]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebSession)) == 1


def test_there_is_no_other_way_in(client, booking_world):
    for path in ("/p2p", "/p2p/cases", "/p2p/requests", "/calendar"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "Please sign in" in response.get_data(as_text=True)
    client.set_cookie("p2p_session", "forged-or-stale")
    assert client.get("/p2p/requests").status_code == 401


def test_a_session_is_for_its_own_pages(client, portal, provider_link, booking_world):
    assert client.get(provider_link()).status_code == 303
    assert client.get("/calendar").status_code == 404
    url = client.post("/api/v1/reviewer-sessions", json={"reviewer_id": "ny"}, headers=portal).json[
        "url"
    ]
    page = client.get(link_path(url))
    client.post(link_path(url), data={"csrf_token": csrf_of(page)})
    assert client.get("/p2p/requests").status_code == 404


def test_signing_out_ends_the_session_on_the_server(app, client, signed_in):
    signed_in()
    cookie = client.get_cookie("p2p_session").value
    page = client.get("/p2p/requests")
    response = client.post("/sign-out", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303 and response.headers["Location"] == "/signed-out"
    client.set_cookie("p2p_session", cookie)  # the old cookie, replayed
    assert client.get("/p2p/requests").status_code == 401


def test_a_session_lasts_eight_hours(app, client, signed_in):
    signed_in()
    clock = {"now": FIXED_NOW + sign_in.SESSION_LIFETIME - timedelta(seconds=1)}
    app.config["P2P_CLOCK"] = lambda: clock["now"]
    assert client.get("/p2p/requests").status_code == 200
    clock["now"] = FIXED_NOW + sign_in.SESSION_LIFETIME
    assert client.get("/p2p/requests").status_code == 401


def test_only_hashes_of_the_tokens_are_stored(app, client, provider_link, booking_world):
    path = provider_link()
    token = path.rsplit("/", 1)[1]
    client.get(path)
    session_token = client.get_cookie("p2p_session").value
    with app.app_context():
        stored = [link.token_hash for link in db.session.scalars(select(SignInLink))]
        stored += [row.token_hash for row in db.session.scalars(select(WebSession))]
    assert token not in stored and session_token not in stored
    assert all(len(value) == 64 for value in stored)


def test_the_api_refuses_a_link_for_cases_the_caller_may_not_see(client, portal, booking_world):
    response = client.post(
        "/api/v1/provider-sessions",
        json={**PROVIDER, "case_refs": ["A1", "NOPE"]},
        headers=portal,
    )
    assert response.status_code == 422
    assert "case_refs" in response.json["error"]["fields"]


def test_links_and_sessions_are_purged_a_day_after_they_expire(app, client, signed_in):
    signed_in()
    with app.app_context():
        assert sign_in.purge(FIXED_NOW + timedelta(hours=1)) == 0
        later = FIXED_NOW + sign_in.SESSION_LIFETIME + sign_in.LINKS_REMEMBERED
        assert sign_in.purge(later) == 2  # the used link, the session
