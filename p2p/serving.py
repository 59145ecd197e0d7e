"""How gunicorn serves the app, safe by default (gunicorn.conf.py at the root installs it;
gunicorn reads that file wherever it is started from the project's folder):

- **The access log** is one JSON object per request: time, remote address, method, path,
  the route that answered, status, bytes, milliseconds and the request id. Never the query
  string (a careless client may put a date of birth there), never a header, never a path
  that no route answered (the client's own text), and a calendar feed's secret and a
  sign-in link's token (each URL is its own credential) masked. Every value is
  JSON-escaped, so a `%0d%0a` or an escape character in a path cannot write a second,
  forged line.
- **gunicorn's own log** (start-up, workers) and **the app's** are JSON lines too, the app's
  with the request id of the request that wrote them (`p2p.headers`).
- **A request gunicorn refuses itself** (a request line or header too long, a malformed
  request) is answered in API.md's error shape, not gunicorn's HTML page, and no response
  names the server software.
"""

import json
import logging
import re

from gunicorn import util
from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

_FEED = re.compile(r"/calendar-feeds/[^/?#\s]+")
MASKED_FEED = "/calendar-feeds/[secret]"
_SIGN_IN = re.compile(r"^/sign-in/[^/?#\s]+")
MASKED_SIGN_IN = "/sign-in/[secret]"
UNROUTED = "[no route]"
SERVER = "p2p-scheduler"  # the Server header: what answers, not which software or version
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# gunicorn's refusals, with the code API.md's error shape gives each.
_CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_implemented",
}


def json_formatter() -> logging.Formatter:
    return JsonFormatter(LOG_FORMAT, rename_fields={"asctime": "time", "levelname": "level"})


def masked(path: str) -> str:
    return _SIGN_IN.sub(MASKED_SIGN_IN, _FEED.sub(MASKED_FEED, path))


class AccessLogger(Logger):
    """gunicorn's logger, writing JSON (see the module)."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, WithholdRequestText) for f in self.error_log.filters):
            self.error_log.addFilter(WithholdRequestText())

    def _set_handler(self, log, output, fmt, stream=None):
        super()._set_handler(log, output, json_formatter(), stream)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        request_id = next(
            (value for name, value in (resp.headers or ()) if name.lower() == "x-request-id"),
            None,
        )
        status = str(resp.status or "").split(" ", 1)[0]
        route = environ.get("p2p.route")
        self.access_log.info(
            "request",
            extra={
                "remote": environ.get("REMOTE_ADDR"),
                "method": environ.get("REQUEST_METHOD"),
                # A path that no route answered is the client's own text: not logged.
                "path": masked(environ.get("PATH_INFO", "")) if route else UNROUTED,
                "route": route,
                "status": int(status) if status.isdigit() else status,
                "bytes": _sent(resp, environ),
                "ms": round(request_time.total_seconds() * 1000, 1),
                "request_id": request_id,
            },
        )


def _sent(resp, environ) -> int | None:
    """Body bytes sent. gunicorn counts what it writes, not what it hands to sendfile (a
    static file): for those, the length it sent."""
    sent = getattr(resp, "sent", None)
    if sent or environ.get("REQUEST_METHOD") == "HEAD":
        return sent
    return getattr(resp, "response_length", None) or sent


class WithholdRequestText(logging.Filter):
    """gunicorn logs a request it refuses with the request's own text ("Invalid request
    from ip=...: Invalid HTTP request line: 'GET /?dob=...'"): keep who and why, not what."""

    PREFIX = "Invalid request from ip="

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(self.PREFIX):
            who, _, error = message.partition(": ")
            reason = error.split(":", 1)[0].split("'", 1)[0].strip()
            record.msg, record.args = f"{who}: {reason} (request text withheld)", ()
        return True


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's answer to a request it refuses itself, in API.md's error shape. The
    refused request's text is not echoed back."""
    body = json.dumps(
        {"error": {"code": _CODES.get(status_int, "bad_request"), "message": reason}}
    )
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Date: {util.http_date()}\r\n"
        f"Server: {SERVER}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, (head + body).encode("latin-1"))


def install() -> None:
    """Called from gunicorn.conf.py, before gunicorn serves anything."""
    import gunicorn.http.wsgi

    util.write_error = write_error
    gunicorn.http.wsgi.SERVER = SERVER


def app_logging(level: int = logging.INFO) -> None:
    """The app's logs as JSON lines on stderr, each with the request id (when in a
    request). Replaces handlers a previous app of this process set."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_p2p", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    handler._p2p = True
    root.addHandler(handler)
    root.setLevel(level)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import g, has_request_context

        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True
