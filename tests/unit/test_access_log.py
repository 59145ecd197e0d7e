"""The access log never shows a calendar feed's secret or a credential header."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from p2p.access_log import AccessLogger


def test_a_feed_url_and_credentials_are_masked_in_every_atom():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/calendar-feeds/s3cr3t-Token_x.ics?x=1",
        "PATH_INFO": "/calendar-feeds/s3cr3t-Token_x.ics",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://example.org/calendar-feeds/s3cr3t-Token_x.ics",
        "HTTP_AUTHORIZATION": "Bearer p2p_key",
        "HTTP_X_MEMBER_DOB": "1961-04-02",
        "HTTP_COOKIE": "session=c00kie",
    }
    request = SimpleNamespace(
        headers=[("AUTHORIZATION", "Bearer p2p_key"), ("X-MEMBER-DOB", "1961-04-02")]
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("Set-Cookie", "session=c00kie")])
    atoms = AccessLogger(Config()).atoms(response, request, environ, timedelta(milliseconds=3))
    line = " ".join(str(value) for value in atoms.values())
    for secret in ("s3cr3t", "p2p_key", "1961", "c00kie"):
        assert secret not in line
    assert atoms["U"] == "/calendar-feeds/[secret]"
    assert atoms["r"] == "GET /calendar-feeds/[secret]?x=1 HTTP/1.1"


def test_other_paths_are_left_alone():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/slots",
        "PATH_INFO": "/api/v1/slots",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = AccessLogger(Config()).atoms(
        response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3)
    )
    assert atoms["U"] == "/api/v1/slots"
