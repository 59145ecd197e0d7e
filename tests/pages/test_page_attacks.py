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
        assert "p2p_session" in signed and "p2p_form" in page
        for cookie in (*signed.values(), *page.values()):
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


# Session fixation and the CSRF token's binding -----------------------------------------------

OTHER_PROVIDER = {"npi": "1245319599", "name": "Dr. Raj Shah", "email": "rs@clinic.example.org"}


def test_signing_in_as_another_provider_replaces_the_whole_session(app, client, signed_in,
                                                                   provider_link):
    signed_in()
    first_cookie = client.get_cookie("p2p_session").value
    first_token = csrf_of(client.get("/p2p/requests"))
    assert client.get(provider_link(**OTHER_PROVIDER)).status_code == 303
    second_cookie = client.get_cookie("p2p_session").value
    assert second_cookie != first_cookie  # a new session id at every sign-in
    assert "Dr. Raj Shah" in client.get("/p2p/cases").get_data(as_text=True)
    # The first provider's session is over on the server, not merely forgotten here.
    replay = app.test_client()
    replay.set_cookie("p2p_session", first_cookie)
    assert replay.get("/p2p/requests").status_code == 401
    # A form of the first session (a page left open in another tab) no longer posts.
    refused = client.post("/p2p/cases/remove", data={"csrf_token": first_token,
                                                      "case_ref": "A1"})
    assert refused.status_code == 400
    assert "A1" in client.get("/p2p/cases").get_data(as_text=True)


def test_a_planted_session_cookie_is_never_promoted(app, client, provider_link, booking_world):
    client.set_cookie("p2p_session", "chosen-by-an-attacker")
    assert client.get(provider_link()).status_code == 303
    assert client.get_cookie("p2p_session").value != "chosen-by-an-attacker"


def test_a_csrf_token_is_bound_to_its_page_session(app, client, signed_in, provider_link):
    """An attacker signed in themselves cannot hand their form cookie and its token to a
    victim's browser (cookie tossing from a sibling host): the token belongs to the page
    session it was issued in."""
    attacker = app.test_client()
    assert attacker.get(provider_link(**OTHER_PROVIDER)).status_code == 303
    attackers_token = csrf_of(attacker.get("/p2p/requests"))
    attackers_form_cookie = attacker.get_cookie("p2p_form").value

    signed_in()  # the victim, in their own browser
    client.set_cookie("p2p_form", attackers_form_cookie)
    answer = client.post("/p2p/cases/remove",
                         data={"csrf_token": attackers_token, "case_ref": "A1"})
    assert answer.status_code == 400
    assert "A1" in client.get("/p2p/cases").get_data(as_text=True)
    # Its own page session's token still works, in a session of its own.
    own = csrf_of(attacker.get("/p2p/requests"))
    assert attacker.post("/p2p/cases/remove", data={"csrf_token": own, "case_ref": "A1"}
                         ).status_code == 303


# BREACH: a compressed page carries the CSRF token beside text the request chose -------------


def _time_zone_post(client, token):
    return client.post("/p2p/time-zone",
                       data={"csrf_token": token, "time_zone": "America/Chicago"})


def test_the_csrf_token_is_masked_anew_in_every_response(client, signed_in):
    """No two responses carry the same token text, so a compression oracle has no fixed
    string to guess byte by byte; every masked token still posts."""
    signed_in()
    tokens = [csrf_of(client.get("/p2p/time-zone")) for _ in range(5)]
    assert len(set(tokens)) == 5
    for other in tokens[1:]:
        # Not a fixed prefix with a changing tail (Flask-WTF's own token is the session
        # secret's base64, then a timestamp and a signature).
        assert tokens[0][:16] != other[:16]
    for token in tokens:
        assert _time_zone_post(client, token).status_code == 303
    assert _time_zone_post(client, tokens[0][:-2] + "xx").status_code == 400


def test_a_page_another_site_asked_for_is_not_compressed(client, signed_in):
    signed_in()
    for site, compressed in (("cross-site", False), ("same-site", False),
                             ("same-origin", True), ("none", True), (None, True)):
        headers = {"Accept-Encoding": "gzip"}
        if site:
            headers["Sec-Fetch-Site"] = site
        page = client.get("/p2p/schedule", headers=headers)
        assert page.status_code == 200
        assert (page.headers.get("Content-Encoding") == "gzip") is compressed, site
        assert "Sec-Fetch-Site" in page.headers["Vary"], site


# Headers of every page: CSP, framing, caching ---------------------------------------------------


def _every_page(app, client, portal, admin, signed_in):
    """(path, response) of every GET page route for the session it is for, and the pages a
    refusal or a link answers with."""
    from tests.integration.booking_helpers import book
    from tests.pages.test_page_access import fill, page_rules

    appointment_id = book(client, portal).json["id"]
    answers = []
    anonymous = app.test_client()
    for path in ("/", "/signed-out", "/p2p/requests", "/sign-in/unknown"):
        answers.append((path, anonymous.get(path)))
    answers.append(("POST /sign-out without a token", anonymous.post("/sign-out")))
    signed_in()
    for rule in page_rules(app):
        if rule.startswith("/p2p"):
            answers.append((rule, client.get(fill(rule, appointment_id))))
    answers.append(("a provider on /calendar", client.get("/calendar")))
    reviewer, staff = app.test_client(), app.test_client()
    path = reviewer_link(client, portal)
    answers.append((path, reviewer.get(path)))
    reviewer.post(path, data={"csrf_token": csrf_of(answers[-1][1])})
    answers.append(("/calendar", reviewer.get("/calendar")))
    path = staff_link(client, admin)
    staff.post(path, data={"csrf_token": csrf_of(staff.get(path))})
    for rule in page_rules(app):
        if rule.startswith("/report"):
            answers.append((rule, staff.get(fill(rule, appointment_id))))
    return answers


def test_every_page_forbids_inline_script_framing_and_caching(app, client, portal, admin,
                                                             signed_in):
    answers = _every_page(app, client, portal, admin, signed_in)
    assert len(answers) > 20
    for path, response in answers:
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", path  # member data is on these pages
        assert headers["X-Content-Type-Options"] == "nosniff", path
        if response.mimetype not in ("text/html", "image/svg+xml"):
            assert "attachment" in headers["Content-Disposition"], path  # .ics, .csv
            continue
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, path  # clickjacking
        assert "unsafe-eval" not in policy and "script-src" not in policy, path
        if response.mimetype == "text/html":
            assert headers["X-Frame-Options"] == "DENY", path
            assert policy.startswith("default-src 'self'") and "unsafe-inline" not in policy
            body = response.get_data(as_text=True)
            assert "<script>" not in body and " style=" not in body, path
            assert not re.search(r"\son[a-z]+=", body), path  # no inline event handlers


# XSS: hostile text in every value a portal, an admin or a provider types -------------------

XSS = "\"'><script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _no_markup_of(response, where: str) -> str:
    body = response.get_data(as_text=True)
    for raw in ("<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>"):
        assert raw not in body, (where, raw)
    return body


def test_hostile_text_is_shown_as_text_on_every_page(app, client, portal, admin, signed_in,
                                                     booking_world):
    from tests.integration.booking_helpers import book, booking_body

    put_reviewer, _ = booking_world
    put_reviewer("ny", name="Dr. " + XSS)
    body = booking_body(contact={
        "name": XSS, "location": XSS, "phone": "(555) 555-5555", "phone_ext": None,
        "alt_phone": None, "alt_phone_ext": None, "instructions": XSS,
    }, performer={"kind": "someone_else", "first_name": XSS, "last_name": XSS,
                                "location": XSS, "credential": "MD"})
    booked = book(client, portal, body)
    assert booked.status_code == 201, booked.json
    appointment_id = booked.json["id"]
    signed_in(name=XSS)
    shown = {}
    for path in ("/p2p/cases", "/p2p/requests", f"/p2p/requests/{appointment_id}",
                 f"/p2p/requests/{appointment_id}/cancel", "/p2p/schedule", "/p2p/questions"):
        shown[path] = _no_markup_of(client.get(path), path)
    # What a provider types, refused and shown again beside its error.
    page = client.get("/p2p/cases")
    refused = client.post("/p2p/cases/add", data={"csrf_token": csrf_of(page), "case_ref": XSS,
                                                  "dob": XSS})
    assert refused.status_code == 422
    assert "&#34;&#39;&gt;&lt;script&gt;" in _no_markup_of(refused, "add case")
    page = client.get("/p2p/time-zone")
    refused = client.post("/p2p/time-zone", data={"csrf_token": csrf_of(page),
                                                  "time_zone": XSS})
    assert refused.status_code == 200 and ESCAPED in _no_markup_of(refused, "time zone")
    # Query parameters are never echoed as markup.
    for path in ("/p2p/schedule", "/p2p/questions", "/p2p/time-zone"):
        query = {"week": XSS, "days": XSS, "hours": XSS, "next": XSS, "taken": XSS,
                 "waiting": XSS, "all": XSS}
        _no_markup_of(client.get(path, query_string=query), path + "?query")
    # A cancellation's reason, on the appointment's history.
    page = client.get(f"/p2p/requests/{appointment_id}/cancel")
    cancelled = client.post(f"/p2p/requests/{appointment_id}/cancel",
                            data={"csrf_token": csrf_of(page), "reason": XSS})
    assert cancelled.status_code == 303, cancelled.get_data(as_text=True)
    detail = _no_markup_of(client.get(f"/p2p/requests/{appointment_id}"), "cancelled")
    assert ESCAPED in detail
    assert ESCAPED in shown["/p2p/schedule"]  # the reviewer's name
    assert ESCAPED in shown[f"/p2p/requests/{appointment_id}"]  # the contact typed

    reviewer = app.test_client()
    path = reviewer_link(client, portal)
    reviewer.post(path, data={"csrf_token": csrf_of(reviewer.get(path))})
    week = _no_markup_of(reviewer.get("/calendar", query_string={"week": XSS,
                                                                  "recorded": XSS}), "week")
    assert ESCAPED in week  # the reviewer's name, the contact, the instructions

    staff = app.test_client()
    response = client.post("/api/v1/staff-sessions", json={"name": XSS}, headers=admin)
    path = link_path(response.json["url"])
    confirm = staff.get(path)
    assert ESCAPED in _no_markup_of(confirm, "staff sign-in")
    staff.post(path, data={"csrf_token": csrf_of(confirm)})
    _no_markup_of(staff.get("/report", query_string={"from": XSS, "to": XSS}), "report")
    for name in ("calls", "hours"):
        chart = staff.get(f"/report/charts/{name}.svg", query_string={"from": XSS})
        assert b"<script" not in chart.data and XSS.encode() not in chart.data


def test_an_outcome_note_is_shown_as_text(app, client, portal, booking_world):
    from tests.conftest import FIXED_NOW
    from tests.integration.booking_helpers import book, booking_body

    appointment_id = book(client, portal, booking_body()).json["id"]
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW.replace(day=25, hour=15)
    path = reviewer_link(client, portal)
    client.post(path, data={"csrf_token": csrf_of(client.get(path))})
    page = client.get("/calendar")
    done = client.post(f"/calendar/calls/{appointment_id}/outcome",
                       data={"csrf_token": csrf_of(page), "result": "held",
                             "decision-A1": "overturned", "note": XSS, "week": "2026-11-23"})
    assert done.status_code == 303, done.get_data(as_text=True)
    assert ESCAPED in _no_markup_of(client.get(done.headers["Location"]), "outcome")
    refused = client.post(f"/calendar/calls/{appointment_id}/outcome",
                          data={"csrf_token": csrf_of(page), "result": XSS, "note": XSS})
    _no_markup_of(refused, "refused outcome")


# Method confusion: no GET or HEAD changes anything ------------------------------------------


def test_every_state_change_is_a_post_and_a_get_of_one_is_refused(app, client, signed_in):
    rules = [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api")]
    with_get = {rule.rule for rule in rules if "GET" in rule.methods}
    only_post = sorted({rule.rule for rule in rules if "POST" in rule.methods} - with_get)
    assert "/sign-out" in only_post and "/p2p/hold" in only_post and len(only_post) >= 7
    signed_in()
    for rule in only_post:
        path = rule.replace("<appointment_id>", "x")
        assert client.get(path).status_code == 405, rule
        assert client.head(path).status_code == 405, rule
    assert client.get("/p2p/requests").status_code == 200  # still signed in


def test_a_get_of_the_cancel_page_cancels_nothing(app, client, portal, signed_in):
    from tests.integration.booking_helpers import book

    appointment_id = book(client, portal).json["id"]
    signed_in()
    for method in (client.get, client.head):
        assert method(f"/p2p/requests/{appointment_id}/cancel",
                      query_string={"reason": "Resolved by phone"}).status_code == 200
    assert "Scheduled" in client.get(f"/p2p/requests/{appointment_id}").get_data(as_text=True)


# PHI never in a page's URL ------------------------------------------------------------------


def test_the_date_of_birth_and_the_members_name_never_reach_a_url(client, signed_in):
    signed_in()
    page = client.get("/p2p/cases")
    form = re.search(r'<form method="(\w+)" action="/p2p/cases/add"', page.get_data(as_text=True))
    assert form and form.group(1) == "post"
    urls = []
    for dob in ("1961-04-09", "1961-04-02"):  # a wrong date, then the right one
        answer = client.post("/p2p/cases/add", data={"csrf_token": csrf_of(page),
                                                     "case_ref": "A2", "dob": dob})
        urls.append(answer.headers.get("Location", ""))
        body = answer.get_data(as_text=True)
        urls += re.findall(r'(?:href|action|src)="([^"]+)"', body)
    for path in ("/p2p/cases", "/p2p/schedule", "/p2p/requests"):
        urls += re.findall(r'(?:href|action|src)="([^"]+)"',
                           client.get(path).get_data(as_text=True))
    assert urls
    for url in urls:
        for phi in ("1961", "04-02", "Pat", "Doe"):
            assert phi not in url, url


# IDOR: another caller's ids answer like unknown ones -----------------------------------------


def test_another_providers_hold_answers_like_none(app, client, portal, signed_in, provider_link):
    from tests.pages.test_provider_pages import hold, times

    signed_in()
    page = client.get("/p2p/schedule")
    held = hold(client, page, times(page)[0][0])
    assert held.status_code == 303
    hold_id = re.search(r"hold=([^&]+)", held.headers["Location"]).group(1)
    other = app.test_client()
    assert other.get(provider_link(**OTHER_PROVIDER)).status_code == 303
    assert other.get("/p2p/confirm", query_string={"hold": hold_id}).status_code == 404
    token = csrf_of(other.get("/p2p/requests"))
    assert other.post("/p2p/confirm", data={"csrf_token": token, "hold": hold_id}
                      ).status_code == 404
    assert client.get("/p2p/confirm", query_string={"hold": hold_id}).status_code == 200


def test_a_reviewer_sees_only_their_own_week_whatever_the_query(client, portal, booking_world):
    from tests.integration.booking_helpers import book

    put_reviewer, _ = booking_world
    put_reviewer("la", name="Dr. Bo Kim", time_zone="America/Los_Angeles")
    assert book(client, portal).status_code == 201  # with ny
    path = reviewer_link(client, portal, "la")
    client.post(path, data={"csrf_token": csrf_of(client.get(path))})
    for query in ({}, {"reviewer_id": "ny"}, {"reviewer": "ny"}, {"week": "2026-11-23"}):
        week = client.get("/calendar", query_string=query).get_data(as_text=True)
        assert "Dr. Bo Kim" in week and "(555) 555-5555" not in week, query


# Used and expired links explain themselves, whichever way they come ----------------------------


def test_a_used_or_expired_emailed_link_says_so_on_get_head_and_post(app, client, portal,
                                                                    booking_world):
    from datetime import timedelta

    from p2p.services import sign_in
    from tests.conftest import FIXED_NOW

    used, expired = reviewer_link(client, portal), reviewer_link(client, portal)
    page = client.get(used)
    token = csrf_of(page)
    assert client.post(used, data={"csrf_token": token}).status_code == 303
    app.config["P2P_CLOCK"] = lambda: FIXED_NOW + sign_in.LINK_LIFETIME + timedelta(seconds=1)
    for path, words in ((used, "has been used already"), (expired, "has expired")):
        for answer in (client.get(path), client.post(path, data={"csrf_token": token}),
                       client.post(path)):
            assert answer.status_code == 410, path
            text = answer.get_data(as_text=True)
            assert words in text and "P2P calendar" in text  # where to get a new one
        assert client.head(path).status_code == 410


# The sign-in's own limit ------------------------------------------------------------------------


def test_sign_in_link_uses_are_limited_per_address(app, client, booking_world):
    app.config["P2P_RATE_LIMITS"] = {"sign_in": "5 per minute"}
    answers = [client.get(f"/sign-in/guess-{n}").status_code for n in range(7)]
    assert answers == [410] * 5 + [429] * 2
    limited = client.get("/sign-in/guess-8")
    assert "Retry-After" in limited.headers
    assert "Try again in" in limited.get_data(as_text=True)
    assert limited.mimetype == "text/html"  # a page, not the API's JSON
    other_address = client.get("/sign-in/guess-9", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_address.status_code == 410
