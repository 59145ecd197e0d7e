"""What every response says about itself, whoever answered it (API, pages, errors):

- `X-Content-Type-Options: nosniff`: a browser takes the content type as sent;
- `Referrer-Policy: same-origin`: no link followed from a page tells another site the path;
- `Cache-Control: no-store` unless the view chose otherwise: API answers and pages can carry
  member data (`PUT /cases` echoes a name and date of birth), and nothing shared may keep
  them; static files and the calendar feeds set their own;
- `X-Request-ID`: the id this request's log lines carry (the caller's own, if it sent a
  plain one), so a caller's report can be found in the logs without any member data;
- `WWW-Authenticate: Bearer` on a 401 (RFC 6750).
"""

import hmac
import re
import uuid

from flask import Flask, Response, g, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id() -> None:
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex


ROUTE_KEY = "p2p.route"  # read by the access log (p2p/serving.py)


def _headers(response: Response) -> Response:
    # The route that answered, for the access log: a path no route matches is the client's
    # own text (it may be anything, a date of birth too) and is not logged.
    request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else None
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    if response.status_code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="p2p"')
    if request_id := g.get("request_id"):
        headers["X-Request-ID"] = request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(_request_id)
    app.after_request(_headers)


def bearer_key() -> str | None:
    """The credentials of an `Authorization: Bearer ...` header, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if not hmac.compare_digest(scheme.lower().encode(), b"bearer") or not credentials.strip():
        return None
    return credentials.strip()
