"""gunicorn's logs and refusals as the service configures them (p2p/serving.py)."""

import io
import json
import logging
import socket
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from p2p import serving


def access_line(environ: dict, headers=(), route="/some/<route>") -> str:
    environ = {"p2p.route": route, **environ}
    config = Config()
    config.set("accesslog", "-")
    logger = serving.AccessLogger(config)
    stream = io.StringIO()
    handler = [h for h in logger.access_log.handlers if getattr(h, "_gunicorn", False)][-1]
    handler.setStream(stream)
    response = SimpleNamespace(status="200 OK", sent=10, headers=list(headers))
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    return stream.getvalue()


def test_one_json_line_without_query_string_credentials_or_feed_secret():
    line = access_line(
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/calendar-feeds/s3cr3t-Token_x.ics?dob=1961-04-02",
            "PATH_INFO": "/calendar-feeds/s3cr3t-Token_x.ics",
            "QUERY_STRING": "dob=1961-04-02",
            "REMOTE_ADDR": "10.0.0.7",
            "HTTP_AUTHORIZATION": "Bearer p2p_key",
            "HTTP_X_MEMBER_DOB": "1961-04-02",
            "HTTP_COOKIE": "session=c00kie",
        },
        headers=[("X-Request-ID", "abc12345"), ("Set-Cookie", "session=c00kie")],
    )
    assert line.count("\n") == 1
    record = json.loads(line)
    assert record["path"] == "/calendar-feeds/[secret]"
    assert (record["method"], record["status"], record["remote"]) == ("GET", 200, "10.0.0.7")
    assert record["request_id"] == "abc12345"
    for secret in ("s3cr3t", "p2p_key", "1961", "c00kie", "dob"):
        assert secret not in line


def test_a_hostile_path_cannot_forge_a_line():
    # %0d%0a decoded into the path, an escape sequence, a NUL: one line, escaped.
    line = access_line(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": '/x\r\n{"status": 200, "path": "/forged"}\x1b[31m\x00',
        }
    )
    assert line.count("\n") == 1 and "\r" not in line and "\x1b" not in line and "\x00" not in line
    assert json.loads(line)["path"].startswith("/x\r\n")  # kept, as data


def test_a_path_no_route_answered_is_not_logged():
    line = access_line({"REQUEST_METHOD": "GET", "PATH_INFO": "/1961-04-02"}, route=None)
    assert json.loads(line)["path"] == "[no route]" and "1961" not in line


def test_gunicorns_own_refusal_is_in_the_api_error_shape():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        serving.write_error(ours, 414, "URI Too Long", "GET /" + "a" * 5000)
        ours.shutdown(socket.SHUT_WR)
        answer = b"".join(iter(lambda: theirs.recv(65536), b"")).decode("latin-1")
    head, body = answer.split("\r\n\r\n", 1)
    assert head.startswith("HTTP/1.1 414 URI Too Long")
    assert "Content-Type: application/json" in head and "gunicorn" not in head
    assert json.loads(body) == {"error": {"code": "uri_too_long", "message": "URI Too Long"}}
    assert "aaaa" not in answer  # the refused request is not echoed


def test_app_logs_are_json_with_the_request_id():
    serving.app_logging()
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_p2p", False)]
    stream = io.StringIO()
    handler.setStream(stream)
    logging.getLogger("p2p.test").warning("reviewer %s left out", "r1")
    record = json.loads(stream.getvalue())
    assert record["message"] == "reviewer r1 left out"
    assert (record["level"], record["name"], record["request_id"]) == ("WARNING", "p2p.test", None)


def test_a_refused_requests_text_is_withheld_from_gunicorns_log():
    record = logging.LogRecord(
        "gunicorn.error", logging.WARNING, __file__, 1,
        "Invalid request from ip=10.0.0.7: Invalid HTTP request line: 'GET /x?dob=1961-04-02'",
        (), None,
    )
    serving.WithholdRequestText().filter(record)
    assert record.getMessage() == (
        "Invalid request from ip=10.0.0.7: Invalid HTTP request line (request text withheld)"
    )


def test_a_sign_in_links_token_is_masked():
    # The link is a credential until used: an emailed one fetched by a scanner, then
    # redeemed by whoever reads the log, would sign them in.
    line = access_line({"REQUEST_METHOD": "GET", "PATH_INFO": "/sign-in/Tok3n-Secret_x"},
                       route="/sign-in/<token>")
    assert json.loads(line)["path"] == "/sign-in/[secret]" and "Tok3n" not in line
