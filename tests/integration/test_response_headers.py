"""What every response says about itself (issue 14): no sniffing, no caching of anything
that may carry member data, a request id, the bearer scheme on a 401."""


def test_api_answers_are_not_stored_nor_sniffed(client, portal, booking_world):
    put_reviewer, put_case = booking_world
    echoed = put_case("A1")  # PUT /cases echoes the member's name and date of birth
    for answer in (echoed, client.get("/api/v1/openapi.json"), client.get("/healthz")):
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"


def test_a_401_names_the_bearer_scheme(client):
    answer = client.get("/api/v1/appointments?npi=1234567893")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="p2p"'


def test_authentication_comes_before_the_route_checks_its_ids(client):
    for path in ("/api/v1/holds/not-a-number", "/api/v1/holds/%00", "/api/v1/appointments/x"):
        answer = client.delete(path) if "holds" in path else client.get(path)
        assert answer.status_code == 401, path


def test_each_answer_carries_a_request_id(client):
    mine = client.get("/healthz", headers={"X-Request-ID": "portal-7f3a91"})
    assert mine.headers["X-Request-ID"] == "portal-7f3a91"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\u202e" * 3})
    assert forged.headers["X-Request-ID"] != "x\u202e" * 3
    assert len(forged.headers["X-Request-ID"]) == 32
    a, b = client.get("/healthz"), client.get("/healthz")
    assert a.headers["X-Request-ID"] != b.headers["X-Request-ID"]
